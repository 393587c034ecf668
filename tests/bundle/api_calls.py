"""Find the Kubernetes API calls a code base makes, by reading its source (no imports, no runs).

Two kinds of call sites are found:

- :class:`~nto.kube.client.KubeClient` calls, ``<...client...>.get|list|watch|create|replace|
  patch|delete(api_version, plural, ...)``, with ``subresource=`` when given;
- the controller runtime's declarations, ``<...runtime...>.watch(resource)`` (kopf lists and
  watches it, the runtime lists it at start-up and on re-lists) and ``.finalizer(resource)``
  (a kopf deletion handler: list, watch and patch), ``resource`` being a
  ``Resource(group, version, plural)``;
- kopf resource handlers, ``@kopf.on.<event>(group, version, plural)`` (and the one- and
  two-argument spellings, and ``kopf.daemon/timer/index``): kopf lists, watches and, for change
  handlers, patches the resource (``<plural>/status`` too when the handler writes
  ``patch.status``); a ``kopf.operator(...)`` (or ``kopf.spawn_tasks``) call adds kopf's own calls.

Arguments are resolved by :mod:`tests.bundle._resolve`. Whatever cannot be resolved is
returned as an :class:`Unresolved` site for the caller to allowlist with a reason.
"""

from __future__ import annotations

import ast
import itertools
from collections.abc import Iterable
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from tests.bundle._resolve import (
    UNKNOWN,
    CannotResolve,
    Module,
    Resolver,
    call_sites,
    literal_table,
    load,
    parameters,
    target_position,
)

CLIENT_VERBS = {
    "get": "get",
    "list": "list",
    "watch": "watch",
    "create": "create",
    "replace": "update",
    "patch": "patch",
    "delete": "delete",
}
RUNTIME_VERBS = {"watch": ("list", "watch"), "finalizer": ("list", "watch", "patch")}
KOPF_SKIPPED = {"login", "startup", "cleanup", "probe", "mutate", "validate"}
KOPF_READ_ONLY = {"event", "index"}
KOPF_RUNTIME = (
    ("apiextensions.k8s.io", "customresourcedefinitions", "list"),
    ("apiextensions.k8s.io", "customresourcedefinitions", "watch"),
    ("", "events", "create"),
)
RESOURCE_KEYWORDS = ("api_version", "plural", "subresource")


@dataclass(frozen=True)
class Call:
    """One permission the code needs: ``verb`` on ``group``/``resource``, made at ``where``."""

    group: str
    resource: str
    verb: str
    where: str


@dataclass(frozen=True)
class Unresolved:
    """A call site whose resource the scanner could not work out."""

    path: str
    code: str
    where: str


def group_of(api_version: str) -> str:
    return api_version.rpartition("/")[0] if "/" in api_version else ""


class Scanner:
    """Scan modules for API calls; collect :class:`Call` and :class:`Unresolved` entries."""

    def __init__(self, modules: list[Module], root: Path) -> None:
        self.resolver = Resolver(modules)
        self.modules = modules
        self.root = root
        self.calls: list[Call] = []
        self.unresolved: list[Unresolved] = []

    def scan(self) -> Scanner:
        for module in self.modules:
            for node in ast.walk(module.tree):
                if isinstance(node, ast.Call):
                    self._visit(module, node)
        return self

    def _where(self, module: Module, node: ast.AST) -> str:
        return f"{module.path.relative_to(self.root)}:{getattr(node, 'lineno', 0)}"

    def _visit(self, module: Module, node: ast.Call) -> None:
        func = node.func
        text = ast.unparse(func)
        try:
            if text in ("kopf.operator", "kopf.run", "kopf.spawn_tasks"):
                where = self._where(module, node)
                self.calls += [Call(*need, where=f"{where} (kopf)") for need in KOPF_RUNTIME]
            elif isinstance(func, ast.Attribute) and (
                text.startswith("kopf.on.") or text in ("kopf.daemon", "kopf.timer", "kopf.index")
            ):
                self._kopf(module, node, text.rpartition(".")[2])
            elif (
                isinstance(func, ast.Attribute)
                and func.attr in RUNTIME_VERBS
                and "runtime" in ast.unparse(func.value).lower()
            ):
                self._runtime(module, node, RUNTIME_VERBS[func.attr])
            elif isinstance(func, ast.Attribute) and func.attr in CLIENT_VERBS:
                receiver = ast.unparse(func.value).lower()
                if "client" in receiver and "session" not in receiver:
                    self._client(module, node, CLIENT_VERBS[func.attr])
        except CannotResolve as error:
            self.unresolved.append(
                Unresolved(
                    str(module.path.relative_to(self.root)),
                    ast.unparse(node)[:100],
                    f"{self._where(module, node)}: cannot resolve {error}",
                )
            )

    def _client(self, module: Module, node: ast.Call, verb: str) -> None:
        scope = self.resolver.scope_of(module, node)
        starred = bool(node.args) and isinstance(node.args[0], ast.Starred)
        relevant = [*node.args[: 1 if starred else 2]]
        relevant += [k.value for k in node.keywords if k.arg in RESOURCE_KEYWORDS]
        used = {n.id for expr in relevant for n in ast.walk(expr) if isinstance(n, ast.Name)}
        splat = any(k.arg is None for k in node.keywords)
        if scope is None or not (splat or used & set(parameters(scope))):
            self._client_once(module, node, verb, scope, splat_keywords={})
            return
        sites = list(call_sites(module, scope.name))
        if not sites:
            raise CannotResolve(f"{scope.name}() has no call site in its module")
        for site in sites:
            self.resolver.bind(scope, site, module)
            try:
                keywords = {k.arg: k.value for k in site.keywords if k.arg}
                caller = self.resolver.scope_of(module, site)
                self._client_once(module, node, verb, scope, {**keywords, "__caller__": caller})
            finally:
                self.resolver.unbind(scope)

    def _client_once(
        self, module: Module, node: ast.Call, verb: str, scope: Any, splat_keywords: dict[str, Any]
    ) -> None:
        keywords = {k.arg: k.value for k in node.keywords if k.arg}
        leading = node.args[:2]
        pairs: list[tuple[Any, ...]]
        if leading and isinstance(leading[0], ast.Starred):
            pairs = [v[:2] for v in self.resolver.values(module, leading[0].value, scope)]
        else:
            exprs = [*leading, *(keywords[k] for k in ("api_version", "plural") if k in keywords)]
            if len(exprs) < 2 or any(isinstance(e, ast.Starred) for e in exprs[:2]):
                raise CannotResolve(ast.unparse(node))
            pairs = self._table_rows(module, exprs[0], exprs[1], scope) or list(
                itertools.product(*(self.resolver.values(module, e, scope) for e in exprs[:2]))
            )
        subresources: list[Any] = [None]
        if "subresource" in keywords:
            subresources = self.resolver.values(module, keywords["subresource"], scope)
        elif any(k.arg is None for k in node.keywords) and "subresource" in splat_keywords:
            caller = splat_keywords["__caller__"]
            subresources = self.resolver.values(module, splat_keywords["subresource"], caller)
        if any(UNKNOWN in pair for pair in pairs) or UNKNOWN in subresources:
            raise CannotResolve(ast.unparse(node))
        for (api_version, plural), sub in itertools.product(pairs, subresources):
            resource = f"{plural}/{sub}" if sub else str(plural)
            self.calls.append(
                Call(group_of(str(api_version)), resource, verb, self._where(module, node))
            )

    def _table_rows(
        self, module: Module, first: ast.expr, second: ast.expr, scope: Any
    ) -> list[tuple[Any, ...]]:
        """Both arguments unpacked from one row of a literal table: resolve them row by row."""
        if not (isinstance(first, ast.Name) and isinstance(second, ast.Name)) or scope is None:
            return []
        for assign in ast.walk(scope):
            if not (isinstance(assign, ast.Assign) and len(assign.targets) == 1):
                continue
            target = assign.targets[0]
            if not isinstance(target, ast.Tuple):
                continue
            a, b = target_position(target, first.id), target_position(target, second.id)
            if a is not None and b is not None:
                values = self.resolver.values(module, assign.value, scope)
                return [(value[a], value[b]) for value in values]
        for loop in ast.walk(scope):
            if not isinstance(loop, ast.For | ast.AsyncFor):
                continue
            a, b = target_position(loop.target, first.id), target_position(loop.target, second.id)
            table = literal_table(loop.iter, scope)
            if a is None or b is None or a < 0 or b < 0 or table is None:
                continue
            rows: list[tuple[Any, ...]] = []
            for row in table.elts:
                if not isinstance(row, ast.Tuple | ast.List):
                    return []
                left = self.resolver.values(module, row.elts[a], scope)
                right = self.resolver.values(module, row.elts[b], scope)
                rows += itertools.product(left, right)
            return rows
        return []

    def _runtime(self, module: Module, node: ast.Call, verbs: tuple[str, ...]) -> None:
        if not node.args:
            raise CannotResolve(ast.unparse(node))
        scope = self.resolver.scope_of(module, node)
        where = f"{self._where(module, node)} (runtime)"
        for resource in self.resolver.values(module, node.args[0], scope):
            if UNKNOWN in resource or len(resource) != 3:
                raise CannotResolve(ast.unparse(node))
            group, _, plural = resource
            self.calls += [Call(str(group), str(plural), verb, where) for verb in verbs]

    def _kopf(self, module: Module, node: ast.Call, event: str) -> None:
        if event in KOPF_SKIPPED:
            return
        scope = self.resolver.scope_of(module, node)
        argument_lists = self.resolver.sequence(module, node.args, scope)
        keywords = {
            k.arg: self.resolver.values(module, k.value, scope)
            for k in node.keywords
            if k.arg in ("group", "plural")
        }
        for combo in argument_lists:
            if UNKNOWN in combo:
                raise CannotResolve(ast.unparse(node))
            group, plural = _kopf_resource([str(v) for v in combo])
            group = keywords.get("group", [group])[0]
            plural = keywords.get("plural", [plural])[0]
            if plural is None:
                raise CannotResolve(ast.unparse(node))
            verbs = ["list", "watch"] if event in KOPF_READ_ONLY else ["list", "watch", "patch"]
            where = f"{self._where(module, node)} (kopf.on.{event})"
            self.calls += [Call(group, plural, verb, where) for verb in verbs]
            if event not in KOPF_READ_ONLY and _writes_status(module, node):
                self.calls.append(Call(group, f"{plural}/status", "patch", where))


def _kopf_resource(args: list[str]) -> tuple[str, str | None]:
    if len(args) == 3:
        return args[0], args[2]
    if len(args) == 2:
        first = args[0]
        return ("" if first == "v1" else first.partition("/")[0]), args[1]
    if len(args) == 1:
        plural, _, group = args[0].partition(".")
        return group, plural
    return "", None


def _writes_status(module: Module, decorator: ast.Call) -> bool:
    handler = module.parents.get(decorator)
    for node in ast.walk(handler) if handler is not None else ():
        if (
            isinstance(node, ast.Attribute)
            and node.attr == "status"
            and isinstance(node.value, ast.Name)
            and node.value.id == "patch"
        ):
            return True
    return False


def scan(paths: Iterable[Path], root: Path) -> Scanner:
    """Load every file of ``paths`` and scan them together."""
    return Scanner([load(path, root) for path in paths], root).scan()

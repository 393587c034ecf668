"""Resolve Python expressions to their possible values by reading source (for ``api_calls``).

:class:`Resolver` follows literals, module constants (also imported ones, ``*PAIR`` tuples,
f-strings, indexing, ``TABLE[key]`` over dict literals), local and tuple-unpacking assignments,
``for`` loops over literal tables, same-module helper functions' return values, and function
parameters through every call site in the same module. Names unpacked from one row stay
together (one row, not a product of columns). Anything else raises :class:`CannotResolve`.
"""

from __future__ import annotations

import ast
import itertools
from collections.abc import Iterable, Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

MAX_DEPTH = 6
MAX_CANDIDATES = 256


class _Unknown:
    """A tuple element the scanner could not resolve; fatal only where it is used."""

    def __repr__(self) -> str:
        return "<unknown>"


UNKNOWN = _Unknown()


class CannotResolve(Exception):
    """An expression whose value the scanner cannot know."""


@dataclass
class Module:
    name: str
    path: Path
    tree: ast.Module
    constants: dict[str, list[ast.expr]] = field(default_factory=dict)
    imports: dict[str, tuple[str, str | None]] = field(default_factory=dict)
    functions: dict[str, list[ast.FunctionDef | ast.AsyncFunctionDef]] = field(default_factory=dict)
    parents: dict[ast.AST, ast.AST] = field(default_factory=dict)


def module_name(path: Path, root: Path) -> str:
    """``nto/a/b.py`` -> ``nto.a.b``; a distribution's package dir is its own root."""
    parts = list(path.relative_to(root).with_suffix("").parts)
    for index, part in enumerate(parts):
        if part.startswith("nto"):
            parts = parts[index:]
            break
    if parts[-1] == "__init__":
        parts = parts[:-1]
    return ".".join(parts)


def load(path: Path, root: Path) -> Module:
    tree = ast.parse(path.read_text(), filename=str(path))
    module = Module(module_name(path, root), path, tree)
    package = module.name if path.name == "__init__.py" else module.name.rpartition(".")[0]
    for node in tree.body:
        targets: list[ast.expr] = []
        if isinstance(node, ast.Assign):
            targets, value = node.targets, node.value
        elif isinstance(node, ast.AnnAssign) and node.value is not None:
            targets, value = [node.target], node.value
        for target in targets:
            if isinstance(target, ast.Name):
                module.constants.setdefault(target.id, []).append(value)
        if isinstance(node, ast.ImportFrom):
            base = node.module or ""
            if node.level:
                base = ".".join(package.split(".")[: len(package.split(".")) - node.level + 1])
                base = f"{base}.{node.module}" if node.module else base
            for alias in node.names:
                module.imports[alias.asname or alias.name] = (base, alias.name)
        if isinstance(node, ast.Import):
            for alias in node.names:
                module.imports[alias.asname or alias.name] = (alias.name, None)
    for node in ast.walk(tree):
        for child in ast.iter_child_nodes(node):
            module.parents[child] = node
        if isinstance(node, ast.FunctionDef | ast.AsyncFunctionDef):
            module.functions.setdefault(node.name, []).append(node)
    return module


class Resolver:
    """Resolves expressions to their possible values across the loaded modules."""

    def __init__(self, modules: Iterable[Module]) -> None:
        self.modules = {module.name: module for module in modules}
        self.bindings: dict[int, dict[str, tuple[ast.expr, Any]]] = {}
        """Per function (by ``id``): parameter -> (argument expression, caller scope)."""

    def scope_of(
        self, module: Module, node: ast.AST
    ) -> ast.FunctionDef | ast.AsyncFunctionDef | None:
        current = module.parents.get(node)
        while current is not None:
            if isinstance(current, ast.FunctionDef | ast.AsyncFunctionDef):
                return current
            current = module.parents.get(current)
        return None

    def values(self, module: Module, expr: ast.expr, scope: Any, depth: int = 0) -> list[Any]:
        if depth > MAX_DEPTH:
            raise CannotResolve(ast.unparse(expr))
        found = self._values(module, expr, scope, depth + 1)
        if not found or len(found) > MAX_CANDIDATES:
            raise CannotResolve(ast.unparse(expr))
        unique: list[Any] = []
        for value in found:
            if value not in unique:
                unique.append(value)
        return unique

    def _values(self, module: Module, expr: ast.expr, scope: Any, depth: int) -> list[Any]:
        if isinstance(expr, ast.Constant):
            return [expr.value]
        if isinstance(expr, ast.Tuple | ast.List):
            return [tuple(v) for v in self._sequence(module, expr.elts, scope, depth)]
        if isinstance(expr, ast.JoinedStr):
            parts = [self._values(module, part, scope, depth) for part in expr.values]
            return ["".join(map(str, combo)) for combo in itertools.product(*parts)]
        if isinstance(expr, ast.FormattedValue):
            return self.values(module, expr.value, scope, depth)
        if isinstance(expr, ast.BinOp) and isinstance(expr.op, ast.Add):
            left = self.values(module, expr.left, scope, depth)
            right = self.values(module, expr.right, scope, depth)
            return [a + b for a, b in itertools.product(left, right)]
        if isinstance(expr, ast.Subscript) and isinstance(expr.slice, ast.Constant):
            index = expr.slice.value
            return [v[index] for v in self.values(module, expr.value, scope, depth)]
        if isinstance(expr, ast.Subscript):
            table = self._dict_literal(module, expr.value, scope)
            if table is not None:
                return [
                    v for value in table.values for v in self.values(module, value, None, depth)
                ]
        if isinstance(expr, ast.IfExp):
            return [
                *self.values(module, expr.body, scope, depth),
                *self.values(module, expr.orelse, scope, depth),
            ]
        if isinstance(expr, ast.Call):
            func = expr.func
            name = func.attr if isinstance(func, ast.Attribute) else getattr(func, "id", "")
            if name == "Resource" and len(expr.args) == 3 and not expr.keywords:
                # nto.runtime's Resource(group, version, plural): a row of three strings
                return [tuple(v) for v in self._sequence(module, expr.args, scope, depth)]
            returns = [
                node.value
                for function in module.functions.get(name, [])
                for node in ast.walk(function)
                if isinstance(node, ast.Return) and node.value is not None
            ]
            if returns:
                found: list[Any] = []
                for value in returns:
                    found += self.values(module, value, self.scope_of(module, value), depth)
                return found
        if isinstance(expr, ast.Name):
            return self._name(module, expr.id, scope, depth)
        if isinstance(expr, ast.Attribute) and isinstance(expr.value, ast.Name):
            imported = module.imports.get(expr.value.id)
            if imported:
                target = ".".join(p for p in imported if p)
                if target in self.modules:
                    return self._constant(self.modules[target], expr.attr, depth)
        raise CannotResolve(ast.unparse(expr))

    def _dict_literal(self, module: Module, expr: ast.expr, scope: Any) -> ast.Dict | None:
        """The dict literal a module constant (maybe imported) names, for ``TABLE[key]``."""
        if isinstance(expr, ast.Dict):
            return expr
        if not isinstance(expr, ast.Name):
            return None
        target, name = module, expr.id
        for _ in range(MAX_DEPTH):
            assigned = target.constants.get(name, [])
            if len(assigned) == 1 and isinstance(assigned[0], ast.Dict):
                return assigned[0]
            source = target.imports.get(name)
            if not source or not source[1] or source[0] not in self.modules:
                return None
            target, name = self.modules[source[0]], source[1]
        return None

    def sequence(self, module: Module, elts: list[ast.expr], scope: Any) -> list[list[Any]]:
        """Every possible value of an argument list (``*starred`` items expanded)."""
        return self._sequence(module, elts, scope, 0)

    def _sequence(
        self, module: Module, elts: list[ast.expr], scope: Any, depth: int
    ) -> list[list[Any]]:
        joint = self._joint(module, elts, scope, depth)
        if joint is not None:
            return joint
        options: list[list[list[Any]]] = []
        for elt in elts:
            if isinstance(elt, ast.Starred):
                options.append([list(v) for v in self.values(module, elt.value, scope, depth)])
            else:
                try:
                    options.append([[v] for v in self.values(module, elt, scope, depth)])
                except CannotResolve:
                    options.append([[UNKNOWN]])
        return [list(itertools.chain.from_iterable(c)) for c in itertools.product(*options)]

    def _joint(
        self, module: Module, elts: list[ast.expr], scope: Any, depth: int
    ) -> list[list[Any]] | None:
        """Names unpacked together (``a, b = ROW``) stay together: one row, not a product."""
        names = {i: elt.id for i, elt in enumerate(elts) if isinstance(elt, ast.Name)}
        if scope is None or len(names) < 2 or any(isinstance(e, ast.Starred) for e in elts):
            return None
        for assign in ast.walk(scope):
            if not (isinstance(assign, ast.Assign) and len(assign.targets) == 1):
                continue
            target = assign.targets[0]
            if not isinstance(target, ast.Tuple):
                continue
            positions = {i: target_position(target, name) for i, name in names.items()}
            together = {i: p for i, p in positions.items() if p is not None and p >= 0}
            if len(together) < 2:
                continue
            rows = self.values(module, assign.value, scope, depth)
            others = [i for i in range(len(elts)) if i not in together]
            rest = self._sequence(module, [elts[i] for i in others], scope, depth)
            result = []
            for row, extra in itertools.product(rows, rest):
                values = dict(zip(others, extra, strict=True))
                values.update({i: row[p] for i, p in together.items()})
                result.append([values[i] for i in range(len(elts))])
            return result
        return None

    def _constant(self, module: Module, name: str, depth: int) -> list[Any]:
        if name in module.constants:
            return [
                v for expr in module.constants[name] for v in self.values(module, expr, None, depth)
            ]
        if name in module.imports:
            source, attr = module.imports[name]
            if attr and source in self.modules:
                return self._constant(self.modules[source], attr, depth)
        raise CannotResolve(name)

    def _name(self, module: Module, name: str, scope: Any, depth: int) -> list[Any]:
        while scope is not None:
            local = self._local(module, name, scope, depth)
            if local is not None:
                return local
            scope = self.scope_of(module, scope)
        return self._constant(module, name, depth)

    def _local(self, module: Module, name: str, scope: Any, depth: int) -> list[Any] | None:
        found: list[Any] = []
        hit = False
        for node in ast.walk(scope):
            if isinstance(node, ast.ImportFrom) and node.module in self.modules:
                for alias in node.names:
                    if (alias.asname or alias.name) == name:
                        hit = True
                        found += self._constant(self.modules[node.module], alias.name, depth)
            if isinstance(node, ast.Assign | ast.AnnAssign) and node.value is not None:
                targets = node.targets if isinstance(node, ast.Assign) else [node.target]
                if any(isinstance(t, ast.Name) and t.id == name for t in targets):
                    hit = True
                    found += self.values(module, node.value, scope, depth)
                for target in targets:
                    position = (
                        target_position(target, name) if isinstance(target, ast.Tuple) else None
                    )
                    if position is not None:
                        hit = True
                        found += [
                            v[position] for v in self.values(module, node.value, scope, depth)
                        ]
            if isinstance(node, ast.For | ast.AsyncFor | ast.comprehension):
                position = target_position(node.target, name)
                if position is not None:
                    hit = True
                    found += self._column(module, node.iter, position, scope, depth)
        params = parameters(scope)
        if name in params:
            hit = True
            bound = self.bindings.get(id(scope), {})
            if name in bound:
                expr, caller = bound[name]
                found += self.values(module, expr, caller, depth)
            else:
                found += self._from_call_sites(module, scope, name, params.index(name), depth)
        return found if hit else None

    def bind(self, function: Any, call: ast.Call, module: Module) -> None:
        """Bind ``function``'s parameters (and ``**kwargs`` keys) to one call site's arguments."""
        if any(isinstance(a, ast.Starred) for a in call.args):
            raise CannotResolve(ast.unparse(call))
        caller = self.scope_of(module, call)
        params = parameters(function)
        bound = {name: (arg, caller) for name, arg in zip(params, call.args, strict=False)}
        bound.update({k.arg: (k.value, caller) for k in call.keywords if k.arg})
        self.bindings[id(function)] = bound

    def unbind(self, function: Any) -> None:
        self.bindings.pop(id(function), None)

    def _column(
        self, module: Module, iterable: ast.expr, position: int, scope: Any, depth: int
    ) -> list[Any]:
        """The values a ``for`` target takes at ``position`` (-1: the whole item)."""
        literal = literal_table(iterable, scope)
        if literal is None:
            rows = self.values(module, iterable, scope, depth)
            return [item if position < 0 else item[position] for row in rows for item in row]
        found: list[Any] = []
        for row in literal.elts:
            if position >= 0 and isinstance(row, ast.Tuple | ast.List):
                found += self.values(module, row.elts[position], scope, depth)
            else:
                values = self.values(module, row, scope, depth)
                found += [v if position < 0 else v[position] for v in values]
        return found

    def _from_call_sites(
        self, module: Module, function: Any, name: str, index: int, depth: int
    ) -> list[Any]:
        values: list[Any] = []
        sites = list(call_sites(module, function.name))
        if not sites:
            raise CannotResolve(f"parameter {name!r} of {function.name}() has no call site")
        for call in sites:
            caller = self.scope_of(module, call)
            keyword = next((k.value for k in call.keywords if k.arg == name), None)
            positional = [a for a in call.args if not isinstance(a, ast.Starred)]
            if keyword is not None:
                values += self.values(module, keyword, caller, depth)
            elif index < len(positional) and len(positional) == len(call.args):
                values += self.values(module, positional[index], caller, depth)
            else:
                raise CannotResolve(f"{ast.unparse(call)} (parameter {name!r})")
        return values


def literal_table(iterable: ast.expr, scope: Any) -> ast.List | ast.Tuple | None:
    """The literal list a ``for`` iterates, directly or through one local assignment."""
    if isinstance(iterable, ast.List | ast.Tuple):
        return iterable
    if isinstance(iterable, ast.Name) and scope is not None:
        assigned = [
            node.value
            for node in ast.walk(scope)
            if (isinstance(node, ast.Assign) and names(node.targets, iterable.id))
            or (isinstance(node, ast.AnnAssign) and names([node.target], iterable.id))
        ]
        if len(assigned) == 1 and isinstance(assigned[0], ast.List | ast.Tuple):
            return assigned[0]
    return None


def names(targets: list[ast.expr], name: str) -> bool:
    return any(isinstance(target, ast.Name) and target.id == name for target in targets)


def target_position(target: ast.expr, name: str) -> int | None:
    if isinstance(target, ast.Name):
        return -1 if target.id == name else None
    if isinstance(target, ast.Tuple):
        for position, elt in enumerate(target.elts):
            if isinstance(elt, ast.Name) and elt.id == name:
                return position
    return None


def parameters(function: Any) -> list[str]:
    if not isinstance(function, ast.FunctionDef | ast.AsyncFunctionDef):
        return []
    names = [a.arg for a in (*function.args.posonlyargs, *function.args.args)]
    return names[1:] if names[:1] in (["self"], ["cls"]) else names


def call_sites(module: Module, function_name: str) -> Iterator[ast.Call]:
    for node in ast.walk(module.tree):
        if isinstance(node, ast.Call):
            func = node.func
            called = func.attr if isinstance(func, ast.Attribute) else getattr(func, "id", None)
            if called == function_name:
                yield node

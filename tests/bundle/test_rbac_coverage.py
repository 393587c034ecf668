"""RBAC covers every API call the code makes, derived from the code (``api_calls``), not by hand.

Core calls must be granted by the core's rules (and kopf's); each plugin's calls by the core's
plus the plugin's own ``nto_rbac_rules`` (so a plugin disabled by default is checked too); the
operand's by the operand's role. Calls the scanner cannot resolve must be allowlisted below
with a reason, and allowlist entries that no longer match fail too.
"""

from __future__ import annotations

import textwrap
from importlib import metadata
from pathlib import Path

import pytest

from nto.bundle import rbac
from nto.plugins import PolicyRule, build_plugin_host
from nto.plugins.markers import ENTRY_POINT_GROUP
from tests.bundle.api_calls import Call, scan

ROOT = Path(__file__).resolve().parents[2]

_GENERIC = (
    "the controller runtime is generic over the Resource its callers declare; each caller's "
    "runtime.watch()/runtime.finalizer() call is scanned instead"
)
UNRESOLVED_ALLOWLIST: dict[tuple[str, str], str] = {
    (
        "nto/runtime/controllers.py",
        "kopf.on.event(resource.group, resource.version, resource.plural, "
        "id=f'watch/{resource.key}', registr",
    ): _GENERIC,
    (
        "nto/runtime/controllers.py",
        "kopf.on.delete(resource.group, resource.version, resource.plural, "
        "id=f'finalize/{resource.key}', reg",
    ): _GENERIC,
    (
        "nto/runtime/controllers.py",
        "self.client.list(resource.api_version, resource.plural, namespace)",
    ): _GENERIC,
    (
        "nto/runtime/management.py",
        "management_client.watch(selection.resource.api_version, selection.resource.plural, "
        "selection.namespa",
    ): _GENERIC + "; it runs against HyperShift's management cluster",
}
"""(path, call text) -> why it is fine."""

OTHER_IDENTITIES = {
    "management_client": "HyperShift: the management cluster's service account, whose RBAC "
    "comes with the hosted control plane (HyperShift), not this bundle",
    "node_client": "the operand updates its Node with the kubelet's credentials, not its SA",
    "user_client": "CLI commands (latency-test) run with the user's kubeconfig, not the "
    "operator's service account",
}
"""Receivers whose calls run as another identity than the file's component."""

KNOWN_UNGRANTED: dict[tuple[str, str, str, str], str] = {}
"""Calls known to lack a grant, each with the fix; a fixed entry must be removed."""


def _scanned_files() -> list[Path]:
    files = [p for p in (ROOT / "nto").rglob("*.py") if "testing" not in p.parts]
    for package in (ROOT / "plugins").glob("*/nto_*"):
        files += package.rglob("*.py")
    files += (ROOT / "api" / "nto_api").rglob("*.py")
    return sorted(files)


def _plugin_packages() -> dict[str, str]:
    """Top-level package -> plugin name, from the installed entry points."""
    packages = {}
    for entry_point in metadata.entry_points(group=ENTRY_POINT_GROUP):
        packages[entry_point.value.split(":")[0].split(".")[0]] = entry_point.name
    return packages


def _grants(rules: list[PolicyRule]) -> set[tuple[str, str, str]]:
    return {
        (group, resource, verb)
        for rule in rules
        for group in rule.api_groups
        for resource in rule.resources
        for verb in rule.verbs
    }


def _identity(call: Call, packages: dict[str, str]) -> str:
    path = Path(call.where.split(":")[0])
    if path.parts[0] == "plugins":
        package = path.parts[2]
        return packages.get(package, f"uninstalled plugin package {package}")
    if path.parts[:2] == ("nto", "operand"):
        return "operand"
    return "core"


@pytest.fixture(scope="module")
def scanner():
    return scan(_scanned_files(), ROOT)


@pytest.fixture(scope="module")
def granted() -> dict[str, set[tuple[str, str, str]]]:
    core = [*rbac.CORE_RULES, *rbac.KOPF_RULES]
    grants = {"core": _grants(core), "operand": _grants(list(rbac.OPERAND_RULES))}
    host = build_plugin_host(disabled=())
    for plugin, rule in host.collect("nto_rbac_rules"):
        grants.setdefault(plugin, _grants(core))
        grants[plugin] |= _grants([rule])
    for name in _plugin_packages().values():
        grants.setdefault(name, _grants(core))
    return grants


def _receiver_identity(scanner_call: Call) -> str | None:
    path, _, line = scanner_call.where.partition(":")
    text = (ROOT / path).read_text().splitlines()[int(line.split()[0]) - 1]
    return next((name for name in OTHER_IDENTITIES if f"{name}." in text), None)


def test_every_api_call_is_granted(scanner, granted):
    packages = _plugin_packages()
    missing: dict[tuple[str, str, str, str], list[str]] = {}
    for call in scanner.calls:
        if _receiver_identity(call):
            continue
        who = _identity(call, packages)
        if (call.group, call.resource, call.verb) not in granted.get(who, set()):
            missing.setdefault((who, call.group, call.resource, call.verb), []).append(call.where)
    unexpected = {key: where for key, where in missing.items() if key not in KNOWN_UNGRANTED}
    report = "\n".join(
        f"{who}: {verb} {group or 'core'}/{resource} at {', '.join(where)}"
        for (who, group, resource, verb), where in sorted(unexpected.items())
    )
    assert not unexpected, f"RBAC does not grant these calls; add rules for them:\n{report}"
    fixed = set(KNOWN_UNGRANTED) - set(missing)
    assert not fixed, (
        f"these calls are granted or gone now; drop them from KNOWN_UNGRANTED: {fixed}"
    )


def test_unresolved_calls_are_exactly_the_allowlist(scanner):
    found = {(u.path, u.code): u.where for u in scanner.unresolved}
    new = {key: where for key, where in found.items() if key not in UNRESOLVED_ALLOWLIST}
    assert not new, "calls the scanner cannot resolve; make the arguments constants or " + (
        f"allowlist them with a reason: {new}"
    )
    stale = set(UNRESOLVED_ALLOWLIST) - set(found)
    assert not stale, f"allowlisted calls that no longer exist: {stale}"


def test_the_scan_sees_the_known_call_sites(scanner):
    """Guards the scanner itself: it must find calls we know exist."""
    seen = {(c.group, c.resource, c.verb) for c in scanner.calls}
    assert {
        ("coordination.k8s.io", "leases", "get"),
        ("coordination.k8s.io", "leases", "update"),
        ("config.openshift.io", "infrastructures", "get"),
        ("apiextensions.k8s.io", "customresourcedefinitions", "watch"),
        ("performance.openshift.io", "performanceprofiles", "patch"),  # runtime.finalizer
        ("apps", "daemonsets", "list"),  # runtime.watch
    } <= seen


# --- the scanner on small sources ----------------------------------------------------------

NAMES = """
GROUP = "widgets.io"
V1 = f"{GROUP}/v1"
PAIR = (V1, "widgets")
TRIPLE = (GROUP, "v1", "widgets")
"""


@pytest.mark.parametrize(
    ("source", "expected"),
    [
        pytest.param(
            'async def f(client):\n    await client.get("apps/v1", "daemonsets", "x")',
            {("apps", "daemonsets", "get")},
            id="literals",
        ),
        pytest.param(
            "from pkg.names import PAIR\nasync def f(client):\n    await client.list(*PAIR)",
            {("widgets.io", "widgets", "list")},
            id="imported-starred-tuple",
        ),
        pytest.param(
            "from pkg import names\nasync def f(client):\n"
            "    await client.create(names.V1, 'widgets', {})",
            {("widgets.io", "widgets", "create")},
            id="module-attribute-fstring",
        ),
        pytest.param(
            "async def f(client, body):\n"
            "    await client.replace('v1', 'pods', body, subresource='status')",
            {("", "pods/status", "update")},
            id="subresource",
        ),
        pytest.param(
            "async def f(client):\n"
            "    table = [('v1', 'nodes'), ('apps/v1', 'daemonsets')]\n"
            "    for version, plural in table:\n"
            "        await client.list(version, plural)",
            {("", "nodes", "list"), ("apps", "daemonsets", "list")},
            id="loop-over-table-row-by-row",
        ),
        pytest.param(
            "A = ('v1', 'nodes')\nB = ('v1', 'pods')\n"
            "class W:\n"
            "    async def _delete(self, res, name, **kw):\n"
            "        await self.client.delete(*res, name, **kw)\n"
            "    async def a(self):\n        await self._delete(A, 'x')\n"
            "    async def b(self):\n        await self._delete(B, 'y')",
            {("", "nodes", "delete"), ("", "pods", "delete")},
            id="parameter-through-call-sites",
        ),
        pytest.param(
            "import kopf\n"
            "def register(registry):\n"
            "    @kopf.on.create('widgets.io', 'v1', 'widgets', registry=registry)\n"
            "    def made(patch, **_):\n        patch.status['ok'] = True\n"
            "    @kopf.on.event('v1', 'nodes', registry=registry)\n"
            "    def seen(**_):\n        pass\n"
            "    @kopf.on.startup(registry=registry)\n"
            "    def start(**_):\n        pass",
            {
                ("widgets.io", "widgets", "list"),
                ("widgets.io", "widgets", "watch"),
                ("widgets.io", "widgets", "patch"),
                ("widgets.io", "widgets/status", "patch"),
                ("", "nodes", "list"),
                ("", "nodes", "watch"),
            },
            id="kopf-handlers",
        ),
        pytest.param(
            "def register(registry):\n    import kopf\n    from pkg.names import TRIPLE\n"
            "    @kopf.on.event(*TRIPLE, registry=registry)\n    def h(**_):\n        pass",
            {("widgets.io", "widgets", "list"), ("widgets.io", "widgets", "watch")},
            id="kopf-starred-local-import",
        ),
        pytest.param(
            "import kopf\nasync def run():\n    await kopf.operator()",
            {
                ("apiextensions.k8s.io", "customresourcedefinitions", "list"),
                ("apiextensions.k8s.io", "customresourcedefinitions", "watch"),
                ("", "events", "create"),
            },
            id="kopf-runtime",
        ),
        pytest.param(
            "TABLE = {'a': ('v1', 'nodes', True), 'b': ('apps/v1', 'daemonsets', False)}\n"
            "class W:\n"
            "    def _where(self, kind):\n"
            "        version, plural, namespaced = TABLE[kind]\n"
            "        return version, plural, self.ns if namespaced else None\n"
            "    async def get(self, kind):\n"
            "        version, plural, ns = self._where(kind)\n"
            "        await self.client.get(version, plural, 'x', ns)",
            {("", "nodes", "get"), ("apps", "daemonsets", "get")},
            id="dict-table-through-a-helper-row-by-row",
        ),
        pytest.param(
            "async def f(self):\n    await self._session.get('https://x/y')",
            set(),
            id="http-session-ignored",
        ),
    ],
)
def test_scanner_resolves(tmp_path, source, expected):
    package = tmp_path / "pkg"
    package.mkdir()
    (package / "__init__.py").write_text("")
    (package / "names.py").write_text(NAMES)
    (package / "code.py").write_text(textwrap.dedent(source) + "\n")
    result = scan(sorted(package.glob("*.py")), tmp_path)
    assert result.unresolved == []
    assert {(c.group, c.resource, c.verb) for c in result.calls} == expected


@pytest.mark.parametrize(
    "source",
    [
        pytest.param(
            "async def f(self):\n    await self.client.get(self.api, 'x', 'n')", id="attr"
        ),
        pytest.param("async def f(client, v):\n    await client.list(v, 'nodes')", id="no-caller"),
        pytest.param("async def f(client, r):\n    await client.list(*r)", id="starred-param"),
        pytest.param("async def f(client):\n    await client.list(compute(), 'x')", id="call"),
    ],
)
def test_scanner_reports_what_it_cannot_resolve(tmp_path, source):
    (tmp_path / "code.py").write_text(source + "\n")
    result = scan([tmp_path / "code.py"], tmp_path)
    assert result.calls == []
    (unresolved,) = result.unresolved
    assert unresolved.where.startswith("code.py:2: cannot resolve")

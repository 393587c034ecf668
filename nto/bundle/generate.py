"""Assemble the CVO bundle from the core's manifests and the plugins' hooks; write or check it.

Files are ``0000_50_cluster-node-tuning-operator_<NN>-<name>.yaml``; ``NN`` orders the apply:
10 namespace, 20 CRDs, 30 monitoring, 40 RBAC, 45 webhook (from the plugins that serve
webhooks), 50 operator, 55 network policy, 60 ClusterOperator; plus ``image-references``.
Plugins add CRDs (``nto_crds``), RBAC rules
(``nto_rbac_rules``), documents (``nto_bundle_manifests``, into a new or an existing file) and
related objects (``nto_related_objects``).

Plugin metadata comes from hook ``nto_plugin_metadata``
(:class:`~nto.plugins.metadata.PluginMetadata`). A plugin *disabled by default* ships in the code
base but switched off: the bundle takes nothing from it and lists it in the Deployment's
``NTO_DISABLED_PLUGINS`` (the installed ones, so generate the bundle where every plugin of the
code base is installed, as ``make bundle`` does). When an enabled plugin serves webhook routes,
the Deployment mounts the Secret it names as ``webhook_secret``. A plugin that fails while the
bundle is built fails the build: a bundle silently missing a plugin's CRDs would install a broken
operator. ``--check`` compares instead of writing
(``make verify``). Neighbours: every other module of :mod:`nto.bundle`, :mod:`nto.cli`.
"""

from __future__ import annotations

import difflib
import re
import sys
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, Final

import yaml

from nto.bundle import cvo, rbac
from nto.bundle.clusteroperator import cluster_operator, image_references
from nto.bundle.crds import core_crds, crd_files
from nto.bundle.monitoring import monitoring
from nto.bundle.names import FILE_PREFIX
from nto.bundle.namespace import namespace
from nto.bundle.network_policy import network_policies
from nto.bundle.operator_deployment import ibm_cloud_variant, operator_deployment
from nto.plugins.host import PluginHost
from nto.plugins.metadata import PluginMetadata
from nto.plugins.types import PolicyRule, RelatedObject
from nto_api.objects import JSONDict

IMAGE_REFERENCES: Final = "image-references"
PLUGIN_FILE: Final = re.compile(r"^[0-9]{2}-[a-z0-9][a-z0-9.-]*\.yaml$")
"""A plugin's file name without the prefix: ``NN-name.yaml``, nothing that could leave the dir."""

__all__ = [
    "IMAGE_REFERENCES",
    "BundleError",
    "build",
    "collect",
    "core_crds",
    "disabled_by_default",
    "render",
    "run",
]


class BundleError(ValueError):
    """A plugin's contribution cannot go into the bundle (bad file name or manifest)."""


@dataclass
class Contributions:
    """What the enabled plugins add to the bundle, and the names of the plugins left off."""

    crds: list[JSONDict] = field(default_factory=list)
    rules: list[PolicyRule] = field(default_factory=list)
    manifests: list[tuple[str, JSONDict]] = field(default_factory=list)
    related: list[RelatedObject] = field(default_factory=list)
    webhook_secret: str | None = None
    """The Secret the shared webhook server's certificate comes from; ``None``: no webhooks."""
    disabled: tuple[str, ...] = ()


def plugin_metadata(host: PluginHost) -> dict[str, PluginMetadata]:
    """Each registered plugin's :class:`PluginMetadata` (defaults when it answers nothing)."""
    answers: dict[str, PluginMetadata] = {}
    for plugin, answer in host.call("nto_plugin_metadata"):
        if not isinstance(answer, PluginMetadata):
            raise BundleError(
                f"plugin {plugin!r} returned {answer!r} from nto_plugin_metadata; "
                "return nto.plugins.PluginMetadata(...)"
            )
        answers[plugin] = answer
    return {name: answers.get(name, PluginMetadata()) for name in _registered(host)}


def _registered(host: PluginHost) -> list[str]:
    """Plugins pluggy holds (not blocked, not refused at registration)."""
    return [name for name, plugin in host.manager.list_name_plugin() if plugin is not None]


def disabled_by_default(host: PluginHost) -> tuple[str, ...]:
    """Installed plugins whose metadata says ``disabled_by_default``, sorted."""
    return tuple(sorted(n for n, m in plugin_metadata(host).items() if m.disabled_by_default))


def _webhook_secret(host: PluginHost, metadata: dict[str, PluginMetadata]) -> str | None:
    """The one Secret the enabled plugins that serve webhook routes name, or ``None``."""
    serving = sorted(
        {impl.plugin_name for impl in host.manager.hook.nto_webhook_routes.get_hookimpls()}
        & set(metadata)
    )
    secrets = {plugin: metadata[plugin].webhook_secret for plugin in serving}
    for plugin, secret in secrets.items():
        if not secret:
            raise BundleError(
                f"plugin {plugin!r} serves webhook routes (nto_webhook_routes) but names no "
                "webhook_secret in nto_plugin_metadata; return PluginMetadata(webhook_secret="
                "'<secret its Service requests>')"
            )
    if len(set(secrets.values())) > 1:
        raise BundleError(
            f"plugins name different webhook secrets {secrets!r}; the shared webhook server "
            "has one certificate: agree on one Secret (one Service requests it)"
        )
    return next(iter(secrets.values()), None)


def collect(host: PluginHost) -> Contributions:
    """Call the cluster-shape hooks of every plugin not disabled by default."""
    metadata = plugin_metadata(host)
    off = tuple(sorted(name for name, meta in metadata.items() if meta.disabled_by_default))
    enabled = {name: meta for name, meta in metadata.items() if name not in off}

    def gather(hook: str) -> list[tuple[str, Any]]:
        return [(plugin, item) for plugin, item in host.collect(hook) if plugin not in off]

    return Contributions(
        crds=[item for _, item in gather("nto_crds")],
        rules=[item for _, item in gather("nto_rbac_rules")],
        manifests=[_plugin_manifest(p, item) for p, item in gather("nto_bundle_manifests")],
        related=[item for _, item in gather("nto_related_objects")],
        webhook_secret=_webhook_secret(host, enabled),
        disabled=off,
    )


def _plugin_manifest(plugin: str, item: Any) -> tuple[str, JSONDict]:
    """Check one ``(file_name, manifest)`` pair from plugin ``plugin``."""
    if not (isinstance(item, tuple) and len(item) == 2):
        raise BundleError(
            f"plugin {plugin!r} returned {item!r} from nto_bundle_manifests; "
            "return (file_name, manifest) pairs"
        )
    name, manifest = item
    short = name.removeprefix(FILE_PREFIX) if isinstance(name, str) else name
    if not isinstance(short, str) or not PLUGIN_FILE.match(short):
        raise BundleError(
            f"plugin {plugin!r} asked for bundle file {name!r}; use 'NN-name.yaml' "
            "(two digits, lower-case letters, digits, '.' and '-')"
        )
    metadata = manifest.get("metadata") if isinstance(manifest, dict) else None
    if not (
        isinstance(metadata, dict)
        and metadata.get("name")
        and manifest.get("apiVersion")
        and manifest.get("kind")
    ):
        raise BundleError(
            f"plugin {plugin!r} returned an incomplete manifest for {short!r}: {manifest!r}; "
            "set apiVersion, kind and metadata.name"
        )
    return short, manifest


def core_files(extra: Contributions) -> dict[str, list[JSONDict]]:
    """The core's files (short names) with the plugins' CRDs, rules and related objects."""
    deployment = operator_deployment(
        disabled_plugins=extra.disabled, webhook_secret=extra.webhook_secret
    )
    files: dict[str, list[JSONDict]] = {"10-namespace.yaml": [namespace()]}
    files.update({name: [crd] for name, crd in crd_files(core_crds() + extra.crds).items()})
    files["30-monitoring.yaml"] = monitoring()
    files["40-rbac.yaml"] = [*rbac.operator_rbac(extra.rules), *rbac.operand_rbac()]
    files["50-operator.yaml"] = [deployment]
    files["50-operator-ibm-cloud-managed.yaml"] = [ibm_cloud_variant(deployment)]
    files["55-network-policy.yaml"] = network_policies()
    files["60-clusteroperator.yaml"] = [cluster_operator(extra.related)]
    return files


def build(host: PluginHost) -> dict[str, list[JSONDict]]:
    """File name -> documents: the core's files, the plugins' additions and image-references."""
    extra = collect(host)
    files = core_files(extra)
    for name, manifest in extra.manifests:
        files.setdefault(name, []).append(manifest)
    bundle = {
        FILE_PREFIX + name: [cvo.annotate(doc) for doc in docs]
        for name, docs in sorted(files.items())
    }
    _refuse_duplicates(bundle)
    bundle[IMAGE_REFERENCES] = [image_references()]
    return bundle


def _refuse_duplicates(bundle: dict[str, list[JSONDict]]) -> None:
    """Two documents for one object in one release profile would fight in the cluster."""
    seen: dict[tuple[str, str, str, str], list[tuple[str, set[str]]]] = {}
    for name, docs in bundle.items():
        for doc in docs:
            metadata = doc["metadata"]
            key = (doc["apiVersion"], doc["kind"], metadata.get("namespace", ""), metadata["name"])
            profiles = {k for k, v in metadata["annotations"].items() if v == "true"}
            for other, other_profiles in seen.get(key, []):
                if profiles & other_profiles:
                    raise BundleError(
                        f"{doc['kind']} {metadata['name']!r} is in both {other!r} and {name!r}; "
                        "a plugin must not ship an object the core or another plugin ships"
                    )
            seen.setdefault(key, []).append((name, profiles))


def render(documents: list[JSONDict]) -> str:
    """YAML text of one bundle file (multi-document when needed), stable key order."""
    return "---\n".join(yaml.safe_dump(doc, sort_keys=True) for doc in documents)


def _failures(host: PluginHost, disabled: tuple[str, ...]) -> list[str]:
    return [f.describe() for f in host.failures if f.plugin not in disabled]


def run(host: PluginHost, *, output_dir: Path, check: bool) -> int:
    """Write the bundle into ``output_dir`` (or compare with it); return the exit code."""
    try:
        wanted = {name: render(docs) for name, docs in build(host).items()}
        disabled = disabled_by_default(host)
    except (BundleError, rbac.WildcardRuleError) as exc:
        print(f"nto bundle: {exc}", file=sys.stderr)
        return 1
    if failures := _failures(host, disabled):
        for failure in failures:
            print(f"nto bundle: {failure}; fix or disable the plugin", file=sys.stderr)
        return 1
    if check:
        return _compare(wanted, output_dir)
    output_dir.mkdir(parents=True, exist_ok=True)
    for stale in _present(output_dir):
        if stale.name not in wanted:
            stale.unlink()
    for name, text in wanted.items():
        (output_dir / name).write_text(text)
    print(f"wrote {len(wanted)} files to {output_dir}")
    return 0


def _present(output_dir: Path) -> list[Path]:
    found = list(output_dir.glob(FILE_PREFIX + "*.yaml"))
    references = output_dir / IMAGE_REFERENCES
    return [*found, references] if references.exists() else found


def _compare(wanted: dict[str, str], output_dir: Path) -> int:
    present = {path.name: path.read_text() for path in _present(output_dir)}
    drift: list[str] = []
    for name in sorted(set(wanted) | set(present)):
        old = present.get(name, "")
        new = wanted.get(name, "")
        if old != new:
            drift.extend(
                difflib.unified_diff(
                    old.splitlines(True), new.splitlines(True), f"a/{name}", f"b/{name}"
                )
            )
    if drift:
        sys.stdout.writelines(drift)
        print("bundle drift: run 'make bundle' and commit the result", file=sys.stderr)
        return 1
    return 0

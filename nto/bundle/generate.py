"""Assemble the CVO bundle from the core's manifests and every plugin's hooks, and write it.

File names follow the CVO convention ``0000_50_cluster-node-tuning-operator_<NN>-<name>.yaml``
where ``NN`` orders the apply (10 namespace, 20 CRDs, 40 RBAC, 60 ClusterOperator). ``--check``
compares instead of writing, for ``make verify``.
"""

from __future__ import annotations

import difflib
import sys
from pathlib import Path
from typing import Any

import yaml

from nto.bundle import manifests
from nto.plugins.host import PluginHost
from nto.plugins.types import JSONDict, PolicyRule, RelatedObject

PREFIX = "0000_50_cluster-node-tuning-operator_"


def _annotated(manifest: JSONDict) -> JSONDict:
    metadata = manifest.setdefault("metadata", {})
    metadata["annotations"] = {**manifests.cvo_annotations(), **metadata.get("annotations", {})}
    return manifest


def core_crds() -> list[JSONDict]:
    """The core's CRDs (``tuned.openshift.io``) from the API package."""
    from nto_api.crds import load_crds

    return [crd for crd in load_crds() if crd["spec"]["group"] == "tuned.openshift.io"]


def build(host: PluginHost) -> dict[str, list[JSONDict]]:
    """File name -> documents, for the core plus every loaded plugin."""
    files: dict[str, list[JSONDict]] = {"10-namespace.yaml": [manifests.namespace()]}
    crds = core_crds() + [crd for _, crd in host.collect("nto_crds")]
    for crd in crds:
        files[f"20-{crd['metadata']['name']}.crd.yaml"] = [crd]
    rules: list[PolicyRule] = list(manifests.CORE_RULES)
    rules += [rule for _, rule in host.collect("nto_rbac_rules")]
    files["40-rbac.yaml"] = [manifests.cluster_role(rules)]
    for _, (name, manifest) in host.collect("nto_bundle_manifests"):
        files.setdefault(name.removeprefix(PREFIX), []).append(manifest)
    related: list[RelatedObject] = list(manifests.CORE_RELATED)
    related += [obj for _, obj in host.collect("nto_related_objects")]
    files["60-clusteroperator.yaml"] = [manifests.cluster_operator(related)]
    return {
        PREFIX + name: [_annotated(doc) for doc in docs] for name, docs in sorted(files.items())
    }


def render(documents: list[JSONDict]) -> str:
    """YAML text of one bundle file (multi-document when needed), stable key order."""
    return "---\n".join(yaml.safe_dump(doc, sort_keys=True) for doc in documents)


def run(host: PluginHost, *, output_dir: Path, check: bool) -> int:
    """Write the bundle into ``output_dir`` (or compare with it); return the exit code."""
    wanted = {name: render(docs) for name, docs in build(host).items()}
    if check:
        return _compare(wanted, output_dir)
    output_dir.mkdir(parents=True, exist_ok=True)
    for stale in output_dir.glob(PREFIX + "*.yaml"):
        if stale.name not in wanted:
            stale.unlink()
    for name, text in wanted.items():
        (output_dir / name).write_text(text)
    print(f"wrote {len(wanted)} manifests to {output_dir}")
    return 0


def _compare(wanted: dict[str, str], output_dir: Path) -> int:
    present = {p.name: p.read_text() for p in output_dir.glob(PREFIX + "*.yaml")}
    drift: list[str] = []
    for name in sorted(set(wanted) | set(present)):
        old: Any = present.get(name, "")
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

"""The CVO release-profile rules of spec section 7 that HyperShift depends on, over the bundle.

- every object carries ``capability.openshift.io/name: NodeTuning`` and
  ``include.release.openshift.io/hypershift: "true"``, except the objects of ``50-operator.yaml``;
- ``50-operator.yaml`` is in self-managed-high-availability and single-node-developer only;
- ``50-operator-ibm-cloud-managed.yaml`` is the same Deployment in hypershift and
  ibm-cloud-managed only, without a nodeSelector;
- every other object is in all four profiles;
- HyperShift's control-plane operator drops ``..._50-operator-ibm-cloud-managed.yaml`` and
  ``..._20-performance-profile.crd.yaml`` from the hosted cluster's payload *by file name*, and
  deletes Deployment ``openshift-cluster-node-tuning-operator/cluster-node-tuning-operator``
  there (it runs the operator in the control-plane namespace itself): the names must not move.

Each rule is a function returning the violations, run over the bundle the generator builds and
over the committed ``bundle/`` directory, and run over a damaged copy to show that it can fail.
"""

from __future__ import annotations

import copy
from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest
import yaml

from nto.bundle.names import FILE_PREFIX, RELEASE_PROFILES

Doc = dict[str, Any]
Bundle = dict[str, list[Doc]]
PREFIX = "include.release.openshift.io/"
OPERATOR_FILE = "50-operator.yaml"
IBM_FILE = "50-operator-ibm-cloud-managed.yaml"
OPERATOR_PROFILES = {"self-managed-high-availability", "single-node-developer"}
IBM_PROFILES = {"hypershift", "ibm-cloud-managed"}
OMITTED_BY_HYPERSHIFT = (IBM_FILE, "20-performance-profile.crd.yaml")
COMMITTED = Path(__file__).resolve().parents[2] / "bundle"


def _profiles(doc: Doc) -> set[str]:
    annotations = doc["metadata"].get("annotations") or {}
    return {
        key.removeprefix(PREFIX)
        for key, value in annotations.items()
        if key.startswith(PREFIX) and value == "true"
    }


def _label(file: str, doc: Doc) -> str:
    return f"{file}: {doc['kind']} {doc['metadata']['name']!r}"


def hypershift_everywhere_but_the_operator(bundle: Bundle) -> list[str]:
    return [
        _label(file, doc)
        for file, docs in bundle.items()
        if file != OPERATOR_FILE
        for doc in docs
        if "hypershift" not in _profiles(doc)
    ]


def capability_everywhere(bundle: Bundle) -> list[str]:
    return [
        _label(file, doc)
        for file, docs in bundle.items()
        for doc in docs
        if (doc["metadata"].get("annotations") or {}).get("capability.openshift.io/name")
        != "NodeTuning"
    ]


def profiles_per_file(bundle: Bundle) -> list[str]:
    wanted = {OPERATOR_FILE: OPERATOR_PROFILES, IBM_FILE: IBM_PROFILES}
    return [
        f"{_label(file, doc)} is in {sorted(_profiles(doc))}"
        for file, docs in bundle.items()
        for doc in docs
        if _profiles(doc) != wanted.get(file, set(RELEASE_PROFILES))
    ]


def ibm_variant_is_the_operator_without_node_selector(bundle: Bundle) -> list[str]:
    problems = []
    (plain,) = bundle[OPERATOR_FILE]
    (ibm,) = bundle[IBM_FILE]
    if "nodeSelector" in ibm["spec"]["template"]["spec"]:
        problems.append(f"{IBM_FILE} sets a nodeSelector")
    stripped = copy.deepcopy(plain)
    stripped["spec"]["template"]["spec"].pop("nodeSelector", None)
    if {k: v for k, v in stripped.items() if k != "metadata"} != {
        k: v for k, v in ibm.items() if k != "metadata"
    }:
        problems.append(f"{IBM_FILE} differs from {OPERATOR_FILE} beyond the nodeSelector")
    for key in ("name", "namespace"):
        if plain["metadata"][key] != ibm["metadata"][key]:
            problems.append(f"metadata.{key} differs between the two operator files")
    return problems


def names_hypershift_filters_on(bundle: Bundle) -> list[str]:
    problems = [
        f"no file {FILE_PREFIX}{name}" for name in OMITTED_BY_HYPERSHIFT if name not in bundle
    ]
    deployments = [
        (doc["metadata"].get("namespace"), doc["metadata"]["name"])
        for file in (OPERATOR_FILE, IBM_FILE)
        for doc in bundle.get(file, [])
        if doc["kind"] == "Deployment"
    ]
    wanted = ("openshift-cluster-node-tuning-operator", "cluster-node-tuning-operator")
    if not deployments or any(found != wanted for found in deployments):
        problems.append(f"operator Deployments are {deployments}, not {[wanted]}")
    return problems


RULES: dict[str, Callable[[Bundle], list[str]]] = {
    "hypershift-everywhere-but-the-operator": hypershift_everywhere_but_the_operator,
    "capability-everywhere": capability_everywhere,
    "profiles-per-file": profiles_per_file,
    "ibm-variant": ibm_variant_is_the_operator_without_node_selector,
    "names-hypershift-filters-on": names_hypershift_filters_on,
}


def _committed() -> Bundle:
    return {
        path.name.removeprefix(FILE_PREFIX): [
            doc for doc in yaml.safe_load_all(path.read_text()) if doc is not None
        ]
        for path in sorted(COMMITTED.glob(f"{FILE_PREFIX}*.yaml"))
    }


@pytest.mark.parametrize("rule", list(RULES), ids=list(RULES))
def test_generated_bundle_follows_the_rule(bundle: Bundle, rule: str) -> None:
    manifests = {name: docs for name, docs in bundle.items() if name.endswith(".yaml")}
    assert RULES[rule](manifests) == []


@pytest.mark.parametrize("rule", list(RULES), ids=list(RULES))
def test_committed_bundle_follows_the_rule(rule: str) -> None:
    committed = _committed()
    assert committed, f"no bundle files under {COMMITTED}"
    assert RULES[rule](committed) == []


def _drop_hypershift(bundle: Bundle) -> None:
    del bundle["30-monitoring.yaml"][0]["metadata"]["annotations"][f"{PREFIX}hypershift"]


def _hypershift_on_operator(bundle: Bundle) -> None:
    bundle[OPERATOR_FILE][0]["metadata"]["annotations"][f"{PREFIX}hypershift"] = "true"


def _drop_capability(bundle: Bundle) -> None:
    del bundle["60-clusteroperator.yaml"][0]["metadata"]["annotations"][
        "capability.openshift.io/name"
    ]


def _ibm_node_selector(bundle: Bundle) -> None:
    bundle[IBM_FILE][0]["spec"]["template"]["spec"]["nodeSelector"] = {"a": "b"}


def _ibm_drifts(bundle: Bundle) -> None:
    bundle[IBM_FILE][0]["spec"]["replicas"] = 2


def _ibm_self_managed(bundle: Bundle) -> None:
    annotations = bundle[IBM_FILE][0]["metadata"]["annotations"]
    annotations[f"{PREFIX}self-managed-high-availability"] = "true"


def _rename_ibm_file(bundle: Bundle) -> None:
    bundle["50-operator-ibm.yaml"] = bundle.pop(IBM_FILE)


def _rename_deployment(bundle: Bundle) -> None:
    bundle[OPERATOR_FILE][0]["metadata"]["name"] = "node-tuning-operator"


@pytest.mark.parametrize(
    ("damage", "rule"),
    [
        (_drop_hypershift, "hypershift-everywhere-but-the-operator"),
        (_drop_hypershift, "profiles-per-file"),
        (_hypershift_on_operator, "profiles-per-file"),
        (_drop_capability, "capability-everywhere"),
        (_ibm_node_selector, "ibm-variant"),
        (_ibm_drifts, "ibm-variant"),
        (_ibm_self_managed, "profiles-per-file"),
        (_rename_ibm_file, "names-hypershift-filters-on"),
        (_rename_deployment, "names-hypershift-filters-on"),
    ],
    ids=lambda value: value if isinstance(value, str) else value.__name__.strip("_"),
)
def test_each_rule_catches_its_regression(
    bundle: Bundle, damage: Callable[[Bundle], None], rule: str
) -> None:
    damaged = copy.deepcopy({name: docs for name, docs in bundle.items() if name.endswith(".yaml")})
    damage(damaged)
    assert RULES[rule](damaged) != []

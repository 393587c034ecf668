"""Decoding the PerformanceProfile of a HyperShift ConfigMap, good and hostile."""

from __future__ import annotations

from typing import Any

import pytest
import yaml

from nto_performance.hypershift.decode import (
    MAX_TUNING_CHARS,
    ConfigMapError,
    decode_profile_configmap,
)
from nto_performance.hypershift.names import TUNING_KEY

from .conftest import profile_configmap, profile_doc

BOMB = """\
a: &a ["x","x","x","x","x","x","x","x","x"]
b: &b [*a,*a,*a,*a,*a,*a,*a,*a,*a]
c: &c [*b,*b,*b,*b,*b,*b,*b,*b,*b]
d: &d [*c,*c,*c,*c,*c,*c,*c,*c,*c]
e: &e [*d,*d,*d,*d,*d,*d,*d,*d,*d]
f: &f [*e,*e,*e,*e,*e,*e,*e,*e,*e]
g: &g [*f,*f,*f,*f,*f,*f,*f,*f,*f]
"""


def test_decodes_profile_and_node_pool() -> None:
    decoded = decode_profile_configmap(profile_configmap())
    assert decoded.name == "perf"
    assert decoded.node_pool == "clusters/np1"
    assert decoded.node_pool_name == "np1"
    assert decoded.profile.spec.cpu.reserved == "0-1"


def test_node_pool_without_namespace_is_the_name() -> None:
    decoded = decode_profile_configmap(profile_configmap(node_pool="np2"))
    assert decoded.node_pool_name == "np2"


def _without_key() -> dict[str, Any]:
    cm = profile_configmap()
    del cm["data"][TUNING_KEY]
    return cm


def _non_text() -> dict[str, Any]:
    cm = profile_configmap()
    cm["data"][TUNING_KEY] = 12
    return cm


def _without_data() -> dict[str, Any]:
    cm = profile_configmap()
    del cm["data"]
    return cm


CASES: list[tuple[str, dict[str, Any], str]] = [
    ("missing-key", _without_key(), "has no data key 'tuning'"),
    ("no-data", _without_data(), "has no data key 'tuning'"),
    ("not-text", _non_text(), "is not text"),
    ("empty", profile_configmap(text=""), "holds 0 YAML documents"),
    (
        "multi-doc",
        profile_configmap(
            text=yaml.safe_dump(profile_doc()) + "---\n" + yaml.safe_dump(profile_doc("b"))
        ),
        "holds 2 YAML documents",
    ),
    ("scalar", profile_configmap(text="just text\n"), "holds a str, not an object"),
    ("list", profile_configmap(text="- a\n- b\n"), "holds a list, not an object"),
    ("broken-yaml", profile_configmap(text="a: [1, 2\n"), "is not usable YAML"),
    ("alias-bomb", profile_configmap(text=BOMB), "excessive aliasing"),
    ("deep", profile_configmap(text="a: " + "[" * 300 + "]" * 300 + "\n"), "levels deep"),
    (
        "huge",
        profile_configmap(text="a: " + "x" * (MAX_TUNING_CHARS + 1)),
        f"over the limit of {MAX_TUNING_CHARS}",
    ),
    (
        "tuned-kind",
        profile_configmap(
            profile={**profile_doc(), "apiVersion": "tuned.openshift.io/v1", "kind": "Tuned"}
        ),
        "it must hold apiVersion 'performance.openshift.io/v2' kind 'PerformanceProfile'",
    ),
    (
        "v1-profile",
        profile_configmap(profile={**profile_doc(), "apiVersion": "performance.openshift.io/v1"}),
        "holds apiVersion 'performance.openshift.io/v1'",
    ),
    (
        "no-name",
        profile_configmap(profile={**profile_doc(), "metadata": {}}),
        "has no metadata.name",
    ),
    (
        "traversal-name",
        profile_configmap(profile=profile_doc("../../etc")),
        "metadata.name '../../etc' cannot name",
    ),
    (
        "slash-name",
        profile_configmap(profile=profile_doc("a/b")),
        "not a DNS-1123 subdomain",
    ),
    (
        "long-name",
        profile_configmap(profile=profile_doc("p" * 64)),
        "over the label value limit of 63",
    ),
    (
        "long-configmap-name",
        profile_configmap("c" * 250),
        "use a shorter ConfigMap name",
    ),
    ("no-node-pool", profile_configmap(node_pool=None), "has no annotation"),
    ("empty-node-pool", profile_configmap(node_pool="clusters/"), "names no usable NodePool"),
    ("bad-node-pool", profile_configmap(node_pool="clusters/np 1"), "not a valid label value"),
    (
        "invalid-profile",
        profile_configmap(profile=profile_doc(cpu={"reserved": 5})),
        "is not a valid PerformanceProfile: spec.cpu.reserved",
    ),
    (
        "missing-cpu",
        profile_configmap(profile={**profile_doc(), "spec": {"nodeSelector": {"a/b": ""}}}),
        "is not a valid PerformanceProfile: spec.cpu",
    ),
]


@pytest.mark.parametrize(("cm", "expected"), [c[1:] for c in CASES], ids=[c[0] for c in CASES])
def test_bad_configmaps_are_refused_with_a_clear_message(cm: dict[str, Any], expected: str) -> None:
    with pytest.raises(ConfigMapError) as info:
        decode_profile_configmap(cm)
    message = str(info.value)
    assert expected in message
    assert "ConfigMap 'clusters-hosted/" in message
    assert len(message) < 2000  # hostile input is not echoed back in full

"""MachineConfigPool membership of nodes and of MachineConfig labels."""

from __future__ import annotations

import pytest

from nto.controller.pools import pools_for_machine_config_labels, pools_for_node

from .conftest import make_pool, standard_pools

ROLE = "node-role.kubernetes.io/"
CUSTOM_B = make_pool("b-custom", node_selector={"matchLabels": {ROLE + "b": ""}})
EMPTY = make_pool("empty", node_selector={})
EVERYTHING_BY_EXPRESSION = make_pool(
    "infra",
    node_selector={"matchExpressions": [{"key": ROLE + "infra", "operator": "Exists"}]},
)
POOLS = [*standard_pools(), CUSTOM_B, EMPTY, EVERYTHING_BY_EXPRESSION]

NODE_CASES = [
    ("no pool", {}, ()),
    ("worker", {ROLE + "worker": ""}, ("worker",)),
    ("master", {ROLE + "master": ""}, ("master",)),
    ("master and worker live in master", {ROLE + "master": "", ROLE + "worker": ""}, ("master",)),
    ("custom with worker", {ROLE + "worker-rt": "", ROLE + "worker": ""}, ("worker-rt", "worker")),
    ("custom alone", {ROLE + "worker-rt": ""}, ("worker-rt",)),
    ("custom with master", {ROLE + "worker-rt": "", ROLE + "master": ""}, ("master",)),
    ("matchExpressions custom", {ROLE + "infra": "", ROLE + "worker": ""}, ("infra", "worker")),
    ("two custom pools: none", {ROLE + "worker-rt": "", ROLE + "b": "", ROLE + "worker": ""}, ()),
]


@pytest.mark.parametrize(
    ("labels", "expected"), [c[1:] for c in NODE_CASES], ids=[c[0] for c in NODE_CASES]
)
def test_pools_for_node(labels, expected):
    found = pools_for_node("n1", labels, POOLS)
    assert found.names == expected
    assert found.primary == (expected[0] if expected else None)


def test_two_custom_pools_explain_the_problem():
    found = pools_for_node("n1", {ROLE + "worker-rt": "", ROLE + "b": ""}, POOLS)
    assert found.problem == (
        "node 'n1' belongs to 2 custom MachineConfigPools ['b-custom', 'worker-rt']; "
        "give it the nodeSelector labels of one custom pool only"
    )


MC_CASES = [
    ("worker role", {"machineconfiguration.openshift.io/role": "worker"}, ["worker", "worker-rt"]),
    ("worker-rt role", {"machineconfiguration.openshift.io/role": "worker-rt"}, ["worker-rt"]),
    ("master role", {"machineconfiguration.openshift.io/role": "master"}, ["master"]),
    ("no labels", {}, []),
    ("unknown", {"x": "y"}, []),
]


@pytest.mark.parametrize(
    ("mc_labels", "expected"), [c[1:] for c in MC_CASES], ids=[c[0] for c in MC_CASES]
)
def test_pools_for_machine_config_labels(mc_labels, expected):
    assert pools_for_machine_config_labels(mc_labels, POOLS) == expected


@pytest.mark.parametrize(
    "selector",
    [
        {"matchExpressions": [{"key": "a", "operator": "Bogus"}]},
        {"matchExpressions": [{"key": "a", "operator": "In"}]},
        {"matchExpressions": [{"key": "a", "operator": "Exists", "values": ["x"]}]},
        {"matchExpressions": "not-a-list"},
        {"matchLabels": {"a": 1}},
        {"matchLabels": ["a"]},
    ],
    ids=["unknown operator", "In without values", "Exists with values", "bad list", "int", "list"],
)
def test_malformed_selectors_match_nothing(selector):
    pool = make_pool("broken", node_selector=selector, mc_selector=selector)
    assert pools_for_node("n", {"a": "x"}, [pool]).names == ()
    assert pools_for_machine_config_labels({"a": "x"}, [pool]) == []

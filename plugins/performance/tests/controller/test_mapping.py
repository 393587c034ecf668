"""Which PerformanceProfiles a pool, node or TuneD Profile event concerns, and which changes
matter."""

from __future__ import annotations

import pytest

from nto_performance.controller.mapping import (
    conditions_changed,
    nodes_for_profile,
    pool_changed,
    profiles_for_node,
    profiles_for_pool,
)

from .conftest import pool, pp

PROFILES = [pp("cnf", role="worker-cnf"), pp("rt", role="worker-rt"), pp("broken") | {"spec": {}}]


@pytest.mark.parametrize(
    ("pool_body", "expected"),
    [
        pytest.param(pool("worker-cnf"), ["cnf"], id="one"),
        pytest.param(pool("worker"), [], id="none"),
        pytest.param(pool(node_selector={}), ["cnf", "rt"], id="empty-selector"),
        pytest.param(pool() | {"spec": {}}, [], id="no-selector"),
        pytest.param(pool(node_selector={"matchLabels": "junk"}), [], id="malformed"),
    ],
)
def test_profiles_for_pool(pool_body, expected):
    assert profiles_for_pool(pool_body, PROFILES) == expected


@pytest.mark.parametrize(
    ("labels", "expected"),
    [
        pytest.param({"node-role.kubernetes.io/worker-cnf": ""}, ["cnf"], id="one"),
        pytest.param(
            {"node-role.kubernetes.io/worker-cnf": "", "node-role.kubernetes.io/worker-rt": ""},
            ["cnf", "rt"],
            id="two",
        ),
        pytest.param({"node-role.kubernetes.io/worker-cnf": "x"}, [], id="value-differs"),
        pytest.param({}, [], id="no-labels"),
    ],
)
def test_profiles_for_node(labels, expected):
    assert profiles_for_node(labels, PROFILES) == expected


def test_nodes_for_profile():
    nodes = {
        "a": {"node-role.kubernetes.io/worker-cnf": ""},
        "b": {"node-role.kubernetes.io/worker": ""},
    }
    assert nodes_for_profile(PROFILES[0], nodes) == ["a"]
    assert nodes_for_profile(PROFILES[2], nodes) == []


def cond(status: str, when: str = "t1") -> dict:
    return {"status": {"conditions": [{"type": "Degraded", "status": status, "time": when}]}}


@pytest.mark.parametrize(
    ("old", "new", "changed"),
    [
        pytest.param(cond("True"), cond("True", "t2"), False, id="same"),
        pytest.param(cond("True"), cond("False"), True, id="status"),
        pytest.param(None, cond("False"), True, id="new"),
        pytest.param(None, None, False, id="none"),
    ],
)
def test_conditions_changed(old, new, changed):
    assert conditions_changed(old, new) is changed


def test_pool_changed():
    base = pool()
    assert not pool_changed(base, pool())
    assert pool_changed(base, pool(labels={"x": "y"}))
    assert pool_changed(base, pool(mc_selector={}))
    assert pool_changed(base, pool(conditions=[{"type": "Degraded", "status": "True"}]))
    assert pool_changed(None, base)
    assert pool_changed(base, None)

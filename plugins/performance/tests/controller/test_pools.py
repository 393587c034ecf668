"""MachineConfigPool selection and validation: which pool, and each Degraded message."""

from __future__ import annotations

import pytest

from nto_api.meta import LabelSelector
from nto_performance.controller.pools import (
    BAD_MACHINE_CONFIG_LABELS,
    GETTING_POOL_FAILED,
    PoolError,
    labels_text,
    select_pool,
    selector_text,
    validate_pool,
)

from .conftest import ROLE, model, pool, pool_model, pp


@pytest.mark.parametrize(
    ("pools", "expected"),
    [
        pytest.param([pool(), pool("worker")], "worker-cnf", id="one-of-two"),
        pytest.param([pool(), pool()], "worker-cnf", id="duplicates-dedupe"),
        pytest.param(
            [pool(node_selector={}), pool("worker")], "worker-cnf", id="empty-selector-matches-all"
        ),
        pytest.param(
            [
                pool(
                    node_selector={
                        "matchExpressions": [
                            {"key": "node-role.kubernetes.io/worker-cnf", "operator": "Exists"}
                        ]
                    }
                )
            ],
            "worker-cnf",
            id="expression",
        ),
    ],
)
def test_select_pool(pools, expected):
    chosen = select_pool(model(pp()), [pool_model(p) for p in pools])
    assert chosen.metadata.name == expected


@pytest.mark.parametrize(
    ("pools", "fragments"),
    [
        pytest.param(
            [pool("worker")],
            [
                "failed to find MCP with the node selector that matches labels "
                "'node-role.kubernetes.io/worker-cnf='",
                "PerformanceProfile 'manual'",
            ],
            id="none",
        ),
        pytest.param([], ["failed to find MCP"], id="no-pools-at-all"),
        pytest.param(
            [pool(), pool("other", node_selector={})],
            ["more than one MCP found", "'other', 'worker-cnf'"],
            id="two",
        ),
    ],
)
def test_select_pool_failures(pools, fragments):
    with pytest.raises(PoolError) as caught:
        select_pool(model(pp()), [pool_model(p) for p in pools])
    assert caught.value.reason == GETTING_POOL_FAILED
    for fragment in fragments:
        assert fragment in caught.value.message


def test_pool_without_node_selector_selects_nothing():
    body = pool()
    del body["spec"]["nodeSelector"]
    with pytest.raises(PoolError, match="failed to find MCP"):
        select_pool(model(pp()), [pool_model(body)])


@pytest.mark.parametrize(
    ("profile", "pool_body", "fragment"),
    [
        pytest.param(pp(), pool(mc_selector={}), "empty spec.machineConfigSelector", id="empty"),
        pytest.param(pp(), pool(labels={}), "has no labels", id="no-labels"),
        pytest.param(
            pp(machineConfigLabel={ROLE: "nope"}),
            pool(),
            "spec.machineConfigLabel of PerformanceProfile 'manual') do not match",
            id="spec-labels",
        ),
        pytest.param(
            pp(role="worker-rt"),
            pool(),
            "the labels generated from spec.nodeSelector",
            id="generated-labels",
        ),
    ],
)
def test_validate_pool_failures(profile, pool_body, fragment):
    with pytest.raises(PoolError) as caught:
        validate_pool(model(profile), pool_model(pool_body))
    assert caught.value.reason == BAD_MACHINE_CONFIG_LABELS
    assert fragment in caught.value.message
    assert "worker-cnf" in caught.value.message


def test_validate_pool_accepts_matching_labels():
    validate_pool(model(pp()), pool_model(pool()))
    validate_pool(model(pp(machineConfigLabel={ROLE: "worker"})), pool_model(pool()))


def test_texts():
    assert labels_text({"b": "2", "a": ""}) == "a=,b=2"
    selector = LabelSelector.model_validate(
        {
            "matchLabels": {"x": "1"},
            "matchExpressions": [
                {"key": "r", "operator": "In", "values": ["b", "a"]},
                {"key": "n", "operator": "NotIn", "values": ["c"]},
                {"key": "e", "operator": "Exists"},
                {"key": "d", "operator": "DoesNotExist"},
            ],
        }
    )
    assert selector_text(selector) == "x=1,r in (a,b),n notin (c),e,!d"

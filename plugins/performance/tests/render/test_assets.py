"""The render algorithm: pinning mode, default pools, pool matching and owner marking."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest

from nto_api.foreign.config import Infrastructure
from nto_api.foreign.mco import MachineConfigPool
from nto_api.performance.v2 import PerformanceProfile
from nto_performance.render import assets
from nto_performance.render.errors import SelectionError
from nto_performance.render.inputs import Inputs, Source

SOURCE = Source(Path("in.yaml"), 1)
PINNING_FILE = "/etc/kubernetes/openshift-workload-pinning"


def infra(**status: str) -> Infrastructure:
    return Infrastructure.model_validate({"metadata": {"name": "cluster"}, "status": status})


def machine_config(*paths: str) -> dict[str, Any]:
    files = [{"path": p} for p in paths]
    return {"spec": {"config": {"storage": {"files": files}}}}


def pool(name: str, selector: dict[str, str] | None, **labels: str) -> MachineConfigPool:
    spec = {} if selector is None else {"nodeSelector": {"matchLabels": selector}}
    return MachineConfigPool.model_validate(
        {"metadata": {"name": name, "labels": labels}, "spec": spec}
    )


def profile(name: str = "edge", uid: str | None = None, **selector: str) -> PerformanceProfile:
    return PerformanceProfile.model_validate(
        {
            "metadata": {"name": name, **({"uid": uid} if uid else {})},
            "spec": {
                "cpu": {"reserved": "0", "isolated": "1-3"},
                "nodeSelector": selector or {"node-role.kubernetes.io/worker-rt": ""},
            },
        }
    )


@pytest.mark.parametrize(
    ("infrastructure", "mcs", "expected"),
    [
        pytest.param(None, [], "None", id="no-infrastructure"),
        pytest.param(infra(cpuPartitioning="AllNodes"), [], "AllNodes", id="all-nodes"),
        pytest.param(infra(cpuPartitioning="None"), [], "None", id="explicit-none"),
        pytest.param(
            infra(controlPlaneTopology="SingleReplica"),
            [machine_config(PINNING_FILE)],
            "AllNodes",
            id="legacy-sno",
        ),
        pytest.param(
            infra(controlPlaneTopology="SingleReplica"),
            [machine_config("/etc/other")],
            "None",
            id="sno-without-file",
        ),
        pytest.param(
            infra(controlPlaneTopology="HighlyAvailable"),
            [machine_config(PINNING_FILE)],
            "None",
            id="file-but-not-sno",
        ),
        pytest.param(
            infra(controlPlaneTopology="SingleReplica"),
            [{"spec": {"config": {"storage": {"files": "bad"}}}}, {"spec": None}],
            "None",
            id="malformed-mcs-ignored",
        ),
    ],
)
def test_pinning_mode(
    infrastructure: Infrastructure | None, mcs: list[dict[str, Any]], expected: str
) -> None:
    inputs = Inputs(infrastructure=infrastructure, machine_configs=mcs)
    assert assets.pinning_mode(inputs) == expected


@pytest.mark.parametrize(
    ("infrastructure", "pools", "expected"),
    [
        pytest.param(infra(cpuPartitioning="AllNodes"), [], ["master", "worker"], id="defaults"),
        pytest.param(
            infra(cpuPartitioning="AllNodes", controlPlaneTopology="HighlyAvailableArbiter"),
            [],
            ["arbiter", "master", "worker"],
            id="arbiter",
        ),
        pytest.param(
            infra(cpuPartitioning="AllNodes"),
            [pool("worker-rt", None), pool("master", None)],
            ["master", "worker", "worker-rt"],
            id="input-pools-deduplicated",
        ),
        pytest.param(infra(cpuPartitioning="None"), [pool("rt", None)], [], id="no-pinning"),
    ],
)
def test_bootstrap_pinning_files(
    infrastructure: Infrastructure, pools: list[MachineConfigPool], expected: list[str]
) -> None:
    outputs = assets.plan(
        Inputs(infrastructure=infrastructure, pools=pools), owner_ref="label-name"
    )
    names = sorted(outputs)
    assert names == [
        f"01_01-{p}-cpu-partitioning_workload_pinning_machineconfig.yaml" for p in expected
    ]
    for name, obj in outputs.items():
        assert obj["kind"] == "MachineConfig", name
        assert "labels" not in obj["metadata"] or (
            "performance.openshift.io/weak-owner-reference-name" not in obj["metadata"]["labels"]
        )


def test_default_pool_shape() -> None:
    master = assets.default_pool("master")
    assert master.metadata.labels == {"pools.operator.machineconfiguration.openshift.io/master": ""}
    assert master.spec.node_selector is not None
    assert master.spec.node_selector.match_labels == {"node-role.kubernetes.io/master": ""}
    assert master.spec.machine_config_selector is not None
    assert master.spec.machine_config_selector.match_labels == {
        "machineconfiguration.openshift.io/role": "master"
    }


@pytest.mark.parametrize(
    ("pools", "selector", "expected"),
    [
        pytest.param(
            [pool("rt", {"node-role.kubernetes.io/worker-rt": ""})],
            {"node-role.kubernetes.io/worker-rt": ""},
            "rt",
            id="exact",
        ),
        pytest.param(
            [pool("rt", {"node-role.kubernetes.io/worker-rt": ""}), pool("none", None)],
            {"node-role.kubernetes.io/worker-rt": "", "zone": "a"},
            "rt",
            id="pool-selects-superset-of-labels",
        ),
        pytest.param(
            [pool("rt", {"node-role.kubernetes.io/worker-rt": "", "zone": "a"})],
            {"node-role.kubernetes.io/worker-rt": ""},
            None,
            id="pool-needs-more-labels",
        ),
        pytest.param([pool("nil", None)], {"a": ""}, None, id="nil-selector-matches-nothing"),
        pytest.param([pool("empty", {})], {"a": ""}, "empty", id="empty-selector-matches-all"),
    ],
)
def test_select_pool(
    pools: list[MachineConfigPool], selector: dict[str, str], expected: str | None
) -> None:
    if expected is None:
        with pytest.raises(SelectionError, match="no MCP found"):
            assets.select_pool(pools, profile(**selector), SOURCE)
    else:
        assert assets.select_pool(pools, profile(**selector), SOURCE).metadata.name == expected


@pytest.mark.parametrize(
    ("pool_names", "expected"),
    [
        pytest.param([], "worker", id="synthesized"),
        pytest.param(["WORKER"], "WORKER", id="case-insensitive-name-keeps-input"),
    ],
)
def test_default_worker_pool_is_added_only_when_missing(
    pool_names: list[str], expected: str
) -> None:
    worker = {"node-role.kubernetes.io/worker": ""}
    inputs = Inputs(
        profiles=[(SOURCE, profile(**worker))],
        pools=[pool(n, worker, team="x") for n in pool_names],
    )
    outputs = assets.plan(inputs, owner_ref="none")
    selector = outputs["edge_kubeletconfig.yaml"]["spec"]["machineConfigPoolSelector"]
    synthesized = {"pools.operator.machineconfiguration.openshift.io/worker": ""}
    assert selector["matchLabels"] == (synthesized if expected == "worker" else {"team": "x"})


@pytest.mark.parametrize(
    ("owner_ref", "uid", "labels", "owners"),
    [
        pytest.param("none", None, None, None, id="none"),
        pytest.param(
            "label-name",
            None,
            {"performance.openshift.io/weak-owner-reference-name": "edge"},
            None,
            id="label-name",
        ),
        pytest.param(
            "k8s",
            "u-1",
            None,
            [
                {
                    "apiVersion": "performance.openshift.io/v2",
                    "kind": "PerformanceProfile",
                    "name": "edge",
                    "uid": "u-1",
                }
            ],
            id="k8s",
        ),
    ],
)
def test_owner_marking(
    owner_ref: assets.OwnerRef,
    uid: str | None,
    labels: dict[str, str] | None,
    owners: list[dict[str, str]] | None,
) -> None:
    inputs = Inputs(
        profiles=[(SOURCE, profile(uid=uid))],
        pools=[pool("rt", {"node-role.kubernetes.io/worker-rt": ""})],
    )
    outputs = assets.plan(inputs, owner_ref=owner_ref)
    assert sorted(outputs) == [
        f"edge_{k}.yaml"
        for k in sorted(("machineconfig", "kubeletconfig", "tuned", "runtimeclass"))
    ]
    for name, obj in outputs.items():
        metadata = obj["metadata"]
        other_labels = {
            k: v
            for k, v in metadata.get("labels", {}).items()
            if k == "performance.openshift.io/weak-owner-reference-name"
        }
        assert (other_labels or None) == labels, name
        assert metadata.get("ownerReferences") == owners, name

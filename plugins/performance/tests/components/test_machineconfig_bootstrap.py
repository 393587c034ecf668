"""The bootstrap workload-pinning MachineConfig ``01-<pool>-cpu-partitioning``."""

from __future__ import annotations

import pytest

from nto_api.foreign.mco import MachineConfig, decode_data_url
from nto_performance.components._common import RenderError
from nto_performance.components.machineconfig import render_workload_pinning_bootstrap


@pytest.mark.parametrize("pool", ["master", "worker", "arbiter", "worker-cnf"])
def test_bootstrap_workload_pinning(pool: str) -> None:
    mc = render_workload_pinning_bootstrap(pool)
    assert mc["metadata"] == {
        "name": f"01-{pool}-cpu-partitioning",
        "labels": {"machineconfiguration.openshift.io/role": pool},
    }
    assert mc["spec"]["config"]["ignition"] == {"version": "3.2.0"}
    assert "systemd" not in mc["spec"]["config"]
    files = mc["spec"]["config"]["storage"]["files"]
    assert [(f["path"], f["mode"]) for f in files] == [
        ("/etc/kubernetes/openshift-workload-pinning", 420),
        ("/etc/crio/crio.conf.d/01-workload-pinning-default.conf", 420),
    ]
    MachineConfig.model_validate(mc)


@pytest.mark.parametrize("pool", ["", "Worker", "a/b", "-x", "x" * 300, "a b"], ids=repr)
def test_bootstrap_rejects_bad_pool_names(pool: str) -> None:
    with pytest.raises(RenderError, match="MachineConfigPool name"):
        render_workload_pinning_bootstrap(pool)


def test_bootstrap_pins_to_no_cpus() -> None:
    files = render_workload_pinning_bootstrap("master")["spec"]["config"]["storage"]["files"]
    pinning, crio = (decode_data_url(f["contents"]["source"]).decode() for f in files)
    assert '"cpuset": ""' in pinning
    assert '"cpuset" = ""' in crio
    assert "[crio.runtime.workloads.management]" in crio

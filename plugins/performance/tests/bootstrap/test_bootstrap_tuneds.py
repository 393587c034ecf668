"""The plugin renders one Tuned per v2 PerformanceProfile for render-bootcmd-mc."""

from __future__ import annotations

from nto_performance import plugin

PROFILE = {
    "apiVersion": "performance.openshift.io/v2",
    "kind": "PerformanceProfile",
    "metadata": {"name": "rt"},
    "spec": {
        "cpu": {"reserved": "0-1", "isolated": "2-7"},
        "nodeSelector": {"node-role.kubernetes.io/worker-cnf": ""},
    },
}


def test_one_tuned_per_v2_profile_and_others_skipped():
    v1 = {**PROFILE, "apiVersion": "performance.openshift.io/v1", "metadata": {"name": "old"}}
    tuneds = plugin.nto_bootstrap_tuneds(manifests={"PerformanceProfile": [PROFILE, v1]})
    assert [t["metadata"]["name"] for t in tuneds] == ["openshift-node-performance-rt"]
    assert tuneds[0]["spec"]["recommend"][0]["priority"] == 20


def test_no_profiles_no_tuneds():
    assert plugin.nto_bootstrap_tuneds(manifests={"MachineConfigPool": []}) == []

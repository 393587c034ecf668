"""The MCO node disruption rule: per path and unit, status over spec, reboot by default."""

from __future__ import annotations

from typing import Any

import pytest

from nto_performance.preview.disruption import REBOOT, policy_from, worst
from nto_performance.preview.effects import compare


def restart(service: str) -> dict[str, Any]:
    return {"type": "Restart", "restart": {"serviceName": service}}


def configuration(spec: Any = None, status: Any = None) -> dict[str, Any]:
    obj: dict[str, Any] = {"metadata": {"name": "cluster"}}
    if spec is not None:
        obj["spec"] = {"nodeDisruptionPolicy": spec}
    if status is not None:
        obj["status"] = {"nodeDisruptionPolicyStatus": {"clusterPolicies": status}}
    return obj


POLICY = {
    "files": [
        {"path": "/etc/kubernetes/kubelet.conf", "actions": [restart("kubelet.service")]},
        {
            "path": "/etc/containers/registries.d",
            "actions": [{"type": "Reload", "reload": {"serviceName": "crio.service"}}],
        },
        {"path": "/etc/quiet", "actions": [{"type": "None"}]},
        {"path": "/etc/rebooting", "actions": [{"type": "Drain"}, {"type": "Reboot"}]},
        {"path": "/etc/odd", "actions": [{"type": "Teleport"}]},
    ],
    "units": [
        {
            "name": "chronyd.service",
            "actions": [{"type": "DaemonReload"}, restart("chronyd.service")],
        }
    ],
}


@pytest.mark.parametrize(
    ("path", "label"),
    [
        ("/etc/kubernetes/kubelet.conf", "kubelet restart"),
        ("/etc/containers/registries.d/x.yaml", "reload crio.service"),
        ("/etc/containers/registries.dx", "reboot"),  # a sibling, not a child
        ("/etc/quiet", "none"),
        ("/etc/rebooting", "reboot"),
        ("/etc/odd", "reboot"),  # unknown action: the MCO default
        ("/usr/local/bin/anything.sh", "reboot"),
    ],
)
def test_file_rules(path: str, label: str) -> None:
    assert policy_from(configuration(spec=POLICY)).for_file(path).label == label


def test_units_and_status_wins_over_spec() -> None:
    policy = policy_from(configuration(spec={"files": []}, status=POLICY))
    assert policy.source == "status"
    assert policy.for_unit("chronyd.service").label == (
        "systemctl daemon-reload, restart chronyd.service"
    )
    assert policy.for_unit("other.service") == REBOOT
    assert policy.for_file("/etc/kubernetes/kubelet.conf").label == "kubelet restart"


@pytest.mark.parametrize(
    "obj", [None, {}, {"spec": "x"}, {"status": {"x": 1}}, configuration(spec=[])]
)
def test_no_or_malformed_policy_reboots(obj: Any) -> None:
    policy = policy_from(obj)
    assert policy.for_file("/etc/kubernetes/kubelet.conf") == REBOOT


def test_worst_adds_up_service_steps() -> None:
    policy = policy_from(configuration(spec=POLICY))
    combined = worst(
        [policy.for_file("/etc/kubernetes/kubelet.conf"), policy.for_unit("chronyd.service")]
    )
    assert combined.steps == (
        "restart kubelet.service",
        "systemctl daemon-reload",
        "restart chronyd.service",
    )
    assert worst([combined, REBOOT]) == REBOOT


def machine_config(**spec: Any) -> dict[str, Any]:
    return {"metadata": {"name": "50-performance-x"}, "spec": spec}


@pytest.mark.parametrize(
    ("old", "new", "reason"),
    [
        (machine_config(), machine_config(extensions=["kernel-devel"]), "extensions changed"),
        (
            machine_config(kernelArguments=["a=1"]),
            machine_config(kernelArguments=["a=2"]),
            "kernel arguments added: a=2",
        ),
        (
            machine_config(kernelType="default"),
            machine_config(kernelType="64k-pages"),
            "kernel type default -> 64k-pages",
        ),
    ],
)
def test_always_reboot_fields_ignore_the_policy(old: Any, new: Any, reason: str) -> None:
    everything_quiet = policy_from(
        configuration(spec={"files": [{"path": "/", "actions": [{"type": "None"}]}]})
    )
    effects = compare({"machineconfig": old}, {"machineconfig": new}, everything_quiet)
    assert effects.action.reboots
    assert reason in {r for c in effects.changes if c.action.reboots for r in c.reasons}


def test_file_changes_follow_the_policy() -> None:
    def with_file(path: str, data: str) -> dict[str, Any]:
        entry = {"path": path, "contents": {"source": f"data:,{data}"}, "mode": 420}
        return machine_config(config={"storage": {"files": [entry]}})

    policy = policy_from(configuration(spec=POLICY))
    quiet = compare(
        {"machineconfig": with_file("/etc/quiet", "a")},
        {"machineconfig": with_file("/etc/quiet", "b")},
        policy,
    )
    assert quiet.action.label == "none"
    loud = compare(
        {"machineconfig": with_file("/etc/x", "a")},
        {"machineconfig": with_file("/etc/x", "b")},
        policy,
    )
    assert loud.action.reboots
    assert loud.changes[0].reasons == ("files changed: /etc/x",)

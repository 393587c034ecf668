"""Reference samples and hand-written objects parse with their models and round-trip exactly."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pydantic
import pytest
import yaml

from nto_api import parse
from nto_api.foreign import config, core, mco
from nto_api.performance import v1, v1alpha1, v2
from nto_api.tuned import Profile, Tuned


def _dump(model: pydantic.BaseModel) -> dict[str, Any]:
    return model.model_dump(by_alias=True, exclude_none=True)


def _load(path: Path) -> dict[str, Any]:
    data: dict[str, Any] = yaml.safe_load(path.read_text(encoding="utf-8"))
    return data


def test_performance_profile_sample_round_trips(pp_sample: Path) -> None:
    obj = _load(pp_sample)
    model = parse(obj)
    expected = {
        "performance.openshift.io/v1alpha1": v1alpha1.PerformanceProfile,
        "performance.openshift.io/v1": v1.PerformanceProfile,
        "performance.openshift.io/v2": v2.PerformanceProfile,
    }[obj["apiVersion"]]
    assert type(model) is expected
    assert _dump(model) == obj


def test_tuned_sample_round_trips(tuned_sample: Path) -> None:
    obj = _load(tuned_sample)
    model = parse(obj)
    assert type(model) is {"Tuned": Tuned, "MachineConfigPool": mco.MachineConfigPool}[obj["kind"]]
    assert _dump(model) == obj


TUNED_NESTED = {
    "apiVersion": "tuned.openshift.io/v1",
    "kind": "Tuned",
    "metadata": {"name": "nested", "namespace": "openshift-cluster-node-tuning-operator"},
    "spec": {
        "managementState": "Managed",
        "profile": [{"name": "p", "data": "[main]\nsummary=x\n"}],
        "recommend": [
            {
                "profile": "p",
                "priority": 0,
                "machineConfigLabels": {"machineconfiguration.openshift.io/role": "worker-rt"},
                "operand": {
                    "debug": True,
                    "verbosity": 4,
                    "tunedConfig": {"reapply_sysctl": False},
                },
                "match": [
                    {
                        "label": "a",
                        "value": "1",
                        "type": "node",
                        "match": [
                            {"label": "b", "type": "pod", "match": [{"label": "c"}]},
                            {"unknownKey": {"kept": True}},
                        ],
                    }
                ],
            }
        ],
    },
    "status": {
        "conditions": [
            {"type": "Valid", "status": "True", "lastTransitionTime": "2024-01-01T00:00:00Z"}
        ]
    },
}
PROFILE = {
    "apiVersion": "tuned.openshift.io/v1",
    "kind": "Profile",
    "metadata": {"name": "worker-0", "namespace": "openshift-cluster-node-tuning-operator"},
    "spec": {
        "config": {
            "tunedProfile": "openshift-node",
            "debug": False,
            "verbosity": 0,
            "providerName": "aws",
            "tunedConfig": {"reapply_sysctl": True},
        },
        "profile": [{"name": "openshift-node", "data": "[main]\n"}],
    },
    "status": {"tunedProfile": "openshift-node", "observedGeneration": 3, "conditions": []},
}
V2_FULL = {
    "apiVersion": "performance.openshift.io/v2",
    "kind": "PerformanceProfile",
    "metadata": {"name": "full", "labels": {"x": "y"}, "managedFields": [{"manager": "kubectl"}]},
    "spec": {
        "cpu": {
            "reserved": "0-1",
            "isolated": "2-5",
            "balanceIsolated": False,
            "offlined": "6",
            "shared": "7",
            "ovsDpdk": "8",
        },
        "hardwareTuning": {"isolatedCpuFreq": 2500000, "reservedCpuFreq": 2800000},
        "hugepages": {"defaultHugepagesSize": "1G", "pages": [{"size": "2M", "count": 8}]},
        "machineConfigLabel": {"machineconfiguration.openshift.io/role": "worker-cnf"},
        "machineConfigPoolSelector": {"pools.operator.machineconfiguration.openshift.io/x": ""},
        "nodeSelector": {"node-role.kubernetes.io/worker-cnf": ""},
        "realTimeKernel": {"enabled": False},
        "kernelPageSize": "64k",
        "additionalKernelArgs": ["nosmt"],
        "numa": {"topologyPolicy": "single-numa-node"},
        "net": {
            "userLevelNetworking": True,
            "devices": [{"interfaceName": "eth*", "vendorID": "0x8086", "deviceID": "0x1583"}],
        },
        "globallyDisableIrqLoadBalancing": False,
        "workloadHints": {
            "highPowerConsumption": True,
            "realTime": False,
            "perPodPowerManagement": False,
            "mixedCpus": True,
        },
    },
    "status": {
        "conditions": [
            {
                "type": "Available",
                "status": "True",
                "lastHeartbeatTime": "2024-01-01T00:00:00Z",
                "lastTransitionTime": "2024-01-01T00:00:00Z",
            }
        ],
        "tuned": "openshift-cluster-node-tuning-operator/openshift-node-performance-full",
        "runtimeClass": "performance-full",
    },
}
MACHINE_CONFIG = {
    "apiVersion": "machineconfiguration.openshift.io/v1",
    "kind": "MachineConfig",
    "metadata": {
        "name": "50-performance-x",
        "labels": {"machineconfiguration.openshift.io/role": "w"},
    },
    "spec": {
        "config": {
            "ignition": {"version": "3.2.0"},
            "storage": {
                "files": [
                    {
                        "path": "/usr/local/bin/x.sh",
                        "mode": 448,
                        "overwrite": True,
                        "contents": {"source": "data:text/plain;charset=utf-8;base64,eA=="},
                        "user": {"name": "root"},
                    }
                ]
            },
            "systemd": {
                "units": [
                    {
                        "name": "x.service",
                        "enabled": True,
                        "contents": "[Unit]\n",
                        "dropins": [{"name": "10-x.conf", "contents": "[Service]\n"}],
                    }
                ]
            },
        },
        "kernelArguments": ["nohz_full=2-5"],
        "kernelType": "realtime",
        "osImageURL": "",
        "someFutureField": {"kept": [1, 2]},
    },
}
KUBELET_CONFIG = {
    "apiVersion": "machineconfiguration.openshift.io/v1",
    "kind": "KubeletConfig",
    "metadata": {"name": "performance-x"},
    "spec": {
        "machineConfigPoolSelector": {"matchLabels": {"pools.operator/x": ""}},
        "kubeletConfig": {"cpuManagerPolicy": "static", "reservedSystemCPUs": "0-1", "n": {"x": 1}},
    },
    "status": {"conditions": [{"type": "Success", "status": "True"}]},
}
MCP = {
    "apiVersion": "machineconfiguration.openshift.io/v1",
    "kind": "MachineConfigPool",
    "metadata": {"name": "worker-cnf"},
    "spec": {
        "machineConfigSelector": {
            "matchExpressions": [
                {"key": "machineconfiguration.openshift.io/role", "operator": "In", "values": ["a"]}
            ]
        },
        "nodeSelector": {"matchLabels": {"node-role.kubernetes.io/worker-cnf": ""}},
        "paused": False,
    },
    "status": {
        "machineCount": 2,
        "updatedMachineCount": 2,
        "readyMachineCount": 2,
        "unavailableMachineCount": 0,
        "degradedMachineCount": 0,
        "observedGeneration": 4,
        "configuration": {"name": "rendered-worker-cnf-abc", "source": []},
        "conditions": [{"type": "Updated", "status": "True", "lastTransitionTime": "t"}],
    },
}
NODE = {
    "apiVersion": "v1",
    "kind": "Node",
    "metadata": {"name": "w0", "labels": {"kubernetes.io/arch": "amd64"}, "annotations": {}},
    "spec": {
        "providerID": "aws:///us-east-1a/i-0",
        "taints": [{"key": "k", "effect": "NoSchedule"}],
        "podCIDR": "10.0.0.0/24",
    },
    "status": {
        "capacity": {"cpu": "8", "memory": "16Gi"},
        "nodeInfo": {"operatingSystem": "linux", "architecture": "amd64", "machineID": "m"},
        "addresses": [{"type": "InternalIP", "address": "10.0.0.1"}],
    },
}
RUNTIME_CLASS = {
    "apiVersion": "node.k8s.io/v1",
    "kind": "RuntimeClass",
    "metadata": {"name": "performance-x"},
    "handler": "high-performance",
    "scheduling": {"nodeSelector": {"node-role.kubernetes.io/worker-cnf": ""}},
}
CLUSTER_OPERATOR = {
    "apiVersion": "config.openshift.io/v1",
    "kind": "ClusterOperator",
    "metadata": {"name": "node-tuning"},
    "spec": {},
    "status": {
        "conditions": [{"type": "Available", "status": "True", "lastTransitionTime": "t"}],
        "versions": [{"name": "operator", "version": "0.0.1-snapshot"}],
        "relatedObjects": [{"group": "", "resource": "namespaces", "name": "x"}],
    },
}
INFRASTRUCTURE = {
    "apiVersion": "config.openshift.io/v1",
    "kind": "Infrastructure",
    "metadata": {"name": "cluster"},
    "spec": {"platformSpec": {"type": "None"}},
    "status": {
        "controlPlaneTopology": "SingleReplica",
        "infrastructureTopology": "SingleReplica",
        "cpuPartitioning": "AllNodes",
        "platformStatus": {"type": "None", "extra": 1},
        "apiServerURL": "https://api:6443",
    },
}


@pytest.mark.parametrize(
    ("obj", "model"),
    [
        pytest.param(TUNED_NESTED, Tuned, id="tuned-nested-match"),
        pytest.param(PROFILE, Profile, id="profile"),
        pytest.param(V2_FULL, v2.PerformanceProfile, id="v2-every-field"),
        pytest.param(MACHINE_CONFIG, mco.MachineConfig, id="machineconfig"),
        pytest.param(KUBELET_CONFIG, mco.KubeletConfig, id="kubeletconfig"),
        pytest.param(MCP, mco.MachineConfigPool, id="machineconfigpool"),
        pytest.param(NODE, core.Node, id="node"),
        pytest.param(RUNTIME_CLASS, core.RuntimeClass, id="runtimeclass"),
        pytest.param(CLUSTER_OPERATOR, config.ClusterOperator, id="clusteroperator"),
        pytest.param(INFRASTRUCTURE, config.Infrastructure, id="infrastructure"),
    ],
)
def test_object_round_trips(obj: dict[str, Any], model: type[Any]) -> None:
    parsed = parse(obj)
    assert type(parsed) is model
    assert _dump(parsed) == obj
    assert parsed.model_dump(exclude_none=True) == obj, "model_dump() must write wire names"


def test_foreign_models_keep_unknown_fields_through_modification() -> None:
    node = parse(NODE)
    assert isinstance(node, core.Node)
    assert node.metadata.annotations is not None
    node.metadata.annotations["tuned.openshift.io/bootcmdline"] = "x"
    dumped = _dump(node)
    assert dumped["spec"]["podCIDR"] == "10.0.0.0/24"
    assert dumped["status"]["addresses"] == NODE["status"]["addresses"]  # type: ignore[index]

"""The operand DaemonSet manifest and its update rule."""

from __future__ import annotations

import copy

import pytest

from nto.controller.daemonset import (
    daemonset_differences,
    desired_daemonset,
    progressing_message,
    stable_generation_update,
    updated_daemonset,
)

IMAGE = "quay.io/example/nto:1"
STABLE = "tuned.openshift.io/last-stable-daemonset-generation"


def _ds(**status):
    ds = desired_daemonset(image=IMAGE, release_version="4.20.0", default_uid="uid-d")
    ds["metadata"]["generation"] = 2
    ds["status"] = {
        "observedGeneration": 2,
        "desiredNumberScheduled": 3,
        "updatedNumberScheduled": 3,
        "numberAvailable": 3,
        **status,
    }
    return ds


def test_manifest_facts():
    ds = desired_daemonset(image=IMAGE, release_version="4.20.0", default_uid="uid-d")
    assert ds["metadata"]["name"] == "tuned"
    assert ds["metadata"]["labels"] == {"openshift-app": "tuned"}
    assert ds["metadata"]["ownerReferences"][0]["name"] == "default"
    assert ds["spec"]["updateStrategy"]["rollingUpdate"] == {"maxUnavailable": "10%"}
    pod = ds["spec"]["template"]["spec"]
    assert (
        ds["spec"]["template"]["metadata"]["annotations"]["openshift.io/required-scc"]
        == "privileged"
    )
    assert (pod["serviceAccountName"], pod["priorityClassName"]) == (
        "tuned",
        "system-node-critical",
    )
    assert (pod["hostNetwork"], pod["hostPID"], pod["hostIPC"]) == (True, True, True)
    assert pod["nodeSelector"] == {"kubernetes.io/os": "linux"}
    assert pod["tolerations"] == [{"operator": "Exists"}]
    (container,) = pod["containers"]
    assert container["command"] == [
        "/usr/bin/cluster-node-tuning-operator",
        "ocp-tuned",
        "--in-cluster",
        "-v=0",
    ]
    assert container["securityContext"] == {
        "privileged": True,
        "readOnlyRootFilesystem": True,
        "runAsUser": 0,
    }
    assert container["resources"] == {"requests": {"cpu": "10m", "memory": "50Mi"}}
    env = {e["name"]: e.get("value", e.get("valueFrom")) for e in container["env"]}
    assert env == {
        "WATCH_NAMESPACE": {"fieldRef": {"fieldPath": "metadata.namespace"}},
        "OCP_NODE_NAME": {"fieldRef": {"fieldPath": "spec.nodeName"}},
        "RESYNC_PERIOD": "600",
        "RELEASE_VERSION": "4.20.0",
        "CLUSTER_NODE_TUNED_IMAGE": IMAGE,
    }
    mounts = {m["mountPath"]: m.get("readOnly", False) for m in container["volumeMounts"]}
    assert mounts == {
        "/etc/modprobe.d": False,
        "/etc/sysconfig": False,
        "/etc/kubernetes": True,
        "/etc/sysctl.d": True,
        "/etc/sysctl.conf": True,
        "/etc/systemd": False,
        "/run": False,
        "/sys": False,
        "/lib/modules": True,
        "/var/lib/kubelet": True,
        "/host": False,
        "/etc/tuned": False,
        "/tmp": False,
    }
    volumes = {v["name"]: v for v in pod["volumes"]}
    assert {m["name"] for m in container["volumeMounts"]} == set(volumes)
    assert volumes["host"]["hostPath"] == {"path": "/"}
    assert volumes["tmp"]["emptyDir"] == {"medium": "Memory"}


def test_no_owner_without_uid():
    assert "ownerReferences" not in desired_daemonset(image=IMAGE, release_version="v")["metadata"]


PROGRESS_CASES = [
    ("rolled out", {}, ""),
    (
        "generation not observed",
        {"observedGeneration": 1},
        "Waiting for DaemonSet to act on changes",
    ),
    (
        "pods not updated",
        {"updatedNumberScheduled": 1},
        "Waiting for DaemonSet to update 3 node pods",
    ),
    ("pods unavailable", {"numberUnavailable": 1}, "Waiting for DaemonSet to deploy node pods"),
]


@pytest.mark.parametrize(
    ("status", "message"), [c[1:] for c in PROGRESS_CASES], ids=[c[0] for c in PROGRESS_CASES]
)
def test_progressing_message(status, message):
    ds = _ds(**status)
    assert progressing_message(ds) == message
    ds["metadata"]["annotations"] = {STABLE: "2"}
    assert progressing_message(ds) == "", (
        "the stable annotation at this generation means not progressing"
    )


def test_stable_generation_moves_only_after_rollout():
    assert stable_generation_update(_ds()) == "2"
    assert stable_generation_update(_ds(numberUnavailable=2)) is None
    settled = _ds()
    settled["metadata"]["annotations"] = {STABLE: "2"}
    assert stable_generation_update(settled) is None


DIFF_CASES = [
    ("nothing", "4.20.0", IMAGE, True, []),
    ("release", "4.21.0", IMAGE, True, ["RELEASE_VERSION is '4.20.0', want '4.21.0'"]),
    ("image", "4.20.0", "quay.io/x:2", True, [f"image is {IMAGE!r}, want 'quay.io/x:2'"]),
    ("stable annotation", "4.20.0", IMAGE, False, ["stable generation annotation moves to 2"]),
]


@pytest.mark.parametrize(
    ("release", "image", "settled", "expected"),
    [c[1:] for c in DIFF_CASES],
    ids=[c[0] for c in DIFF_CASES],
)
def test_daemonset_differences(release, image, settled, expected):
    ds = _ds()
    if settled:
        ds["metadata"]["annotations"] = {STABLE: "2"}
    assert daemonset_differences(ds, image=image, release_version=release) == expected


def test_manual_drift_is_left_alone():
    ds = _ds()
    ds["metadata"]["annotations"] = {STABLE: "2"}
    ds["spec"]["template"]["spec"]["tolerations"] = []
    assert daemonset_differences(ds, image=IMAGE, release_version="4.20.0") == []


def test_garbage_daemonset_needs_update():
    assert daemonset_differences({"spec": "x"}, image=IMAGE, release_version="v") == [
        "RELEASE_VERSION is None, want 'v'",
        f"image is None, want {IMAGE!r}",
        "stable generation annotation moves to 0",
    ]


def test_updated_daemonset_replaces_spec_and_sets_stable_generation():
    existing = _ds()
    existing["metadata"]["annotations"] = {"keep": "me"}
    existing["spec"]["template"]["spec"]["tolerations"] = []
    before = copy.deepcopy(existing)
    desired = desired_daemonset(image="quay.io/x:2", release_version="4.21.0")
    updated = updated_daemonset(existing, desired)
    assert updated["spec"] == desired["spec"]
    assert updated["metadata"]["annotations"] == {"keep": "me", STABLE: "2"}
    assert updated["status"] == existing["status"]
    assert existing == before


def test_pod_template_labels_and_dns_match_the_reference():
    ds = desired_daemonset(image=IMAGE, release_version="4.20.0")
    template = ds["spec"]["template"]
    # other components select the operand pods by name=tuned; the selector stays openshift-app
    assert template["metadata"]["labels"] == {"openshift-app": "tuned", "name": "tuned"}
    assert ds["spec"]["selector"] == {"matchLabels": {"openshift-app": "tuned"}}
    assert ds["metadata"]["labels"] == {"openshift-app": "tuned"}
    assert template["spec"]["dnsPolicy"] == "ClusterFirst"
    # volume names as the reference's (they show in `oc describe` and in other tools' patches)
    volumes = {v["name"] for v in template["spec"]["volumes"]}
    assert {"etc-tuned", "tmp", "host", "var-lib-kubelet"} <= volumes
    mounts = template["spec"]["containers"][0]["volumeMounts"]
    assert [m["name"] for m in mounts] == [
        *("etc-modprobe-d", "etc-sysconfig", "etc-kubernetes", "etc-sysctl-d", "etc-sysctl-conf"),
        *("etc-systemd", "etc-tuned", "run", "sys", "tmp", "lib-modules", "var-lib-kubelet"),
        "host",
    ]
    assert all(m.get("readOnly", True) for m in mounts), "readOnly: false is left out"

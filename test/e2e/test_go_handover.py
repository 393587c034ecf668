"""Handing a cluster the Go operator reconciled over to ours: exactly what changes, nothing else.

The Go reference operator (``../shared/reference-bin``, unpacked into the test's temporary
directory; the test skips when it is absent) reconciles a cluster with two nodes, a
MachineConfigPool and a PerformanceProfile until it has written every object it owns: Tuneds,
Profiles, the DaemonSet, the kernel-argument MachineConfig and the profile's MachineConfig,
KubeletConfig and RuntimeClass. A node player stands in for the operands (it copies each
Profile's ``bootcmdline-deps`` to its Node and reports the Profile applied). The Go operator is
stopped and ours started with the same release version and operand image; once ours has
reconciled (its reconcile counters moved past its last write), every object's resourceVersion is
compared with the Go operator's: only the objects docs/upgrade.md lists as rewritten may change.

Without the binary, a second scenario pre-creates the core's objects in the shapes the spec and
the reference data give (the reference's default Tuned as the Go operator stores it, Profiles,
Nodes and the DaemonSet as it writes them) and asserts that ours rewrites none of them.
"""

from __future__ import annotations

import fnmatch
import re
import socket
import threading
import urllib.error
import urllib.request
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any

import pytest
import yaml

from nto.controller.daemonset import desired_daemonset
from nto.testing import (
    EmulatedCluster,
    OperatorProcess,
    ReferenceBinaryMissing,
    free_port,
    operator_command,
    unpack_reference_binary,
    wait_for,
)

from .conftest import bundle_disabled_plugins
from .test_performance_profile import BOOTCMDLINE, DEPS, MCO, NS, PP_API, TUNED, cnf_pool, profile

pytestmark = pytest.mark.e2e

SHARED = Path(__file__).resolve().parents[3] / "shared"
RELEASE = "4.99.0"
IMAGE = "quay.io/example/cluster-node-tuning-operator:4.99.0"
CMDLINE = "skew_tick=1 nohz=on"
STAMP = "2024-01-01T00:00:00Z"
GO_PORTS = (4343, 8080)
"""The Go operator's webhook and metrics ports: fixed, all interfaces."""

# (apiVersion, kind, namespace) of everything either operator writes
KINDS = (
    (TUNED, "Tuned", NS),
    (TUNED, "Profile", NS),
    ("apps/v1", "DaemonSet", NS),
    (MCO, "MachineConfig", None),
    (MCO, "KubeletConfig", None),
    ("node.k8s.io/v1", "RuntimeClass", None),
    (PP_API, "PerformanceProfile", None),
    ("v1", "Node", None),
)
# What ours rewrites on a handover at the same release (docs/upgrade.md says why and what it
# costs): the profile's Tuned (our TuneD profile text), the profile's MachineConfig (our node
# scripts and unit), and, because the Tuned's generation moves, each Profile's bootcmdline-deps
# and each Node's copy of it (written by the operand, here the node player).
REWRITTEN = {
    ("Tuned", "openshift-node-performance-manual"),
    ("MachineConfig", "50-performance-manual"),
    ("Profile", "cnf-0"),
    ("Profile", "w0"),
    ("Node", "cnf-0"),
    ("Node", "w0"),
}
# Our status wording, and the test's pokes (an annotation); its spec is compared on its own.
NOT_COMPARED = {("PerformanceProfile", "manual")}


def cluster_config() -> list[dict[str, Any]]:
    """What the Go operator reads before it reconciles: version, feature gates, platform."""
    config = "config.openshift.io/v1"
    return [
        {"apiVersion": "v1", "kind": "Namespace", "metadata": {"name": NS}},
        {
            "apiVersion": config,
            "kind": "ClusterVersion",
            "metadata": {"name": "version"},
            "spec": {"clusterID": "handover"},
            "status": {
                "desired": {"version": RELEASE, "image": IMAGE},
                "history": [
                    {
                        "version": RELEASE,
                        "state": "Completed",
                        "image": IMAGE,
                        "startedTime": STAMP,
                        "completionTime": STAMP,
                        "verified": False,
                    }
                ],
                "observedGeneration": 1,
                "versionHash": "handover",
            },
        },
        {
            "apiVersion": config,
            "kind": "FeatureGate",
            "metadata": {"name": "cluster"},
            "spec": {},
            "status": {
                "featureGates": [
                    {
                        "version": RELEASE,
                        "enabled": [],
                        "disabled": [{"name": "MixedCPUsAllocation"}],
                    }
                ]
            },
        },
        {
            "apiVersion": config,
            "kind": "Infrastructure",
            "metadata": {"name": "cluster"},
            "spec": {},
            "status": {
                "controlPlaneTopology": "HighlyAvailable",
                "infrastructureTopology": "HighlyAvailable",
                "platform": "AWS",
                "platformStatus": {"type": "AWS"},
            },
        },
    ]


def node(name: str, role: str) -> dict[str, Any]:
    return {
        "apiVersion": "v1",
        "kind": "Node",
        "metadata": {
            "name": name,
            "labels": {"kubernetes.io/os": "linux", f"node-role.kubernetes.io/{role}": ""},
        },
        "spec": {"providerID": f"aws:///eu-west-1a/{name}"},
    }


def play_operands(cluster: EmulatedCluster) -> None:
    """One pass of what each node's operand reports: the Profile applied, the deps on the Node."""
    for listed in cluster.list(TUNED, "Profile", NS):
        name = listed["metadata"]["name"]
        # read again right before writing: the emulator's apply is last-writer-wins
        found = cluster.get(TUNED, "Profile", name, NS)
        if found is None:
            continue
        want = found["spec"]["config"]["tunedProfile"]
        if (found.get("status") or {}).get("tunedProfile") != want:
            condition = {"status": "True", "reason": "AsExpected", "lastTransitionTime": STAMP}
            found["status"] = {
                "tunedProfile": want,
                "conditions": [
                    {"type": "Applied", **condition, "message": "TuneD profile applied."},
                    {**condition, "type": "Degraded", "status": "False", "message": "No warnings"},
                ],
            }
            cluster.apply(found)
        deps = (found["metadata"].get("annotations") or {}).get(DEPS)
        current = cluster.get("v1", "Node", name)
        annotations = current["metadata"].setdefault("annotations", {})
        if deps and annotations.get(DEPS) != deps:
            annotations[DEPS] = deps
            annotations[BOOTCMDLINE] = CMDLINE if name == "cnf-0" else ""
            cluster.apply(current)


@pytest.fixture
def operands(cluster: EmulatedCluster) -> Iterator[None]:
    """The node player, in a thread, for the whole test."""
    stop = threading.Event()

    def run() -> None:
        while not stop.wait(0.2):
            try:
                play_operands(cluster)
            except Exception as exc:  # a racing delete or a stopping server: play on
                print(f"operand player: {exc!r}")

    thread = threading.Thread(target=run, name="operand-player", daemon=True)
    thread.start()
    yield
    stop.set()
    thread.join(timeout=10)


@pytest.fixture(scope="module")
def go_operator(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """The Go reference operator, unpacked once per module (never into the repository)."""
    try:
        return unpack_reference_binary(
            "cluster-node-tuning-operator", tmp_path_factory.mktemp("go-operator")
        )
    except ReferenceBinaryMissing as missing:
        pytest.skip(str(missing))


def versions(cluster: EmulatedCluster) -> dict[tuple[str, str], str]:
    """(kind, name) -> resourceVersion of every object either operator writes."""
    found = {}
    for api, kind, namespace in KINDS:
        items = cluster.list(api, kind, namespace) if namespace else cluster.list(api, kind)
        for item in items:
            found[(kind, item["metadata"]["name"])] = item["metadata"]["resourceVersion"]
    return found


def scrape(port: int) -> dict[str, float]:
    """Our operator's metric samples by name with labels (empty while it does not answer)."""
    try:
        with urllib.request.urlopen(f"http://127.0.0.1:{port}/metrics", timeout=5) as response:
            text = response.read().decode()
    except (urllib.error.URLError, ConnectionError):
        return {}
    samples = {}
    for line in text.splitlines():
        if line and not line.startswith("#"):
            key, _, value = line.rpartition(" ")
            samples[key] = float(value)
    return samples


def counters(port: int) -> tuple[float, float]:
    """(core reconciles done, PerformanceProfile reconciles done)."""
    samples = scrape(port)
    core = samples.get('nto_reconcile_total{controller="tuned",result="ok"}', 0.0)
    plugin = samples.get("nto_performance_reconcile_duration_seconds_count", 0.0)
    return core, plugin


def ports_free() -> bool:
    for port in GO_PORTS:
        with socket.socket() as sock:
            sock.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
            try:
                sock.bind(("", port))
            except OSError:
                return False
    return True


def go_finished(cluster: EmulatedCluster, go: OperatorProcess) -> bool:
    if not go.running:
        if "address already in use" in go.log:
            # its webhook (4343) and metrics (8080) ports are fixed; only on a shared machine
            pytest.skip("another Go operator on this machine holds its fixed ports")
        pytest.fail(f"the Go operator exited:\n{go.log[-4000:]}")
    # every object the handover compares must exist before ours starts: a Profile the Go
    # operator had not written yet would show up as "created by the handover"
    return bool(
        cluster.get("node.k8s.io/v1", "RuntimeClass", "performance-manual")
        and cluster.get(MCO, "MachineConfig", "50-nto-worker-cnf")
        and all(cluster.get(TUNED, "Profile", node, NS) for node in ("cnf-0", "w0"))
    )


def waited(predicate: Callable[[], Any], process: OperatorProcess, message: str) -> Any:
    def alive_and(predicate: Callable[[], Any] = predicate) -> Any:
        result = predicate()
        if not result and not process.running:
            log = process.log[-4000:]
            pytest.fail(f"{process.command[0]} exited while waiting: {message}\n{log}")
        return result

    try:
        return wait_for(alive_and, timeout=90, interval=0.2, message=message)
    except TimeoutError:
        print(process.log[-8000:])
        raise


@pytest.mark.timeout(420)
@pytest.mark.parametrize(
    ("release", "image", "also_rewritten"),
    [
        pytest.param(RELEASE, IMAGE, set(), id="same-release"),
        # an upgrade: the new operand image and version roll the DaemonSet, as the Go operator's
        # own upgrade would; everything else is the same as at the same release
        pytest.param("4.99.1", IMAGE + "-next", {("DaemonSet", "tuned")}, id="upgrade"),
    ],
)
def test_handover_from_the_go_operator_rewrites_only_what_docs_list(
    cluster: EmulatedCluster,
    emulated_cluster_crds: list[Any],
    go_operator: Path,
    operands: None,
    tmp_path: Path,
    release: str,
    image: str,
    also_rewritten: set[tuple[str, str]],
) -> None:
    cluster.apply(cluster_config())
    cluster.apply([cnf_pool(), node("cnf-0", "worker-cnf"), node("w0", "worker"), profile()])
    env = {
        "WATCH_NAMESPACE": NS,
        "RELEASE_VERSION": RELEASE,
        "CLUSTER_NODE_TUNED_IMAGE": IMAGE,
        "RESYNC_PERIOD": "1",
    }
    assert cluster.kubeconfig_path is not None
    try:
        wait_for(ports_free, timeout=120, interval=1, message="ports 4343 and 8080 free")
    except TimeoutError:
        pytest.skip("another process on this machine holds the Go operator's fixed ports")
    go = OperatorProcess(
        [str(go_operator), "--enable-leader-election=false", "-v=2"],
        kubeconfig=cluster.kubeconfig_path,
        env={**env, "DIFF_FORCE_JSON": "true", "MY_NAMESPACE": NS, "POD_NAME": "handover"},
        log_path=tmp_path / "go-operator.log",
    ).start()
    try:
        waited(
            lambda: go_finished(cluster, go),
            go,
            "the Go operator wrote every object of the profile and the kernel arguments",
        )
    finally:
        go.stop()
    before = versions(cluster)
    pp_spec = cluster.get(PP_API, "PerformanceProfile", "manual")["spec"]

    port = free_port()
    ours = OperatorProcess(
        operator_command(metrics_port=port),
        kubeconfig=cluster.kubeconfig_path,
        env={
            **env,
            "RELEASE_VERSION": release,
            "CLUSTER_NODE_TUNED_IMAGE": image,
            "NTO_DISABLED_PLUGINS": bundle_disabled_plugins(),
        },
        log_path=tmp_path / "operator.log",
    ).start()
    try:
        # ours rewrites the profile's MachineConfig last (after the pool applied its Tuned) ...
        waited(
            lambda: (
                versions(cluster).get(("MachineConfig", "50-performance-manual"))
                != before[("MachineConfig", "50-performance-manual")]
            ),
            ours,
            "our operator rewrote the profile's MachineConfig",
        )
        # ... and has reconciled since: the core resyncs every second; the plugin is poked twice
        # through an annotation on the profile, so a reconcile that started after the write ends
        core = counters(port)[0]
        waited(lambda: counters(port)[0] > core, ours, "the core reconciled after the last write")
        for poke in ("1", "2"):
            done = counters(port)[1]
            pp = cluster.get(PP_API, "PerformanceProfile", "manual")
            pp["metadata"].setdefault("annotations", {})["e2e.nto.test/poke"] = poke
            cluster.apply(pp)
            message = f"the plugin reconciled (poke {poke})"
            waited(lambda d=done: counters(port)[1] > d, ours, message)
        after = versions(cluster)
    finally:
        ours.stop()

    changed = {key for key in before if after.get(key) != before[key]}
    assert set(after) == set(before), "objects created or deleted by the handover"
    assert changed - NOT_COMPARED == REWRITTEN | also_rewritten, ours.log[-8000:]
    assert cluster.get(PP_API, "PerformanceProfile", "manual")["spec"] == pp_spec


def documented_rows() -> dict[str, str]:
    """docs/upgrade.md's table: object pattern (``Kind/name``, ``<x>`` as ``*``) -> its cell."""
    rows = {}
    text = (Path(__file__).resolve().parents[2] / "docs" / "upgrade.md").read_text()
    for line in text.splitlines():
        cells = [cell.strip() for cell in line.strip().strip("|").split("|")]
        if len(cells) > 2 and cells[0].startswith("`") and "/" in cells[0]:
            pattern = re.sub(r"<[^>]+>", "*", cells[0].split("`")[1])
            rows[pattern] = cells[1]
    return rows


def test_docs_list_exactly_what_the_handover_rewrites() -> None:
    rows = documented_rows()
    at_upgrade = {("DaemonSet", "tuned")}

    def cell(kind: str, name: str) -> str:
        [found] = [c for p, c in rows.items() if fnmatch.fnmatchcase(f"{kind}/{name}", p)]
        return found

    for kind, name in REWRITTEN:
        assert "**yes**" in cell(kind, name) or cell(kind, name) == "by the operand", (kind, name)
    for kind, name in at_upgrade:
        assert "at an upgrade: yes" in cell(kind, name)
    said_yes = {p for p, c in rows.items() if c.startswith("**yes**")}
    assert said_yes == {
        p for p in rows if any(fnmatch.fnmatchcase(f"{k}/{n}", p) for k, n in REWRITTEN)
    } - {p for p, c in rows.items() if c == "by the operand"}


# --- the same handover without the Go binary: objects pre-created in the shapes the spec gives ---

REFERENCE_DEFAULT_TUNED = SHARED / "reference" / "tuned" / "default-cr-tuned.yaml"


def go_shaped_daemonset(default_uid: str) -> dict[str, Any]:
    """DaemonSet ``tuned`` as the Go operator stores it: the spec's manifest, typed host paths,
    no ``runAsUser`` and the pod defaults its client sends (docs/differences.md)."""
    ds = desired_daemonset(image=IMAGE, release_version=RELEASE, default_uid=default_uid)
    pod = ds["spec"]["template"]["spec"]
    pod |= {
        "restartPolicy": "Always",
        "schedulerName": "default-scheduler",
        "securityContext": {},
        "terminationGracePeriodSeconds": 30,
    }
    [container] = pod["containers"]
    del container["securityContext"]["runAsUser"]
    container["terminationMessagePath"] = "/dev/termination-log"
    for env in container["env"]:
        if "valueFrom" in env:
            env["valueFrom"]["fieldRef"]["apiVersion"] = "v1"
    for volume in pod["volumes"]:
        if "hostPath" in volume:
            path = volume["hostPath"]["path"]
            volume["hostPath"]["type"] = "File" if path == "/etc/sysctl.conf" else "Directory"
    return ds


def go_shaped_profile(node: str, tuned_profile: str, default: dict[str, Any]) -> dict[str, Any]:
    """Profile ``<node>`` as the Go operator writes it and its operand reports it applied."""
    meta = default["metadata"]
    stamp = {"status": "True", "reason": "AsExpected", "lastTransitionTime": STAMP}
    return {
        "apiVersion": TUNED,
        "kind": "Profile",
        "metadata": {
            "name": node,
            "namespace": NS,
            "annotations": {DEPS: f"{RELEASE},default:{meta['generation']}"},
            "ownerReferences": [
                {
                    "apiVersion": TUNED,
                    "kind": "Tuned",
                    "name": "default",
                    "uid": meta["uid"],
                    "controller": True,
                    "blockOwnerDeletion": True,
                }
            ],
        },
        "spec": {
            "config": {
                "tunedProfile": tuned_profile,
                "debug": False,
                "verbosity": 0,
                "tunedConfig": {},
                "providerName": "aws",
            },
            "profile": default["spec"]["profile"],
        },
        "status": {
            "tunedProfile": tuned_profile,
            "conditions": [
                {**stamp, "type": "Applied", "message": "TuneD profile applied."},
                {**stamp, "type": "Degraded", "status": "False", "message": "No warnings"},
            ],
        },
    }


@pytest.mark.timeout(300)
def test_handover_of_spec_shaped_objects_rewrites_nothing(
    cluster: EmulatedCluster,
    tmp_path: Path,
) -> None:
    if not REFERENCE_DEFAULT_TUNED.is_file():
        pytest.skip(f"{REFERENCE_DEFAULT_TUNED} is absent (read-only shared data)")
    default = yaml.safe_load(REFERENCE_DEFAULT_TUNED.read_text())
    for recommend in default["spec"]["recommend"]:
        recommend["operand"] = {"tunedConfig": {}}  # as the Go operator stores it
    valid = {"type": "Valid", "status": "True", "reason": "AsExpected", "lastTransitionTime": STAMP}
    default["status"] = {"conditions": [valid]}
    cluster.apply([*cluster_config(), node("master-0", "control-plane"), node("w0", "worker")])
    [default] = cluster.apply(default)
    nodes = {"master-0": "openshift-control-plane", "w0": "openshift-node"}
    for name, tuned_profile in nodes.items():
        cluster.apply(go_shaped_profile(name, tuned_profile, default))
        current = cluster.get("v1", "Node", name)
        current["metadata"]["annotations"] = {
            DEPS: f"{RELEASE},default:{default['metadata']['generation']}",
            BOOTCMDLINE: "",
        }
        cluster.apply(current)
    cluster.apply(go_shaped_daemonset(default["metadata"]["uid"]))
    before = versions(cluster)

    port = free_port()
    assert cluster.kubeconfig_path is not None
    ours = OperatorProcess(
        operator_command(metrics_port=port),
        kubeconfig=cluster.kubeconfig_path,
        env={
            "WATCH_NAMESPACE": NS,
            "RELEASE_VERSION": RELEASE,
            "CLUSTER_NODE_TUNED_IMAGE": IMAGE,
            "RESYNC_PERIOD": "1",
            "NTO_DISABLED_PLUGINS": bundle_disabled_plugins(),
        },
        log_path=tmp_path / "operator.log",
    ).start()
    try:
        # an observable reconcile: a node joining gets its Profile (so ours has Tuneds, Nodes
        # and Profiles cached); then two more full reconciles (it resyncs every second)
        cluster.apply(node("w1", "worker"))
        waited(lambda: cluster.get(TUNED, "Profile", "w1", NS), ours, "Profile w1 created")
        core = counters(port)[0]
        waited(lambda: counters(port)[0] >= core + 2, ours, "two more core reconciles")
        after = versions(cluster)
    finally:
        ours.stop()
    changed = sorted(key for key in before if after.get(key) != before[key])
    assert changed == [], ours.log[-8000:]

"""The reference (Go, client-go) operator converges on ``nto dev-cluster``, unpatched.

Acceptance for the emulator as a stand-in for a kube-apiserver: the Go operator from
``../shared/reference-bin`` (sending JSON with ``DIFF_FORCE_JSON=true``), run with its
Deployment's environment, a kubeconfig and its webhook certificate, writes the default Tuned, a
Profile for every Node, the ``tuned`` DaemonSet and the ClusterOperator, and reports Available
once the node agents (simulated here over HTTP) report in, then handles a PerformanceProfile
(finalizer, rendered Tuned), without panicking. The cluster holds
what an OpenShift cluster always has and the operator waits for: Nodes, the operator namespace,
``ClusterVersion/version``, ``FeatureGate/cluster`` with the gates of the desired version, and
``Infrastructure/cluster``.

The binary listens on fixed ports (webhook 4343, metrics 8080) and reads its certificate from
``/apiserver.local.config/certificates``: runs are serialised by a lock file, and the test skips
with the reason when the binary, the ports or the certificate directory are unavailable.
"""

from __future__ import annotations

import contextlib
import fcntl
import json
import os
import pathlib
import shlex
import shutil
import socket
import subprocess
import sys
import tempfile
import urllib.error
import urllib.request
from collections.abc import Callable, Iterator
from typing import Any

import pytest

from nto.testing import (
    OperatorProcess,
    ReferenceBinaryMissing,
    free_port,
    unpack_reference_binary,
    wait_for,
)

pytestmark = [pytest.mark.e2e, pytest.mark.timeout(300)]

REPO = pathlib.Path(__file__).resolve().parents[2]
CERT_DIR = pathlib.Path("/apiserver.local.config/certificates")
LOCK = pathlib.Path("/tmp/nto-reference-operator.lock")
FIXED_PORTS = (4343, 8080)
NETNS_PORT = 6443
BRIDGE = pathlib.Path(__file__).with_name("socket_bridge.py")
NS = "openshift-cluster-node-tuning-operator"
VERSION = "4.20.0"
DISABLED_GATES = ("MixedCPUsAllocation",)  # read by its PerformanceProfile controller
NODES = {
    "master-0": {"node-role.kubernetes.io/master": "", "node-role.kubernetes.io/control-plane": ""},
    "worker-0": {"node-role.kubernetes.io/worker": ""},
    "worker-1": {"node-role.kubernetes.io/worker": ""},
}
WORKER_POOL = {
    "metadata": {"name": "worker", "labels": {"machineconfiguration.openshift.io/role": "worker"}},
    "spec": {
        "machineConfigSelector": {
            "matchLabels": {"machineconfiguration.openshift.io/role": "worker"}
        },
        "nodeSelector": {"matchLabels": {"node-role.kubernetes.io/worker": ""}},
    },
}
PROFILE = {
    "metadata": {"name": "perf"},
    "spec": {
        "cpu": {"isolated": "2-3", "reserved": "0-1"},
        "nodeSelector": {"node-role.kubernetes.io/worker": ""},
    },
}
PP_TUNED = "openshift-node-performance-perf"
# The operator Deployment's environment (bundle/..._50-operator.yaml), fieldRefs resolved.
OPERATOR_ENV = {
    "RELEASE_VERSION": "0.0.1-snapshot",
    "WATCH_NAMESPACE": NS,
    "POD_NAME": "cluster-node-tuning-operator-0",
    "RESYNC_PERIOD": "600",
    "CLUSTER_NODE_TUNED_IMAGE": "registry.ci.openshift.org/openshift/origin-v4.0:"
    "cluster-node-tuning-operator",
    "DIFF_FORCE_JSON": "true",
}


class Api:
    """JSON over HTTP against the dev cluster."""

    def __init__(self, url: str) -> None:
        self.url = url

    def __call__(self, method: str, path: str, body: Any = None) -> tuple[int, Any]:
        data = None if body is None else json.dumps(body).encode()
        content_type = "application/merge-patch+json" if method == "PATCH" else "application/json"
        request = urllib.request.Request(
            self.url + path, data=data, method=method, headers={"Content-Type": content_type}
        )
        try:
            with urllib.request.urlopen(request, timeout=10) as response:
                return response.status, json.loads(response.read())
        except urllib.error.HTTPError as error:
            return error.code, json.loads(error.read())

    def get(self, path: str) -> Any:
        status, body = self("GET", path)
        return body if status == 200 else None

    def create(self, path: str, body: dict[str, Any]) -> None:
        status, answer = self("POST", path, body)
        assert status == 201, answer


def _ports_free() -> bool:
    for port in FIXED_PORTS:
        with socket.socket() as sock:
            sock.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
            try:
                sock.bind(("0.0.0.0", port))
            except OSError:
                return False
    return True


@pytest.fixture
def reference_binary(tmp_path: pathlib.Path) -> pathlib.Path:
    try:
        return unpack_reference_binary("cluster-node-tuning-operator", tmp_path)
    except ReferenceBinaryMissing as missing:
        pytest.skip(str(missing))


@pytest.fixture
def webhook_certificate() -> None:
    """The serving certificate the binary loads at start (any self-signed pair will do)."""
    wanted = [CERT_DIR / name for name in ("apiserver.crt", "apiserver.key", "tls.crt", "tls.key")]
    if all(path.exists() for path in wanted):
        return
    try:
        CERT_DIR.mkdir(parents=True, exist_ok=True)
    except OSError as exc:
        pytest.skip(f"cannot create {CERT_DIR} for the operator's webhook certificate: {exc}")
    import trustme

    cert = trustme.CA().issue_cert("localhost", "127.0.0.1")
    for stem in ("apiserver", "tls"):
        cert.cert_chain_pems[0].write_to_path(str(CERT_DIR / f"{stem}.crt"))
        cert.private_key_pem.write_to_path(str(CERT_DIR / f"{stem}.key"))


def _netns_available() -> bool:
    if not shutil.which("unshare") or not shutil.which("ip"):
        return False
    probe = subprocess.run(
        ["unshare", "--net", "ip", "link", "set", "lo", "up"], capture_output=True, check=False
    )
    return probe.returncode == 0


def _try_lock(fd: int) -> bool:
    try:
        fcntl.flock(fd, fcntl.LOCK_EX | fcntl.LOCK_NB)
    except BlockingIOError:
        return False
    return True


@contextlib.contextmanager
def _host_ports() -> Iterator[None]:
    """Hold the lock of the fixed ports on the host network; skip when they are taken."""
    with LOCK.open("a") as handle:
        try:
            wait_for(
                lambda: _try_lock(handle.fileno()), timeout=240, message="reference operator lock"
            )
        except TimeoutError:
            pytest.skip(f"another run holds {LOCK} (the reference operator's fixed ports)")
        try:
            if not _ports_free():
                pytest.skip(f"ports {FIXED_PORTS} are in use; the reference operator needs them")
            yield
        finally:
            fcntl.flock(handle.fileno(), fcntl.LOCK_UN)


@pytest.fixture
def launch(tmp_path: pathlib.Path) -> Iterator[Callable[[pathlib.Path, str], OperatorProcess]]:
    """Start the binary against a server URL: in a network namespace of its own when possible
    (its ports 4343 and 8080 are fixed), bridged to the server through a Unix socket."""
    started: list[OperatorProcess] = []

    def netns(binary: pathlib.Path, url: str) -> OperatorProcess:
        # a short path: a Unix socket's path is capped at 107 bytes
        sock = pathlib.Path(stack.enter_context(tempfile.TemporaryDirectory(prefix="nto-"))) / "s"
        outside = OperatorProcess(
            [sys.executable, str(BRIDGE), "unix-to-tcp", str(sock), url.split("//", 1)[1]],
            kubeconfig=os.devnull,
            log_path=tmp_path / "bridge.log",
        )
        started.append(outside.start())
        wait_for(sock.exists, timeout=30, message="bridge socket")
        kubeconfig = _kubeconfig(tmp_path / "kubeconfig-netns", f"http://127.0.0.1:{NETNS_PORT}")
        ready = shlex.quote(str(tmp_path / "bridge-inside.ready"))
        inside = (
            f"ip link set lo up && {shlex.quote(sys.executable)} {shlex.quote(str(BRIDGE))}"
            f" tcp-to-unix 127.0.0.1:{NETNS_PORT} {shlex.quote(str(sock))} {ready} &"
            f" i=0; while [ ! -e {ready} ] && [ $i -lt 600 ]; do sleep 0.05; i=$((i+1)); done;"
            f" exec {shlex.quote(str(binary))} -v=2"
        )
        return _operator(["unshare", "--net", "sh", "-c", inside], kubeconfig)

    def host(binary: pathlib.Path, url: str) -> OperatorProcess:
        stack.enter_context(_host_ports())
        return _operator([str(binary), "-v=2"], _kubeconfig(tmp_path / "kubeconfig-host", url))

    def _operator(command: list[str], kubeconfig: pathlib.Path) -> OperatorProcess:
        process = OperatorProcess(
            command,
            kubeconfig=kubeconfig,
            env=OPERATOR_ENV,
            log_path=tmp_path / "reference-operator.log",
            cwd=tmp_path,
        )
        started.append(process.start())
        return process

    with contextlib.ExitStack() as stack:
        yield netns if _netns_available() else host
        for process in reversed(started):
            process.stop()


def _kubeconfig(path: pathlib.Path, server: str) -> pathlib.Path:
    config = {
        "apiVersion": "v1",
        "kind": "Config",
        "clusters": [{"name": "dev", "cluster": {"server": server}}],
        "users": [{"name": "admin", "user": {"token": "dev"}}],
        "contexts": [{"name": "dev", "context": {"cluster": "dev", "user": "admin"}}],
        "current-context": "dev",
    }
    path.write_text(json.dumps(config))
    return path


@pytest.fixture
def dev_cluster(tmp_path: pathlib.Path) -> Iterator[Api]:
    """``nto dev-cluster`` as a user runs it, with the project's CRDs."""
    kubeconfig = tmp_path / "kubeconfig"
    command = [sys.executable, "-m", "nto", "dev-cluster", "--port", str(free_port())]
    process = OperatorProcess(
        [*command, "--kubeconfig", str(kubeconfig)],
        kubeconfig=kubeconfig,
        log_path=tmp_path / "dev-cluster.log",
    )
    with process:
        line = wait_for(
            lambda: next(
                (ln for ln in process.log.splitlines() if ln.startswith("Emulated API server at")),
                None,
            ),
            timeout=60,
            message="dev-cluster serving",
        )
        wait_for(lambda: "CRDs installed" in process.log, timeout=30, message="CRDs installed")
        yield Api(line.rsplit(" ", 1)[-1])


def _seed(api: Api) -> None:
    api.create("/api/v1/namespaces", {"metadata": {"name": NS}})
    for name, labels in NODES.items():
        api.create(
            "/api/v1/nodes",
            {"metadata": {"name": name, "labels": {"kubernetes.io/os": "linux", **labels}}},
        )
    config = "/apis/config.openshift.io/v1"
    api.create(f"{config}/clusterversions", {"metadata": {"name": "version"}, "spec": {}})
    status, _ = api(
        "PATCH",
        f"{config}/clusterversions/version/status",
        {"status": {"desired": {"version": VERSION}}},
    )
    assert status == 200
    api.create(f"{config}/featuregates", {"metadata": {"name": "cluster"}, "spec": {}})
    disabled = [{"name": name} for name in DISABLED_GATES]
    gates = {"featureGates": [{"version": VERSION, "enabled": [], "disabled": disabled}]}
    assert api("PATCH", f"{config}/featuregates/cluster/status", {"status": gates})[0] == 200
    api.create(f"{config}/infrastructures", {"metadata": {"name": "cluster"}, "spec": {}})
    topology = {"controlPlaneTopology": "HighlyAvailable", "platform": "None"}
    status, _ = api("PATCH", f"{config}/infrastructures/cluster/status", {"status": topology})
    assert status == 200


def _report_node_agents(api: Api) -> None:
    """What ocp-tuned and the DaemonSet controller would report on real nodes."""
    base = f"/apis/tuned.openshift.io/v1/namespaces/{NS}/profiles"
    for profile in (api.get(base) or {"items": []})["items"]:
        wanted = profile["spec"]["config"]["tunedProfile"]
        if (profile.get("status") or {}).get("tunedProfile") == wanted:
            continue
        now = "2026-01-01T00:00:00Z"
        conditions = [
            {
                "type": "Applied",
                "status": "True",
                "reason": "AsExpected",
                "lastTransitionTime": now,
            },
            {
                "type": "Degraded",
                "status": "False",
                "reason": "AsExpected",
                "lastTransitionTime": now,
            },
        ]
        status = {"tunedProfile": wanted, "conditions": conditions}
        api("PATCH", f"{base}/{profile['metadata']['name']}/status", {"status": status})
    path = f"/apis/apps/v1/namespaces/{NS}/daemonsets/tuned"
    daemonset = api.get(path)
    if daemonset is not None:
        count = len(NODES)
        status = {
            "observedGeneration": daemonset["metadata"]["generation"],
            "desiredNumberScheduled": count,
            "currentNumberScheduled": count,
            "updatedNumberScheduled": count,
            "numberAvailable": count,
            "numberReady": count,
        }
        if {k: daemonset.get("status", {}).get(k) for k in status} != status:
            api("PATCH", f"{path}/status", {"status": status})


def _available(api: Api) -> bool:
    co = api.get("/apis/config.openshift.io/v1/clusteroperators/node-tuning") or {}
    conditions = {c["type"]: c for c in (co.get("status") or {}).get("conditions") or []}
    return (conditions.get("Available") or {}).get("status") == "True"


def test_reference_operator_converges_on_dev_cluster(
    reference_binary, webhook_certificate, dev_cluster, launch
):
    api = dev_cluster
    _seed(api)
    operator = launch(reference_binary, api.url)
    try:
        profiles = f"/apis/tuned.openshift.io/v1/namespaces/{NS}/profiles"
        wait_for(
            lambda: (
                {p["metadata"]["name"] for p in (api.get(profiles) or {"items": []})["items"]}
                == set(NODES)
            ),
            timeout=120,
            interval=0.5,
            message="a Profile for every Node",
        )
        daemonset = wait_for(
            lambda: api.get(f"/apis/apps/v1/namespaces/{NS}/daemonsets/tuned"),
            timeout=60,
            message="the tuned DaemonSet",
        )
        assert (
            daemonset["metadata"]["annotations"]["deprecated.daemonset.template.generation"] == "1"
        )

        def reported_and_available() -> bool:
            _report_node_agents(api)
            return _available(api)

        wait_for(reported_and_available, timeout=120, interval=0.5, message="Available")

        # its PerformanceProfile controller: finalizer on the v2 object, then the rendered Tuned
        api.create("/apis/machineconfiguration.openshift.io/v1/machineconfigpools", WORKER_POOL)
        api.create("/apis/performance.openshift.io/v2/performanceprofiles", PROFILE)
        pp_path = "/apis/performance.openshift.io/v2/performanceprofiles/perf"
        wait_for(
            lambda: (api.get(pp_path) or {}).get("metadata", {}).get("finalizers"),
            timeout=60,
            message="the PerformanceProfile finalizer",
        )
        wait_for(
            lambda: api.get(f"/apis/tuned.openshift.io/v1/namespaces/{NS}/tuneds/{PP_TUNED}"),
            timeout=60,
            message=f"Tuned/{PP_TUNED}",
        )
        assert operator.running, "the reference operator exited"
    finally:
        log = operator.log
        if "panic" in log or not _available(api):
            print(log[-20000:])
    assert "panic" not in log
    tuned = api.get(f"/apis/tuned.openshift.io/v1/namespaces/{NS}/tuneds/default")
    assert tuned is not None, "the reference operator did not create Tuned/default"

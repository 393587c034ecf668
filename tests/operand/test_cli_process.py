"""``ocp-tuned`` as a process: env handling, SIGTERM stops TuneD, a second signal exits 1."""

from __future__ import annotations

import os
import signal
import subprocess
import sys
import time
from typing import Any

import pytest

from nto.testing import wait_for
from nto_api.crds import load_crds

from .conftest import NAMESPACE, kinds, make_profile


@pytest.fixture
def emulated_cluster_crds() -> list[Any]:
    return load_crds()


def start(emulated_cluster, paths, fake_tuned, data="[main]\n", grace="1"):
    emulated_cluster.apply(
        [
            {"apiVersion": "v1", "kind": "Namespace", "metadata": {"name": NAMESPACE}},
            {"apiVersion": "v1", "kind": "Node", "metadata": {"name": "worker-0"}},
            make_profile(profiles={"openshift-node": data}),
        ]
    )
    env = {
        **os.environ,
        "OCP_NODE_NAME": "worker-0",
        "KUBECONFIG": str(emulated_cluster.kubeconfig_path),
        "NTO_TUNED_BIN": fake_tuned,
        "NTO_TUNED_STOP_GRACE": grace,
        "CLUSTER_NODE_TUNED_IMAGE": "example.com/nto:test",
    }
    return subprocess.Popen(
        [sys.executable, "-m", "nto", "ocp-tuned"],
        env=env,
        stdout=subprocess.PIPE,
        stderr=subprocess.STDOUT,
        text=True,
    )


def applied(emulated_cluster):
    profile = emulated_cluster.get("tuned.openshift.io/v1", "Profile", "worker-0", NAMESPACE)
    return (profile.get("status") or {}).get("tunedProfile") == "openshift-node"


def test_sigterm_stops_tuned_gracefully(emulated_cluster, paths, fake_tuned):
    process = start(emulated_cluster, paths, fake_tuned)
    try:
        wait_for(lambda: applied(emulated_cluster), timeout=20)
        assert paths.image_env_file.read_text() == "NTO_IMAGE=example.com/nto:test\n"
        process.send_signal(signal.SIGTERM)
        assert process.wait(timeout=15) == 0
        assert kinds(paths)[-1] == "term"
    finally:
        process.kill()
        process.communicate()


def test_second_signal_exits_1(emulated_cluster, paths, fake_tuned):
    stubborn = "[main]\n[fake]\nignore_sigterm=1\n"
    process = start(emulated_cluster, paths, fake_tuned, data=stubborn, grace="30")
    try:
        wait_for(lambda: applied(emulated_cluster), timeout=20)
        process.send_signal(signal.SIGTERM)
        wait_for(lambda: "term" in kinds(paths), timeout=10)
        time.sleep(0.1)
        process.send_signal(signal.SIGINT)
        assert process.wait(timeout=10) == 1
    finally:
        process.kill()
        process.communicate()

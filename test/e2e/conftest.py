"""End-to-end fixtures: the project's CRDs in the emulated cluster, and the operator process.

By default every scenario runs against :class:`nto.testing.EmulatedCluster`. With
``NTO_E2E_KUBECONFIG`` set the suite targets that real cluster instead and skips what needs the
emulator (fault injection, simulated nodes).
"""

from __future__ import annotations

import os
import sys
from collections.abc import Iterator
from typing import Any

import pytest

from nto.bundle.generate import disabled_by_default
from nto.plugins.host import build_plugin_host
from nto.testing import EmulatedCluster, OperatorProcess

REAL_CLUSTER = os.environ.get("NTO_E2E_KUBECONFIG")


def project_crds() -> list[dict[str, Any]]:
    """The core's CRDs plus those of every installed plugin."""
    from nto.bundle.generate import core_crds

    host = build_plugin_host()
    return core_crds() + [crd for _, crd in host.collect("nto_crds")]


def bundle_disabled_plugins() -> str:
    """``NTO_DISABLED_PLUGINS`` as the bundle ships it (the plugins disabled by default)."""
    return ",".join(disabled_by_default(build_plugin_host()))


@pytest.fixture
def emulated_cluster_crds() -> list[Any]:
    return project_crds()


@pytest.fixture
def cluster(request: pytest.FixtureRequest) -> EmulatedCluster:
    if REAL_CLUSTER:
        pytest.skip("scenario needs the emulated cluster (NTO_E2E_KUBECONFIG is set)")
    cluster: EmulatedCluster = request.getfixturevalue("emulated_cluster")
    return cluster


@pytest.fixture
def operator_factory(cluster: EmulatedCluster, tmp_path) -> Iterator[Any]:
    """Start ``nto operator`` subprocesses against ``cluster``; all are stopped afterwards."""
    started: list[OperatorProcess] = []

    def start(*args: str, env: dict[str, str] | None = None) -> OperatorProcess:
        assert cluster.kubeconfig_path is not None
        command = [sys.executable, "-m", "nto", "operator", *args]
        process = OperatorProcess(
            command,
            kubeconfig=cluster.kubeconfig_path,
            env={
                "WATCH_NAMESPACE": "openshift-cluster-node-tuning-operator",
                "NTO_DISABLED_PLUGINS": bundle_disabled_plugins(),  # as the bundle ships
                **(env or {}),
            },
            log_path=tmp_path / f"operator-{len(started)}.log",
        )
        started.append(process.start())
        return process

    yield start
    for process in started:
        process.stop()

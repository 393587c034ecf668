"""pytest plugin of ``nto.testing`` (entry point ``nto`` in ``pytest11``): cluster fixtures.

Loaded in every pytest run of the repository, so it imports only the standard library at import
time; the server (:mod:`nto.testing._cluster`, aiohttp) is imported inside the fixtures.

Fixtures:

- ``emulated_cluster_crds``: CRDs (dicts, files or directories) to load; empty by default,
  override it in a conftest to install a project's CRDs;
- ``emulated_cluster``: a fresh, started :class:`~nto.testing.EmulatedCluster` per test;
- ``kubeconfig``: the path of its kubeconfig, also exported as ``KUBECONFIG`` for the test;
- ``management_cluster``: HyperShift's second cluster, another started
  :class:`~nto.testing.EmulatedCluster` holding namespace ``management_namespace`` (default
  ``clusters-hosted``); ``emulated_cluster`` is then the hosted cluster;
- ``management_kubeconfig``: its kubeconfig, exported as ``NTO_MANAGEMENT_KUBECONFIG`` (with
  ``HYPERSHIFT=true`` and ``MY_NAMESPACE``) for operators the test starts from the environment.
"""

from __future__ import annotations

import pathlib
from collections.abc import Iterator
from typing import TYPE_CHECKING, Any

import pytest

if TYPE_CHECKING:
    from nto.testing import EmulatedCluster


@pytest.fixture
def emulated_cluster_crds() -> list[Any]:
    """CRDs to load into ``emulated_cluster``; override to install your own."""
    return []


@pytest.fixture
def emulated_cluster(emulated_cluster_crds: list[Any]) -> Iterator[EmulatedCluster]:
    """A started emulated API server on 127.0.0.1, stopped after the test."""
    from nto.testing import EmulatedCluster

    with EmulatedCluster() as cluster:
        if emulated_cluster_crds:
            cluster.load_crds(emulated_cluster_crds)
        yield cluster


@pytest.fixture
def kubeconfig(
    emulated_cluster: EmulatedCluster,
    monkeypatch: pytest.MonkeyPatch,
) -> pathlib.Path:
    """The kubeconfig of ``emulated_cluster``; ``KUBECONFIG`` points at it during the test."""
    path = emulated_cluster.kubeconfig_path
    assert path is not None
    monkeypatch.setenv("KUBECONFIG", str(path))
    return path


@pytest.fixture
def management_namespace() -> str:
    """The hosted control plane's namespace in ``management_cluster``; override to change."""
    return "clusters-hosted"


@pytest.fixture
def management_cluster(management_namespace: str) -> Iterator[EmulatedCluster]:
    """HyperShift's management cluster: a started emulated API server with the namespace."""
    from nto.testing import EmulatedCluster

    with EmulatedCluster() as cluster:
        cluster.apply(
            {"apiVersion": "v1", "kind": "Namespace", "metadata": {"name": management_namespace}}
        )
        yield cluster


@pytest.fixture
def management_kubeconfig(
    management_cluster: EmulatedCluster,
    management_namespace: str,
    monkeypatch: pytest.MonkeyPatch,
) -> pathlib.Path:
    """The management cluster's kubeconfig; the HyperShift environment is set for the test."""
    path = management_cluster.kubeconfig_path
    assert path is not None
    monkeypatch.setenv("NTO_MANAGEMENT_KUBECONFIG", str(path))
    monkeypatch.setenv("HYPERSHIFT", "true")
    monkeypatch.setenv("MY_NAMESPACE", management_namespace)
    return path

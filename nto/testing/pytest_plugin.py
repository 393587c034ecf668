"""pytest plugin of ``nto.testing`` (entry point ``nto`` in ``pytest11``): cluster fixtures.

Loaded in every pytest run of the repository, so it imports only the standard library at import
time; the server (:mod:`nto.testing._cluster`, aiohttp) is imported inside the fixtures.

Fixtures:

- ``emulated_cluster_crds``: CRDs (dicts, files or directories) to load; empty by default,
  override it in a conftest to install a project's CRDs;
- ``emulated_cluster``: a fresh, started :class:`~nto.testing.EmulatedCluster` per test;
- ``kubeconfig``: the path of its kubeconfig, also exported as ``KUBECONFIG`` for the test.
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

"""Fixtures for the emulated API server's tests: a raw HTTP helper and a ``kubernetes`` client."""

from __future__ import annotations

import json
import urllib.error
import urllib.request
from collections.abc import Iterator
from typing import Any

import pytest

from nto.testing.pytest_plugin import emulated_cluster, emulated_cluster_crds, kubeconfig

__all__ = ["emulated_cluster", "emulated_cluster_crds", "kubeconfig"]

MERGE = "application/merge-patch+json"
JSON_PATCH = "application/json-patch+json"
STRATEGIC = "application/strategic-merge-patch+json"


class Http:
    """Raw HTTP against the emulator: ``http("GET", path) -> (status, headers, body)``."""

    def __init__(self, url: str) -> None:
        self.url = url

    def __call__(
        self,
        method: str,
        path: str,
        body: Any = None,
        content_type: str = "application/json",
        headers: dict[str, str] | None = None,
    ) -> tuple[int, Any, Any]:
        data = None if body is None else json.dumps(body).encode()
        request = urllib.request.Request(
            self.url + path,
            data=data,
            method=method,
            headers={"Content-Type": content_type, **(headers or {})},
        )
        try:
            with urllib.request.urlopen(request, timeout=10) as response:
                return response.status, response.headers, json.loads(response.read())
        except urllib.error.HTTPError as error:
            return error.code, error.headers, json.loads(error.read())

    def lines(self, path: str, timeout: float = 5) -> list[dict[str, Any]]:
        """A watch stream read to its end (use timeoutSeconds), one dict per event."""
        with urllib.request.urlopen(self.url + path, timeout=timeout) as response:
            assert response.headers["Content-Type"].startswith("application/json")
            return [json.loads(line) for line in response.read().splitlines() if line.strip()]


@pytest.fixture
def http(emulated_cluster) -> Http:
    return Http(emulated_cluster.url)


@pytest.fixture
def k8s(kubeconfig) -> Iterator[Any]:
    """A ``kubernetes`` ApiClient configured from the emulator's kubeconfig."""
    import kubernetes

    client = kubernetes.config.new_client_from_config(config_file=str(kubeconfig))
    try:
        yield client
    finally:
        client.close()


def configmap(name: str, namespace: str = "default", **labels: str) -> dict[str, Any]:
    return {
        "apiVersion": "v1",
        "kind": "ConfigMap",
        "metadata": {"name": name, "namespace": namespace, "labels": labels},
        "data": {"k": "v"},
    }

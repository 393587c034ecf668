"""The assembled operator, run in-process against the emulated cluster with a plugin's handlers.

Proves the runtime wiring end to end: login through KUBECONFIG, plugin handlers registered
through the hook, and kopf's bookkeeping kept in memory: no kopf annotations or status fields
land on the user's objects.
"""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

import pytest

from nto.operator.runtime import Operator
from nto.operator.settings import OperatorSettings
from nto.plugins import hookimpl
from nto.testing import EmulatedCluster, operator_thread, wait_for

GROUP = "example.io"


def gadget_crd() -> dict[str, Any]:
    schema = {
        "type": "object",
        "properties": {
            "spec": {"type": "object", "x-kubernetes-preserve-unknown-fields": True},
            "status": {"type": "object", "x-kubernetes-preserve-unknown-fields": True},
        },
    }
    return {
        "apiVersion": "apiextensions.k8s.io/v1",
        "kind": "CustomResourceDefinition",
        "metadata": {"name": f"gadgets.{GROUP}"},
        "spec": {
            "group": GROUP,
            "scope": "Cluster",
            "names": {"plural": "gadgets", "singular": "gadget", "kind": "Gadget"},
            "versions": [
                {
                    "name": "v1",
                    "served": True,
                    "storage": True,
                    "schema": {"openAPIV3Schema": schema},
                    "subresources": {"status": {}},
                }
            ],
        },
    }


class GadgetPlugin:
    """Counts gadget sizes into their status, on create and on every change."""

    @hookimpl
    def nto_register_handlers(self, registry, context):  # type: ignore[no-untyped-def]
        import kopf

        @kopf.on.create(GROUP, "v1", "gadgets", registry=registry)
        @kopf.on.update(GROUP, "v1", "gadgets", registry=registry)
        def measure(spec: Any, patch: Any, **_: Any) -> None:
            patch.status["size"] = len(spec.get("parts", []))

        @kopf.on.delete(GROUP, "v1", "gadgets", registry=registry)
        def gone(**_: Any) -> None:
            return None


@pytest.fixture
def running_operator(
    emulated_cluster: EmulatedCluster, kubeconfig, make_host
) -> Iterator[Operator]:
    emulated_cluster.load_crds([gadget_crd()])
    settings = OperatorSettings(metrics_insecure=True, metrics_port=0)
    with operator_thread(make_host(("gadgets", GadgetPlugin())), settings) as operator:
        yield operator


def gadget(name: str, parts: list[str]) -> dict[str, Any]:
    return {
        "apiVersion": f"{GROUP}/v1",
        "kind": "Gadget",
        "metadata": {"name": name},
        "spec": {"parts": parts},
    }


def size_of(cluster: EmulatedCluster, name: str) -> Any:
    obj = cluster.get(f"{GROUP}/v1", "Gadget", name)
    return obj and obj.get("status", {}).get("size")


@pytest.mark.timeout(60)
def test_plugin_handlers_run_and_leave_no_kopf_marks(emulated_cluster, running_operator):
    emulated_cluster.apply(gadget("g1", ["a", "b"]))
    wait_for(lambda: size_of(emulated_cluster, "g1") == 2, timeout=20, message="create handled")

    obj = emulated_cluster.get(f"{GROUP}/v1", "Gadget", "g1")
    obj["spec"]["parts"].append("c")
    emulated_cluster.apply(obj)
    wait_for(lambda: size_of(emulated_cluster, "g1") == 3, timeout=20, message="update handled")

    stored = emulated_cluster.get(f"{GROUP}/v1", "Gadget", "g1")
    annotations = stored["metadata"].get("annotations", {})
    assert not [key for key in annotations if "kopf" in key], annotations
    assert set(stored["status"]) == {"size"}
    assert stored["metadata"].get("finalizers") == ["foreground-deletion"]

    emulated_cluster.delete(f"{GROUP}/v1", "Gadget", "g1")
    wait_for(
        lambda: emulated_cluster.get(f"{GROUP}/v1", "Gadget", "g1") is None,
        timeout=20,
        message="deleted after the finalizer was released",
    )

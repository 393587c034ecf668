"""kopf 1.45 in-process against the emulator: the life cycle of an operator's object.

Create, update, status patch, an injected 409 that kopf retries, deletion with kopf's
finalizer, and a broken watch that kopf resumes.
"""

from __future__ import annotations

import asyncio
import copy
import threading
from collections.abc import Iterator
from typing import Any

import pytest

from nto.testing import EmulatedCluster, wait_for
from tests.testing.test_crds import widget_crd

kopf = pytest.importorskip("kopf")

GROUP, VERSION = "example.com", "v1"


def _crd() -> dict[str, Any]:
    crd = widget_crd()
    for version in crd["spec"]["versions"]:
        version["schema"]["openAPIV3Schema"]["properties"]["spec"][
            "x-kubernetes-preserve-unknown-fields"
        ] = True
    return crd


class Operator:
    """A kopf operator with a private registry, run in a thread with its own loop."""

    def __init__(self, cluster: EmulatedCluster) -> None:
        self.cluster = cluster
        self.seen: list[tuple[str, str, Any]] = []
        self.registry = kopf.OperatorRegistry()
        self.settings = kopf.OperatorSettings()
        self.settings.posting.level = 100  # no Events: keep the log quiet and the test quick
        self.settings.queueing.error_delays = [0.1] * 20
        self.settings.watching.reconnect_backoff = 0.1
        self.settings.persistence.progress_storage = kopf.StatusProgressStorage(field="status.kopf")
        self.settings.persistence.diffbase_storage = kopf.AnnotationsDiffBaseStorage(
            prefix="example.com"
        )
        self.stop_flag = threading.Event()
        self._register()
        self.thread = threading.Thread(target=self._run, daemon=True)

    def _register(self) -> None:
        url = self.cluster.url

        @kopf.on.login(registry=self.registry)
        def login(**_: Any) -> Any:
            return kopf.ConnectionInfo(server=url, scheme="Bearer", token="emulated")

        @kopf.on.create(GROUP, VERSION, "widgets", registry=self.registry)
        def created(name: str, spec: Any, patch: Any, **_: Any) -> None:
            self.seen.append(("create", name, copy.deepcopy(dict(spec))))
            patch.status["phase"] = "Created"

        @kopf.on.update(GROUP, VERSION, "widgets", registry=self.registry)
        def updated(name: str, spec: Any, patch: Any, **_: Any) -> None:
            self.seen.append(("update", name, copy.deepcopy(dict(spec))))
            patch.status["phase"] = "Updated"

        @kopf.on.delete(GROUP, VERSION, "widgets", registry=self.registry)
        def deleted(name: str, **_: Any) -> None:
            self.seen.append(("delete", name, None))

    def _run(self) -> None:
        asyncio.run(
            kopf.operator(
                registry=self.registry,
                settings=self.settings,
                standalone=True,
                namespaces=["default"],
                stop_flag=self.stop_flag,
            )
        )

    def events(self, kind: str, name: str) -> list[Any]:
        return [spec for k, n, spec in self.seen if (k, n) == (kind, name)]


@pytest.fixture
def operator(emulated_cluster) -> Iterator[Operator]:
    emulated_cluster.load_crds([_crd()])
    op = Operator(emulated_cluster)
    op.thread.start()
    try:
        yield op
    finally:
        op.stop_flag.set()
        op.thread.join(timeout=10)


def _widget(name: str, **spec: Any) -> dict[str, Any]:
    return {
        "apiVersion": f"{GROUP}/{VERSION}",
        "kind": "Widget",
        "metadata": {"name": name, "namespace": "default"},
        "spec": spec,
    }


def _phase(cluster: EmulatedCluster, name: str) -> Any:
    obj = cluster.get(f"{GROUP}/{VERSION}", "Widget", name, "default")
    return obj and obj.get("status", {}).get("phase")


@pytest.mark.timeout(60)
def test_kopf_lifecycle(emulated_cluster, operator, k8s):
    import kubernetes

    api = kubernetes.client.CustomObjectsApi(k8s)
    conflict = emulated_cluster.inject_fault(409, method="PATCH", resource="widgets")

    # create; kopf's first PATCH gets 409 as if someone else wrote the object; the other
    # writer's change arrives as an event and kopf retries on it
    api.create_namespaced_custom_object(GROUP, VERSION, "default", "widgets", _widget("w", size=1))
    wait_for(lambda: conflict.hits == 1, 10, message="conflict injected")
    api.patch_namespaced_custom_object(
        GROUP, VERSION, "default", "widgets", "w", {"metadata": {"labels": {"touched": "yes"}}}
    )
    wait_for(lambda: _phase(emulated_cluster, "w") == "Created", 10, message="create handled")
    finalizers = emulated_cluster.get(f"{GROUP}/{VERSION}", "Widget", "w", "default")["metadata"][
        "finalizers"
    ]
    assert finalizers == ["kopf.zalando.org/KopfFinalizerMarker"]

    # update
    api.patch_namespaced_custom_object(
        GROUP, VERSION, "default", "widgets", "w", {"spec": {"size": 2}}
    )
    wait_for(lambda: _phase(emulated_cluster, "w") == "Updated", 10, message="update handled")
    assert operator.events("update", "w") == [{"size": 2}]

    # watch broken on demand: a new object is still handled once kopf reconnects
    assert emulated_cluster.break_watches() >= 1
    api.create_namespaced_custom_object(GROUP, VERSION, "default", "widgets", _widget("after"))
    wait_for(
        lambda: _phase(emulated_cluster, "after") == "Created",
        10,
        message="created after the watch broke",
    )

    # delete with kopf's finalizer: the handler runs, the finalizer goes, the object goes
    api.delete_namespaced_custom_object(GROUP, VERSION, "default", "widgets", "w")
    wait_for(
        lambda: emulated_cluster.get(f"{GROUP}/{VERSION}", "Widget", "w", "default") is None,
        10,
        message="object gone after its finalizer",
    )
    assert operator.events("delete", "w") == [None]
    assert operator.events("create", "w") == [{"size": 1}]

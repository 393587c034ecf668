"""The runtime's typed cache: filters, events with the previous version, writes without
events, and re-list pruning that tells subscribers."""

from __future__ import annotations

from nto.runtime.store import Resource, Store, WatchEvent

NODES = Resource("", "v1", "nodes")
TUNEDS = Resource("tuned.openshift.io", "v1", "tuneds")


def obj(name: str, namespace: str | None = None, **labels: str) -> dict:
    metadata: dict = {"name": name, "labels": labels}
    if namespace is not None:
        metadata["namespace"] = namespace
    return {"metadata": metadata}


def test_resource_names():
    assert NODES.api_version == "v1"
    assert NODES.key == "nodes"
    assert TUNEDS.api_version == "tuned.openshift.io/v1"
    assert TUNEDS.key == "tuneds.tuned.openshift.io"


def test_events_carry_the_previous_version():
    store = Store(NODES)
    heard: list[WatchEvent] = []
    store.subscribe(heard.append)
    store.apply("ADDED", obj("a", role="worker"))
    store.apply("MODIFIED", obj("a", role="infra"))
    store.apply("DELETED", obj("a", role="infra"))
    assert [(e.type, e.previous and e.previous["metadata"]["labels"]) for e in heard] == [
        ("ADDED", None),
        ("MODIFIED", {"role": "worker"}),
        ("DELETED", {"role": "infra"}),
    ]
    assert "a" not in store
    assert heard[-1].deleted
    assert heard[-1].name == "a"


def test_namespace_filter_ignores_other_namespaces_even_on_delete():
    store = Store(TUNEDS, namespace="ours")
    store.apply("ADDED", obj("default", "ours"))
    assert store.apply("ADDED", obj("other", "theirs")) is None
    assert store.apply("DELETED", obj("default", "theirs")) is None  # same name, other namespace
    assert list(store) == ["default"]


def test_an_object_leaving_the_filter_leaves_the_store():
    store = Store(NODES, where=lambda o: "keep" in o["metadata"]["labels"])
    heard: list[WatchEvent] = []
    store.subscribe(heard.append)
    store.apply("ADDED", obj("a", keep="yes"))
    store.apply("MODIFIED", obj("a"))
    assert "a" not in store
    assert [e.type for e in heard] == ["ADDED", "DELETED"]
    assert store.apply("MODIFIED", obj("b")) is None  # never kept: nothing to tell


def test_writes_update_without_events_and_fill_marks_synced():
    store = Store(NODES)
    heard: list[WatchEvent] = []
    store.subscribe(heard.append)
    assert not store.synced
    store.fill([obj("a"), obj("b")])
    store.put(obj("c"))
    assert store.synced
    assert sorted(store) == ["a", "b", "c"]
    assert heard == []


def test_prune_tells_subscribers_what_vanished():
    store = Store(NODES)
    store.fill([obj("a"), obj("b"), obj("c")])
    heard: list[WatchEvent] = []
    store.subscribe(heard.append)
    assert store.prune({"b"}) == ["a", "c"]
    assert [(e.type, e.name) for e in heard] == [("DELETED", "a"), ("DELETED", "c")]


def test_a_failing_listener_does_not_stop_the_others(caplog):
    store = Store(NODES)
    heard: list[str] = []

    def broken(event: WatchEvent) -> None:
        raise RuntimeError("listener bug")

    store.subscribe(broken)
    store.subscribe(lambda event: heard.append(event.name))
    store.apply("ADDED", obj("a"))
    assert heard == ["a"]
    assert "A listener of nodes failed on a" in caplog.text

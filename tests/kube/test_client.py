"""The async client against the emulated cluster: CRUD, errors by status, watch."""

from __future__ import annotations

import asyncio

import pytest

from nto.kube.client import (
    ApiError,
    ConflictError,
    InvalidNameError,
    KubeClient,
    NotFoundError,
    resource_path,
)
from nto.kube.config import from_kubeconfig


@pytest.mark.parametrize(
    ("args", "kwargs", "expected"),
    [
        (("v1", "nodes"), {}, "/api/v1/nodes"),
        (
            ("v1", "configmaps"),
            {"namespace": "ns", "name": "a b"},
            "/api/v1/namespaces/ns/configmaps/a%20b",
        ),
        (
            ("tuned.openshift.io/v1", "profiles"),
            {"namespace": "ns", "name": "n", "subresource": "status"},
            "/apis/tuned.openshift.io/v1/namespaces/ns/profiles/n/status",
        ),
        (("v1", "nodes"), {"name": "a?b#c ü"}, "/api/v1/nodes/a%3Fb%23c%20%C3%BC"),
        (("v1", "nodes"), {"name": "..."}, "/api/v1/nodes/..."),
    ],
)
def test_resource_path(args, kwargs, expected):
    assert resource_path(*args, **kwargs) == expected


@pytest.mark.parametrize(
    ("namespace", "name", "problem"),
    [
        (None, "..", "may not be '..'"),
        (None, ".", "may not be '.'"),
        (None, "../../etc", "may not contain '/'"),
        (None, "a%2Fb", "may not contain '%'"),
        ("..", "x", "invalid namespace '..'"),
        ("a/b", "x", "invalid namespace 'a/b'"),
    ],
    ids=["dotdot", "dot", "traversal", "encoded-slash", "namespace-dotdot", "namespace-slash"],
)
async def test_names_that_are_not_path_segments_are_refused_unsent(
    client, emulated_cluster, namespace, name, problem
):
    """Like client-go: no request leaves for a name that would escape its resource's path."""
    sent = emulated_cluster.record_requests()
    calls = [
        client.get("v1", "configmaps", name, namespace or "default"),
        client.patch("v1", "configmaps", name, {"data": {}}, namespace, subresource="status"),
        client.delete("v1", "configmaps", name, namespace),
        client.replace("v1", "configmaps", config_map(name), namespace),
    ]
    for call in calls:
        with pytest.raises(InvalidNameError) as caught:
            await call
        assert problem in str(caught.value)
        assert "no request was sent" in str(caught.value)
    if namespace:
        with pytest.raises(InvalidNameError):
            await client.list("v1", "configmaps", namespace)
    assert sent == []


async def test_dotted_names_stay_one_segment(client, emulated_cluster):
    sent = emulated_cluster.record_requests()
    await client.create("v1", "configmaps", config_map("worker-0.example.com"), "default")
    assert await client.get("v1", "configmaps", "worker-0.example.com", "default")
    assert ("GET", "/api/v1/namespaces/default/configmaps/worker-0.example.com") in sent


@pytest.fixture
async def client(emulated_cluster):
    async with KubeClient(from_kubeconfig(emulated_cluster.kubeconfig_path)) as client:
        yield client


def config_map(name, **data):
    return {"apiVersion": "v1", "kind": "ConfigMap", "metadata": {"name": name}, "data": data}


async def test_crud_round_trip(client):
    created = await client.create("v1", "configmaps", config_map("a", k="1"), "default")
    assert created["metadata"]["resourceVersion"]
    assert (await client.get("v1", "configmaps", "a", "default"))["data"] == {"k": "1"}
    patched = await client.patch("v1", "configmaps", "a", {"data": {"k": "2"}}, "default")
    assert patched["data"] == {"k": "2"}
    listed = await client.list("v1", "configmaps", "default")
    assert [item["metadata"]["name"] for item in listed] == ["a"]
    stale = dict(created, data={"k": "3"})
    with pytest.raises(ConflictError):
        await client.replace("v1", "configmaps", stale, "default")
    assert await client.delete("v1", "configmaps", "a", "default")
    assert not await client.delete("v1", "configmaps", "a", "default")
    assert await client.get("v1", "configmaps", "a", "default") is None


async def test_errors_by_status(client, emulated_cluster):
    with pytest.raises(NotFoundError):
        await client.patch("v1", "configmaps", "missing", {}, "default")
    await client.create("v1", "configmaps", config_map("dup"), "default")
    with pytest.raises(ConflictError):
        await client.create("v1", "configmaps", config_map("dup"), "default")
    emulated_cluster.inject_fault(500, count=1, resource="configmaps", message="injected")
    with pytest.raises(ApiError) as error:
        await client.get("v1", "configmaps", "dup", "default")
    assert error.value.status == 500


async def test_watch_streams_events(client):
    events = []

    async def consume(version):
        watch = client.watch("v1", "configmaps", "default", resource_version=version)
        async for event in watch:
            events.append((event["type"], event["object"]["metadata"]["name"]))
            if len(events) == 2:
                return

    # Watch from the list's resourceVersion: the events are delivered however late the watch
    # starts (no sleep to "let it connect").
    listing = await client.request("GET", "/api/v1/namespaces/default/configmaps")
    version = listing["metadata"]["resourceVersion"]
    await client.create("v1", "configmaps", config_map("w1"), "default")
    await client.delete("v1", "configmaps", "w1", "default")
    await asyncio.wait_for(consume(version), timeout=5)
    assert events == [("ADDED", "w1"), ("DELETED", "w1")]

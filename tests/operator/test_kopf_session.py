"""kopf's session never sends a URL with a '.' or '..' segment (aiohttp would resolve it)."""

from __future__ import annotations

import json

import pytest
from kopf._cogs.clients import errors as kopf_errors

from nto.kube.config import from_kubeconfig
from nto.kube.session import SessionFiles, TokenSource, open_session
from nto.operator.kopf_session import GuardedSession


@pytest.fixture
async def guarded(emulated_cluster):
    connection = from_kubeconfig(emulated_cluster.kubeconfig_path)
    session = open_session(
        connection, tokens=TokenSource(connection.token), files=SessionFiles(), limit=0
    )
    yield GuardedSession(session, backoff=[0.01] * 100), emulated_cluster.url
    await session.close()


@pytest.mark.parametrize(
    "name", ["../../etc", "..", ".", "../../../../api/v1/namespaces/default/configmaps/x"]
)
async def test_dot_segments_are_answered_not_found_unsent(guarded, emulated_cluster, name):
    session, url = guarded
    sent = emulated_cluster.record_requests()
    with pytest.raises(kopf_errors.APINotFoundError):
        await session.request("patch", f"{url}/api/v1/namespaces/default/configmaps/{name}")
    assert sent == []


async def test_other_requests_pass_through(guarded, emulated_cluster):
    session, url = guarded
    response = await session.request("get", f"{url}/api/v1/namespaces/default")
    async with response:
        assert response.status == 200
    assert session.closed is False


async def test_a_watch_error_event_reads_as_gone(guarded, emulated_cluster):
    """kopf stops the operator on any ERROR event but 410; it re-lists on 410."""
    session, url = guarded
    emulated_cluster.inject_fault(500, count=1, resource="namespaces", watch_event=True)
    response = await session.request("get", f"{url}/api/v1/namespaces?watch=true")
    async with response:
        assert response.status == 200
        lines = [line async for line in response.content.iter_chunked(7)]
    event = json.loads(b"".join(lines))
    assert event["type"] == "ERROR"
    assert event["object"]["code"] == 410
    assert "re-list after watch error 500" in event["object"]["message"]

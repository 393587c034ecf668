"""kopf's session never sends a URL with a '.' or '..' segment (aiohttp would resolve it)."""

from __future__ import annotations

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
    yield GuardedSession(session), emulated_cluster.url
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

"""A rotated token file is picked up: every minute like client-go, and at once after a 401."""

from __future__ import annotations

import json

import pytest

from nto.kube.client import ApiError, KubeClient
from nto.kube.config import from_kubeconfig
from nto.kube.session import TokenSource


def token_kubeconfig(cluster, tmp_path, token: str):
    """The emulated cluster's kubeconfig, authenticating with a ``tokenFile``."""
    token_file = tmp_path / "token"
    token_file.write_text(token + "\n")
    document = json.loads(cluster.kubeconfig_path.read_text())
    document["users"] = [{"name": "admin", "user": {"tokenFile": str(token_file)}}]
    path = tmp_path / "kubeconfig"
    path.write_text(json.dumps(document))
    return path, token_file


def test_kubeconfig_token_file_is_read_and_remembered(emulated_cluster, tmp_path):
    path, token_file = token_kubeconfig(emulated_cluster, tmp_path, "first")
    connection = from_kubeconfig(path)
    assert (connection.token, connection.token_path) == ("first", str(token_file))


def test_unreadable_token_file_keeps_the_previous_token():
    now = [0.0]
    source = TokenSource("inline", "/nonexistent/token", clock=lambda: now[0])
    assert source.current() == "inline"  # unreadable file: the previous token stays


def test_token_source_period(tmp_path):
    token_file = tmp_path / "token"
    token_file.write_text("one")
    now = [0.0]
    source = TokenSource(None, str(token_file), clock=lambda: now[0])
    assert source.current() == "one"
    token_file.write_text("two")
    now[0] = 59.0
    assert source.current() == "one"
    now[0] = 60.0
    assert source.current() == "two"
    token_file.write_text("three")
    assert source.expire() is True
    assert source.current() == "three"
    assert source.expire() is False


async def test_client_follows_a_rotated_token(emulated_cluster, tmp_path):
    path, token_file = token_kubeconfig(emulated_cluster, tmp_path, "old")
    emulated_cluster.accept_tokens("old")
    async with KubeClient(from_kubeconfig(path)) as client:
        assert await client.list("v1", "namespaces")
        token_file.write_text("new\n")
        emulated_cluster.accept_tokens("new")  # the old token is now refused
        assert await client.list("v1", "namespaces")
        emulated_cluster.accept_tokens("newer")  # not in the file: a real 401
        with pytest.raises(ApiError) as caught:
            await client.list("v1", "namespaces")
        assert caught.value.status == 401

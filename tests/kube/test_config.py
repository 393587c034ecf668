"""Credentials are found like the reference: KUBECONFIG, then in-cluster, then ~/.kube/config."""

from __future__ import annotations

import base64

import pytest
import yaml

from nto.kube import config as kube_config
from nto.kube.config import KubeConfigError, from_kubeconfig, load_connection


def write_kubeconfig(path, *, server="https://127.0.0.1:6443", **user):
    document = {
        "apiVersion": "v1",
        "kind": "Config",
        "current-context": "main",
        "contexts": [{"name": "main", "context": {"cluster": "c", "user": "u", "namespace": "ns"}}],
        "clusters": [
            {
                "name": "c",
                "cluster": {
                    "server": server,
                    "certificate-authority-data": base64.b64encode(b"CA").decode(),
                },
            }
        ],
        "users": [{"name": "u", "user": user}],
    }
    path.write_text(yaml.safe_dump(document))
    return path


def test_kubeconfig_fields(tmp_path):
    path = write_kubeconfig(tmp_path / "config", token="secret", **{"client-key": "key.pem"})
    connection = from_kubeconfig(path)
    assert connection.server == "https://127.0.0.1:6443"
    assert connection.ca_data == b"CA"
    assert connection.token == "secret"
    assert connection.private_key_path == str(tmp_path / "key.pem")
    assert connection.namespace == "ns"


def test_kubeconfig_env_wins_over_home(tmp_path):
    home = tmp_path / "home"
    (home / ".kube").mkdir(parents=True)
    write_kubeconfig(home / ".kube" / "config", server="https://home:1")
    explicit = write_kubeconfig(tmp_path / "explicit", server="https://explicit:1")
    env = {"HOME": str(home), "KUBECONFIG": str(explicit)}
    assert load_connection(env).server == "https://explicit:1"
    assert load_connection({"HOME": str(home)}).server == "https://home:1"


def test_in_cluster_before_home(tmp_path, monkeypatch):
    sa = tmp_path / "sa"
    sa.mkdir()
    (sa / "token").write_text("tok\n")
    (sa / "namespace").write_text("nto")
    monkeypatch.setattr(kube_config, "SERVICE_ACCOUNT_DIR", sa)
    env = {
        "HOME": str(tmp_path),
        "KUBERNETES_SERVICE_HOST": "fd00::1",
        "KUBERNETES_SERVICE_PORT": "443",
    }
    connection = load_connection(env)
    assert connection.server == "https://[fd00::1]:443"
    assert (connection.token, connection.namespace) == ("tok", "nto")


def test_nothing_found_is_a_clear_error(tmp_path):
    with pytest.raises(KubeConfigError, match="set KUBECONFIG"):
        load_connection({"HOME": str(tmp_path)})


@pytest.mark.parametrize(
    ("content", "message"),
    [
        ("key: [unclosed", "not valid YAML"),
        ("- a list", "not a mapping"),
        ("current-context: x\ncontexts: []\n", "no entry 'x' in 'contexts'"),
        (
            "current-context: m\ncontexts: [{name: m, context: {cluster: c}}]\n"
            "clusters: [{name: c, cluster: {}}]\n",
            "has no 'server'",
        ),
    ],
    ids=["not-yaml", "not-mapping", "no-context", "no-server"],
)
def test_bad_kubeconfig(tmp_path, content, message):
    path = tmp_path / "config"
    path.write_text(content)
    with pytest.raises(KubeConfigError, match=message):
        from_kubeconfig(path)


def test_unreadable_kubeconfig(tmp_path):
    with pytest.raises(KubeConfigError, match="cannot read kubeconfig"):
        from_kubeconfig(tmp_path / "missing")

"""Metrics over HTTPS: scrapers authenticate with a client certificate signed by the cluster's
client CA (ConfigMap kube-system/extension-apiserver-authentication); others get 401."""

from __future__ import annotations

import ssl
import urllib.error
import urllib.request

import pytest
import trustme

from nto.testing import free_port, wait_for

pytestmark = pytest.mark.e2e


def scrape(port: int, context: ssl.SSLContext) -> tuple[int, str]:
    url = f"https://127.0.0.1:{port}/metrics"
    try:
        with urllib.request.urlopen(url, context=context, timeout=2) as response:
            return response.status, response.read().decode()
    except urllib.error.HTTPError as error:
        return error.code, error.read().decode()
    except (urllib.error.URLError, ConnectionError, ssl.SSLError):
        return 0, ""


def test_scrape_needs_a_client_certificate(cluster, operator_factory, tmp_path):
    serving_ca, client_ca = trustme.CA(), trustme.CA()
    certs = tmp_path / "secrets"
    certs.mkdir()
    server = serving_ca.issue_cert(
        "127.0.0.1", "node-tuning-operator.openshift-cluster-node-tuning-operator.svc"
    )
    server.cert_chain_pems[0].write_to_path(str(certs / "tls.crt"))
    server.private_key_pem.write_to_path(str(certs / "tls.key"))
    cluster.apply(
        {
            "apiVersion": "v1",
            "kind": "ConfigMap",
            "metadata": {"name": "extension-apiserver-authentication", "namespace": "kube-system"},
            "data": {"client-ca-file": client_ca.cert_pem.bytes().decode()},
        }
    )
    port = free_port()
    operator_factory(
        f"--metrics-port={port}", f"--metrics-cert-dir={certs}", "--enable-leader-election=false"
    )

    anonymous = ssl.create_default_context()
    serving_ca.configure_trust(anonymous)
    prometheus = ssl.create_default_context()
    serving_ca.configure_trust(prometheus)
    client_ca.issue_cert("prometheus-k8s").configure_cert(prometheus)

    _, text = wait_for(
        lambda: scrape(port, prometheus)[0] == 200 and scrape(port, prometheus),
        timeout=60,
        message="scrape with a client certificate",
    )
    assert 'nto_build_info{version="' in text
    assert scrape(port, anonymous) == (401, "Unauthorized\n")
    stranger = ssl.create_default_context()
    serving_ca.configure_trust(stranger)
    trustme.CA().issue_cert("intruder").configure_cert(stranger)
    assert scrape(port, stranger)[0] != 200


def test_metrics_are_never_served_open_while_the_ca_cannot_be_read(
    cluster, operator_factory, tmp_path
):
    """The CA read fails (500) at start: /metrics waits, then serves with client auth."""
    serving_ca, client_ca = trustme.CA(), trustme.CA()
    certs = tmp_path / "secrets"
    certs.mkdir()
    server = serving_ca.issue_cert("127.0.0.1")
    server.cert_chain_pems[0].write_to_path(str(certs / "tls.crt"))
    server.private_key_pem.write_to_path(str(certs / "tls.key"))
    cluster.apply(
        {
            "apiVersion": "v1",
            "kind": "ConfigMap",
            "metadata": {"name": "extension-apiserver-authentication", "namespace": "kube-system"},
            "data": {"client-ca-file": client_ca.cert_pem.bytes().decode()},
        }
    )
    cluster.inject_fault(
        500, count=100_000, path_contains="configmaps/extension-apiserver-authentication"
    )
    port = free_port()
    operator = operator_factory(
        f"--metrics-port={port}", f"--metrics-cert-dir={certs}", "--enable-leader-election=false"
    )
    anonymous = ssl.create_default_context()
    serving_ca.configure_trust(anonymous)
    prometheus = ssl.create_default_context()
    serving_ca.configure_trust(prometheus)
    client_ca.issue_cert("prometheus-k8s").configure_cert(prometheus)

    wait_for(
        lambda: (
            "metrics server not serving" in operator.log
            or "metrics server listening" in operator.log
        ),
        timeout=60,
        message="the metrics server to start or to say why it does not",
    )
    assert scrape(port, anonymous)[0] != 200, "metrics served without client authentication"
    assert "waiting for the metrics client CA" in operator.log
    assert "/metrics is not served until ConfigMap" in operator.log

    cluster.faults.clear()
    wait_for(
        lambda: scrape(port, prometheus)[0] == 200,
        timeout=60,
        message="scrape with a client certificate once the CA is read",
    )
    assert scrape(port, anonymous) == (401, "Unauthorized\n")

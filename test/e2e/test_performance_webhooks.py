"""The operator's webhooks through the API: a bad PerformanceProfile is denied, a v1alpha1
profile is stored as v2 and read back as v1alpha1 through the conversion webhook, and a LIST of
hundreds of profiles converts in one ConversionReview."""

from __future__ import annotations

import base64
import copy
import json
import socket
import ssl
import urllib.error
import urllib.request
from typing import Any

import pytest
import trustme

from nto.testing import free_port, wait_for

from .conftest import project_crds

pytestmark = pytest.mark.e2e

NAMESPACE = "openshift-cluster-node-tuning-operator"
SERVICE = "performance-addon-operator-service"
GROUP = "performance.openshift.io"


@pytest.fixture
def ca() -> trustme.CA:
    return trustme.CA()


@pytest.fixture
def ca_bundle(ca) -> str:
    return base64.b64encode(ca.cert_pem.bytes()).decode()


@pytest.fixture
def emulated_cluster_crds(ca_bundle) -> list[Any]:
    crds = copy.deepcopy(project_crds())
    for crd in crds:
        webhook = (crd["spec"].get("conversion") or {}).get("webhook")
        if webhook:
            webhook["clientConfig"]["caBundle"] = ca_bundle
    return crds


@pytest.fixture
def operator_with_webhooks(cluster, operator_factory, ca, ca_bundle, tmp_path):
    return start_with_webhooks(
        cluster, operator_factory, ca, ca_bundle, tmp_path, "--enable-leader-election=false"
    )


@pytest.fixture
def follower_with_webhooks(cluster, operator_factory, ca, ca_bundle, tmp_path):
    """A replica that never leads (another holds the Lease): it serves webhooks only, so the
    controllers do not reconcile the hundreds of profiles a test writes."""
    now = "2026-01-01T00:00:00.000000Z"
    cluster.apply(
        {
            "apiVersion": "coordination.k8s.io/v1",
            "kind": "Lease",
            "metadata": {"name": "node-tuning-operator-lock", "namespace": NAMESPACE},
            "spec": {
                "holderIdentity": "the-leader",
                "leaseDurationSeconds": 3600,
                "acquireTime": now,
                "renewTime": now,
            },
        }
    )
    return start_with_webhooks(cluster, operator_factory, ca, ca_bundle, tmp_path)


def write_serving_cert(ca, certs) -> None:
    cert = ca.issue_cert("127.0.0.1", f"{SERVICE}.{NAMESPACE}.svc")
    cert.cert_chain_pems[0].write_to_path(str(certs / "apiserver.crt"))
    cert.private_key_pem.write_to_path(str(certs / "apiserver.key"))


def start_with_webhooks(
    cluster, operator_factory, ca, ca_bundle, tmp_path, *flags: str, wait: bool = True
):
    from nto_performance.webhooks.manifests import validating_webhook_configuration

    certs = tmp_path / "certificates"
    certs.mkdir()
    if wait:
        write_serving_cert(ca, certs)
    port = free_port()
    cluster.route_service(NAMESPACE, SERVICE, 443, "127.0.0.1", port)
    cluster.apply(validating_webhook_configuration(ca_bundle))
    operator = operator_factory(
        "--metrics-insecure",
        f"--metrics-port={free_port()}",
        f"--webhook-port={port}",
        f"--webhook-cert-dir={certs}",
        *flags,
    )
    operator.webhook_port = port
    operator.webhook_certs = certs
    if wait:
        wait_for(
            lambda: "webhook server listening" in operator.log, timeout=60, message="webhooks up"
        )
    return operator


def request(cluster, method: str, path: str, body: Any = None) -> tuple[int, dict[str, Any]]:
    data = None if body is None else json.dumps(body).encode()
    call = urllib.request.Request(
        f"{cluster.url}{path}",
        data=data,
        method=method,
        headers={"Content-Type": "application/json"},
    )
    try:
        with urllib.request.urlopen(call, timeout=15) as response:
            return response.status, json.loads(response.read())
    except urllib.error.HTTPError as error:
        return error.code, json.loads(error.read())


def profile(api_version: str, name: str, **cpu: str) -> dict[str, Any]:
    return {
        "apiVersion": api_version,
        "kind": "PerformanceProfile",
        "metadata": {"name": name},
        "spec": {
            "cpu": {"reserved": "0-1", "isolated": "2-7", **cpu},
            "nodeSelector": {f"node-role.kubernetes.io/{name}": ""},
        },
    }


def test_invalid_profile_is_denied(operator_with_webhooks, cluster):
    status, body = request(
        cluster,
        "POST",
        f"/apis/{GROUP}/v2/performanceprofiles",
        profile(f"{GROUP}/v2", "bad", isolated="1-7"),
    )
    assert status in {400, 403, 422}, body
    assert "spec.cpu" in body["message"], body
    assert "overlap" in body["message"], body
    status, body = request(
        cluster, "POST", f"/apis/{GROUP}/v2/performanceprofiles", profile(f"{GROUP}/v2", "good")
    )
    assert status == 201, body


def test_v1alpha1_is_stored_as_v2_and_read_back(operator_with_webhooks, cluster):
    status, body = request(
        cluster,
        "POST",
        f"/apis/{GROUP}/v1alpha1/performanceprofiles",
        profile(f"{GROUP}/v1alpha1", "old"),
    )
    assert status == 201, body
    assert body["apiVersion"] == f"{GROUP}/v1alpha1"
    stored = cluster.get(f"{GROUP}/v2", "PerformanceProfile", "old")
    assert stored["apiVersion"] == f"{GROUP}/v2"
    assert stored["spec"]["globallyDisableIrqLoadBalancing"] is True
    status, body = request(cluster, "GET", f"/apis/{GROUP}/v1alpha1/performanceprofiles/old")
    assert (status, body["apiVersion"], body["spec"]["cpu"]["isolated"]) == (
        200,
        f"{GROUP}/v1alpha1",
        "2-7",
    )
    assert "globallyDisableIrqLoadBalancing" not in body["spec"]


@pytest.mark.parametrize("version", ["v1", "v1alpha1"])
def test_list_of_500_profiles_converts(follower_with_webhooks, cluster, version):
    """500 v2 profiles make a ConversionReview of ~300 KB, far more than one TLS record."""
    cluster.apply(
        [
            {**profile(f"{GROUP}/v2", f"p-{index:03d}"), "status": {"runtimeClass": "x" * 100}}
            for index in range(500)
        ]
    )
    status, body = request(cluster, "GET", f"/apis/{GROUP}/{version}/performanceprofiles")
    assert status == 200, str(body)[:500]
    assert len(body["items"]) == 500
    assert {item["apiVersion"] for item in body["items"]} == {f"{GROUP}/{version}"}
    assert body["items"][-1]["metadata"]["name"] == "p-499"


def healthz(port: int, ca) -> int:
    """What the Deployment's readiness probe sees: the status, or 0 when nothing answers."""
    context = ssl.create_default_context()
    ca.configure_trust(context)
    try:
        with urllib.request.urlopen(
            f"https://127.0.0.1:{port}/healthz", context=context, timeout=5
        ) as response:
            return int(response.status)
    except urllib.error.HTTPError as error:
        return error.code
    except (urllib.error.URLError, OSError):
        return 0


def test_webhook_server_comes_back_when_its_certificate_appears(
    cluster, operator_factory, ca, ca_bundle, tmp_path
):
    """No key pair at start: not ready and /convert down; the fixed pair is picked up."""
    operator = start_with_webhooks(
        cluster,
        operator_factory,
        ca,
        ca_bundle,
        tmp_path,
        "--enable-leader-election=false",
        wait=False,
    )
    wait_for(
        lambda: "webhook server not" in operator.log,
        timeout=60,
        message="the operator to report the missing key pair",
    )
    assert healthz(operator.webhook_port, ca) == 0, "readiness must fail without a server"
    write_serving_cert(ca, operator.webhook_certs)
    wait_for(
        lambda: healthz(operator.webhook_port, ca) == 200,
        timeout=60,
        message="the webhook server to serve the fixed certificate",
    )
    cluster.apply(profile(f"{GROUP}/v2", "after-fix"))
    status, body = request(cluster, "GET", f"/apis/{GROUP}/v1/performanceprofiles/after-fix")
    assert (status, body.get("apiVersion")) == (200, f"{GROUP}/v1"), body


def tls_handshake(port: int, ca, version: ssl.TLSVersion) -> str | None:
    """The negotiated TLS version, or None when the server refuses the client's version."""
    context = ssl.create_default_context()
    ca.configure_trust(context)
    context.minimum_version = context.maximum_version = version
    try:
        with (
            socket.create_connection(("127.0.0.1", port), timeout=10) as raw,
            context.wrap_socket(raw, server_hostname="127.0.0.1") as tls,
        ):
            return tls.version()
    except (ssl.SSLError, ConnectionError):
        return None


def test_webhook_server_applies_the_clusters_tls_profile(
    cluster, operator_factory, ca, ca_bundle, tmp_path
):
    """APIServer/cluster asks for Modern: the webhook port refuses TLS 1.2, serves TLS 1.3."""
    cluster.apply(
        {
            "apiVersion": "config.openshift.io/v1",
            "kind": "APIServer",
            "metadata": {"name": "cluster"},
            "spec": {"tlsSecurityProfile": {"type": "Modern", "modern": {}}},
        }
    )
    operator = start_with_webhooks(
        cluster, operator_factory, ca, ca_bundle, tmp_path, "--enable-leader-election=false"
    )
    assert "TLS security profile for the HTTPS servers: Modern" in operator.log
    assert tls_handshake(operator.webhook_port, ca, ssl.TLSVersion.TLSv1_3) == "TLSv1.3"
    assert tls_handshake(operator.webhook_port, ca, ssl.TLSVersion.TLSv1_2) is None

"""Webhooks of an operator running outside the emulated cluster, as ``nto dev-cluster`` wires
them: OpenShift's service-ca injection (``service.beta.openshift.io/inject-cabundle: "true"``
fills ``caBundle`` of CRDs and webhook configurations, see
https://docs.openshift.com/container-platform/4.15/security/certificates/service-serving-certificate.html)
and a route for every Service to one base URL."""

from __future__ import annotations

import base64
import json
import pathlib
import ssl
import subprocess
import sys
import urllib.request
from typing import Any

import pytest

from nto.testing._service_ca import INJECT_ANNOTATION, ServiceRoutes, issue_webhook_certs
from tests.testing.test_tables import WIDGET_CRD

CA = b"-----BEGIN CERTIFICATE-----\nMIIB\n-----END CERTIFICATE-----\n"


def _crd(annotated: bool) -> dict[str, Any]:
    crd = json.loads(json.dumps(WIDGET_CRD))
    if annotated:
        crd["metadata"]["annotations"] = {INJECT_ANNOTATION: "true"}
    crd["spec"]["conversion"] = {
        "strategy": "Webhook",
        "webhook": {
            "conversionReviewVersions": ["v1"],
            "clientConfig": {"service": {"namespace": "ns", "name": "svc", "path": "/convert"}},
        },
    }
    return crd


def test_routes_fall_back_to_one_url_when_set():
    routes = ServiceRoutes({("ns", "a", 443): "https://127.0.0.1:1"})
    assert routes.get(("ns", "b", 443)) is None
    routes.fallback = "https://127.0.0.1:2"
    assert routes.get(("ns", "a", 443)) == "https://127.0.0.1:1"
    assert routes.get(("ns", "b", 443)) == "https://127.0.0.1:2"


def test_ca_injected_into_annotated_crds_and_webhook_configurations(emulated_cluster):
    emulated_cluster.inject_service_ca(CA)
    emulated_cluster.load_crds([_crd(annotated=True)])
    crd = emulated_cluster.get(
        "apiextensions.k8s.io/v1", "CustomResourceDefinition", "widgets.example.com"
    )
    assert crd is not None
    config = crd["spec"]["conversion"]["webhook"]["clientConfig"]
    assert base64.b64decode(config["caBundle"]) == CA
    info = emulated_cluster.registry.get("example.com", "widgets")
    assert info is not None
    assert info.conversion is not None
    assert info.conversion["webhook"]["clientConfig"]["caBundle"] == config["caBundle"]
    webhook = {
        "name": "v.example.com",
        "clientConfig": {"service": {"namespace": "ns", "name": "svc"}},
        "admissionReviewVersions": ["v1"],
        "sideEffects": "None",
    }
    emulated_cluster.apply(
        [
            {
                "apiVersion": "admissionregistration.k8s.io/v1",
                "kind": "ValidatingWebhookConfiguration",
                "metadata": {"name": name, "annotations": annotations},
                "webhooks": [webhook],
            }
            for name, annotations in (("yes", {INJECT_ANNOTATION: "true"}), ("no", {}))
        ]
    )
    kind = ("admissionregistration.k8s.io/v1", "ValidatingWebhookConfiguration")
    injected = emulated_cluster.get(*kind, "yes")
    untouched = emulated_cluster.get(*kind, "no")
    assert injected is not None
    assert untouched is not None
    assert base64.b64decode(injected["webhooks"][0]["clientConfig"]["caBundle"]) == CA
    assert "caBundle" not in untouched["webhooks"][0]["clientConfig"]


def test_unannotated_crd_keeps_its_ca_bundle(emulated_cluster):
    emulated_cluster.inject_service_ca(CA)
    emulated_cluster.load_crds([_crd(annotated=False)])
    crd = emulated_cluster.get(
        "apiextensions.k8s.io/v1", "CustomResourceDefinition", "widgets.example.com"
    )
    assert crd is not None
    assert "caBundle" not in crd["spec"]["conversion"]["webhook"]["clientConfig"]


def test_standalone_server_issues_certs_and_injects_their_ca(tmp_path: pathlib.Path):
    certs = tmp_path / "certs"
    command = [
        sys.executable,
        "-m",
        "nto.testing",
        f"--kubeconfig={tmp_path / 'kubeconfig'}",
        f"--webhook-certs={certs}",
        "--webhook-url=https://127.0.0.1:4343",
        "--crds",
        str(pathlib.Path(__file__).resolve().parents[2] / "bundle"),
    ]
    with subprocess.Popen(command, stdout=subprocess.PIPE, text=True) as process:
        _check_standalone(process, certs)


def _check_standalone(process: subprocess.Popen[str], certs: pathlib.Path) -> None:
    try:
        assert process.stdout is not None
        lines = []
        for line in process.stdout:
            lines.append(line)
            if line.startswith("CRDs installed"):
                break
        url = next(line.split()[-1] for line in lines if line.startswith("Emulated API server"))
        assert "webhooks of every Service go to https://127.0.0.1:4343\n" in lines
        assert {p.name for p in certs.iterdir()} == {"ca.crt", "apiserver.crt", "apiserver.key"}
        path = "/apis/apiextensions.k8s.io/v1/customresourcedefinitions/"
        with urllib.request.urlopen(
            f"{url}{path}performanceprofiles.performance.openshift.io"
        ) as r:
            crd = json.loads(r.read())
        bundle = crd["spec"]["conversion"]["webhook"]["clientConfig"]["caBundle"]
        assert base64.b64decode(bundle) == (certs / "ca.crt").read_bytes()
    finally:
        process.terminate()
        process.wait(timeout=30)


def _handshake(ca_file, cert_file, key_file, hostname: str) -> None:
    """A TLS handshake in memory, the client verifying ``hostname`` against the CA."""
    server_context = ssl.SSLContext(ssl.PROTOCOL_TLS_SERVER)
    server_context.load_cert_chain(cert_file, key_file)
    client_context = ssl.create_default_context(cafile=str(ca_file))
    pipes = [ssl.MemoryBIO() for _ in range(4)]
    client = client_context.wrap_bio(pipes[0], pipes[1], server_hostname=hostname)
    server = server_context.wrap_bio(pipes[2], pipes[3], server_side=True)
    done = {"client": False, "server": False}
    for _ in range(20):
        for name, end in (("client", client), ("server", server)):
            if not done[name]:
                try:
                    end.do_handshake()
                    done[name] = True
                except ssl.SSLWantReadError:
                    pass
        pipes[2].write(pipes[1].read())
        pipes[0].write(pipes[3].read())
        if all(done.values()):
            return
    raise AssertionError("handshake did not finish")


@pytest.mark.parametrize(
    "service",
    [
        pytest.param("performance-addon-operator-service", id="performance-plugin"),
        pytest.param("widgets-webhook", id="any-plugin"),
    ],
)
def test_webhook_certs_serve_any_service_of_the_operator_namespace(tmp_path, service):
    """The emulator's serving certificate names no plugin's Service."""
    ca = issue_webhook_certs(tmp_path)
    hostname = f"{service}.openshift-cluster-node-tuning-operator.svc"
    _handshake(ca, tmp_path / "apiserver.crt", tmp_path / "apiserver.key", hostname)


def test_webhook_certs_do_not_serve_other_namespaces(tmp_path):
    ca = issue_webhook_certs(tmp_path)
    with pytest.raises(ssl.SSLCertVerificationError):
        _handshake(ca, tmp_path / "apiserver.crt", tmp_path / "apiserver.key", "svc.other.svc")

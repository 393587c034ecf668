"""Integration with the emulated API server: the routes served over HTTPS behind the routed
Service, the project's CRDs with our conversion webhook and the ValidatingWebhookConfiguration.

(a) an invalid v2 profile created through the API is rejected with the aggregated message and a
valid one is accepted; (b) a v1alpha1 profile is stored as v2 and read back as v1alpha1 through
our conversion webhook. The webhook lists nodes and profiles through the default
:class:`KubeClusterDataProvider` against the same server.
"""

from __future__ import annotations

import base64
import copy
from typing import Any

import pytest
import trustme

from nto.kube.client import ApiError, KubeClient
from nto.kube.config import from_kubeconfig
from nto.operator.https import HTTPSServer
from nto.operator.tls import TLSFiles
from nto.operator.webhook_server import webhook_app
from nto_api.crds import load_crds
from nto_performance.crds import load_crds as plugin_crds
from nto_performance.webhooks import KubeClusterDataProvider, routes
from nto_performance.webhooks.manifests import validating_webhook_configuration

NAMESPACE = "openshift-cluster-node-tuning-operator"
SERVICE = "performance-addon-operator-service"
V2 = "performance.openshift.io/v2"
ALPHA = "performance.openshift.io/v1alpha1"


def crds_with_ca(ca_bundle: str) -> list[dict[str, Any]]:
    crds = copy.deepcopy(load_crds() + plugin_crds())
    for crd in crds:
        conversion = crd["spec"].get("conversion") or {}
        if conversion.get("strategy") == "Webhook":
            conversion["webhook"]["clientConfig"]["caBundle"] = ca_bundle
    return crds


@pytest.fixture
async def cluster_client(emulated_cluster, tmp_path):
    ca = trustme.CA()
    cert = ca.issue_cert("127.0.0.1", f"{SERVICE}.{NAMESPACE}.svc")
    cert.cert_chain_pems[0].write_to_path(str(tmp_path / "apiserver.crt"))
    cert.private_key_pem.write_to_path(str(tmp_path / "apiserver.key"))
    ca_bundle = base64.b64encode(ca.cert_pem.bytes()).decode()
    connection = from_kubeconfig(emulated_cluster.kubeconfig_path)
    provider = KubeClusterDataProvider(lambda: connection)
    server = HTTPSServer(
        webhook_app(routes(provider=provider)),
        name="webhooks",
        host="127.0.0.1",
        port=0,
        tls=TLSFiles(tmp_path / "apiserver.crt", tmp_path / "apiserver.key"),
    )
    await server.start()
    emulated_cluster.route_service(NAMESPACE, SERVICE, 443, "127.0.0.1", server.bound_port)
    emulated_cluster.load_crds(crds_with_ca(ca_bundle))
    emulated_cluster.apply(validating_webhook_configuration(ca_bundle))
    emulated_cluster.apply(
        {
            "apiVersion": "v1",
            "kind": "Node",
            "metadata": {"name": "worker-0", "labels": {"node-role.kubernetes.io/worker-cnf": ""}},
            "status": {"nodeInfo": {"architecture": "amd64"}, "capacity": {"cpu": "8"}},
        }
    )
    async with KubeClient(connection) as client:
        yield client
    await provider.close()
    await server.stop()


async def test_invalid_profile_is_rejected_with_the_aggregated_message(cluster_client, profile):
    created = await cluster_client.create(V2, "performanceprofiles", profile("first"))
    assert created["metadata"]["name"] == "first"
    twin = profile("second", cpu={"isolated": "1-7"}, hugepages={"defaultHugepagesSize": "32M"})
    with pytest.raises(ApiError) as caught:
        await cluster_client.create(V2, "performanceprofiles", twin)
    error = caught.value
    assert error.status == 422
    assert error.message.startswith(
        'admission webhook "vwb.performance.openshift.io" denied the request: '
        'PerformanceProfile.performance.openshift.io "second" is invalid: ['
    )
    for part in (
        "the same node selector as the performance profile 'first'",
        "reserved and isolated CPUs overlap on CPUs 1",
        'spec.hugepages.defaultHugepagesSize: Unsupported value: "32M": the compatible default '
        "huge page sizes for the selected kernel page size 4k are: 2M, 1G",
    ):
        assert part in error.message
    assert await cluster_client.get(V2, "performanceprofiles", "second") is None


async def test_update_is_validated_too(cluster_client, profile):
    await cluster_client.create(V2, "performanceprofiles", profile("first"))
    current = await cluster_client.get(V2, "performanceprofiles", "first")
    current["spec"]["cpu"]["isolated"] = "0-7"
    with pytest.raises(ApiError, match="reserved and isolated CPUs overlap on CPUs 0-1"):
        await cluster_client.replace(V2, "performanceprofiles", current)


async def test_v1alpha1_is_stored_as_v2_and_read_back_through_conversion(
    cluster_client, emulated_cluster, profile
):
    alpha = profile("legacy", api_version="v1alpha1")
    created = await cluster_client.create(ALPHA, "performanceprofiles", alpha)
    assert created["apiVersion"] == ALPHA
    stored = emulated_cluster.get(V2, "PerformanceProfile", "legacy")
    assert stored["apiVersion"] == V2
    assert stored["spec"]["globallyDisableIrqLoadBalancing"] is True
    read = await cluster_client.get(ALPHA, "performanceprofiles", "legacy")
    assert read["apiVersion"] == ALPHA
    assert read["spec"] == alpha["spec"]
    as_v2 = await cluster_client.get(V2, "performanceprofiles", "legacy")
    assert as_v2["spec"]["cpu"] == {"reserved": "0-1", "isolated": "2-7"}

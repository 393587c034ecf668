"""HyperShift settings: the environment and flags that pick the topology, the management
cluster's connection, and the metrics client CA read from a file (re-read when it changes)."""

from __future__ import annotations

from pathlib import Path

import pytest

from nto.kube.config import KubeConfigError
from nto.operator.client_ca import FileClientCA
from nto.operator.clusters import management_connector
from nto.operator.settings import HYPERSHIFT_METRICS_CLIENT_CA, OperatorSettings
from nto.operator.tls import TLSMaterialPending
from nto.runtime.topology import Cluster, Topology


def test_hypershift_settings_from_env():
    settings = OperatorSettings.from_env(
        {
            "HYPERSHIFT": "true",
            "MY_NAMESPACE": "clusters-hosted",
            "WATCH_NAMESPACE": "openshift-cluster-node-tuning-operator",
            "NTO_MANAGEMENT_KUBECONFIG": "/tmp/management.kubeconfig",
            "NTO_METRICS_CLIENT_CA_FILE": "/tmp/ca/ca.crt",
        }
    )
    assert settings.topology() == Topology.hypershift_in("clusters-hosted")
    assert settings.topology().clusters == (Cluster.HOSTED, Cluster.MANAGEMENT)
    assert settings.namespace == "openshift-cluster-node-tuning-operator"
    assert settings.management_kubeconfig == "/tmp/management.kubeconfig"
    assert settings.metrics_client_ca_file == Path("/tmp/ca/ca.crt")


def test_classic_settings_have_one_cluster():
    settings = OperatorSettings.from_env({"MY_NAMESPACE": "elsewhere"})
    assert settings.topology() == Topology()
    assert settings.metrics_client_ca_file == HYPERSHIFT_METRICS_CLIENT_CA


def test_flags_win_over_env():
    settings = OperatorSettings.from_env(
        {"HYPERSHIFT": "true", "NTO_MANAGEMENT_KUBECONFIG": "/env"},
        management_kubeconfig="/flag",
    )
    assert settings.management_kubeconfig == "/flag"


def test_management_cluster_needs_a_configuration(monkeypatch):
    monkeypatch.delenv("KUBERNETES_SERVICE_HOST", raising=False)
    connect = management_connector(OperatorSettings(hypershift=True))
    with pytest.raises(KubeConfigError, match="NTO_MANAGEMENT_KUBECONFIG"):
        connect()


def test_management_kubeconfig_is_read(emulated_cluster):
    path = emulated_cluster.kubeconfig_path
    connect = management_connector(
        OperatorSettings(hypershift=True, management_kubeconfig=str(path))
    )
    assert connect().server == emulated_cluster.url


def test_file_client_ca_waits_loads_and_follows_the_file(tmp_path):
    path = tmp_path / "metrics-client-ca" / "ca.crt"
    ca = FileClientCA(path)
    ca.refresh()
    with pytest.raises(TLSMaterialPending, match=r"metrics-client-ca/ca\.crt"):
        ca.get()
    path.parent.mkdir()
    path.write_bytes(b"-----BEGIN CERTIFICATE-----\nfirst\n")
    ca.refresh()
    assert ca.get() == b"-----BEGIN CERTIFICATE-----\nfirst\n"
    path.write_bytes(b"-----BEGIN CERTIFICATE-----\nsecond\n")
    ca.refresh()
    assert ca.get() == b"-----BEGIN CERTIFICATE-----\nsecond\n"
    path.unlink()
    ca.refresh()  # gone: keep what we had
    assert ca.get() == b"-----BEGIN CERTIFICATE-----\nsecond\n"
    path.write_bytes(b"  \n")
    ca.refresh()  # empty: no client auth, as in the reference
    assert ca.get() is None

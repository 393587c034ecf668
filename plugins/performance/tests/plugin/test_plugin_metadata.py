"""The plugin, not the core, says what the core must know about it: its webhook Secret, its CRD
and what its emulated nodes report."""

from __future__ import annotations

import pytest

from nto.plugins import PluginMetadata, build_plugin_host
from nto_performance import plugin
from nto_performance.webhooks.manifests import SERVING_CERT_SECRET


def test_metadata_names_the_secret_its_service_requests():
    assert plugin.nto_plugin_metadata() == PluginMetadata(webhook_secret=SERVING_CERT_SECRET)
    assert SERVING_CERT_SECRET == "performance-addon-operator-webhook-cert"


def test_the_bundle_mounts_the_plugins_secret():
    from nto.bundle import generate
    from nto.bundle.names import FILE_PREFIX

    host = build_plugin_host(load_entry_points=False, plugins=[("performance", plugin)])
    files = generate.build(host)
    (deployment,) = files[FILE_PREFIX + "50-operator.yaml"]
    volumes = deployment["spec"]["template"]["spec"]["volumes"]
    secrets = [v["secret"]["secretName"] for v in volumes if "secret" in v]
    assert SERVING_CERT_SECRET in secrets


@pytest.mark.parametrize(
    ("tuned", "cmdline"),
    [
        pytest.param("openshift-node-performance-manual", "skew_tick=1 nohz=on", id="ours"),
        pytest.param("openshift-node", None, id="core-profile"),
        pytest.param("my-performance-tweaks", None, id="name-merely-contains-performance"),
        pytest.param(None, None, id="no-profile"),
    ],
)
def test_emulated_nodes_report_our_profiles_only(tuned, cmdline):
    profile = {"spec": {"config": {"tunedProfile": tuned}}}
    assert plugin.nto_emulated_node_cmdline(profile=profile) == cmdline

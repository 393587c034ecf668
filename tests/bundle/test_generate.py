"""Assembly: plugin contributions merged, hostile contributions refused, write/check round trip."""

from __future__ import annotations

from typing import Any

import pytest
import yaml

from nto.bundle import generate
from nto.bundle.names import FILE_PREFIX, NAMESPACE
from nto.bundle.rbac import WildcardRuleError
from nto.plugins import (
    MustGatherStep,
    PluginMetadata,
    PolicyRule,
    RelatedObject,
    build_plugin_host,
    hookimpl,
)

WIDGET_CRD = {
    "apiVersion": "apiextensions.k8s.io/v1",
    "kind": "CustomResourceDefinition",
    "metadata": {"name": "widgets.example.io"},
    "spec": {"group": "example.io", "names": {"plural": "widgets", "kind": "WidgetSet"}},
}
WIDGET_SERVICE = {"apiVersion": "v1", "kind": "Service", "metadata": {"name": "widget-svc"}}
WIDGET_RULE = PolicyRule(("example.io",), ("widgets",), ("get", "list", "watch"))


class WidgetPlugin:
    @hookimpl
    def nto_plugin_metadata(self):  # type: ignore[no-untyped-def]
        return PluginMetadata(webhook_secret="widget-cert")

    @hookimpl
    def nto_crds(self):  # type: ignore[no-untyped-def]
        return [WIDGET_CRD]

    @hookimpl
    def nto_rbac_rules(self):  # type: ignore[no-untyped-def]
        return [WIDGET_RULE]

    @hookimpl
    def nto_bundle_manifests(self):  # type: ignore[no-untyped-def]
        rule = {"apiVersion": "monitoring.coreos.com/v1", "kind": "PrometheusRule"}
        rule["metadata"] = {
            "name": "widgets",
            "namespace": "openshift-cluster-node-tuning-operator",
        }
        return [
            ("45-widget-service.yaml", WIDGET_SERVICE),
            (FILE_PREFIX + "30-monitoring.yaml", rule),
        ]

    @hookimpl
    def nto_related_objects(self):  # type: ignore[no-untyped-def]
        return [RelatedObject(group="example.io", resource="widgets", name="")]

    @hookimpl
    def nto_must_gather_steps(self):  # type: ignore[no-untyped-def]
        return [MustGatherStep("widgets", "oc adm inspect widgets.example.io")]

    @hookimpl
    def nto_webhook_routes(self, context):  # type: ignore[no-untyped-def]
        return []


def manifests_plugin(*items: Any) -> object:
    class Plugin:
        @hookimpl
        def nto_bundle_manifests(self):  # type: ignore[no-untyped-def]
            return list(items)

    return Plugin()


def short(files: dict[str, Any]) -> dict[str, Any]:
    return {name.removeprefix(FILE_PREFIX): docs for name, docs in files.items()}


def test_plugin_contributions_land_in_their_files(make_host):
    files = short(generate.build(make_host(("widgets", WidgetPlugin()))))
    assert files["20-widget-set.crd.yaml"] == [generate.cvo.annotate(WIDGET_CRD)]
    assert files["45-widget-service.yaml"][0]["metadata"]["name"] == "widget-svc"
    assert [doc["kind"] for doc in files["30-monitoring.yaml"]][-2:] == [
        "PrometheusRule",
        "PrometheusRule",
    ]
    role = next(doc for doc in files["40-rbac.yaml"] if doc["kind"] == "ClusterRole")
    assert WIDGET_RULE.to_manifest() in role["rules"]
    (operator,) = files["60-clusteroperator.yaml"]
    assert {"group": "example.io", "resource": "widgets", "name": ""} in operator["status"][
        "relatedObjects"
    ]
    (deployment,) = files["50-operator.yaml"]
    (container,) = deployment["spec"]["template"]["spec"]["containers"]
    assert container["readinessProbe"]["httpGet"]["port"] == 4343, "webhook routes add probes"
    assert "webhook" in [port["name"] for port in container["ports"]]


def test_must_gather_steps_are_collected_but_not_bundled(make_host):
    host = make_host(("widgets", WidgetPlugin()))
    (step,) = [step for _, step in host.collect("nto_must_gather_steps")]
    assert step.script.startswith("oc adm inspect")
    assert "oc adm inspect" not in str(generate.build(host))


class SwitchedOff(WidgetPlugin):
    @hookimpl
    def nto_plugin_metadata(self):  # type: ignore[no-untyped-def]
        return PluginMetadata(disabled_by_default=True)


class Serving:
    def __init__(self, secret: str) -> None:
        self.secret = secret

    @hookimpl
    def nto_plugin_metadata(self):  # type: ignore[no-untyped-def]
        return PluginMetadata(webhook_secret=self.secret)

    @hookimpl
    def nto_webhook_routes(self, context):  # type: ignore[no-untyped-def]
        return []


def test_plugins_disabled_by_default_contribute_nothing(make_host):
    """Whatever its name, a plugin that says it ships off is left out and listed as disabled."""
    plain = short(generate.build(make_host()))
    switched_off = short(generate.build(make_host(("widgets", SwitchedOff()))))
    (deployment,) = switched_off["50-operator.yaml"]
    deployments = ("50-operator.yaml", "50-operator-ibm-cloud-managed.yaml")
    assert {k: v for k, v in switched_off.items() if k not in deployments} == {
        k: v for k, v in plain.items() if k not in deployments
    }
    (container,) = deployment["spec"]["template"]["spec"]["containers"]
    assert {"name": "NTO_DISABLED_PLUGINS", "value": "widgets"} in container["env"]
    assert "livenessProbe" not in container, "no webhook routes, nothing to probe"


def test_the_example_name_is_not_special(make_host):
    """The core names no plugin: a plugin called ``example`` without metadata is enabled."""
    files = short(generate.build(make_host(("example", WidgetPlugin()))))
    assert "20-widget-set.crd.yaml" in files


def _secret_volumes(files: dict[str, Any]) -> list[str]:
    (deployment,) = files["50-operator.yaml"]
    volumes = deployment["spec"]["template"]["spec"]["volumes"]
    return [v["secret"]["secretName"] for v in volumes if v["name"] == "apiservice-cert"]


def test_the_webhook_secret_comes_from_the_serving_plugin(make_host):
    files = short(generate.build(make_host(("serving", Serving("widgets-webhook-cert")))))
    assert _secret_volumes(files) == ["widgets-webhook-cert"]
    assert _secret_volumes(short(generate.build(make_host()))) == []


@pytest.mark.parametrize(
    ("plugins", "message"),
    [
        pytest.param(
            [("serving", Serving(""))], "names no webhook_secret in nto_plugin_metadata", id="none"
        ),
        pytest.param(
            [("a", Serving("a-cert")), ("b", Serving("b-cert"))],
            "different webhook secrets",
            id="two",
        ),
    ],
)
def test_webhook_secret_must_be_named_once(make_host, plugins, message):
    with pytest.raises(generate.BundleError, match=message):
        generate.build(make_host(*plugins))


def test_metadata_of_the_wrong_type_is_refused(make_host):
    class Odd:
        @hookimpl
        def nto_plugin_metadata(self):  # type: ignore[no-untyped-def]
            return {"disabled_by_default": True}

    with pytest.raises(generate.BundleError, match=r"return nto\.plugins\.PluginMetadata"):
        generate.build(make_host(("odd", Odd())))


@pytest.mark.parametrize(
    ("item", "message"),
    [
        pytest.param(("../escape.yaml", WIDGET_SERVICE), "bundle file '../escape.yaml'", id="dots"),
        pytest.param(("/etc/passwd", WIDGET_SERVICE), "'/etc/passwd'", id="absolute"),
        pytest.param(("45-a/b.yaml", WIDGET_SERVICE), "'45-a/b.yaml'", id="slash"),
        pytest.param(("4-x.yaml", WIDGET_SERVICE), "'4-x.yaml'", id="one-digit"),
        pytest.param(("45-X.yaml", WIDGET_SERVICE), "'45-X.yaml'", id="upper-case"),
        pytest.param(("45-x.json", WIDGET_SERVICE), "'45-x.json'", id="not-yaml"),
        pytest.param((45, WIDGET_SERVICE), "bundle file 45", id="not-a-string"),
        pytest.param(("45-x.yaml",), "return (file_name, manifest) pairs", id="one-tuple"),
        pytest.param("45-x.yaml", "return (file_name, manifest) pairs", id="bare-string"),
        pytest.param(("45-x.yaml", {"kind": "Service"}), "set apiVersion, kind", id="no-name"),
        pytest.param(("45-x.yaml", ["not", "a", "dict"]), "incomplete manifest", id="list"),
    ],
)
def test_hostile_plugin_manifests_are_refused(make_host, tmp_path, capsys, item, message):
    host = make_host(("bad", manifests_plugin(item)))
    with pytest.raises(generate.BundleError, match="plugin 'bad'") as error:
        generate.build(host)
    assert message in str(error.value)
    assert generate.run(host, output_dir=tmp_path / "out", check=False) == 1
    assert message in capsys.readouterr().err
    assert not (tmp_path / "out").exists(), "nothing is written on error"


@pytest.mark.parametrize(
    "duplicate",
    [
        pytest.param(
            {"apiVersion": "v1", "kind": "Namespace", "metadata": {"name": NAMESPACE}},
            id="core-namespace",
        ),
        pytest.param(
            {
                "apiVersion": "v1",
                "kind": "ConfigMap",
                "metadata": {"name": "trusted-ca", "namespace": NAMESPACE},
            },
            id="core-configmap",
        ),
    ],
)
def test_a_plugin_cannot_ship_an_object_twice(make_host, duplicate):
    with pytest.raises(generate.BundleError, match=f"{duplicate['kind']} .* is in both"):
        generate.build(make_host(("copycat", manifests_plugin(("70-copy.yaml", duplicate)))))


def test_wildcards_are_refused(make_host):
    class Greedy:
        @hookimpl
        def nto_rbac_rules(self):  # type: ignore[no-untyped-def]
            return [PolicyRule(("apps",), ("deployments",), ("*",))]

    with pytest.raises(WildcardRuleError, match=r"'\*' in verbs; name the exact verbs"):
        generate.build(make_host(("greedy", Greedy())))


def test_a_plugin_failing_in_a_hook_fails_the_bundle(make_host, tmp_path, capsys):
    class Broken:
        @hookimpl
        def nto_crds(self):  # type: ignore[no-untyped-def]
            raise RuntimeError("schema file missing")

    assert generate.run(make_host(("broken", Broken())), output_dir=tmp_path, check=False) == 1
    err = capsys.readouterr().err
    assert "plugin 'broken' failed in nto_crds: RuntimeError: schema file missing" in err
    assert not list(tmp_path.iterdir())


def test_write_then_check_finds_no_drift_and_detects_edits(make_host, tmp_path, capsys):
    host = make_host(("widgets", WidgetPlugin()))
    assert generate.run(host, output_dir=tmp_path, check=False) == 0
    assert generate.run(host, output_dir=tmp_path, check=True) == 0
    rbac = tmp_path / (FILE_PREFIX + "40-rbac.yaml")
    rbac.write_text(rbac.read_text().replace("- watch", "- escalate"))
    (tmp_path / (FILE_PREFIX + "99-stale.yaml")).write_text("{}\n")
    (tmp_path / generate.IMAGE_REFERENCES).unlink()
    assert generate.run(host, output_dir=tmp_path, check=True) == 1
    out = capsys.readouterr().out
    assert "-  - escalate" in out
    assert "99-stale.yaml" in out
    assert "+++ b/image-references" in out
    assert generate.run(host, output_dir=tmp_path, check=False) == 0
    assert not (tmp_path / (FILE_PREFIX + "99-stale.yaml")).exists()
    assert yaml.safe_load_all(rbac.read_text())
    assert generate.run(host, output_dir=tmp_path, check=True) == 0


def test_check_of_a_missing_directory_reports_drift(make_host, tmp_path):
    assert generate.run(make_host(), output_dir=tmp_path / "absent", check=True) == 1


def test_committed_bundle_is_current(request, capsys):
    """``bundle/`` in the repository is what ``nto bundle`` writes (``make verify`` also checks)."""
    committed = request.config.rootpath / "bundle"
    status = generate.run(build_plugin_host(disabled=()), output_dir=committed, check=True)
    assert status == 0, f"bundle/ is stale, run 'make bundle':\n{capsys.readouterr().out}"


def test_a_plugin_disabled_by_default_that_fails_does_not_fail_the_bundle(make_host, tmp_path):
    class FailsOff(SwitchedOff):
        @hookimpl
        def nto_crds(self):  # type: ignore[no-untyped-def]
            raise RuntimeError("not switched on anyway")

    host = make_host(("widgets", FailsOff()))
    assert generate.run(host, output_dir=tmp_path, check=False) == 0
    assert [f.stage for f in host.failures] == ["nto_crds"]

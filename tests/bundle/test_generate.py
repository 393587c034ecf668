"""The bundle merges the core manifests with every plugin's CRDs, RBAC, manifests, objects."""

from __future__ import annotations

import pytest
import yaml

from nto.bundle import generate
from nto.bundle.manifests import WildcardRuleError
from nto.plugins import MustGatherStep, PolicyRule, RelatedObject, hookimpl

WIDGET_CRD = {
    "apiVersion": "apiextensions.k8s.io/v1",
    "kind": "CustomResourceDefinition",
    "metadata": {"name": "widgets.example.io"},
    "spec": {"group": "example.io", "names": {"plural": "widgets", "kind": "Widget"}},
}


class WidgetPlugin:
    @hookimpl
    def nto_crds(self):  # type: ignore[no-untyped-def]
        return [WIDGET_CRD]

    @hookimpl
    def nto_rbac_rules(self):  # type: ignore[no-untyped-def]
        return [PolicyRule(("example.io",), ("widgets",), ("get", "list", "watch"))]

    @hookimpl
    def nto_bundle_manifests(self):  # type: ignore[no-untyped-def]
        service = {"apiVersion": "v1", "kind": "Service", "metadata": {"name": "widget-svc"}}
        return [("45-widget-service.yaml", service)]

    @hookimpl
    def nto_related_objects(self):  # type: ignore[no-untyped-def]
        return [RelatedObject(group="example.io", resource="widgets", name="")]

    @hookimpl
    def nto_must_gather_steps(self):  # type: ignore[no-untyped-def]
        return [MustGatherStep("widgets", "oc adm inspect widgets.example.io")]


@pytest.fixture(autouse=True)
def _no_core_crds(monkeypatch):
    monkeypatch.setattr(generate, "core_crds", list)


def test_bundle_contains_plugin_contributions(make_host):
    files = generate.build(make_host(("widgets", WidgetPlugin())))
    prefix = generate.PREFIX
    assert list(files) == sorted(files)
    assert files[prefix + "20-widgets.example.io.crd.yaml"][0]["spec"]["group"] == "example.io"
    assert files[prefix + "45-widget-service.yaml"][0]["metadata"]["name"] == "widget-svc"
    (role,) = files[prefix + "40-rbac.yaml"]
    assert {
        "apiGroups": ["example.io"],
        "resources": ["widgets"],
        "verbs": ["get", "list", "watch"],
    } in role["rules"]
    (operator,) = files[prefix + "60-clusteroperator.yaml"]
    assert {"group": "example.io", "resource": "widgets", "name": ""} in operator["status"][
        "relatedObjects"
    ]
    for docs in files.values():
        for doc in docs:
            annotations = doc["metadata"]["annotations"]
            assert annotations["capability.openshift.io/name"] == "NodeTuning"


def test_must_gather_steps_are_collected(make_host):
    host = make_host(("widgets", WidgetPlugin()))
    (step,) = [step for _, step in host.collect("nto_must_gather_steps")]
    assert step.script.startswith("oc adm inspect")


def test_wildcards_are_refused(make_host):
    class Greedy:
        @hookimpl
        def nto_rbac_rules(self):  # type: ignore[no-untyped-def]
            return [PolicyRule(("*",), ("*",), ("*",))]

    with pytest.raises(WildcardRuleError, match="wildcard"):
        generate.build(make_host(("greedy", Greedy())))


def test_write_then_check_finds_no_drift_and_detects_edits(make_host, tmp_path, capsys):
    host = make_host(("widgets", WidgetPlugin()))
    assert generate.run(host, output_dir=tmp_path, check=False) == 0
    assert generate.run(host, output_dir=tmp_path, check=True) == 0
    rbac = tmp_path / (generate.PREFIX + "40-rbac.yaml")
    rbac.write_text(rbac.read_text().replace("watch", "delete"))
    (tmp_path / (generate.PREFIX + "99-stale.yaml")).write_text("{}\n")
    assert generate.run(host, output_dir=tmp_path, check=True) == 1
    out = capsys.readouterr().out
    assert "-  - delete" in out
    assert "99-stale.yaml" in out
    assert generate.run(host, output_dir=tmp_path, check=False) == 0
    assert not (tmp_path / (generate.PREFIX + "99-stale.yaml")).exists()
    assert yaml.safe_load(rbac.read_text())["kind"] == "ClusterRole"

"""HyperShift's pure decisions: NodePool ConfigMaps -> hosted Tuneds (names, labels, keys,
duplicates, bad input), the sync plan, the calculation per NodePool and the kernel-argument
ConfigMaps (content, updates, pruning)."""

from __future__ import annotations

from typing import Any

import pytest
import yaml

from nto.controller.default_tuned import default_tuned
from nto.controller.hosted_tuneds import (
    fnv32a,
    hosted_tuned_name,
    node_pool_of_annotation,
    plan_tuned_sync,
    tuneds_from_config_maps,
)
from nto.controller.nodepools import (
    NodePoolCalculator,
    desired_mc_config_map,
    mc_config_maps_to_prune,
    plan_mc_config_map,
    wanted_mc_config_map_names,
)

NS = "openshift-cluster-node-tuning-operator"
POOL_LABEL = "hypershift.openshift.io/nodePool"
NAME_LABEL = "hypershift.openshift.io/nodePoolName"


def tuned_doc(name: str, profile: str = "p", *, match: Any = None, **extra: Any) -> str:
    rec: dict[str, Any] = {"profile": profile, "priority": 20, **extra}
    if match is not None:
        rec["match"] = match
    return yaml.safe_dump(
        {
            "apiVersion": "tuned.openshift.io/v1",
            "kind": "Tuned",
            "metadata": {"name": name},
            "spec": {
                "profile": [{"name": profile, "data": f"[main]\nsummary={profile}\n"}],
                "recommend": [rec],
            },
        }
    )


def config_map(name: str, text: str | None, *, pool: str | None = "clusters/np", key="tuning"):
    cm: dict[str, Any] = {"metadata": {"name": name, "annotations": {}}, "data": {}}
    if pool is not None:
        cm["metadata"]["annotations"][POOL_LABEL] = pool
    if text is not None:
        cm["data"][key] = text
    return cm


BOMB = "a: &a [x, x, x, x, x, x, x, x, x]\n" + "".join(
    f"{chr(98 + i)}: &{chr(98 + i)} [{', '.join([f'*{chr(97 + i)}'] * 9)}]\n" for i in range(9)
)


def test_fnv32a_matches_the_published_vectors():
    assert fnv32a("") == "811c9dc5"
    assert fnv32a("a") == "e40c292c"
    assert fnv32a("foobar") == "bf9cf968"


@pytest.mark.parametrize(("value", "pool"), [("clusters/np", "np"), ("np", "np"), ("a/b/c", "b/c")])
def test_node_pool_of_annotation(value, pool):
    assert node_pool_of_annotation(value) == pool


def test_config_map_tuneds_are_renamed_and_labelled_per_node_pool():
    text = tuned_doc("one") + "---\n" + tuned_doc("two")
    tuneds, warnings = tuneds_from_config_maps([config_map("cm", text)], namespace=NS)
    assert warnings == []
    assert [t["metadata"]["name"] for t in tuneds] == [
        f"one-{fnv32a('np')}",
        f"two-{fnv32a('np')}",
    ]
    assert tuneds[0]["metadata"]["namespace"] == NS
    assert tuneds[0]["metadata"]["labels"] == {NAME_LABEL: "np"}
    assert hosted_tuned_name("one", "np") == tuneds[0]["metadata"]["name"]


def test_deprecated_key_is_read_and_tuning_wins():
    old = config_map("old", tuned_doc("legacy"), key="tuned")
    both = config_map("both", tuned_doc("new"))
    both["data"]["tuned"] = tuned_doc("ignored")
    tuneds, _ = tuneds_from_config_maps([old, both], namespace=NS)
    assert sorted(t["metadata"]["name"].rsplit("-", 1)[0] for t in tuneds) == ["legacy", "new"]


@pytest.mark.parametrize(
    ("cm", "problem"),
    [
        (config_map("cm", None), "no data key 'tuning'"),
        (config_map("cm", tuned_doc("x"), pool=None), "no annotation"),
        (config_map("cm", "a: [unclosed"), "not valid YAML"),
        (config_map("cm", "- a list"), "not a Tuned manifest"),
        (config_map("cm", "kind: Secret\nmetadata: {name: s}\n"), "not a Tuned"),
        (config_map("cm", "kind: Tuned\nspec: {}\n"), "no metadata.name"),
        (config_map("cm", BOMB), "not valid YAML"),
    ],
    ids=["no-key", "no-pool", "bad-yaml", "not-mapping", "other-kind", "no-name", "alias-bomb"],
)
def test_bad_config_maps_are_skipped_with_a_clear_warning(cm, problem):
    good = config_map("good", tuned_doc("fine"))
    tuneds, warnings = tuneds_from_config_maps([cm, good], namespace=NS)
    assert [t["metadata"]["name"] for t in tuneds] == [f"fine-{fnv32a('np')}"]
    (warning,) = warnings
    assert problem in warning
    assert "'cm'" in warning


def test_duplicate_tuned_in_a_later_config_map_is_ignored():
    first = config_map("a", tuned_doc("same", "first"))
    second = config_map("b", tuned_doc("same", "second"))
    tuneds, warnings = tuneds_from_config_maps([second, first], namespace=NS)
    assert len(tuneds) == 1
    assert tuneds[0]["spec"]["recommend"][0]["profile"] == "first"  # ConfigMap 'a' first
    assert warnings == [f"ignoring duplicate Tuned 'same-{fnv32a('np')}' in ConfigMap 'b'"]


def test_one_config_map_for_two_node_pools_gives_two_tuneds():
    a = config_map("a", tuned_doc("t"), pool="clusters/np-a")
    b = config_map("b", tuned_doc("t"), pool="clusters/np-b")
    tuneds, _ = tuneds_from_config_maps([a, b], namespace=NS)
    assert {t["metadata"]["labels"][NAME_LABEL] for t in tuneds} == {"np-a", "np-b"}


def test_sync_plan_creates_updates_and_deletes_but_never_default():
    wanted, _ = tuneds_from_config_maps(
        [config_map("cm", tuned_doc("new") + "---\n" + tuned_doc("changed", "v2"))], namespace=NS
    )
    changed_name = f"changed-{fnv32a('np')}"
    stale = {
        "metadata": {"name": changed_name, "resourceVersion": "7", "labels": {NAME_LABEL: "np"}},
        "spec": {"recommend": [{"profile": "v1", "priority": 20}], "managementState": "Managed"},
    }
    hosted = {
        "default": default_tuned(NS),
        changed_name: stale,
        "gone-12345678": {"metadata": {"name": "gone-12345678"}},
    }
    plan = plan_tuned_sync(wanted, hosted)
    assert [t["metadata"]["name"] for t in plan.create] == [f"new-{fnv32a('np')}"]
    (updated,) = plan.update
    assert updated["metadata"]["resourceVersion"] == "7"
    assert updated["spec"]["recommend"][0]["profile"] == "v2"
    assert updated["spec"]["managementState"] == "Managed"  # only profile/recommend replaced
    assert plan.delete == ["gone-12345678"]
    again = plan_tuned_sync(wanted, {t["metadata"]["name"]: t for t in wanted})
    assert (again.create, again.update, again.delete) == ([], [], [])


def node(name: str, pool: str | None, **labels: str) -> dict[str, Any]:
    all_labels = {"kubernetes.io/os": "linux", **labels}
    if pool is not None:
        all_labels[POOL_LABEL] = pool
    return {"metadata": {"name": name, "labels": all_labels}}


def hosted_tuneds(*docs: tuple[str, str]) -> list[dict[str, Any]]:
    """(pool, tuned YAML) -> hosted Tuneds plus default."""
    tuneds = [default_tuned(NS)]
    for index, (pool, text) in enumerate(docs):
        found, _ = tuneds_from_config_maps(
            [config_map(f"cm{index}", text, pool=f"clusters/{pool}")], namespace=NS
        )
        tuneds.extend(found)
    return tuneds


def test_calculation_is_restricted_to_the_node_pool():
    tuneds = hosted_tuneds(("np-a", tuned_doc("a", "profile-a")))
    calculator = NodePoolCalculator(tuneds, release_version="4.99")
    in_a = calculator.calculate(node("a-0", "np-a"))
    in_b = calculator.calculate(node("b-0", "np-b"))
    no_pool = calculator.calculate(node("x-0", None))
    assert (in_a.tuned_profile, in_a.node_pool) == ("profile-a", "np-a")
    assert (in_b.tuned_profile, in_b.node_pool) == ("openshift-node", "")
    assert (no_pool.tuned_profile, no_pool.node_pool) == ("openshift-node", "")
    assert [name for name, _ in in_b.profiles] == ["openshift"]
    assert "profile-a" in [name for name, _ in in_a.profiles]
    assert in_a.bootcmdline_deps.startswith("4.99,a-")


def test_label_match_gives_no_node_pool_and_mc_labels_are_ignored():
    match = [{"label": "special"}]
    tuneds = hosted_tuneds(
        ("np", tuned_doc("m", "matched", match=match, priority=10)),
        ("np", tuned_doc("l", "by-mc-labels", machineConfigLabels={"role": "x"})),
    )
    calculator = NodePoolCalculator(tuneds)
    special = calculator.calculate(node("n", "np", special="yes"))
    assert (special.tuned_profile, special.node_pool) == ("matched", "")
    plain = calculator.calculate(node("n", "np"))
    assert (plain.tuned_profile, plain.node_pool, plain.mc_labels) == ("by-mc-labels", "np", None)


def test_empty_match_list_is_a_label_match_not_a_node_pool_match():
    tuneds = hosted_tuneds(("np", tuned_doc("e", "empty-match", match=[])))
    computed = NodePoolCalculator(tuneds).calculate(node("n", "np"))
    assert (computed.tuned_profile, computed.node_pool) == ("empty-match", "")


def test_conflicting_duplicate_blocks_its_node_pool_only():
    tuneds = hosted_tuneds(
        ("np-a", tuned_doc("x", "shared")),
        ("np-a", tuned_doc("y", "shared").replace("summary=shared", "summary=other")),
        ("np-b", tuned_doc("z", "shared")),
    )
    calculator = NodePoolCalculator(tuneds)
    assert "NodePool 'np-a'" in (calculator.calculate(node("a", "np-a")).error or "")
    assert calculator.calculate(node("b", "np-b")).error is None


def test_mc_config_map_content():
    cm = desired_mc_config_map(
        "np", namespace="hcp", kernel_arguments=["a=1", "b"], controller_version="4.99"
    )
    assert cm["metadata"] == {
        "name": "nto-mc-np",
        "namespace": "hcp",
        "labels": {
            "hypershift.openshift.io/nto-generated-machine-config": "true",
            POOL_LABEL: "np",
        },
        "annotations": {
            POOL_LABEL: "np",
            "tuned.openshift.io/generated-by-controller-version": "4.99",
        },
    }
    mc = yaml.safe_load(cm["data"]["config"])
    assert mc == {
        "apiVersion": "machineconfiguration.openshift.io/v1",
        "kind": "MachineConfig",
        "metadata": {
            "name": "50-nto-np",
            "annotations": {"tuned.openshift.io/generated-by-controller-version": "4.99"},
        },
        "spec": {"kernelArguments": ["a=1", "b"]},
    }


def plan(existing, cmdline):
    return plan_mc_config_map(
        existing, node_pool="np", namespace="hcp", bootcmdline=cmdline, controller_version="4.99"
    )


def test_mc_config_map_plan():
    assert plan(None, "") == ("none", None)
    action, created = plan(None, "a=1 b")
    assert action == "create"
    assert plan(created, "a=1 b") == ("none", None)
    action, updated = plan(created, "b a=1")  # order matters
    assert action == "update"
    assert yaml.safe_load(updated["data"]["config"])["spec"]["kernelArguments"] == ["b", "a=1"]
    action, emptied = plan(created, "")  # an empty command line empties, never deletes
    assert action == "update"
    assert yaml.safe_load(emptied["data"]["config"])["spec"]["kernelArguments"] == []


@pytest.mark.parametrize(
    "damage",
    [
        lambda cm: cm["metadata"]["labels"].pop(POOL_LABEL),
        lambda cm: cm["metadata"]["annotations"].pop(POOL_LABEL),
        lambda cm: cm["data"].update(config="{{ not yaml"),
        lambda cm: cm["data"].update(config="kind: Secret\n"),
    ],
    ids=["label", "annotation", "bad-yaml", "not-an-mc"],
)
def test_damaged_mc_config_map_is_repaired(damage):
    _, created = plan(None, "a=1")
    created["metadata"]["labels"]["kept"] = "yes"
    damage(created)
    action, repaired = plan(created, "a=1")
    assert action == "update"
    assert repaired["metadata"]["labels"]["kept"] == "yes"
    assert plan(repaired, "a=1") == ("none", None)


def test_pruning_keeps_config_maps_of_node_pool_tuneds_with_nil_match():
    tuneds = hosted_tuneds(
        ("np-a", tuned_doc("a", "pa")),
        ("np-b", tuned_doc("b", "pb", match=[{"label": "x"}])),
    )
    wanted = wanted_mc_config_map_names(tuneds)
    assert wanted == {"nto-mc-np-a"}
    ours = [
        desired_mc_config_map(p, namespace="h", kernel_arguments=["a"], controller_version="v")
        for p in ("np-a", "np-b", "np-gone")
    ]
    foreign = {"metadata": {"name": "nto-mc-foreign", "annotations": {}}}
    assert mc_config_maps_to_prune([*ours, foreign], wanted) == ["nto-mc-np-b", "nto-mc-np-gone"]


def test_plugins_reach_the_hypershift_names_through_the_surface_without_yaml_cost():
    import subprocess
    import sys

    from nto.plugins import tuned

    assert tuned.hosted_tuned_name("t", "np") == hosted_tuned_name("t", "np")
    assert tuned.node_pool_config_map_name("np") == "nto-mc-np"
    assert tuned.NodePoolCalculator is NodePoolCalculator
    code = "import sys, nto.plugins.tuned; print('yaml' in sys.modules)"
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True)
    assert out.stdout.strip() == "False"

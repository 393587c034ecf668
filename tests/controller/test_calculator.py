"""The profile calculator: ordering, matching, pools, operand, deferred, deps, errors."""

from __future__ import annotations

import copy
import random
from typing import Any

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from nto.controller.calculator import (
    MISSING_CATCH_ALL,
    Calculator,
    bootcmdline_deps,
    needs_pod_informer,
    profiles_for_all,
)
from nto.controller.computed import NodeFacts, Operand, is_linux_node, provider_name
from nto.controller.default_tuned import default_tuned

from .conftest import calculate_profile, load_yaml, make_tuned, node, rec, standard_pools

CP = "node-role.kubernetes.io/control-plane"
INFRA = "node-role.kubernetes.io/infra"
WORKER = "node-role.kubernetes.io/worker"
RT = "node-role.kubernetes.io/worker-rt"

DEFAULT = default_tuned()


def _profile(tuneds, facts, **kwargs):
    return calculate_profile(tuneds, facts, **kwargs).tuned_profile


DEFAULT_CASES = [
    ("worker gets openshift-node", {WORKER: ""}, "openshift-node"),
    ("control-plane", {CP: ""}, "openshift-control-plane"),
    ("infra", {INFRA: "whatever"}, "openshift-control-plane"),
    ("no labels at all", {}, "openshift-node"),
]


@pytest.mark.parametrize(
    ("labels", "expected"), [c[1:] for c in DEFAULT_CASES], ids=[c[0] for c in DEFAULT_CASES]
)
def test_default_cr(labels, expected):
    assert _profile([DEFAULT], NodeFacts("n", labels)) == expected


ORDER_CASES = [
    (
        "lower priority number wins",
        [make_tuned("a", recommend=[rec("p-low", 20), rec("p-high", 10)])],
        "p-high",
    ),
    (
        "tie: Tuned name order decides",
        [
            make_tuned("zz", recommend=[rec("from-zz", 5)]),
            make_tuned("aa", recommend=[rec("from-aa", 5)]),
        ],
        "from-aa",
    ),
    (
        "tie in one CR: position decides",
        [make_tuned("a", recommend=[rec("first", 5), rec("second", 5)])],
        "first",
    ),
    (
        "missing priority sorts last",
        [make_tuned("a", recommend=[rec("nil", None), rec("forty", 40)])],
        "forty",
    ),
    (
        "priority 0 is the highest",
        [make_tuned("a", recommend=[rec("zero", 0)]), DEFAULT],
        "zero",
    ),
    (
        "negative priority from a hostile dict sorts first",
        [make_tuned("a", recommend=[rec("neg", -5)]), make_tuned("b", recommend=[rec("zero", 0)])],
        "neg",
    ),
    (
        "huge priority sorts after normal ones",
        [make_tuned("a", recommend=[rec("huge", 2**70), rec("forty", 40)])],
        "forty",
    ),
    (
        "boolean priority counts as missing",
        [make_tuned("a", recommend=[rec("bool", True), rec("forty", 40)])],
        "forty",
    ),
    (
        "custom node-label rule beats the default",
        [
            DEFAULT,
            make_tuned(
                "hp", recommend=[rec("hugepages", 20, {"label": "tuned.openshift.io/hugepages"})]
            ),
        ],
        "hugepages",
    ),
    (
        "non-matching custom rule falls through",
        [DEFAULT, make_tuned("hp", recommend=[rec("hugepages", 20, {"label": "absent"})])],
        "openshift-node",
    ),
]


@pytest.mark.parametrize(
    ("tuneds", "expected"), [c[1:] for c in ORDER_CASES], ids=[c[0] for c in ORDER_CASES]
)
def test_recommend_ordering(tuneds, expected):
    facts = node(**{"tuned.openshift.io/hugepages": ""})
    assert _profile(tuneds, facts) == expected


def test_caller_list_is_not_reordered():
    tuneds = [make_tuned("b", recommend=[rec("b", 1)]), make_tuned("a", recommend=[rec("a", 1)])]
    before = copy.deepcopy(tuneds)
    Calculator(tuneds)
    assert tuneds == before


def test_missing_catch_all_gives_openshift_node_and_the_reference_error():
    tuneds = [make_tuned("only", recommend=[rec("special", 10, {"label": "x"})])]
    result = calculate_profile(tuneds, node())
    assert (result.tuned_profile, result.error, result.source) == (
        "openshift-node",
        "the default Tuned CR misses a catch-all profile selection",
        None,
    )
    assert result.error == MISSING_CATCH_ALL


def test_no_tuneds_at_all_is_the_missing_catch_all_error():
    assert calculate_profile([], node()).error == MISSING_CATCH_ALL


def test_same_priority_warning_names_both_profiles_and_the_node():
    tuneds = [
        make_tuned("a", recommend=[rec("p1", 10, {"label": "x"})]),
        make_tuned("b", recommend=[rec("p2", 10, {"label": "y"}), rec("p1", 10)]),
        DEFAULT,
    ]
    result = calculate_profile(tuneds, node("worker-0", x="", y=""))
    assert result.tuned_profile == "p1"
    assert result.warnings == (
        "profiles p1/p2 have the same priority 10 and match worker-0; "
        "please use a different priority for your custom profiles",
    )


def test_same_priority_same_profile_or_no_match_is_quiet():
    tuneds = [
        make_tuned(
            "a",
            recommend=[rec("p1", 10, {"label": "x"}), rec("p1", 10), rec("p3", 10, {"label": "z"})],
        )
    ]
    assert calculate_profile(tuneds, node(x="")).warnings == ()


POD_TUNED = make_tuned(
    "ingress",
    recommend=[
        rec("openshift-ingress", 20, {"label": "tuned.openshift.io/ingress", "type": "pod"})
    ],
)


@pytest.mark.parametrize(
    ("pods", "expected"),
    [
        ([], "openshift-node"),
        ([{"app": "x"}], "openshift-node"),
        ([{"app": "x"}, {"tuned.openshift.io/ingress": ""}], "openshift-ingress"),
    ],
    ids=["no pods", "other pods", "one pod labelled"],
)
def test_pod_label_matching(pods, expected):
    assert _profile([DEFAULT, POD_TUNED], node(), pod_labels=pods) == expected


def test_pod_labels_can_be_passed_aggregated():
    calc = Calculator([DEFAULT, POD_TUNED])
    pods = {"tuned.openshift.io/ingress": {""}}
    assert calc.calculate(node(), pods).tuned_profile == "openshift-ingress"


RT_TUNED = make_tuned(
    "openshift-realtime",
    recommend=[
        rec(
            "openshift-realtime",
            20,
            machineConfigLabels={"machineconfiguration.openshift.io/role": "worker-rt"},
        )
    ],
)

MC_CASES = [
    ("node in worker-rt pool", {RT: "", WORKER: ""}, "openshift-realtime", ("worker-rt", "worker")),
    ("plain worker is not selected", {WORKER: ""}, "openshift-node", ()),
    ("no pool at all", {}, "openshift-node", ()),
]


@pytest.mark.parametrize(
    ("labels", "expected", "pools"), [c[1:] for c in MC_CASES], ids=[c[0] for c in MC_CASES]
)
def test_machine_config_labels_select_by_pool(labels, expected, pools):
    result = calculate_profile([DEFAULT, RT_TUNED], NodeFacts("n", labels), pools=standard_pools())
    assert (result.tuned_profile, result.pools) == (expected, pools)
    expected_labels = {"machineconfiguration.openshift.io/role": "worker-rt"} if pools else None
    assert result.mc_labels == expected_labels


def test_match_and_machine_config_labels_are_ored_with_match_first():
    tuned = make_tuned(
        "t",
        recommend=[
            rec(
                "special",
                10,
                {"label": "picked"},
                machineConfigLabels={"machineconfiguration.openshift.io/role": "worker-rt"},
            )
        ],
    )
    by_match = calculate_profile([DEFAULT, tuned], node(picked=""), pools=standard_pools())
    assert (by_match.tuned_profile, by_match.mc_labels) == ("special", None)
    by_pool = calculate_profile([DEFAULT, tuned], NodeFacts("n", {RT: ""}), pools=standard_pools())
    assert by_pool.tuned_profile == "special"
    assert by_pool.mc_labels == {"machineconfiguration.openshift.io/role": "worker-rt"}


def test_empty_match_list_with_machine_config_labels_is_a_catch_all():
    tuned = make_tuned("t", recommend=[rec("all", 10, machineConfigLabels={"x": "y"}, match=[])])
    result = calculate_profile([tuned], node(), pools=standard_pools())
    assert (result.tuned_profile, result.mc_labels) == ("all", None)


def test_machine_config_labels_without_pools_never_match():
    assert _profile([DEFAULT, RT_TUNED], NodeFacts("n", {RT: ""})) == "openshift-node"


def test_operand_settings_and_deferred_mode_come_from_the_winner():
    tuned = make_tuned(
        "d",
        annotations={"tuned.openshift.io/deferred": "update"},
        recommend=[
            rec(
                "p",
                1,
                operand={"debug": True, "verbosity": 4, "tunedConfig": {"reapply_sysctl": False}},
            )
        ],
    )
    result = calculate_profile([tuned], node(provider_id="aws:///us-east-1a/i-0"))
    assert result.operand == Operand(debug=True, verbosity=4, reapply_sysctl=False)
    assert result.deferred == "update"
    assert result.config() == {
        "tunedProfile": "p",
        "debug": True,
        "verbosity": 4,
        "tunedConfig": {"reapply_sysctl": False},
        "providerName": "aws",
    }


@pytest.mark.parametrize(
    ("annotation", "expected"),
    [
        ("always", "always"),
        ("update", "update"),
        ("Always", "never"),
        ("", "never"),
        (None, "never"),
    ],
)
def test_deferred_annotation_is_case_sensitive(annotation, expected):
    annotations = {} if annotation is None else {"tuned.openshift.io/deferred": annotation}
    tuned = make_tuned("d", annotations=annotations, recommend=[rec("p", 1)])
    assert calculate_profile([tuned], node()).deferred == expected


def test_deferred_annotation_key_is_case_sensitive():
    tuned = make_tuned(
        "d", annotations={"tuned.openshift.io/Deferred": "always"}, recommend=[rec("p", 1)]
    )
    assert calculate_profile([tuned], node()).deferred == "never"


@pytest.mark.parametrize(
    "operand",
    [None, "junk", {"debug": "yes", "verbosity": "3", "tunedConfig": {"reapply_sysctl": "no"}}],
    ids=["absent", "not a dict", "mistyped fields"],
)
def test_malformed_operand_falls_back_to_defaults(operand):
    tuned = make_tuned("t", recommend=[rec("p", 1, operand=operand)])
    result = calculate_profile([tuned], node())
    assert result.operand == Operand()
    assert result.config()["tunedConfig"] == {}


@pytest.mark.parametrize(
    ("provider_id", "expected"),
    [
        ("aws:///us-east-1a/i-0abc", "aws"),
        ("gce://p/z/n", "gce"),
        ("baremetal", "baremetal"),
        ("", ""),
    ],
)
def test_provider_name(provider_id, expected):
    assert provider_name(provider_id) == expected
    assert calculate_profile([DEFAULT], node(provider_id=provider_id)).provider_name == expected


def test_tuned_profiles_are_sorted_and_deduplicated():
    tuneds = [
        make_tuned("t1", profiles={"b": "[main]\n"}),
        make_tuned("t2", profiles={"a": "[main]\n", "b": "[main]\n"}),
    ]
    assert [n for n, _ in profiles_for_all(tuneds)] == ["a", "b"]
    result = calculate_profile([*tuneds, DEFAULT], node())
    assert [p["name"] for p in result.profile_list()] == ["a", "b", "openshift"]


@pytest.mark.parametrize(
    ("version", "expected"),
    [("4.20.0", "4.20.0,a:3,b:7,default:1"), ("", ",a:3,b:7,default:1")],
    ids=["with release", "empty release keeps the comma"],
)
def test_bootcmdline_deps(version, expected):
    tuneds = [
        make_tuned("b", generation=7),
        DEFAULT | {"metadata": {"name": "default", "generation": 1}},
        make_tuned("a", generation=3),
    ]
    assert bootcmdline_deps(tuneds, version) == expected
    assert calculate_profile(tuneds, node(), release_version=version).bootcmdline_deps == expected


def test_bootcmdline_deps_without_generation_uses_zero():
    assert bootcmdline_deps([{"metadata": {"name": "x"}}], "v") == "v,x:0"


UNSAFE = ["a/b", "..", ".", "x\x00y", "p" * 254, ""]


@pytest.mark.parametrize("bad", UNSAFE, ids=["slash", "dotdot", "dot", "nul", "254 chars", "empty"])
def test_unusable_profile_names_are_skipped_not_crashed_on(bad):
    tuned = make_tuned("evil", profiles={bad: "[main]\n"}, recommend=[rec(bad, 0)])
    calc = Calculator([tuned, DEFAULT])
    assert calc.calculate(node()).tuned_profile == "openshift-node"
    assert bad not in {n for n, _ in calc.profiles}
    assert len(calc.skipped) == 1
    assert "skipping spec.recommend[0] of Tuned 'evil'" in calc.skipped[0]


def test_253_character_name_is_fine():
    ok = "p" * 253
    tuned = make_tuned("t", profiles={ok: "[main]\n"}, recommend=[rec(ok, 0)])
    assert _profile([tuned], node()) == ok


@pytest.mark.parametrize(
    "garbage",
    [
        {"metadata": None, "spec": None},
        {"spec": {"recommend": "nope", "profile": 7}},
        {"metadata": {"name": "x"}, "spec": {"recommend": [None, 3, {"profile": 5}]}},
        "not a dict",
    ],
    ids=["nulls", "wrong types", "junk entries", "string"],
)
def test_garbage_tuneds_do_not_crash(garbage):
    assert _profile([garbage, DEFAULT], node(**{CP: ""})) == "openshift-control-plane"


def test_deep_rule_in_calculator():
    depth = 1_000
    inner: dict[str, Any] = {"label": f"l{depth - 1}"}
    for level in range(depth - 2, -1, -1):
        inner = {"label": f"l{level}", "match": [inner]}
    tuned = make_tuned("deep", recommend=[{"profile": "deep", "priority": 1, "match": [inner]}])
    labels = {f"l{i}": "" for i in range(depth)}
    assert _profile([tuned, DEFAULT], NodeFacts("n", labels)) == "deep"
    del labels[f"l{depth - 1}"]
    assert _profile([tuned, DEFAULT], NodeFacts("n", labels)) == "openshift-node"


INFORMER_CASES = [
    ("default CR uses node labels", [DEFAULT], True, False),
    ("catch-all only", [make_tuned("t", recommend=[rec("p", 1)])], False, False),
    ("pod at top", [POD_TUNED], False, True),
    (
        "pod nested under node",
        [
            make_tuned(
                "t",
                recommend=[rec("p", 1, {"label": "n", "match": [{"label": "p", "type": "pod"}]})],
            )
        ],
        True,
        True,
    ),
    ("mc labels only", [RT_TUNED], False, False),
]


@pytest.mark.parametrize(
    ("tuneds", "node_informer", "pod_informer"),
    [c[1:] for c in INFORMER_CASES],
    ids=[c[0] for c in INFORMER_CASES],
)
def test_informer_needs(tuneds, node_informer, pod_informer):
    assert needs_pod_informer(tuneds) is pod_informer


@pytest.mark.parametrize(
    ("labels", "expected"),
    [({"kubernetes.io/os": "linux"}, True), ({"kubernetes.io/os": "windows"}, False), ({}, True)],
    ids=["linux", "windows", "unlabelled counts as linux"],
)
def test_is_linux_node(labels, expected):
    assert is_linux_node(labels) is expected


def test_node_facts_from_a_node_dict_and_model():
    from nto_api.foreign import Node

    raw: dict[str, Any] = {
        "metadata": {
            "name": "w1",
            "labels": {"a": "b", "bad": 3},
            "annotations": {"tuned.openshift.io/bootcmdline": "x=1"},
        },
        "spec": {"providerID": "azure:///sub/vm"},
    }
    for source in (
        raw,
        Node.model_validate({**raw, "metadata": {**raw["metadata"], "labels": {"a": "b"}}}),
    ):
        facts = NodeFacts.from_node(source)
        assert (facts.name, dict(facts.labels), facts.provider_name, facts.bootcmdline) == (
            "w1",
            {"a": "b"},
            "azure",
            "x=1",
        )


# --- properties ---------------------------------------------------------------------------------

LABEL_KEYS = st.sampled_from(["a", "b", "c", "d", CP, INFRA])
LABELS = st.dictionaries(LABEL_KEYS, st.sampled_from(["", "1", "2"]), max_size=6)
MATCH = st.lists(
    st.fixed_dictionaries(
        {"label": LABEL_KEYS}, optional={"value": st.sampled_from(["", "1", "2"])}
    ),
    max_size=3,
)
RULE = st.builds(
    lambda p, prio, m: rec(p, prio, *m),
    st.sampled_from(["p1", "p2", "p3", "p4"]),
    st.integers(0, 5),
    MATCH,
)
TUNEDS = st.lists(st.lists(RULE, max_size=4), min_size=1, max_size=4).map(
    lambda groups: [make_tuned(f"t{i}", recommend=g) for i, g in enumerate(groups)]
)


def _naive(tuneds, labels):
    """A plainly written reference evaluation, to compare the indexed calculator against."""
    rules = [
        r
        for t in sorted(tuneds, key=lambda t: t["metadata"]["name"])
        for r in t["spec"]["recommend"]
    ]
    rules.sort(key=lambda r: r["priority"])
    for r in rules:
        items = r.get("match") or []
        if not items or any(
            i["label"] in labels and ("value" not in i or labels[i["label"]] == i["value"])
            for i in items
        ):
            return r["profile"]
    return "openshift-node"


@settings(max_examples=150, deadline=None)
@given(TUNEDS, LABELS, st.randoms(use_true_random=False))
def test_calculator_agrees_with_naive_and_ignores_input_order(tuneds, labels, rnd: random.Random):
    expected = _naive(tuneds, labels)
    shuffled_tuneds = tuneds[:]
    rnd.shuffle(shuffled_tuneds)
    items = list(labels.items())
    rnd.shuffle(items)
    first = calculate_profile(tuneds, NodeFacts("n", labels))
    second = calculate_profile(shuffled_tuneds, NodeFacts("n", dict(items)))
    assert first.tuned_profile == second.tuned_profile == expected
    assert first == second


def test_ambiguous_pool_membership_is_a_warning_not_a_match():
    pools = [
        *standard_pools(),
        {"metadata": {"name": "b"}, "spec": {"nodeSelector": {"matchLabels": {"b": ""}}}},
    ]
    result = calculate_profile([DEFAULT, RT_TUNED], NodeFacts("n", {RT: "", "b": ""}), pools=pools)
    assert result.tuned_profile == "openshift-node"
    assert result.warnings == (
        "node 'n' belongs to 2 custom MachineConfigPools ['b', 'worker-rt']; "
        "give it the nodeSelector labels of one custom pool only",
    )


REFERENCE_CASES = [
    ("hugepages.yaml", {"tuned.openshift.io/hugepages": ""}, "openshift-hugepages"),
    ("realtime.yaml", {RT: "", WORKER: ""}, "openshift-realtime"),
    ("elasticsearch.yaml", {WORKER: ""}, "openshift-node"),
    ("cpu-partitioning.yaml", {WORKER: ""}, None),
]


@pytest.mark.parametrize(
    ("example", "labels", "expected"),
    REFERENCE_CASES,
    ids=[c[0] for c in REFERENCE_CASES],
)
def test_reference_examples(reference_dir, example, labels, expected):
    tuned = load_yaml(reference_dir / "examples" / example)
    result = calculate_profile([DEFAULT, tuned], NodeFacts("n", labels), pools=standard_pools())
    assert result.error is None
    if expected is not None:
        assert result.tuned_profile == expected


def test_every_reference_e2e_tuned_calculates(reference_dir):
    tuneds = [DEFAULT]
    for path in sorted((reference_dir / "e2e").glob("*.yaml")):
        doc = load_yaml(path)
        if isinstance(doc, dict) and doc.get("kind") == "Tuned":
            tuneds.append(doc)
    assert len(tuneds) > 5
    calc = Calculator(tuneds, pools=standard_pools(), release_version=RV_FOR_E2E)
    for labels in ({}, {CP: ""}, {WORKER: "", RT: ""}):
        result = calc.calculate(NodeFacts("n", labels))
        assert result.error is None
        assert result.bootcmdline_deps.startswith(RV_FOR_E2E + ",")


RV_FOR_E2E = "4.20.0"


def test_calculate_accepts_a_node_dict():
    raw = {"metadata": {"name": "cp-0", "labels": {CP: ""}}, "spec": {"providerID": "ovirt://x"}}
    result = Calculator([DEFAULT]).calculate(raw)
    assert (result.node, result.tuned_profile, result.provider_name) == (
        "cp-0",
        "openshift-control-plane",
        "ovirt",
    )

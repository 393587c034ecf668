"""Kernel argument splitting and the 50-nto-<pool> MachineConfigs."""

from __future__ import annotations

from typing import Any

import pytest
from hypothesis import given
from hypothesis import strategies as st

from nto.controller.kargs import (
    C_WHITESPACE,
    desired_machine_config,
    machine_config_labels_for_pool,
    machine_configs_to_prune,
    plan_machine_config,
    split_kernel_arguments,
    wanted_machine_config_names,
)
from nto.controller.names import machine_config_name

from .conftest import make_tuned, rec, standard_pools

SPLIT_CASES = [
    ("empty", "", []),
    ("only spaces", " \t\n ", []),
    ("simple", "a b=c", ["a", "b=c"]),
    ("collapsed whitespace", "  a\t\tb\n\vc\f\rd  ", ["a", "b", "c", "d"]),
    ("quoted value keeps spaces", 'a="x y" b', ['a="x y"', "b"]),
    ("quoted whole arg", '"a b=c" d', ['"a b=c"', "d"]),
    ("quote in the middle", 'a=x"y z"w v', ['a=x"y z"w', "v"]),
    ("unterminated quote eats the rest", 'a="x y  z', ['a="x y  z']),
    ("backslash does not escape the quote", 'a=\\"b c', ['a=\\"b c']),
    (
        "equals kept",
        "isolcpus=managed_irq,2-3 nohz_full=2-3",
        ["isolcpus=managed_irq,2-3", "nohz_full=2-3"],
    ),
    ("unicode is not whitespace", "a\u00a0b c", ["a\u00a0b", "c"]),
    ("duplicates kept in order", "x x y", ["x", "x", "y"]),
]


@pytest.mark.parametrize(
    ("cmdline", "expected"), [c[1:] for c in SPLIT_CASES], ids=[c[0] for c in SPLIT_CASES]
)
def test_split_kernel_arguments(cmdline, expected):
    assert split_kernel_arguments(cmdline) == expected


CMDLINE = st.text(alphabet=st.sampled_from(list('ab=,"') + list(C_WHITESPACE) + ["é"]), max_size=40)


@given(CMDLINE)
def test_split_join_round_trip(cmdline):
    args = split_kernel_arguments(cmdline)
    assert split_kernel_arguments(" ".join(args)) == args
    assert all(arg for arg in args)
    unquoted = [arg for arg in args if '"' not in arg]
    assert not any(c in C_WHITESPACE for arg in unquoted for c in arg)


@pytest.mark.parametrize(
    ("pools", "name"),
    [
        ((), "50-nto"),
        (("worker",), "50-nto-worker"),
        (("worker-rt", "worker"), "50-nto-worker"),
        (["b", "a"], "50-nto-a"),
    ],
)
def test_machine_config_name_is_stable(pools, name):
    assert machine_config_name(pools) == name


MC_LABELS = {"machineconfiguration.openshift.io/role": "worker-rt"}


def test_desired_machine_config():
    mc = desired_machine_config(
        "50-nto-worker-rt",
        labels=MC_LABELS,
        kernel_arguments=["a", "b=1"],
        controller_version="1.2.3",
    )
    assert mc == {
        "apiVersion": "machineconfiguration.openshift.io/v1",
        "kind": "MachineConfig",
        "metadata": {
            "name": "50-nto-worker-rt",
            "labels": MC_LABELS,
            "annotations": {"tuned.openshift.io/generated-by-controller-version": "1.2.3"},
        },
        "spec": {"kernelArguments": ["a", "b=1"]},
    }


def _plan(existing, bootcmdline):
    return plan_machine_config(
        existing,
        name="50-nto-worker-rt",
        labels=MC_LABELS,
        bootcmdline=bootcmdline,
        controller_version="2.0",
    )


def test_plan_creates_only_with_arguments():
    assert _plan(None, "   ") == ("none", None)
    action, mc = _plan(None, "skew_tick=1 nohz=on")
    assert action == "create"
    assert mc["spec"]["kernelArguments"] == ["skew_tick=1", "nohz=on"]


def test_plan_updates_only_on_argument_change_and_keeps_labels():
    existing = desired_machine_config(
        "50-nto-worker-rt",
        labels={"keep": "me"},
        kernel_arguments=["a", "b"],
        controller_version="1.0",
    )
    existing["spec"]["config"] = {"ignition": {"version": "3.2.0"}}
    assert _plan(existing, "a  b") == ("none", None)
    action, updated = _plan(existing, "b a")
    assert action == "update"
    assert updated["spec"] == {"kernelArguments": ["b", "a"]}
    assert updated["metadata"]["labels"] == {"keep": "me"}
    assert updated["metadata"]["annotations"] == {
        "tuned.openshift.io/generated-by-controller-version": "2.0"
    }
    action, emptied = _plan(existing, "")
    assert (action, emptied["spec"]["kernelArguments"]) == ("update", [])


def test_machine_config_labels_for_pool():
    pools = {p["metadata"]["name"]: p for p in standard_pools()}
    assert machine_config_labels_for_pool(pools["worker"]) == {
        "machineconfiguration.openshift.io/role": "worker"
    }
    assert machine_config_labels_for_pool(pools["worker-rt"]) == {}


def test_prune_keeps_wanted_and_foreign_machine_configs():
    tuneds = [
        make_tuned("rt", recommend=[rec("rt", 1, machineConfigLabels=MC_LABELS)]),
        make_tuned("plain", recommend=[rec("p", 1)]),
    ]
    wanted = wanted_machine_config_names(tuneds, standard_pools())
    assert wanted == {"50-nto-worker-rt"}
    ours = {"tuned.openshift.io/generated-by-controller-version": "1"}
    mcs: list[dict[str, Any]] = [
        {"metadata": {"name": "50-nto-worker-rt", "annotations": ours}},
        {"metadata": {"name": "50-nto-worker", "annotations": ours}},
        {"metadata": {"name": "50-nto", "annotations": ours}},
        {"metadata": {"name": "99-worker-ssh"}},
        {"metadata": {"name": "50-performance-x", "annotations": {"other": "x"}}},
    ]
    assert machine_configs_to_prune(mcs, wanted) == ["50-nto", "50-nto-worker"]
    assert machine_configs_to_prune(mcs, set()) == ["50-nto", "50-nto-worker", "50-nto-worker-rt"]


def test_wanted_name_without_matching_pool_is_bare_prefix():
    tuneds = [make_tuned("x", recommend=[rec("x", 1, machineConfigLabels={"no": "pool"})])]
    assert wanted_machine_config_names(tuneds, standard_pools()) == {"50-nto"}

"""Kernel arguments read from a Tuned's [bootloader] sections, variables expanded."""

from __future__ import annotations

from nto_performance.preview.effects import compare_tuned
from nto_performance.preview.kargs import kernel_arguments, profile_sections


def tuned(*datas: str) -> dict:
    return {
        "metadata": {"name": "t"},
        "spec": {"profile": [{"name": f"p{i}", "data": d} for i, d in enumerate(datas)]},
    }


MAIN = """[main]
include=openshift-node,
    cpu-partitioning
[variables]
isolated_cores=2-7
both=${isolated_cores},x
[bootloader]
# a comment
cmdline_a=+nohz_full=${isolated_cores} rcu_nocbs=${both}
cmdline_b=+skew_tick=1 ${f:cpulist2hex:${isolated_cores}}
initrd_add_dir=
"""


def test_sections_join_continuation_lines() -> None:
    assert profile_sections(MAIN)["main"]["include"] == "openshift-node, cpu-partitioning"


def test_arguments_expand_variables_and_keep_functions_as_text() -> None:
    assert kernel_arguments(tuned(MAIN, "[bootloader]\ncmdline_vendor=+intel_iommu=on\n")) == {
        "nohz_full=2-7",
        "rcu_nocbs=2-7,x",
        "skew_tick=1",
        "${f:cpulist2hex:2-7}",
        "intel_iommu=on",
    }


def test_hostile_or_missing_data_reads_as_no_arguments() -> None:
    assert kernel_arguments(None) == frozenset()
    assert kernel_arguments({"spec": {"profile": "x"}}) == frozenset()
    assert kernel_arguments({"spec": {"profile": [{"data": 3}, "x"]}}) == frozenset()
    loop = "[variables]\na=${b}\nb=${a}\n[bootloader]\ncmdline=${a}\n"
    assert len(kernel_arguments(tuned(loop))) == 1  # expansion is bounded


def test_tuned_change_without_kernel_arguments_only_reloads() -> None:
    other = MAIN.replace("initrd_add_dir=", "[sysctl]\nvm.swappiness=10")
    change = compare_tuned(tuned(MAIN), tuned(other))
    assert change is not None
    assert change.action.label == "TuneD reload"
    assert change.reasons == ("TuneD profiles changed: p0",)
    rebooting = compare_tuned(tuned(MAIN), tuned(MAIN.replace("2-7", "2-6")))
    assert rebooting is not None
    assert rebooting.action.reboots
    assert compare_tuned(tuned(MAIN), tuned(MAIN)) is None

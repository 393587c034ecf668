"""The creator's command line on synthetic must-gathers: flags, defaults, messages, exit codes."""

from __future__ import annotations

import json
from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest
import yaml

from nto_performance.ppc import cli
from nto_performance.ppc.profile import DIFFERENT_CORE_IDS_COMMENT, HARDWARE_TUNING_COMMENT

from .conftest import CNF_LABELS, machine_layout

MakeMustGather = Callable[..., Path]
WORKER = {"labels": CNF_LABELS, "machine": {"sockets": 2, "cores": 4, "threads": 2}}
"""16 CPUs, 2 sockets of 4 cores with 2 threads, one NUMA node per socket."""


@pytest.fixture
def cnf(make_must_gather: MakeMustGather) -> Path:
    return make_must_gather({"w1": WORKER, "w2": WORKER})


def run(argv: list[str], capsys: pytest.CaptureFixture[str]) -> tuple[int, str, str]:
    code = cli.main(argv)
    captured = capsys.readouterr()
    return code, captured.out, captured.err


def base(path: Path, *extra: str) -> list[str]:
    return [
        f"--must-gather-dir-path={path}",
        "--mcp-name=worker-cnf",
        "--reserved-cpu-count=2",
        "--rt-kernel=true",
        "--power-consumption-mode=low-latency",
        *extra,
    ]


def spec_of(out: str) -> dict[str, Any]:
    document: dict[str, Any] = yaml.safe_load(out)
    return document["spec"]  # type: ignore[no-any-return]


def test_defaults_and_emitted_fields(cnf: Path, capsys: pytest.CaptureFixture[str]) -> None:
    code, out, err = run(base(cnf), capsys)
    assert code == 0
    assert out.startswith("---\napiVersion: performance.openshift.io/v2\n")
    document = yaml.safe_load(out)
    assert document["metadata"] == {"name": "performance"}
    assert document["spec"] == {
        "cpu": {"isolated": "1-7,9-15", "reserved": "0,8"},
        "machineConfigPoolSelector": {"machineconfiguration.openshift.io/role": "worker-cnf"},
        "net": {"userLevelNetworking": False},
        "nodeSelector": {"node-role.kubernetes.io/worker-cnf": ""},
        "numa": {"topologyPolicy": "restricted"},
        "realTimeKernel": {"enabled": True},
        "workloadHints": {
            "highPowerConsumption": False,
            "perPodPowerManagement": False,
            "realTime": True,
        },
    }
    assert 'node-role.kubernetes.io/worker-cnf: ""' in out
    assert err == "PPC: nodes targeted by MachineConfigPool 'worker-cnf': w1, w2\n"


@pytest.mark.parametrize(
    "spelling",
    [
        ["--disable-ht"],
        ["--disable-ht=true"],
        ["--disable-ht=True"],
        ["--disable-ht=1"],
    ],
    ids=["bare", "equals", "capitalised", "one"],
)
def test_boolean_spellings_true(
    cnf: Path, capsys: pytest.CaptureFixture[str], spelling: list[str]
) -> None:
    code, out, _ = run(base(cnf, *spelling), capsys)
    assert code == 0
    assert spec_of(out)["additionalKernelArgs"] == ["nosmt"]


@pytest.mark.parametrize(
    "spelling",
    [[], ["--disable-ht=false"], ["--disable-ht=0"]],
    ids=["absent", "equals", "zero"],
)
def test_boolean_spellings_false(
    cnf: Path, capsys: pytest.CaptureFixture[str], spelling: list[str]
) -> None:
    code, out, _ = run(base(cnf, *spelling), capsys)
    assert code == 0
    assert "additionalKernelArgs" not in spec_of(out)


def test_bare_boolean_before_the_info_command(
    cnf: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    code, out, _ = run([f"--must-gather-dir-path={cnf}", "--json", "info"], capsys)
    assert code == 0
    assert json.loads(out)[2]["name"] == "worker-cnf"


@pytest.mark.parametrize(
    ("extra", "path"),
    [
        (["--offlined-cpu-count=8"], ("cpu", "offlined")),
        (["--profile-name=edge"], None),
        (["--topology-manager-policy=single-numa-node"], ("numa", "topologyPolicy")),
        (["--user-level-networking"], ("net", "userLevelNetworking")),
        (["--per-pod-power-management"], ("workloadHints", "perPodPowerManagement")),
        (["--power-consumption-mode=Ultra-Low-Latency"], ("workloadHints", "highPowerConsumption")),
        (["--rt-kernel=false", "--power-consumption-mode=default"], ("realTimeKernel", "enabled")),
    ],
    ids=["offlined", "name", "topology", "uln", "per-pod", "mode-any-case", "no-rt"],
)
def test_flags_reach_the_profile(
    cnf: Path,
    capsys: pytest.CaptureFixture[str],
    extra: list[str],
    path: tuple[str, str] | None,
) -> None:
    code, out, _ = run(base(cnf, *extra), capsys)
    assert code == 0
    document = yaml.safe_load(out)
    if path is None:
        assert document["metadata"]["name"] == "edge"
        return
    value = document["spec"][path[0]][path[1]]
    expected = {
        "offlined": "4-7,12-15",
        "topologyPolicy": "single-numa-node",
        "enabled": False,
    }.get(path[1], True)
    assert value == expected


NO_MUST_GATHER = (
    "must-gather path 'must-gather' is not valid: no such directory; pass the directory "
    "'oc adm must-gather' wrote with --must-gather-dir-path"
)
USAGE_ERRORS = [
    ([], NO_MUST_GATHER),
    (["--mcp-name=x", "--rt-kernel", "--reserved-cpu-count=1"], NO_MUST_GATHER),
    (
        ["--must-gather-dir-path=.", "--rt-kernel", "--reserved-cpu-count=1"],
        "exactly one of --mcp-name or --node-pool-name is required",
    ),
    (
        [
            "--must-gather-dir-path=.",
            "--rt-kernel",
            "--reserved-cpu-count=1",
            "--mcp-name=a",
            "--node-pool-name=b",
        ],
        "--mcp-name and --node-pool-name cannot be used together",
    ),
    (
        [
            "--must-gather-dir-path=.",
            "--rt-kernel",
            "--reserved-cpu-count=1",
            "--mcp-name=a",
            "--power-consumption-mode=low-latency",
            "--topology-manager-policy=single-numa-node",
            "--split-reserved-cpus-across-numa",
        ],
        "not appropriate to split reserved CPUs in case of topology-manager-policy: "
        "single-numa-node",
    ),
    (
        [
            "--must-gather-dir-path=.",
            "--rt-kernel",
            "--reserved-cpu-count=1",
            "--mcp-name=a",
            "--power-consumption-mode=low-latency",
            "--topology-manager-policy=none",
        ],
        "--topology-manager-policy 'none' is not supported; use one of single-numa-node, "
        "best-effort, restricted",
    ),
    (
        [
            "--must-gather-dir-path=.",
            "--rt-kernel",
            "--reserved-cpu-count=1",
            "--mcp-name=a",
            "--power-consumption-mode=turbo",
        ],
        "--power-consumption-mode 'turbo' is not supported; use one of default, low-latency, "
        "ultra-low-latency",
    ),
    (
        ["--must-gather-dir-path=.", "--rt-kernel", "--reserved-cpu-count=1", "--mcp-name=a"],
        "default power consumption mode is not available with real-time kernel, please use one "
        "of [low-latency ultra-low-latency] modes",
    ),
    (
        [
            "--must-gather-dir-path=.",
            "--rt-kernel",
            "--reserved-cpu-count=1",
            "--mcp-name=a",
            "--power-consumption-mode=ultra-low-latency",
            "--per-pod-power-management",
        ],
        "please use one of [default low-latency] power consumption modes together with the "
        "perPodPowerManagement",
    ),
    (
        ["--must-gather-dir-path=.", "--rt-kernel=maybe", "--reserved-cpu-count=1"],
        "argument --rt-kernel: invalid boolean value 'maybe'; use true or false",
    ),
    (
        ["--must-gather-dir-path=.", "--rt-kernel", "--reserved-cpu-count=four"],
        "argument --reserved-cpu-count: invalid int value: 'four'",
    ),
    (["info"], NO_MUST_GATHER),
    (
        ["info", "--must-gather-dir-path=.", "--json", "--text"],
        "--json and --text cannot be used together; pick one",
    ),
    (
        [
            "--must-gather-dir-path=.",
            "--rt-kernel",
            "--reserved-cpu-count=1",
            "--mcp-name=a",
            "--power-consumption-mode=low-latency",
            "--json",
        ],
        "--json and --text apply to the info command only",
    ),
    (
        ["infos"],
        "unknown command 'infos' for 'performance-profile-creator'; commands: info, help, "
        "completion",
    ),
]


@pytest.mark.parametrize(
    ("argv", "message"),
    USAGE_ERRORS,
    ids=[
        "nothing",
        "no-must-gather",
        "no-pool",
        "both-pools",
        "split-single-numa",
        "policy-none",
        "bad-mode",
        "default-mode-rt",
        "ull-per-pod",
        "bad-bool",
        "bad-int",
        "info-no-dir",
        "info-json-text",
        "json-without-info",
        "bad-command",
    ],
)
def test_usage_errors(capsys: pytest.CaptureFixture[str], argv: list[str], message: str) -> None:
    code, out, err = run(argv, capsys)
    assert (code, out) == (1, "")  # cobra's exit code for every error
    assert err.splitlines()[0] == f"PPC: error: {message}"
    assert "Traceback" not in err


def test_help_goes_to_stdout(capsys: pytest.CaptureFixture[str]) -> None:
    code, out, _ = run(["--help"], capsys)
    assert code == 0
    assert "--reserved-cpu-count" in out
    assert "--node-pool-name" in out


ALLOCATION_ERRORS = [
    (["--reserved-cpu-count=3"], "can't allocate odd number of CPUs from a NUMA Node"),
    (["--reserved-cpu-count=16"], "please specify the reserved CPU count in the range [1,15]"),
    (["--offlined-cpu-count=-1"], "please specify the offlined CPU count in the range [0,15]"),
    (
        ["--offlined-cpu-count=14"],
        "please ensure that reserved-cpu-count plus "
        "offlined-cpu-count should be in the range [0,15]",
    ),
    (
        ["--reserved-cpu-count=2", "--split-reserved-cpus-across-numa"],
        "can't allocate odd number of CPUs from a NUMA Node",
    ),
]


@pytest.mark.parametrize(
    ("extra", "message"),
    ALLOCATION_ERRORS,
    ids=["odd", "reserved-range", "offlined-range", "sum", "split-odd"],
)
def test_allocation_errors_exit_1(
    cnf: Path, capsys: pytest.CaptureFixture[str], extra: list[str], message: str
) -> None:
    code, out, err = run(base(cnf, *extra), capsys)
    assert (code, out) == (1, "")
    assert err.splitlines()[-1] == f"PPC: error: {message}"


def test_hardware_tuning_comment(cnf: Path, capsys: pytest.CaptureFixture[str]) -> None:
    code, out, _ = run(base(cnf, "--enable-hardware-tuning"), capsys)
    assert code == 0
    assert out.endswith(HARDWARE_TUNING_COMMENT)
    assert "hardwareTuning" not in spec_of(out)


def _renumbered_cores() -> list[tuple[int, int, int, int]]:
    return [(cpu, s, core + 10, n) for cpu, s, core, n in machine_layout(cores=4, threads=2)]


def test_different_core_ids_are_tolerated(
    make_must_gather: MakeMustGather, capsys: pytest.CaptureFixture[str]
) -> None:
    path = make_must_gather(
        {
            "a": {"labels": CNF_LABELS, "machine": {"cores": 4, "threads": 2}},
            "b": {"labels": CNF_LABELS, "layout": _renumbered_cores()},
        }
    )
    code, out, err = run(base(path, "--enable-hardware-tuning"), capsys)
    assert code == 0
    assert out.endswith(HARDWARE_TUNING_COMMENT + DIFFERENT_CORE_IDS_COMMENT)
    assert "PPC: the targeted nodes have the same CPUs but different core IDs" in err


def test_hypershift_config_map(
    make_must_gather: MakeMustGather, capsys: pytest.CaptureFixture[str]
) -> None:
    pool = {"labels": {"hypershift.openshift.io/nodePool": "np1"}, "machine": {"cores": 4}}
    path = make_must_gather({"n1": pool}, pools={}, topology="External")
    argv = base(path)
    argv[1] = "--node-pool-name=np1"
    code, out, _ = run([*argv, "--profile-name=hp"], capsys)
    assert code == 0
    config_map = yaml.safe_load(out)
    assert config_map["apiVersion"] == "v1"
    assert config_map["kind"] == "ConfigMap"
    assert config_map["metadata"] == {"name": "hp", "namespace": "clusters"}
    profile = yaml.safe_load(config_map["data"]["tuning"])
    assert profile["metadata"]["name"] == "hp"
    assert profile["spec"]["nodeSelector"] == {"node-role.kubernetes.io/worker": ""}
    assert "machineConfigPoolSelector" not in profile["spec"]
    assert profile["spec"]["cpu"] == {"isolated": "2-3", "reserved": "0-1"}


@pytest.mark.parametrize(
    ("topology", "flag", "message"),
    [
        ("External", "--mcp-name=worker-cnf", "use --node-pool-name instead of --mcp-name"),
        ("HighlyAvailable", "--node-pool-name=np", "use --mcp-name instead of --node-pool-name"),
        (
            "External",
            "--node-pool-name=missing",
            "no node has the label hypershift.openshift.io/nodePool='missing': no node of this "
            "hosted must-gather has a hypershift.openshift.io/nodePool label at all",
        ),
    ],
    ids=["mcp-on-hosted", "node-pool-on-standalone", "unknown-node-pool"],
)
def test_hosted_mismatch(
    make_must_gather: MakeMustGather,
    capsys: pytest.CaptureFixture[str],
    topology: str,
    flag: str,
    message: str,
) -> None:
    path = make_must_gather({"w1": WORKER}, topology=topology)
    argv = base(path)
    argv[1] = flag
    code, out, err = run(argv, capsys)
    assert (code, out) == (1, "")
    assert message in err


def test_info_text(make_must_gather: MakeMustGather, capsys: pytest.CaptureFixture[str]) -> None:
    path = make_must_gather(
        {
            "m0": {"labels": {"node-role.kubernetes.io/master": ""}, "machine": {"cores": 2}},
            "w1": {"labels": CNF_LABELS, "machine": {"cores": 2, "threads": 2}},
        }
    )
    code, out, _ = run(["info", f"--must-gather-dir-path={path}"], capsys)
    assert code == 0
    assert out == (
        "MCP 'master' nodes:\n"
        "Node: m0 (NUMA cells: 1, HT: false)\n"
        "NUMA cell 0 : [0 1]\n"
        "CPU(s): 2\n"
        "---\n"
        "MCP 'worker' nodes:\n"
        "---\n"
        "MCP 'worker-cnf' nodes:\n"
        "Node: w1 (NUMA cells: 1, HT: true)\n"
        "NUMA cell 0 : [0 1 2 3]\n"
        "CPU(s): 4\n"
        "---\n"
    )


def test_info_json_hosted_groups_by_node_pool(
    make_must_gather: MakeMustGather, capsys: pytest.CaptureFixture[str]
) -> None:
    label = "hypershift.openshift.io/nodePool"
    shape = {"sockets": 2, "cores": 2, "interleave_sockets": True}
    path = make_must_gather(
        {
            "b": {"labels": {label: "np2"}, "machine": shape, "offline": [3]},
            "a": {"labels": {label: "np1"}, "machine": {"cores": 2}},
            "c": {"labels": {}, "snapshot": False},
        },
        pools={},
        topology="External",
    )
    code, out, _ = run(["info", "--json", f"--must-gather-dir-path={path}"], capsys)
    assert code == 0
    assert json.loads(out) == [
        {
            "name": "np1",
            "nodes": [
                {
                    "name": "a",
                    "smt_enabled": False,
                    "cpus_count": 2,
                    "numa_cells_count": 1,
                    "numa_cells": [{"id": 0, "cores": [0, 1]}],
                }
            ],
        },
        {
            "name": "np2",
            "nodes": [
                {
                    "name": "b",
                    "smt_enabled": False,
                    "cpus_count": 3,
                    "numa_cells_count": 2,
                    "numa_cells": [{"id": 0, "cores": [0, 2]}, {"id": 1, "cores": [1]}],
                }
            ],
        },
    ]


def test_core_cli_runs_the_creator(cnf: Path, capsys: pytest.CaptureFixture[str]) -> None:
    from nto.cli.main import main as core_main

    code = core_main(["performance-profile-creator", *base(cnf, "--disable-ht=true")])
    captured = capsys.readouterr()
    assert code == 0, captured.err
    assert spec_of(captured.out)["additionalKernelArgs"] == ["nosmt"]
    code = core_main(["performance-profile-creator", "info", f"--must-gather-dir-path={cnf}"])
    assert code == 0
    assert capsys.readouterr().out.startswith("MCP 'master' nodes:\n")
    code = core_main(["performance-profile-creator", f"--must-gather-dir-path={cnf}"])
    captured = capsys.readouterr()
    assert (code, captured.out) == (1, "")
    assert "PPC: error: missing required flags: --reserved-cpu-count, --rt-kernel" in captured.err

"""Hosted (HyperShift) must-gathers through this creator and the Go binary: same output.

The must-gathers are the reference ones turned hosted, as a hosted cluster's must-gather is:
Infrastructure ``status.controlPlaneTopology: External``, no MachineConfigPools, nodes labelled
``hypershift.openshift.io/nodePool``. From the single-node one, a second node (a copy of the
first, renamed) sits in another NodePool; from the bare-metal one, the 80-CPU worker has its
own NodePool, and a NodePool holds two different machines. Both programs run on the same
directory and their outputs are compared as parsed YAML or JSON (the serializers differ in
quoting), the ``info`` text exactly. Known differences, each in docs/cli.md: our ``info
--json`` adds ``numa_cells_count`` (as the reference's expected-info files have it), the Go
binary's ``tuning`` carries an empty ``status: {}``, and on a hosted must-gather the Go binary
takes ``--mcp-name`` as a NodePool name where we refuse it (both exit 1 for a name no node
has). Skips when the Go binary or the reference data is absent.
"""

from __future__ import annotations

import json
import os
import shutil
import subprocess
from pathlib import Path
from typing import Any

import pytest
import yaml

from nto.testing import ReferenceBinaryMissing, unpack_reference_binary
from nto_performance.ppc import cli

from .conftest import MUST_GATHER

SNO = MUST_GATHER / "must-gather.sno"
BARE_METAL = MUST_GATHER / "must-gather.bare-metal"
POOL_LABEL = "hypershift.openshift.io/nodePool"
CREATE = ["--reserved-cpu-count=2", "--rt-kernel=true", "--power-consumption-mode=low-latency"]


def make_hosted(
    target: Path, pools: dict[str, str | None], *, source: Path = SNO, template: str = "sno"
) -> Path:
    """Copy the reference must-gather `source` to `target` as a hosted one.

    `pools` maps node names to their NodePool (``None``: no label). Nodes of `source` missing
    from `pools` are dropped (a hosted cluster has no control-plane nodes); names that are not
    nodes of `source` become copies of node `template` (its Node and its snapshot).
    """
    shutil.copytree(source, target, symlinks=True)
    (gather,) = [path for path in target.iterdir() if path.is_dir()]
    cluster = gather / "cluster-scoped-resources"
    shutil.rmtree(cluster / "machineconfiguration.openshift.io")
    infra_file = cluster / "config.openshift.io" / "infrastructures" / "cluster.yaml"
    infra = yaml.safe_load(infra_file.read_text())
    infra["status"]["controlPlaneTopology"] = "External"
    infra_file.write_text(yaml.safe_dump(infra))
    nodes_dir = cluster / "core" / "nodes"
    originals = {path.stem: yaml.safe_load(path.read_text()) for path in nodes_dir.iterdir()}
    for name in originals:
        (nodes_dir / f"{name}.yaml").unlink()
    for name, pool in pools.items():
        node = json.loads(json.dumps(originals.get(name, originals[template])))
        node["metadata"]["name"] = name
        labels = node["metadata"]["labels"]
        labels["kubernetes.io/hostname"] = name
        for role in ("master", "control-plane"):
            labels.pop(f"node-role.kubernetes.io/{role}", None)
        if pool is not None:
            labels[POOL_LABEL] = pool
        (nodes_dir / f"{name}.yaml").write_text(yaml.safe_dump(node))
        if name not in originals:
            shutil.copytree(gather / "nodes" / template, gather / "nodes" / name)
    for name in set(originals) - set(pools):
        shutil.rmtree(gather / "nodes" / name, ignore_errors=True)
    return target


@pytest.fixture(scope="module")
def go_ppc(tmp_path_factory: pytest.TempPathFactory) -> Path:
    if not SNO.is_dir():
        pytest.skip(f"the reference must-gather {SNO} is absent")
    try:
        return unpack_reference_binary("performance-profile-creator", tmp_path_factory.mktemp("go"))
    except ReferenceBinaryMissing as missing:
        pytest.skip(str(missing))


@pytest.fixture(scope="module")
def two_pools(go_ppc: Path, tmp_path_factory: pytest.TempPathFactory) -> Path:
    return make_hosted(
        tmp_path_factory.mktemp("hosted") / "mg", {"sno": "hostedcluster02", "sno-b": "pool-b"}
    )


def run_go(binary: Path, argv: list[str]) -> tuple[int, str, str]:
    result = subprocess.run(
        [str(binary), *argv],
        capture_output=True,
        text=True,
        timeout=120,
        check=False,
        env={"PATH": os.environ.get("PATH", ""), "HOME": str(binary.parent)},
    )
    return result.returncode, result.stdout, result.stderr


def run_ours(argv: list[str], capsys: pytest.CaptureFixture[str]) -> tuple[int, str, str]:
    code = cli.main(argv)
    captured = capsys.readouterr()
    return code, captured.out, captured.err


def _without_empty_status(profile: dict[str, Any]) -> dict[str, Any]:
    if profile.get("status") == {}:
        return {key: value for key, value in profile.items() if key != "status"}
    return profile


@pytest.mark.parametrize(
    "extra",
    [
        [],
        ["--profile-name=hosted-perf", "--user-level-networking=true"],
        ["--topology-manager-policy=single-numa-node", "--power-consumption-mode=default"],
    ],
    ids=["defaults", "name-and-networking", "policy-and-mode"],
)
def test_config_map_matches_the_go_binary(
    go_ppc: Path, two_pools: Path, capsys: pytest.CaptureFixture[str], extra: list[str]
) -> None:
    argv = [f"--must-gather-dir-path={two_pools}", "--node-pool-name=hostedcluster02"]
    if "--power-consumption-mode=default" in extra:
        argv += ["--reserved-cpu-count=2", "--rt-kernel=false"]
    else:
        argv += CREATE
    argv += extra
    go_code, go_out, go_err = run_go(go_ppc, argv)
    code, out, err = run_ours(argv, capsys)
    assert (code, go_code) == (0, 0), (err, go_err[-2000:])
    head = "---\napiVersion: v1\ndata:\n  tuning: |\n"
    assert go_out.startswith(head)
    assert out.startswith(head)
    ours, theirs = yaml.safe_load(out), yaml.safe_load(go_out)
    assert {k: v for k, v in ours.items() if k != "data"} == {
        k: v for k, v in theirs.items() if k != "data"
    }
    assert set(ours["data"]) == set(theirs["data"]) == {"tuning"}
    assert yaml.safe_load(ours["data"]["tuning"]) == _without_empty_status(
        yaml.safe_load(theirs["data"]["tuning"])
    )


def _without_cell_counts(document: Any) -> Any:
    if document is None:
        return None
    for group in document:
        for node in group["nodes"] or []:
            node.pop("numa_cells_count", None)
    return document


@pytest.mark.parametrize(
    "pools",
    [
        {"sno": "hostedcluster02", "sno-b": "pool-b"},
        {"sno": "np", "sno-b": "np"},
        {"sno": "np", "sno-b": None},
        {"sno": None},
        {"sno": ""},
    ],
    ids=["two-pools", "one-pool-two-nodes", "one-unlabelled", "none-labelled", "empty-value"],
)
def test_info_matches_the_go_binary(
    go_ppc: Path,
    tmp_path: Path,
    capsys: pytest.CaptureFixture[str],
    pools: dict[str, str | None],
) -> None:
    path = make_hosted(tmp_path / "mg", pools)
    for fmt in ("--json", "--text"):
        argv = ["info", f"--must-gather-dir-path={path}", fmt]
        go_code, go_out, go_err = run_go(go_ppc, argv)
        code, out, err = run_ours(argv, capsys)
        assert (code, go_code) == (0, 0), (err, go_err[-2000:])
        if fmt == "--json":
            assert _without_cell_counts(json.loads(out)) == json.loads(go_out)
        else:
            assert out == go_out


@pytest.mark.parametrize(
    ("argv", "ours"),
    [
        (
            ["--mcp-name=worker", "--node-pool-name=hostedcluster02"],
            "--mcp-name and --node-pool-name cannot be used together",
        ),
        ([], "exactly one of --mcp-name or --node-pool-name is required"),
        (["--node-pool-name="], "exactly one of --mcp-name or --node-pool-name is required"),
        (["--node-pool-name=nope"], f"no node has the label {POOL_LABEL}='nope'"),
        (["--mcp-name=worker"], "use --node-pool-name instead of --mcp-name"),
    ],
    ids=["both", "neither", "empty-node-pool", "unknown-pool", "mcp-name-on-hosted"],
)
def test_errors_exit_like_the_go_binary(
    go_ppc: Path,
    two_pools: Path,
    capsys: pytest.CaptureFixture[str],
    argv: list[str],
    ours: str,
) -> None:
    full = [f"--must-gather-dir-path={two_pools}", *argv, *CREATE]
    go_code, go_out, _ = run_go(go_ppc, full)
    code, out, err = run_ours(full, capsys)
    assert (code, out) == (go_code, go_out) == (1, "")
    assert ours in err


def test_node_pool_name_on_a_standalone_must_gather_fails_in_both(
    go_ppc: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    argv = [f"--must-gather-dir-path={SNO}", "--node-pool-name=hostedcluster02", *CREATE]
    go_code, go_out, _ = run_go(go_ppc, argv)
    code, out, err = run_ours(argv, capsys)
    assert (code, out) == (go_code, go_out) == (1, "")
    assert "use --mcp-name instead of --node-pool-name" in err


@pytest.fixture(scope="module")
def bare_metal(go_ppc: Path, tmp_path_factory: pytest.TempPathFactory) -> Path:
    """worker1 (80 CPUs, 2 NUMA nodes, HT) in np-cnf, worker1 and worker2 (32 CPUs) in np-mixed."""
    if not BARE_METAL.is_dir():
        pytest.skip(f"the reference must-gather {BARE_METAL} is absent")
    return make_hosted(
        tmp_path_factory.mktemp("bare-metal") / "mg",
        {"worker1.internal": "np-cnf", "w1-copy": "np-mixed", "worker2.internal": "np-mixed"},
        source=BARE_METAL,
        template="worker1.internal",
    )


def test_split_reserved_cpus_without_ht_match_the_go_binary(
    go_ppc: Path, bare_metal: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    """The arguments of the reference's profile3, on a NodePool of the 80-CPU worker."""
    argv = [
        f"--must-gather-dir-path={bare_metal}",
        "--node-pool-name=np-cnf",
        "--reserved-cpu-count=5",
        "--rt-kernel=true",
        "--power-consumption-mode=low-latency",
        "--disable-ht=true",
        "--split-reserved-cpus-across-numa=true",
    ]
    go_code, go_out, go_err = run_go(go_ppc, argv)
    code, out, err = run_ours(argv, capsys)
    assert (code, go_code) == (0, 0), (err, go_err[-2000:])
    profile = yaml.safe_load(yaml.safe_load(out)["data"]["tuning"])
    assert profile == _without_empty_status(
        yaml.safe_load(yaml.safe_load(go_out)["data"]["tuning"])
    )
    assert profile["spec"]["cpu"] == {"reserved": "0-4", "isolated": "5-39"}
    assert profile["spec"]["additionalKernelArgs"] == ["nosmt"]


def test_a_node_pool_of_different_machines_fails_in_both(
    go_ppc: Path, bare_metal: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    argv = [f"--must-gather-dir-path={bare_metal}", "--node-pool-name=np-mixed", *CREATE]
    go_code, go_out, _ = run_go(go_ppc, argv)
    code, out, err = run_ours(argv, capsys)
    assert (code, out) == (go_code, go_out) == (1, "")
    assert "targeted nodes differ: nodes 'w1-copy' and 'worker2.internal'" in err

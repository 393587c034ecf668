"""The creator on hosted (HyperShift) must-gathers: the ConfigMap output, NodePool grouping, and
the errors and hostile inputs of hosted and half-hosted must-gathers.

A hosted must-gather has ``status.controlPlaneTopology: External`` in its Infrastructure, no
MachineConfigPools, and nodes labelled ``hypershift.openshift.io/nodePool=<pool>``. These run on
synthetic must-gathers; `test_hosted_go` compares the same cases with the Go binary.
"""

from __future__ import annotations

import json
import os
import shutil
import subprocess
from collections.abc import Callable
from pathlib import Path

import pytest
import yaml

from nto_performance.ppc import cli

from .conftest import CNF_LABELS, INFRA_FILE

MakeMustGather = Callable[..., Path]
POOL_LABEL = "hypershift.openshift.io/nodePool"
CREATE = [
    "--reserved-cpu-count=2",
    "--rt-kernel=true",
    "--power-consumption-mode=low-latency",
]


def _node(pool: str | None, cores: int = 4) -> dict[str, object]:
    labels = {"node-role.kubernetes.io/worker": ""}
    if pool is not None:
        labels[POOL_LABEL] = pool
    return {"labels": labels, "machine": {"cores": cores}}


def _run(argv: list[str], capsys: pytest.CaptureFixture[str]) -> tuple[int, str, str]:
    code = cli.main(argv)
    captured = capsys.readouterr()
    return code, captured.out, captured.err


@pytest.fixture
def hosted(make_must_gather: MakeMustGather) -> Path:
    return make_must_gather(
        {"a1": _node("np-a"), "a2": _node("np-a"), "b1": _node("np-b", cores=2)},
        pools={},
        topology="External",
    )


def test_config_map_holds_the_profile_as_a_literal_block(
    hosted: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    code, out, err = _run(
        [f"--must-gather-dir-path={hosted}", "--node-pool-name=np-a", *CREATE], capsys
    )
    assert code == 0, err
    assert out.startswith("---\napiVersion: v1\ndata:\n  tuning: |\n")
    assert "\n    kind: PerformanceProfile\n" in out, "the profile is readable, not one string"
    config_map = yaml.safe_load(out)
    assert config_map["metadata"] == {"name": "performance", "namespace": "clusters"}
    assert set(config_map["data"]) == {"tuning"}
    profile = yaml.safe_load(config_map["data"]["tuning"])
    assert profile["spec"]["nodeSelector"] == {"node-role.kubernetes.io/worker": ""}
    assert "machineConfigPoolSelector" not in profile["spec"]
    assert profile["spec"]["cpu"] == {"isolated": "2-3", "reserved": "0-1"}
    assert err == "PPC: nodes targeted by NodePool 'np-a': a1, a2\n"


def test_info_groups_by_node_pool_in_text(hosted: Path, capsys: pytest.CaptureFixture[str]) -> None:
    code, out, _ = _run(["info", f"--must-gather-dir-path={hosted}"], capsys)
    assert code == 0
    assert out == (
        "MCP 'np-a' nodes:\n"
        "Node: a1 (NUMA cells: 1, HT: false)\n"
        "NUMA cell 0 : [0 1 2 3]\n"
        "CPU(s): 4\n"
        "Node: a2 (NUMA cells: 1, HT: false)\n"
        "NUMA cell 0 : [0 1 2 3]\n"
        "CPU(s): 4\n"
        "---\n"
        "MCP 'np-b' nodes:\n"
        "Node: b1 (NUMA cells: 1, HT: false)\n"
        "NUMA cell 0 : [0 1]\n"
        "CPU(s): 2\n"
        "---\n"
    )


def test_info_with_no_node_in_any_pool_prints_null_like_the_go_binary(
    make_must_gather: MakeMustGather, capsys: pytest.CaptureFixture[str]
) -> None:
    path = make_must_gather({"n1": _node(None)}, pools={}, topology="External")
    code, out, err = _run(["info", "--json", f"--must-gather-dir-path={path}"], capsys)
    assert code == 0
    assert json.loads(out) is None
    assert f"node 'n1' has no label {POOL_LABEL}" in err
    code, out, _ = _run(["info", f"--must-gather-dir-path={path}"], capsys)
    assert (code, out) == (0, "")


def test_nodes_in_no_pool_are_left_out_with_a_warning(
    make_must_gather: MakeMustGather, capsys: pytest.CaptureFixture[str]
) -> None:
    path = make_must_gather({"n1": _node(None), "p1": _node("np")}, pools={}, topology="External")
    code, out, err = _run(["info", "--json", f"--must-gather-dir-path={path}"], capsys)
    assert code == 0
    assert [group["name"] for group in json.loads(out)] == ["np"]
    assert err == (
        f"PPC: node 'n1' has no label {POOL_LABEL}: it belongs to no NodePool and is left out\n"
    )


@pytest.mark.parametrize(
    "value",
    ["", "a b", "../x", "np\nnext", "ünïcode"],
    ids=["empty", "space", "dotdot", "newline", "unicode"],
)
def test_odd_pool_label_values_are_names_like_any_other(
    make_must_gather: MakeMustGather, capsys: pytest.CaptureFixture[str], value: str
) -> None:
    path = make_must_gather({"n1": _node(value)}, pools={}, topology="External")
    code, out, _ = _run(["info", "--json", f"--must-gather-dir-path={path}"], capsys)
    assert code == 0
    assert [group["name"] for group in json.loads(out)] == [value]
    if value:
        code, out, err = _run(
            [f"--must-gather-dir-path={path}", f"--node-pool-name={value}", *CREATE], capsys
        )
        assert code == 0, err
        assert yaml.safe_load(out)["kind"] == "ConfigMap"


def test_a_non_string_pool_label_is_refused_with_the_fix(
    make_must_gather: MakeMustGather, capsys: pytest.CaptureFixture[str]
) -> None:
    path = make_must_gather({"n1": _node("np")}, pools={}, topology="External")
    (node_file,) = path.glob("*/cluster-scoped-resources/core/nodes/n1.yaml")
    node_file.write_text(node_file.read_text().replace(f"{POOL_LABEL}: np", f"{POOL_LABEL}: 12"))
    code, out, err = _run(["info", f"--must-gather-dir-path={path}"], capsys)
    assert (code, out) == (1, "")
    assert f"metadata.labels.{POOL_LABEL}: Input should be a valid string" in err


@pytest.mark.parametrize(
    ("argv", "message"),
    [
        (
            ["--mcp-name=worker", "--node-pool-name=np-a"],
            "--mcp-name and --node-pool-name cannot be used together",
        ),
        ([], "exactly one of --mcp-name or --node-pool-name is required"),
        (["--node-pool-name="], "exactly one of --mcp-name or --node-pool-name is required"),
        (
            ["--node-pool-name=nope"],
            f"no node has the label {POOL_LABEL}='nope'; pass --node-pool-name with one of "
            "['np-a', 'np-b']",
        ),
        (["--mcp-name=np-a"], "use --node-pool-name instead of --mcp-name"),
    ],
    ids=["both", "neither", "empty-node-pool", "unknown-pool", "mcp-name-on-hosted"],
)
def test_hosted_errors(
    hosted: Path, capsys: pytest.CaptureFixture[str], argv: list[str], message: str
) -> None:
    code, out, err = _run([f"--must-gather-dir-path={hosted}", *argv, *CREATE], capsys)
    assert (code, out) == (1, "")
    assert message in err
    assert "Traceback" not in err


def _truncate_infrastructure(path: Path, before: str) -> None:
    """Cut the Infrastructure file right before the first occurrence of `before`."""
    infra = path / INFRA_FILE
    text = infra.read_text()
    infra.write_text(text[: text.index(before)])


NO_TOPOLOGY = "has no status.controlPlaneTopology (is the file cut short?)"


@pytest.mark.parametrize(
    ("before", "argv", "message"),
    [
        ("status:", ["--node-pool-name=np"], NO_TOPOLOGY),
        ("status:", ["info"], NO_TOPOLOGY),
        ("kind:", ["info"], NO_TOPOLOGY),
        ("nfig.openshift.io/v1", ["info"], "is not a valid Infrastructure: apiVersion"),
        ("apiVersion", ["info"], "is empty: expected an Infrastructure object"),
    ],
    ids=["no-status-create", "no-status-info", "no-kind", "cut-in-api-version", "empty"],
)
def test_truncated_infrastructure_of_a_hosted_must_gather(
    make_must_gather: MakeMustGather,
    capsys: pytest.CaptureFixture[str],
    before: str,
    argv: list[str],
    message: str,
) -> None:
    path = make_must_gather({"n1": _node("np")}, pools={}, topology="External")
    _truncate_infrastructure(path, before)
    command = ["info"] if argv == ["info"] else [*argv, *CREATE]
    code, out, err = _run([*command, f"--must-gather-dir-path={path}"], capsys)
    assert (code, out) == (1, "")
    assert message in err
    assert "Traceback" not in err


def test_node_pool_name_on_a_standalone_must_gather_names_its_topology(
    make_must_gather: MakeMustGather, capsys: pytest.CaptureFixture[str]
) -> None:
    path = make_must_gather({"w1": {"labels": {**CNF_LABELS, POOL_LABEL: "np"}}})
    code, out, err = _run(
        [f"--must-gather-dir-path={path}", "--node-pool-name=np", *CREATE], capsys
    )
    assert (code, out) == (1, "")
    assert (
        "the must-gather is not of a hosted (HyperShift) cluster (status.controlPlaneTopology "
        "is 'HighlyAvailable', not 'External'); use --mcp-name instead of --node-pool-name"
    ) in err


def test_machine_config_pools_in_a_hosted_must_gather_are_ignored(
    make_must_gather: MakeMustGather, capsys: pytest.CaptureFixture[str]
) -> None:
    path = make_must_gather({"n1": _node("np")}, topology="External")
    code, out, _ = _run(["info", "--json", f"--must-gather-dir-path={path}"], capsys)
    assert code == 0
    assert [group["name"] for group in json.loads(out)] == ["np"]


def test_nodes_keep_the_file_order_like_the_go_binary(
    make_must_gather: MakeMustGather, capsys: pytest.CaptureFixture[str]
) -> None:
    # "n-b.yaml" sorts before "n.yaml" ('-' < '.'), though the name "n" sorts before "n-b".
    path = make_must_gather({"n": _node("np"), "n-b": _node("np")}, pools={}, topology="External")
    code, out, err = _run(["info", "--json", f"--must-gather-dir-path={path}"], capsys)
    assert code == 0
    assert [node["name"] for node in json.loads(out)[0]["nodes"]] == ["n-b", "n"]
    code, out, err = _run(
        [f"--must-gather-dir-path={path}", "--node-pool-name=np", *CREATE], capsys
    )
    assert code == 0
    assert err == "PPC: nodes targeted by NodePool 'np': n-b, n\n"


@pytest.mark.parametrize(
    "name",
    ["Bad_Name", "a/b", "-lead", "trail.", "x" * 254, "a b"],
    ids=["upper-underscore", "slash", "leading-dash", "trailing-dot", "too-long", "space"],
)
def test_a_profile_name_the_api_server_would_refuse_is_refused(
    hosted: Path, capsys: pytest.CaptureFixture[str], name: str
) -> None:
    code, out, err = _run(
        [
            f"--must-gather-dir-path={hosted}",
            "--node-pool-name=np-a",
            f"--profile-name={name}",
            *CREATE,
        ],
        capsys,
    )
    assert (code, out) == (1, "")
    assert f"--profile-name {name!r} is not a valid object name" in err


KUBECTL = shutil.which("kubectl") or "/usr/bin/kubectl"


@pytest.mark.skipif(not os.access(KUBECTL, os.X_OK), reason="kubectl is not installed")
def test_kubectl_applies_the_config_map_into_clusters(
    hosted: Path, kubeconfig: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    code, out, err = _run(
        [
            f"--must-gather-dir-path={hosted}",
            "--node-pool-name=np-a",
            "--profile-name=np-a.perf",
            *CREATE,
        ],
        capsys,
    )
    assert code == 0, err

    def kubectl(*args: str, stdin: str = "") -> str:
        done = subprocess.run(
            [KUBECTL, "--kubeconfig", str(kubeconfig), *args],
            input=stdin,
            capture_output=True,
            text=True,
            timeout=60,
            check=False,
        )
        assert done.returncode == 0, done.stderr
        return done.stdout

    kubectl("create", "namespace", "clusters")
    assert kubectl("apply", "-f", "-", stdin=out).strip() == "configmap/np-a.perf created"
    tuning = kubectl(
        "get", "configmap", "-n", "clusters", "np-a.perf", "-o", "jsonpath={.data.tuning}"
    )
    assert tuning == yaml.safe_load(out)["data"]["tuning"]
    assert yaml.safe_load(tuning)["metadata"] == {"name": "np-a.perf"}

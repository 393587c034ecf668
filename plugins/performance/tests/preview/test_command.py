"""``nto preview``: offline against must-gathers, exit codes, output formats, bad input.

Runs the real ``nto`` entry point in a subprocess where a user would meet it (exit codes,
stdout, stderr), and the command in-process for the table of cases.
"""

from __future__ import annotations

import argparse
import json
import subprocess
import sys
from pathlib import Path
from typing import Any

import pytest
import yaml

from nto_performance.preview.command import run

from .conftest import (
    PROFILE,
    REFERENCE_MUST_GATHER,
    kubelet_restart_policy,
    profile,
    write_must_gather,
)

NTO = [sys.executable, "-m", "nto"]


def nto_preview(*args: str, stdin: str | None = None) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [*NTO, "preview", *args],
        input=stdin,
        capture_output=True,
        text=True,
        timeout=120,
        check=False,
    )


def write(tmp_path: Path, *objects: Any, name: str = "in.yaml") -> str:
    path = tmp_path / name
    path.write_text(yaml.safe_dump_all(objects))
    return str(path)


def run_in_process(tmp_path: Path, capsys: Any, *objects: Any, **gather: Any) -> tuple[int, Any]:
    root = write_must_gather(tmp_path / "mg", **gather)
    args = argparse.Namespace(
        filename=[write(tmp_path, *objects)], output="json", must_gather_dir_path=str(root)
    )
    code = run(args)
    out = capsys.readouterr().out
    return code, json.loads(out) if out else None


CASES = [
    pytest.param({}, [PROFILE], 3, "reboot", "kernel arguments added", id="new-profile-reboots"),
    pytest.param(
        {"profiles": [PROFILE]}, [PROFILE], 0, "none", None, id="unchanged-profile-does-nothing"
    ),
    pytest.param(
        {"profiles": [PROFILE]},
        [profile(globallyDisableIrqLoadBalancing=True)],
        0,
        "TuneD reload",
        "TuneD profiles changed",
        id="irq-change-reloads-tuned",
    ),
    pytest.param(
        {"profiles": [PROFILE]},
        [profile(numa={"topologyPolicy": "restricted"})],
        3,
        "reboot",
        "topologyManagerPolicy",
        id="kubelet-change-reboots-by-default",
    ),
    pytest.param(
        {"profiles": [PROFILE], "policy": kubelet_restart_policy()},
        [profile(numa={"topologyPolicy": "restricted"})],
        0,
        "kubelet restart",
        "topologyManagerPolicy",
        id="kubelet-change-restarts-kubelet-by-policy",
    ),
    pytest.param(
        {"profiles": [PROFILE]},
        [profile(cpu={"reserved": "0-1", "isolated": "2-6", "offlined": "7"})],
        3,
        "reboot",
        "units changed: set-cpus-offline.service",
        id="offlined-cpus-change-machineconfig-units",
    ),
]


@pytest.mark.parametrize(("gather", "objects", "code", "action", "reason"), CASES)
def test_preview_against_a_must_gather(
    tmp_path: Path,
    capsys: Any,
    gather: dict[str, Any],
    objects: list[Any],
    code: int,
    action: str,
    reason: str | None,
) -> None:
    exit_code, document = run_in_process(tmp_path, capsys, *objects, **gather)
    assert exit_code == code
    [row] = document["items"]
    assert (row["kind"], row["name"], row["pool"], row["nodeCount"]) == (
        "PerformanceProfile",
        "cnf",
        "worker-cnf",
        3,
    )
    assert row["nodes"] == ["cnf-0", "cnf-1", "cnf-2"]
    assert row["action"] == action
    assert document["reboot"] is (code == 3)
    if reason:
        assert any(reason in text for text in row["reasons"]), row["reasons"]
    else:
        assert row["changes"] == []


def test_table_shows_decoded_machineconfig_files_in_the_diff(tmp_path: Path) -> None:
    root = write_must_gather(tmp_path / "mg", profiles=[PROFILE])
    changed = profile(cpu={"reserved": "0-1", "isolated": "2-6", "offlined": "7"})
    done = nto_preview("-f", write(tmp_path, changed), "--must-gather-dir-path", str(root))
    assert done.returncode == 3, done.stderr
    lines = done.stdout.splitlines()
    assert lines[0].split() == ["KIND", "NAME", "POOL", "NODES", "ACTION", "REASON"]
    assert lines[1].split()[:5] == ["PerformanceProfile", "cnf", "worker-cnf", "3", "reboot"]
    assert "--- MachineConfig/50-performance-cnf (now)" in done.stdout
    assert "+++ MachineConfig/50-performance-cnf (after the change)" in done.stdout
    assert "-- MachineConfig 50-performance-cnf updated (reboot)" in done.stdout
    assert "data:" not in done.stdout  # MachineConfig files are shown decoded
    assert "nohz_full=2-6" in done.stdout  # the Tuned diff


def test_yaml_output_and_stdin(tmp_path: Path) -> None:
    root = write_must_gather(tmp_path / "mg", profiles=[PROFILE])
    done = nto_preview(
        "-f", "-", "-o", "yaml", "--must-gather-dir-path", str(root), stdin=yaml.safe_dump(PROFILE)
    )
    assert done.returncode == 0, done.stderr
    document = yaml.safe_load(done.stdout)
    assert document["reboot"] is False
    assert document["items"][0]["action"] == "none"


@pytest.mark.skipif(
    not REFERENCE_MUST_GATHER.is_dir(), reason="../shared/reference/must-gather is absent"
)
def test_the_reference_bare_metal_must_gather(tmp_path: Path) -> None:
    example = Path(__file__).resolve().parents[4] / "examples" / "performanceprofile.yaml"
    done = nto_preview(
        "-f",
        str(example),
        "-o",
        "json",
        "--must-gather-dir-path",
        str(REFERENCE_MUST_GATHER / "must-gather.bare-metal"),
    )
    assert done.returncode == 3, done.stderr
    [row] = json.loads(done.stdout)["items"]
    assert (row["pool"], row["nodes"], row["action"]) == (
        "worker-cnf",
        ["worker1.internal"],
        "reboot",
    )
    assert "kernel type default -> realtime" in " ".join(row["reasons"])
    assert any("no MachineConfiguration" in note for note in row["notes"])


def _bomb() -> str:
    """Nine levels of nine aliases each: ~387 million nodes once expanded."""
    lines = ["a: &a [x, x, x, x, x, x, x, x, x]"]
    for level in range(8):
        previous, name = chr(97 + level), chr(98 + level)
        lines.append(f"{name}: &{name} [{', '.join([f'*{previous}'] * 9)}]")
    return "\n".join(lines) + "\n"


BOMB = _bomb()


@pytest.mark.parametrize(
    ("content", "fragment"),
    [
        pytest.param(BOMB, "alias", id="alias-bomb"),
        pytest.param("[" * 400 + "]" * 400, "nest", id="deep-nesting"),
        pytest.param("a: [1, 2\n", "is not valid YAML or JSON at line", id="malformed"),
        pytest.param("- 1\n- 2\n", "is a list, not an object", id="not-an-object"),
        pytest.param(
            "apiVersion: v1\nkind: ConfigMap\nmetadata: {name: x}\n",
            "nto preview takes performance.openshift.io PerformanceProfiles",
            id="wrong-kind",
        ),
        pytest.param(
            "apiVersion: tuned.openshift.io/v1\nkind: Tuned\nmetadata: {}\n",
            "has no metadata.name",
            id="no-name",
        ),
        pytest.param(
            yaml.safe_dump(profile(cpu={"reserved": "0-3", "isolated": "2-7"})),
            "the API server would deny it",
            id="invalid-profile",
        ),
        pytest.param("", "no PerformanceProfile or Tuned", id="empty"),
    ],
)
def test_bad_input_is_a_clear_error_and_exit_1(tmp_path: Path, content: str, fragment: str) -> None:
    root = write_must_gather(tmp_path / "mg")
    path = tmp_path / "bad.yaml"
    path.write_text(content)
    done = nto_preview("-f", str(path), "--must-gather-dir-path", str(root))
    assert done.returncode == 1
    assert done.stdout == ""
    assert done.stderr.startswith("error: "), done.stderr
    assert fragment in done.stderr, done.stderr
    assert "Traceback" not in done.stderr


@pytest.mark.parametrize(
    ("args", "fragment"),
    [
        pytest.param(
            ["-f", "/nonexistent.yaml"], "cannot read -f '/nonexistent.yaml'", id="missing-file"
        ),
        pytest.param(["-f", "/"], "is a directory", id="directory"),
        pytest.param([], "no input: pass -f FILE", id="no-file"),
    ],
)
def test_bad_arguments(tmp_path: Path, args: list[str], fragment: str) -> None:
    root = write_must_gather(tmp_path / "mg")
    done = nto_preview(*args, "--must-gather-dir-path", str(root))
    assert done.returncode == 1
    assert fragment in done.stderr, done.stderr


def test_a_directory_that_is_not_a_must_gather(tmp_path: Path) -> None:
    done = nto_preview("-f", write(tmp_path, PROFILE), "--must-gather-dir-path", str(tmp_path))
    assert done.returncode == 1
    assert "has no 'cluster-scoped-resources/core/nodes'" in done.stderr


def test_help_does_not_import_the_preview(tmp_path: Path) -> None:
    record = tmp_path / "modules.json"
    script = (
        "import atexit, json, runpy, sys\n"
        f"out = {str(record)!r}\n"
        "atexit.register(lambda: open(out, 'w').write(json.dumps(sorted(sys.modules))))\n"
        "sys.argv = ['nto', '--help']\n"
        "runpy.run_module('nto', run_name='__main__')\n"
    )
    subprocess.run([sys.executable, "-c", script], capture_output=True, timeout=120, check=False)
    modules = json.loads(record.read_text())
    assert not [m for m in modules if m.startswith("nto_performance.preview")]


@pytest.mark.parametrize(
    ("content", "fragment"),
    [
        pytest.param(_bomb(), "alias", id="alias-bomb-node"),
        pytest.param("- just\n- a list\n", "holds a list, not a Node object", id="not-an-object"),
        pytest.param("a: [1\n", "is not valid YAML", id="malformed"),
    ],
)
def test_a_hostile_must_gather_is_a_clear_error(
    tmp_path: Path, content: str, fragment: str
) -> None:
    root = write_must_gather(tmp_path / "mg")
    node_file = next(root.glob("*/cluster-scoped-resources/core/nodes/cnf-0.yaml"))
    node_file.write_text(content)
    done = nto_preview("-f", write(tmp_path, PROFILE), "--must-gather-dir-path", str(root))
    assert done.returncode == 1
    assert done.stderr.startswith("error: "), done.stderr
    assert fragment in done.stderr, done.stderr
    assert "Traceback" not in done.stderr

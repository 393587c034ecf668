"""The composed must-gather script: every step runs, a failing one is reported, all are
shellcheck-clean; hostile step names and delimiters are refused."""

from __future__ import annotations

import os
import shutil
import subprocess
from pathlib import Path

import pytest

from nto.cli.main import main
from nto.mustgather import CORE_STEP, DELIMITER, MustGatherError, compose
from nto.plugins import MustGatherStep

OK = MustGatherStep("ok", '#!/usr/bin/env bash\necho ok > "${BASE_COLLECTION_PATH}/ok.txt"\n')
FAILS = MustGatherStep("fails", "#!/usr/bin/env bash\nexit 3\n")


def run(script: str, tmp_path: Path) -> subprocess.CompletedProcess[str]:
    path = tmp_path / "gather"
    path.write_text(script)
    bin_dir = tmp_path / "bin"
    bin_dir.mkdir(exist_ok=True)
    fake_oc = bin_dir / "oc"
    fake_oc.write_text('#!/usr/bin/env bash\necho "oc $*" >> "${BASE_COLLECTION_PATH}/oc.log"\n')
    fake_oc.chmod(0o755)
    env = {**os.environ, "PATH": f"{bin_dir}:{os.environ['PATH']}"}
    env["BASE_COLLECTION_PATH"] = str(tmp_path / "out")
    return subprocess.run(
        ["bash", str(path)], capture_output=True, text=True, env=env, timeout=30, check=False
    )


def test_every_step_runs_and_a_failure_is_reported(tmp_path):
    result = run(compose([CORE_STEP, FAILS, OK]), tmp_path)
    assert result.returncode == 1
    assert "must-gather: step fails failed" in result.stderr
    out = tmp_path / "out"
    assert (out / "ok.txt").read_text() == "ok\n"
    assert "oc adm inspect" in (out / "oc.log").read_text()


def test_all_steps_succeeding_exits_zero(tmp_path):
    assert run(compose([CORE_STEP, OK]), tmp_path).returncode == 0


@pytest.mark.parametrize(
    ("step", "message"),
    [
        (MustGatherStep("../x", "true"), "must be unique"),
        (MustGatherStep("Upper", "true"), "must be unique"),
        (MustGatherStep("x", f"echo\n{DELIMITER}\nrm -rf /"), "contains"),
    ],
    ids=["traversal", "upper-case", "delimiter"],
)
def test_hostile_steps_are_refused(step, message):
    with pytest.raises(MustGatherError, match=message):
        compose([step])


def test_duplicate_step_names_are_refused():
    with pytest.raises(MustGatherError):
        compose([OK, OK])


@pytest.mark.skipif(shutil.which("shellcheck") is None, reason="shellcheck is not installed")
def test_composed_script_and_core_step_pass_shellcheck(tmp_path, capsys):
    assert main(["must-gather-script"]) == 0
    composed = tmp_path / "gather"
    composed.write_text(capsys.readouterr().out)
    core = tmp_path / "core.sh"
    core.write_text(CORE_STEP.script)
    result = subprocess.run(
        ["shellcheck", str(composed), str(core)], capture_output=True, text=True, check=False
    )
    assert result.returncode == 0, result.stdout

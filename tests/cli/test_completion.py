"""``completion SHELL`` scripts complete commands and flags in a real shell."""

from __future__ import annotations

import shutil
import subprocess
from pathlib import Path

import pytest

from nto.cli import main as cli_main

PROG = "cluster-node-tuning-operator"


def script(shell: str, capsys: pytest.CaptureFixture[str]) -> str:
    assert cli_main.main(["completion", shell]) == 0
    return capsys.readouterr().out


def complete_in_bash(source: Path, *words: str) -> list[str]:
    """COMPREPLY of the generated function for the command line `words` (last one partial)."""
    line = " ".join(f"'{word}'" for word in words)
    program = (
        f"source {source}\n"
        f"COMP_WORDS=({PROG} {line}); COMP_CWORD={len(words)}\n"
        "_cluster_node_tuning_operator_complete\n"
        'printf "%s\\n" "${COMPREPLY[@]}"\n'
    )
    result = subprocess.run(
        ["bash", "--norc", "--noprofile", "-c", program],
        capture_output=True,
        text=True,
        check=True,
        timeout=60,
        cwd=source.parent,
    )
    return [word for word in result.stdout.splitlines() if word]


@pytest.mark.skipif(not shutil.which("bash"), reason="needs bash")
def test_bash_completes_commands_flags_and_files(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    source = tmp_path / "completion.bash"
    source.write_text(script("bash", capsys))
    (tmp_path / "kubeconfig-here").write_text("")
    assert complete_in_bash(source, "ren") == ["render", "render-bootcmd-mc"]
    assert complete_in_bash(source, "render", "--asset-o") == ["--asset-output-dir"]
    assert complete_in_bash(source, "--kubeconfig", "x", "render", "--owner") == ["--owner-ref"]
    assert complete_in_bash(source, "render", "--kubeconfig", "kubec") == ["kubeconfig-here"]
    assert "--enable-leader-election" in complete_in_bash(source, "--enable")


@pytest.mark.skipif(not shutil.which("bash"), reason="needs bash")
def test_bash_and_zsh_scripts_parse(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    for shell in ("bash", "zsh"):
        path = tmp_path / shell
        path.write_text(script(shell, capsys))
        subprocess.run(["bash", "-n", str(path)], check=True, timeout=60)


def test_fish_and_powershell_name_every_command(capsys: pytest.CaptureFixture[str]) -> None:
    fish = script("fish", capsys)
    powershell = script("powershell", capsys)
    for command in ("render", "ocp-tuned", "render-bootcmd-mc", "help", "completion"):
        assert f"-a {command} " in fish
        assert f"'{command}' = @(" in powershell
    assert "-l asset-output-dir -r -F" in fish


def test_the_command_offers_every_shell_the_generator_knows() -> None:
    from nto.cli.commands import completion as command
    from nto.cli.completion import SHELLS

    assert command.SHELLS == SHELLS

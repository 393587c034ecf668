"""The command line: subcommands, the default command, the reference's flag spellings, errors."""

from __future__ import annotations

import argparse
import json

import pytest

from nto.cli import main as cli_main
from nto.cli.commands.operand import OperandUsageError, check_flags
from nto.cli.flags import BoolFlag, parse_bool
from nto.plugins import CliCommand, hookimpl
from nto.plugins.host import build_plugin_host


@pytest.fixture
def no_entry_points(monkeypatch):
    """Build hosts without scanning installed plugins (plus optional test plugins)."""
    extra: list[tuple[str, object]] = []

    def fake_build(*, disabled=(), **_):
        return build_plugin_host(load_entry_points=False, plugins=extra, disabled=disabled)

    monkeypatch.setattr(cli_main, "build_plugin_host", fake_build)
    monkeypatch.setattr(cli_main, "declared_command", lambda *_, **__: None)
    return extra


def run(argv, capsys):
    code = cli_main.main(argv)
    out, err = capsys.readouterr()
    return code, out, err


def test_version_command(capsys):
    code, out, _ = run(["version"], capsys)
    assert code == 0
    assert out.startswith("Version: ")


def test_version_flag(capsys):
    assert cli_main.main(["--version"]) == 0
    assert "cluster-node-tuning-operator" in capsys.readouterr().out


@pytest.mark.parametrize(
    ("argv", "message"),
    [
        pytest.param(["bogus"], "unknown command 'bogus'", id="unknown-command"),
        pytest.param(["version", "--nope"], "unknown flag: --nope", id="unknown-flag"),
        pytest.param(["ocp-tuned", "--one-shot=maybe"], "invalid boolean", id="bad-bool"),
        pytest.param(["render-bootcmd-mc"], "required", id="missing-required"),
        pytest.param(["-v=x"], "invalid int value", id="bad-verbosity"),
    ],
)
def test_usage_errors_exit_255_without_traceback(argv, message, capsys, no_entry_points):
    code, _, err = run(argv, capsys)
    assert code == 255
    assert err.startswith("Error: ")
    assert message in err
    assert "Traceback" not in err


def test_operator_is_the_default_command(monkeypatch, no_entry_points):
    seen: dict[str, argparse.Namespace] = {}

    def fake_run(args: argparse.Namespace) -> int:
        seen["args"] = args
        return 7

    from nto.cli.commands import operator

    patched = CliCommand(
        name="operator", help="x", configure=operator.COMMAND.configure, run=fake_run
    )
    monkeypatch.setattr(operator, "COMMAND", patched)
    assert cli_main.main(["-v=2", "--enable-leader-election=false"]) == 7
    args = seen["args"]
    assert args.verbosity == 2
    assert args.enable_leader_election is False


@pytest.mark.parametrize(
    ("argv", "expected"),
    [
        ([], True),
        (["--enable-leader-election"], True),
        (["--enable-leader-election=true"], True),
        (["--enable-leader-election=false"], False),
        (["--enable-leader-election=0"], False),
    ],
)
def test_bool_flag_spellings(argv, expected):
    parser = argparse.ArgumentParser()
    parser.add_argument("--enable-leader-election", action=BoolFlag, default=True)
    assert parser.parse_args(argv).enable_leader_election is expected


@pytest.mark.parametrize("text", ["", "maybe", "2", "truee"])
def test_parse_bool_rejects(text):
    with pytest.raises(argparse.ArgumentTypeError, match="invalid boolean"):
        parse_bool(text)


def test_subcommand_after_global_flags(capsys, no_entry_points):
    code, out, _ = run(["-v=3", "version"], capsys)
    assert code == 0
    assert "Version" in out


def test_plugin_commands_appear_and_run(capsys, no_entry_points):
    class Hello:
        @hookimpl
        def nto_cli_commands(self) -> list[CliCommand]:
            def configure(parser: argparse.ArgumentParser) -> None:
                parser.add_argument("--who", default="world")

            def run_hello(args: argparse.Namespace) -> int:
                print(f"hello {args.who}")
                return 0

            return [CliCommand("hello", "say hello", configure, run_hello)]

    no_entry_points.append(("hello-plugin", Hello()))
    code, out, _ = run(["hello", "--who=nto"], capsys)
    assert (code, out) == (0, "hello nto\n")


def test_plugin_command_clash_is_reported_not_fatal(capsys, no_entry_points):
    class Clash:
        @hookimpl
        def nto_cli_commands(self) -> list[CliCommand]:
            return [CliCommand("version", "mine", lambda parser: None, lambda args: 99)]

    no_entry_points.append(("clash", Clash()))
    code, out, _ = run(["version"], capsys)
    assert code == 0
    code, out, _ = run(["plugins", "--json"], capsys)
    (plugin,) = json.loads(out)["plugins"]
    assert plugin["name"] == "clash"
    assert "already exists" in plugin["errors"][0]["error"]


def test_command_failure_is_one_line(capsys, monkeypatch, no_entry_points):
    monkeypatch.delenv("OCP_NODE_NAME", raising=False)
    code, _, err = run(["ocp-tuned"], capsys)
    assert code == 255  # klog.Fatal in the reference
    assert err.startswith("F")
    assert len(err.strip().splitlines()) == 1
    assert "OCP_NODE_NAME" in err
    assert "Traceback" not in err


@pytest.mark.parametrize(
    ("in_cluster", "one_shot", "env", "message"),
    [
        (True, True, {"OCP_NODE_NAME": "n"}, "--one-shot=true needs --in-cluster=false"),
        (False, False, {}, "only supported with --one-shot=true"),
        (True, False, {}, "OCP_NODE_NAME is not set"),
    ],
)
def test_operand_flag_rules(in_cluster, one_shot, env, message):
    with pytest.raises(OperandUsageError, match=message):
        check_flags(in_cluster, one_shot, env)


def test_operand_flag_rules_accept_valid_combinations():
    check_flags(True, False, {"OCP_NODE_NAME": "worker-0"})
    check_flags(False, True, {})


def test_plugins_table_when_none(capsys, no_entry_points):
    code, out, _ = run(["plugins"], capsys)
    assert (code, out) == (0, "No plugins installed.\n")


def test_disable_plugin_flag_is_honoured_before_loading(capsys, no_entry_points):
    class Hello:
        @hookimpl
        def nto_cli_commands(self) -> list[CliCommand]:
            return [CliCommand("hello", "x", lambda parser: None, lambda args: 0)]

    no_entry_points.append(("hello", Hello()))
    code, out, _ = run(["plugins", "--disable-plugin", "hello"], capsys)
    assert code == 0
    assert "hello - (disabled)" in out


def test_kubeconfig_flag_wins_over_the_environment(tmp_path, monkeypatch, capsys, no_entry_points):
    from nto.kube.config import load_connection

    def kubeconfig(name: str) -> str:
        path = tmp_path / name
        path.write_text(
            f"clusters: [{{name: c, cluster: {{server: 'https://{name}:6443'}}}}]\n"
            "contexts: [{name: x, context: {cluster: c}}]\ncurrent-context: x\n"
        )
        return str(path)

    class Where:
        @hookimpl
        def nto_cli_commands(self) -> list[CliCommand]:
            def where(args: argparse.Namespace) -> int:
                print(load_connection().server)
                return 0

            return [CliCommand("where", "print the API server", lambda parser: None, where)]

    no_entry_points.append(("where", Where()))
    monkeypatch.setenv("KUBECONFIG", kubeconfig("from-env"))
    assert run(["where"], capsys)[:2] == (0, "https://from-env:6443\n")
    assert run(["--kubeconfig", kubeconfig("from-flag"), "where"], capsys)[:2] == (
        0,
        "https://from-flag:6443\n",
    )
    assert run(["where", f"--kubeconfig={kubeconfig('after')}"], capsys)[:2] == (
        0,
        "https://after:6443\n",
    )
    assert load_connection().server == "https://from-env:6443"  # restored after the run

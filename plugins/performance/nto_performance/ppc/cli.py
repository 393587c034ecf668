"""``performance-profile-creator``: flags, validation and the two commands (create, ``info``).

``performance-profile-creator --must-gather-dir-path DIR --mcp-name POOL --reserved-cpu-count N
--rt-kernel[=BOOL] [...]`` prints a PerformanceProfile for the pool's hardware;
``performance-profile-creator info [--must-gather-dir-path DIR] [--json|--text]`` prints the CPU
layout of every node; ``help`` prints the flags and ``completion bash|zsh|fish|powershell`` a
completion script. Flags are shared by all and may come before or after the command. As in
the Go binary, ``--must-gather-dir-path`` defaults to ``must-gather`` (checked first), and
boolean flags take ``--flag`` or ``--flag=true|false``: ``--rt-kernel false`` leaves ``false``
as an unknown command.

Output goes to stdout only when the command succeeds; diagnostics go to stderr prefixed
``PPC: ``; every error exits 1, like the Go binary, without a traceback. The same `main` serves the
console script and ``cluster-node-tuning-operator performance-profile-creator`` (registered in
`nto_performance.plugin`). Neighbours: `mustgather`, `selection`, `snapshot`, `allocation`,
`hints`, `profile`, `info`.
"""

from __future__ import annotations

import argparse
import os
import re
import sys
from collections.abc import Sequence
from dataclasses import dataclass
from typing import NoReturn, TextIO

from nto.plugins.cli import BoolFlag, parse_bool

__all__ = [
    "COMMANDS",
    "DEFAULT_MUST_GATHER",
    "DESCRIPTION",
    "PROG",
    "Options",
    "UsageError",
    "add_arguments",
    "build_parser",
    "execute",
    "main",
    "options_from",
    "parse_options",
    "run_parsed",
]

PROG = "performance-profile-creator"
DEFAULT_MUST_GATHER = "must-gather"
COMMANDS = ("info", "help", "completion")
_TOPOLOGY_POLICIES = ("single-numa-node", "best-effort", "restricted")
_OBJECT_NAME = re.compile(r"[a-z0-9]([-a-z0-9]*[a-z0-9])?(\.[a-z0-9]([-a-z0-9]*[a-z0-9])?)*")
"""A DNS-1123 subdomain: what the API server accepts as a PerformanceProfile or ConfigMap name."""
_MAX_NAME = 253
_BOOL_FLAGS = (
    "--split-reserved-cpus-across-numa",
    "--disable-ht",
    "--rt-kernel",
    "--user-level-networking",
    "--per-pod-power-management",
    "--enable-hardware-tuning",
    "--json",
    "--text",
)


class UsageError(ValueError):
    """The command line is wrong; exits 1 (cobra's exit code)."""


class _Parser(argparse.ArgumentParser):
    def error(self, message: str) -> NoReturn:
        prefix = "unrecognized arguments: "
        if message.startswith(prefix) and message[len(prefix) :].startswith("-"):
            message = f"unknown flag: {message[len(prefix) :]}"
        raise UsageError(message)


@dataclass(frozen=True, slots=True, kw_only=True)
class Options:
    """The validated command line, defaults applied."""

    command: str
    must_gather_dir: str
    reserved_cpu_count: int
    offlined_cpu_count: int
    split_reserved_cpus_across_numa: bool
    mcp_name: str
    node_pool_name: str
    disable_ht: bool
    rt_kernel: bool
    user_level_networking: bool
    power_consumption_mode: str
    profile_name: str
    topology_manager_policy: str
    per_pod_power_management: bool
    enable_hardware_tuning: bool
    json: bool


DESCRIPTION = (
    "Create a PerformanceProfile from a must-gather, or show its nodes' CPUs with the 'info' "
    "command."
)


def build_parser(prog: str = PROG) -> argparse.ArgumentParser:
    """Return the parser of both commands (defaults are applied by `options_from`)."""
    parser = _Parser(prog=prog, description=DESCRIPTION)
    add_arguments(parser)
    return parser


def add_arguments(parser: argparse.ArgumentParser) -> None:
    """Add the creator's flags to `parser` (every default is None: `options_from` applies them)."""
    parser.add_argument(
        "ppc_command",
        nargs="?",
        metavar="COMMAND",
        help="info (show node CPUs), help, or completion bash|zsh|fish|powershell",
    )
    parser.add_argument("ppc_args", nargs="*", help=argparse.SUPPRESS)
    add = parser.add_argument
    add("--reserved-cpu-count", type=int, metavar="N", help="reserved CPUs (required)")
    add("--offlined-cpu-count", type=int, metavar="N", help="CPUs to offline (default 0)")
    add("--split-reserved-cpus-across-numa", action=BoolFlag, help="split reserved CPUs evenly")
    add("--mcp-name", metavar="POOL", help="MachineConfigPool to target")
    add("--node-pool-name", metavar="NAME", help="HyperShift NodePool to target")
    add("--disable-ht", action=BoolFlag, help="disable hyper-threading (adds nosmt)")
    add("--rt-kernel", action=BoolFlag, help="use the real-time kernel (required)")
    add("--user-level-networking", action=BoolFlag, help="set net.userLevelNetworking")
    add(
        "--power-consumption-mode",
        metavar="MODE",
        help="default, low-latency or ultra-low-latency (default 'default')",
    )
    add(
        "--must-gather-dir-path",
        metavar="DIR",
        help=f"must-gather directory (default {DEFAULT_MUST_GATHER!r})",
    )
    add("--profile-name", metavar="NAME", help="profile name (default 'performance')")
    add(
        "--topology-manager-policy",
        metavar="POLICY",
        help="single-numa-node, best-effort or restricted (default 'restricted')",
    )
    add("--per-pod-power-management", action=BoolFlag, help="enable per-pod power management")
    add("--enable-hardware-tuning", action=BoolFlag, help="append hardware tuning guidance")
    add("--json", action=BoolFlag, help="info: print JSON")
    add("--text", action=BoolFlag, help="info: print text (the default)")


def _normalise_bools(argv: Sequence[str]) -> list[str]:
    """Rewrite a bare boolean flag ``--flag`` as ``--flag=true`` (pflag's rule).

    The next word is never taken as the flag's value, so ``--rt-kernel false`` leaves ``false``
    as a command (and an error), as in the Go binary.
    """
    out: list[str] = []
    for index, token in enumerate(argv):
        if token == "--":
            return [*out, *argv[index:]]
        out.append(f"{token}=true" if token in _BOOL_FLAGS else token)
    return out


def parse_options(argv: Sequence[str], prog: str = PROG) -> Options:
    """Parse and validate the command line; raise `UsageError` with the reason."""
    ns = build_parser(prog).parse_intermixed_args(_normalise_bools(argv))
    return options_from(ns)


def options_from(ns: argparse.Namespace) -> Options:
    """Validate parsed flags and apply the defaults; raise `UsageError` with the reason."""
    from nto_performance.ppc.hints import HintsError, parse_power_mode, workload_hints

    command = ns.ppc_command or "create"
    if command not in ("create", "info") or ns.ppc_args:
        word = ns.ppc_args[0] if command in ("create", "info") else command
        hint = ""
        try:
            parse_bool(word)
        except argparse.ArgumentTypeError:
            hint = f"; commands: {', '.join(COMMANDS)}"
        else:
            hint = "; boolean flags take their value after '=', like --rt-kernel=false"
        raise UsageError(f"unknown command {word!r} for {PROG!r}{hint}")
    must_gather = ns.must_gather_dir_path or DEFAULT_MUST_GATHER
    if not os.path.isdir(must_gather):
        raise UsageError(
            f"must-gather path {must_gather!r} is not valid: no such directory; pass the "
            "directory 'oc adm must-gather' wrote with --must-gather-dir-path"
        )
    if command == "info":
        if ns.json and ns.text:
            raise UsageError("--json and --text cannot be used together; pick one")
    else:
        _require(ns, ["reserved_cpu_count", "rt_kernel"])
        if ns.json is not None or ns.text is not None:
            raise UsageError("--json and --text apply to the info command only")
        if ns.mcp_name and ns.node_pool_name:
            raise UsageError("--mcp-name and --node-pool-name cannot be used together")
        if not (ns.mcp_name or ns.node_pool_name):
            raise UsageError("exactly one of --mcp-name or --node-pool-name is required")
    policy = ns.topology_manager_policy or "restricted"
    if policy not in _TOPOLOGY_POLICIES:
        raise UsageError(
            f"--topology-manager-policy {policy!r} is not supported; use one of "
            f"{', '.join(_TOPOLOGY_POLICIES)}"
        )
    profile_name = ns.profile_name or "performance"
    if not _OBJECT_NAME.fullmatch(profile_name) or len(profile_name) > _MAX_NAME:
        raise UsageError(
            f"--profile-name {profile_name!r} is not a valid object name: use lower-case "
            "letters, digits, '-' and '.', starting and ending with a letter or digit, at most "
            f"{_MAX_NAME} characters (the API server refuses other names)"
        )
    split = bool(ns.split_reserved_cpus_across_numa)
    if split and policy == "single-numa-node":
        raise UsageError(
            "not appropriate to split reserved CPUs in case of topology-manager-policy: "
            "single-numa-node"
        )
    try:
        mode = parse_power_mode(ns.power_consumption_mode or "default")
        if command != "info":
            workload_hints(
                mode=mode,
                rt_kernel=bool(ns.rt_kernel),
                per_pod_power_management=bool(ns.per_pod_power_management),
            )
    except HintsError as error:
        raise UsageError(str(error)) from error
    return Options(
        command=command,
        must_gather_dir=must_gather,
        reserved_cpu_count=ns.reserved_cpu_count or 0,
        offlined_cpu_count=ns.offlined_cpu_count or 0,
        split_reserved_cpus_across_numa=split,
        mcp_name=ns.mcp_name or "",
        node_pool_name=ns.node_pool_name or "",
        disable_ht=bool(ns.disable_ht),
        rt_kernel=bool(ns.rt_kernel),
        user_level_networking=bool(ns.user_level_networking),
        power_consumption_mode=mode,
        profile_name=profile_name,
        topology_manager_policy=policy,
        per_pod_power_management=bool(ns.per_pod_power_management),
        enable_hardware_tuning=bool(ns.enable_hardware_tuning),
        json=bool(ns.json),
    )


def _require(ns: argparse.Namespace, names: list[str]) -> None:
    missing = ["--" + name.replace("_", "-") for name in names if getattr(ns, name) is None]
    if missing:
        raise UsageError(f"missing required flags: {', '.join(missing)}")


def main(argv: Sequence[str] | None = None, *, prog: str = PROG) -> int:
    """Run the creator; return the exit code (0, or 1 for bad usage or bad input)."""
    args = list(sys.argv[1:] if argv is None else argv)
    parser = build_parser(prog)
    try:
        ns = parser.parse_intermixed_args(_normalise_bools(args))
    except UsageError as error:
        return _usage_error(error, prog)
    except SystemExit as done:  # --help
        return done.code if isinstance(done.code, int) else 0
    return run_parsed(ns, prog=prog, parser=parser)


def run_parsed(
    ns: argparse.Namespace,
    *,
    prog: str = PROG,
    parser: argparse.ArgumentParser | None = None,
) -> int:
    """Run the creator from flags parsed by a parser that called `add_arguments`."""
    if ns.ppc_command in ("help", "completion"):
        return _builtin(ns, parser or build_parser(prog))
    try:
        options = options_from(ns)
    except UsageError as error:
        return _usage_error(error, prog)
    return execute(options)


def _builtin(ns: argparse.Namespace, parser: argparse.ArgumentParser) -> int:
    """cobra's ``help`` and ``completion`` commands (no must-gather needed, unlike the Go one)."""
    from nto.plugins.cli import SHELLS, completion_script, spec_from_parsers

    if ns.ppc_command == "help" or not ns.ppc_args:
        parser.print_help()
        return 0
    shell = ns.ppc_args[0]
    if shell not in SHELLS or len(ns.ppc_args) > 1:
        return _usage_error(
            UsageError(f"unknown shell {shell!r} for completion; use one of {', '.join(SHELLS)}"),
            parser.prog,
        )
    commands = {"info": ("show node CPUs", parser), "help": ("help", parser)}
    commands["completion"] = ("print a completion script", parser)
    spec = spec_from_parsers(parser.prog.split(" ")[-1], commands, parser)
    sys.stdout.write(completion_script(shell, spec))
    return 0


def _usage_error(error: UsageError, prog: str) -> int:
    sys.stderr.write(f"PPC: error: {error}\nPPC: run '{prog} --help' for the flags\n")
    return 1


def _say(stream: TextIO, message: str) -> None:
    stream.write(f"PPC: {message}\n")


def execute(options: Options) -> int:
    """Run a validated command: output on stdout on success, ``PPC: `` messages on stderr."""
    from nto_performance.ppc import run

    stderr: TextIO = sys.stderr
    try:
        output = run.run(options, warn=lambda message: _say(stderr, message))
    except run.INPUT_ERRORS as error:
        stderr.write(f"PPC: error: {error}\n")
        return 1
    sys.stdout.write(output)
    sys.stdout.flush()
    return 0


if __name__ == "__main__":
    sys.exit(main())

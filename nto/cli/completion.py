"""Shell completion scripts for bash, zsh, fish and PowerShell, generated from the parsers.

``<program> completion SHELL`` prints a script that completes the program's commands, each
command's flags, and file names after flags that take a value. The same generator serves
``cluster-node-tuning-operator`` (:mod:`nto.cli.commands.completion`) and the profile creator.
zsh loads the bash script through zsh's ``bashcompinit``. Standard library only. Neighbours:
:mod:`nto.cli.flags` (which flags take a value).
"""

from __future__ import annotations

import argparse
import re
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass
from typing import Final

from nto.cli.flags import value_flags

__all__ = ["SHELLS", "CompletionSpec", "completion_script", "spec_from_parsers"]

SHELLS: Final = ("bash", "zsh", "fish", "powershell")


@dataclass(frozen=True)
class CompletionSpec:
    """What to complete: commands (name to help and flags), the root's flags, valued flags."""

    program: str
    commands: Mapping[str, tuple[str, tuple[str, ...]]]
    root_flags: tuple[str, ...]
    valued: frozenset[str]


def _long_flags(parser: argparse.ArgumentParser) -> tuple[str, ...]:
    return tuple(
        sorted(
            option
            for action in parser._actions
            if action.help != argparse.SUPPRESS
            for option in action.option_strings
            if option.startswith("--")
        )
    )


def spec_from_parsers(
    program: str,
    commands: Mapping[str, tuple[str, argparse.ArgumentParser]],
    root: argparse.ArgumentParser,
) -> CompletionSpec:
    """A spec from a root parser (flags without a command) and one parser per command."""
    valued = set(value_flags(root))
    table: dict[str, tuple[str, tuple[str, ...]]] = {}
    for name, (help_text, parser) in commands.items():
        table[name] = (help_text, _long_flags(parser))
        valued |= value_flags(parser)
    return CompletionSpec(program, table, _long_flags(root), frozenset(valued))


def _function_name(program: str) -> str:
    return "_" + re.sub(r"[^A-Za-z0-9_]", "_", program) + "_complete"


def _bash(spec: CompletionSpec) -> str:
    name = _function_name(spec.program)
    cases = "\n".join(
        f'        {command}) words="{" ".join(flags)}";;'
        for command, (_, flags) in sorted(spec.commands.items())
    )
    root_words = " ".join([*sorted(spec.commands), *spec.root_flags])
    valued = "|".join(sorted(option for option in spec.valued if option.startswith("--")))
    load = f"source <({spec.program} completion bash)"
    return f"""# bash completion for {spec.program}; load with: {load}
{name}() {{
    local cur=${{COMP_WORDS[COMP_CWORD]}} prev=${{COMP_WORDS[COMP_CWORD-1]}}
    local command="" words="" skip="" index
    case "$prev" in
        {valued or "--"}) COMPREPLY=($(compgen -f -- "$cur")); return 0;;
    esac
    for ((index = 1; index < COMP_CWORD; index++)); do
        if [[ -n $skip ]]; then skip=""; continue; fi
        case "${{COMP_WORDS[index]}}" in
            {valued or "--"}) skip=1;;
            -*) ;;
            *) command=${{COMP_WORDS[index]}}; break;;
        esac
    done
    case "$command" in
{cases}
        *) words="{root_words}";;
    esac
    COMPREPLY=($(compgen -W "$words" -- "$cur"))
}}
complete -o default -F {name} {spec.program}
"""


def _zsh(spec: CompletionSpec) -> str:
    return (
        f"#compdef {spec.program}\n"
        f"# zsh completion for {spec.program}; load with: "
        f"source <({spec.program} completion zsh)\n"
        "autoload -U +X bashcompinit && bashcompinit\n" + _bash(spec)
    )


def _fish_quote(text: str) -> str:
    return "'" + text.replace("\\", "\\\\").replace("'", "\\'") + "'"


def _fish(spec: CompletionSpec) -> str:
    program = spec.program
    lines = [
        f"# fish completion for {program}; load with: {program} completion fish | source",
        f"complete -c {program} -f",
    ]
    names = " ".join(sorted(spec.commands))
    for command, (help_text, _) in sorted(spec.commands.items()):
        lines.append(
            f"complete -c {program} -n 'not __fish_seen_subcommand_from {names}' "
            f"-a {command} -d {_fish_quote(help_text)}"
        )
    for option in spec.root_flags:
        extra = " -r -F" if option in spec.valued else ""
        lines.append(
            f"complete -c {program} -n 'not __fish_seen_subcommand_from {names}' "
            f"-l {option[2:]}{extra}"
        )
    for command, (_, flags) in sorted(spec.commands.items()):
        for option in flags:
            extra = " -r -F" if option in spec.valued else ""
            lines.append(
                f"complete -c {program} -n '__fish_seen_subcommand_from {command}' "
                f"-l {option[2:]}{extra}"
            )
    return "\n".join(lines) + "\n"


def _ps_list(words: Sequence[str]) -> str:
    return "@(" + ", ".join("'" + word.replace("'", "''") + "'" for word in words) + ")"


def _powershell(spec: CompletionSpec) -> str:
    table = "\n".join(
        f"        '{command}' = {_ps_list(flags)}"
        for command, (_, flags) in sorted(spec.commands.items())
    )
    root = _ps_list([*sorted(spec.commands), *spec.root_flags])
    return f"""# PowerShell completion for {spec.program}; load with:
#   {spec.program} completion powershell | Out-String | Invoke-Expression
Register-ArgumentCompleter -Native -CommandName '{spec.program}' -ScriptBlock {{
    param($wordToComplete, $commandAst, $cursorPosition)
    $words = @{{
        '' = {root}
{table}
    }}
    $command = ''
    foreach ($element in ($commandAst.CommandElements | Select-Object -Skip 1)) {{
        $text = "$element"
        if ($text -eq $wordToComplete) {{ break }}
        if (-not $text.StartsWith('-') -and $words.ContainsKey($text)) {{ $command = $text; break }}
    }}
    $words[$command] | Where-Object {{ $_ -like "$wordToComplete*" }} | ForEach-Object {{
        [System.Management.Automation.CompletionResult]::new($_, $_, 'ParameterValue', $_)
    }}
}}
"""


_GENERATORS: Final[Mapping[str, Callable[[CompletionSpec], str]]] = {
    "bash": _bash,
    "zsh": _zsh,
    "fish": _fish,
    "powershell": _powershell,
}


def completion_script(shell: str, spec: CompletionSpec) -> str:
    """The completion script of `shell` (one of `SHELLS`)."""
    return _GENERATORS[shell](spec)

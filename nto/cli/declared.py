"""Commands a plugin declares, found and run without loading the plugins.

A plugin's commands come from its hook ``nto_cli_commands``, which needs pluggy, the plugin host
and every plugin imported: ~20 ms before a short command starts. A plugin may also declare a
command in the entry-point group ``nto.commands`` (``render = nto_performance.render.command:
COMMAND``, a :class:`~nto.plugins.types.CliCommand`). When the command line starts with such a
name, :func:`declared_command` imports only that object, and the CLI runs it with a plugin host
built on first use (most commands never ask for it).

It answers ``None``, and the CLI takes the full path through the plugin host, whenever the
declared command might not be what the host would run: the name is a core command or is
declared twice; the distribution that declares it does not declare exactly one plugin, or an
earlier distribution declares a plugin of that name (the host loads the first); that plugin is
disabled (``--disable-plugin``, ``NTO_DISABLED_PLUGINS``); hook tracing (``NTO_TRACE_HOOKS``)
is on; the process runs in HyperShift mode (``HYPERSHIFT=true``), where a plugin's hook may offer
other commands (the performance plugin offers no ``render`` there, like the reference); or the
object fails to import or is not a ``CliCommand`` of that name. The full path then reports the
failure as it always does. A test checks that each declaration is the command the plugin's hook
returns. Neighbours: :mod:`nto.cli.main`, :mod:`nto.plugins._entrypoints`.
"""

from __future__ import annotations

import os
from collections.abc import Collection, Iterable, Mapping

from nto.plugins._entrypoints import (
    COMMAND_GROUP,
    PLUGIN_GROUP,
    TRACE_ENV,
    disabled_from_env,
    scan,
)
from nto.plugins.command import CliCommand

__all__ = ["declared_command"]


def declared_command(
    name: str,
    *,
    core: Collection[str],
    disabled: Collection[str] = (),
    environ: Mapping[str, str] | None = None,
    path: Iterable[str] | None = None,
) -> CliCommand | None:
    """The command ``name`` a plugin declares, when running it needs no plugin host; else None.

    ``core`` are the core's command names (they win); ``disabled`` the plugins disabled on the
    command line, added to ``NTO_DISABLED_PLUGINS`` of ``environ`` (default the process's).
    Distributions are looked up on ``path`` (default ``sys.path``).
    """
    env = os.environ if environ is None else environ
    if name in core or name.startswith("-") or env.get(TRACE_ENV) or _hypershift(env):
        return None
    found = scan((PLUGIN_GROUP, COMMAND_GROUP), path=path)
    declarations = [e for e in found if e.group == COMMAND_GROUP and e.name == name]
    if len(declarations) != 1:
        return None
    (declaration,) = declarations
    plugins = [e for e in found if e.group == PLUGIN_GROUP]
    own = [e.name for e in plugins if e.metadata_dir == declaration.metadata_dir]
    if len(own) != 1:
        return None
    (plugin,) = own
    first = next(e for e in plugins if e.name == plugin)  # the host loads the first of a name
    if first.metadata_dir != declaration.metadata_dir:
        return None
    if plugin in disabled or plugin in disabled_from_env(env):
        return None
    try:
        command = declaration.load()
    except Exception:  # the full path loads the plugin and reports what is wrong
        return None
    if isinstance(command, CliCommand) and command.name == name:
        return command
    return None


def _hypershift(env: Mapping[str, str]) -> bool:
    """``HYPERSHIFT=true``, read as the operator settings read it."""
    return env.get("HYPERSHIFT", "").lower() == "true"

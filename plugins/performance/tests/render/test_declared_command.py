"""``render`` is declared in the entry-point group ``nto.commands`` as the hook's own command.

The CLI runs a declared command without loading the plugins (``nto.cli.declared``), so the
declaration must be exactly what hook ``nto_cli_commands`` returns.
"""

from __future__ import annotations

from nto.plugins._entrypoints import COMMAND_GROUP, entry_points
from nto_performance import plugin
from nto_performance.render import command


def test_render_is_declared_as_the_hook_returns_it() -> None:
    declared = {
        ep.name: ep.load()
        for ep in entry_points(COMMAND_GROUP)
        if ep.distribution()[0] == "nto-performance"
    }
    hooked = {c.name: c for c in plugin.nto_cli_commands()}
    assert declared == {"render": command.COMMAND}
    assert hooked["render"] is command.COMMAND

"""The hook markers of the ``nto`` project name.

Plugins decorate their implementations with :data:`hookimpl`; the hookspec module uses
:data:`hookspec`. Kept in a module of their own so that importing them costs only pluggy.
"""

import pluggy

PROJECT_NAME = "nto"
ENTRY_POINT_GROUP = "nto.plugins"

hookspec = pluggy.HookspecMarker(PROJECT_NAME)
hookimpl = pluggy.HookimplMarker(PROJECT_NAME)

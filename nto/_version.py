"""The project's version: a constant, because reading the installed distribution's metadata
(``importlib.metadata``) costs every command ~40 ms of start-up.

``tests/test_version.py`` fails when it drifts from ``pyproject.toml``.
"""

__version__ = "0.1.0"

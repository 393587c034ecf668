"""The version constant in ``nto._version`` matches the packaging metadata it stands in for."""

import tomllib
from importlib import metadata
from pathlib import Path

from nto import __version__

ROOT = Path(__file__).resolve().parents[1]


def test_version_matches_pyproject():
    project = tomllib.loads((ROOT / "pyproject.toml").read_text())["project"]
    assert __version__ == project["version"]


def test_version_matches_installed_distribution():
    assert __version__ == metadata.version("nto")

"""Fixtures of the operand tests: a temporary node root, the fake TuneD, Profile builders."""

from __future__ import annotations

import os
import stat
import sys
from pathlib import Path
from typing import Any

import pytest

from nto.operand.paths import OperandPaths

FAKE_TUNED = Path(__file__).with_name("fake_tuned.py")
NAMESPACE = "openshift-cluster-node-tuning-operator"


@pytest.fixture
def paths(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> OperandPaths:
    """A node root in a temp dir; ``NTO_OPERAND_ROOT`` points at it (the fake TuneD reads it)."""
    root = tmp_path / "node"
    root.mkdir()
    monkeypatch.setenv("NTO_OPERAND_ROOT", str(root))
    return OperandPaths(root)


@pytest.fixture
def fake_tuned(tmp_path: Path) -> str:
    """An executable that runs the fake TuneD with this interpreter."""
    wrapper = tmp_path / "tuned"
    wrapper.write_text(f'#!/bin/sh\nexec "{sys.executable}" "{FAKE_TUNED}" "$@"\n')
    wrapper.chmod(wrapper.stat().st_mode | stat.S_IXUSR)
    return str(wrapper)


def events(paths: OperandPaths) -> list[str]:
    """The fake TuneD's event log (``start debug=0 pid=...``, ``apply x``, ``reload``, ``term``)."""
    path = paths.root / "run" / "fake-tuned.events"
    return path.read_text().splitlines() if path.exists() else []


def kinds(paths: OperandPaths) -> list[str]:
    return [line.split()[0] for line in events(paths)]


def make_profile(
    node: str = "worker-0",
    *,
    recommended: str = "openshift-node",
    profiles: dict[str, str] | None = None,
    annotations: dict[str, str] | None = None,
    **config: Any,
) -> dict[str, Any]:
    """A Profile object for `node` (add ``debug=True``, ``providerName=...`` via `config`)."""
    if profiles is None:
        profiles = {recommended: "[main]\nsummary=test\n"}
    return {
        "apiVersion": "tuned.openshift.io/v1",
        "kind": "Profile",
        "metadata": {"name": node, "namespace": NAMESPACE, "annotations": annotations or {}},
        "spec": {
            "config": {"tunedProfile": recommended, **config},
            "profile": [{"name": name, "data": data} for name, data in profiles.items()],
        },
    }


def env_without(*keys: str) -> dict[str, str]:
    return {key: value for key, value in os.environ.items() if key not in keys}

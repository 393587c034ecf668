"""Follow docs/plugins.md from a blank directory: write the guide's plugin files, install them
with pip, see ``nto plugins`` list the plugin, and run its controller in the emulated cluster."""

from __future__ import annotations

import asyncio
import json
import os
import re
import subprocess
import sys
import threading
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest

from nto.operator.runtime import build_operator
from nto.operator.settings import OperatorSettings
from nto.plugins import build_plugin_host
from nto.testing import EmulatedCluster, wait_for

GUIDE = Path(__file__).resolve().parents[3] / "docs" / "plugins.md"
BLOCK = re.compile(r"^```(?:toml|python)\n# ([\w./-]+)[^\n]*\n(.*?)^```", re.M | re.S)
SEEN = "widgets.example.io/seen"


def guide_files() -> dict[str, str]:
    """Path -> text of every code block in the guide that starts with ``# <path>``."""
    return dict(BLOCK.findall(GUIDE.read_text()))


@pytest.fixture(scope="module")
def site(tmp_path_factory) -> Path:
    files = guide_files()
    assert {"pyproject.toml", "nto_widgets/plugin.py"} <= set(files), sorted(files)
    project = tmp_path_factory.mktemp("blank") / "nto-widgets"
    for relative, text in files.items():
        path = project / relative
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(text)
    target = project.parent / "site"
    command = [sys.executable, "-m", "pip", "install", "-q", "--no-deps", "--no-index"]
    command += ["--no-build-isolation", "--disable-pip-version-check", "--target", str(target)]
    result = subprocess.run(
        [*command, str(project)], capture_output=True, text=True, check=False, timeout=120
    )
    assert result.returncode == 0, result.stderr
    return target


def test_nto_plugins_lists_the_guide_plugin(site):
    env = {**os.environ, "PYTHONPATH": str(site)}
    result = subprocess.run(
        [sys.executable, "-m", "nto", "plugins", "--json"],
        capture_output=True,
        text=True,
        env=env,
        check=False,
        timeout=60,
    )
    assert result.returncode == 0, result.stderr
    plugins = {p["name"]: p for p in json.loads(result.stdout)["plugins"]}
    widgets = plugins["widgets"]
    assert widgets["distribution"] == "nto-widgets"
    assert widgets["version"] == "0.1.0"
    assert widgets["hooks"] == ["nto_rbac_rules", "nto_register_handlers"]
    assert widgets["errors"] == []


@pytest.fixture
def operator(site, emulated_cluster: EmulatedCluster, kubeconfig, monkeypatch) -> Iterator[None]:
    monkeypatch.syspath_prepend(str(site))
    host = build_plugin_host(disabled=("performance", "example"))
    assert "widgets" in {info.name for info in host.plugins() if info.enabled}
    settings = OperatorSettings(leader_election=False, metrics_insecure=True, metrics_port=0)
    running = build_operator(settings, host)
    stop = threading.Event()
    thread = threading.Thread(target=lambda: asyncio.run(running.run(stop_flag=stop)), daemon=True)
    thread.start()
    yield
    stop.set()
    thread.join(timeout=15)
    for name in [name for name in sys.modules if name.startswith("nto_widgets")]:
        del sys.modules[name]
    assert not thread.is_alive(), "the operator did not stop"
    assert host.failures == []


def seen(cluster: EmulatedCluster, name: str) -> Any:
    node = cluster.get("v1", "Node", name)
    return node and (node["metadata"].get("annotations") or {}).get(SEEN) == "true"


@pytest.mark.timeout(90)
def test_the_guide_plugin_controller_runs(emulated_cluster, operator):
    emulated_cluster.apply({"apiVersion": "v1", "kind": "Node", "metadata": {"name": "n1"}})
    wait_for(lambda: seen(emulated_cluster, "n1"), timeout=20, message="Node n1 marked")

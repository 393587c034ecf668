"""Our own render scenarios against their snapshot files (``hack/gen_render_snapshots.py``)."""

from __future__ import annotations

from pathlib import Path
from types import ModuleType

import pytest
import yaml

SCENARIOS_FILE = Path(__file__).parent / "fixtures" / "scenarios.yaml"
SCENARIOS = yaml.safe_load(SCENARIOS_FILE.read_text())


@pytest.mark.parametrize("name", list(SCENARIOS))
def test_scenario_matches_snapshot(snapshots_tool: ModuleType, name: str) -> None:
    problems = snapshots_tool.check_scenario(name, SCENARIOS[name])
    assert problems == [], (
        "\n".join(problems) + "\nrun: .venv/bin/python hack/gen_render_snapshots.py"
    )


def test_every_snapshot_dir_has_a_scenario(snapshots_tool: ModuleType) -> None:
    assert {p.name for p in snapshots_tool.SNAPSHOTS.iterdir()} == set(SCENARIOS)


def test_check_reports_changed_missing_and_extra_files(
    snapshots_tool: ModuleType, tmp_path: Path
) -> None:
    scenario = SCENARIOS["rt-hugepages"]
    snapshots = tmp_path / "snapshots"
    snapshots_tool.write_scenario("rt-hugepages", scenario, snapshots)
    directory = snapshots / "rt-hugepages"
    runtime_class = directory / "edge_runtimeclass.yaml"
    runtime_class.write_text(runtime_class.read_text().replace("high-performance", "runc"))
    (directory / "edge_tuned.yaml").unlink()
    (directory / "old_node.yaml").write_text("kind: Node\n")
    problems = snapshots_tool.check_scenario("rt-hugepages", scenario, snapshots)
    text = "\n".join(problems)
    assert len(problems) == 3
    assert "edge_runtimeclass.yaml: differs" in text
    assert "-handler: runc" in text
    assert "+handler: high-performance" in text
    assert "edge_tuned.yaml: missing snapshot" in text
    assert "old_node.yaml: extra snapshot" in text


def test_formatting_only_changes_are_not_drift(snapshots_tool: ModuleType, tmp_path: Path) -> None:
    scenario = SCENARIOS["pinned"]
    snapshots = tmp_path / "snapshots"
    snapshots_tool.write_scenario("pinned", scenario, snapshots)
    for path in (snapshots / "pinned").iterdir():
        path.write_text(yaml.safe_dump(yaml.safe_load(path.read_text()), default_flow_style=True))
    assert snapshots_tool.check_scenario("pinned", scenario, snapshots) == []

"""The light entry-point reader agrees with ``importlib.metadata`` and copes with odd metadata."""

from importlib import metadata
from pathlib import Path

import pytest

from nto.plugins._entrypoints import entry_points
from nto.plugins.markers import ENTRY_POINT_GROUP


def _dist(root: Path, dir_name: str, entry_points_txt: str, name: str, version: str) -> None:
    directory = root / dir_name
    directory.mkdir(parents=True)
    (directory / "entry_points.txt").write_text(entry_points_txt)
    (directory / "METADATA").write_text(
        f"Metadata-Version: 2.1\nName: {name}\nVersion: {version}\n\nName: not-a-header\n"
    )


@pytest.mark.parametrize("group", [ENTRY_POINT_GROUP, "console_scripts"])
def test_same_answer_as_importlib_metadata_on_this_environment(group):
    expected = {
        (ep.name, ep.value, ep.dist.name, ep.dist.version)
        for ep in metadata.entry_points(group=group)
    }  # type: ignore[union-attr]
    found = {(ep.name, ep.value, *ep.distribution()) for ep in entry_points(group)}
    assert {(n, v.split("[")[0].strip(), d, ver) for n, v, d, ver in expected} == found


def test_first_distribution_of_a_name_wins_and_extras_are_dropped(tmp_path):
    first, second = tmp_path / "first", tmp_path / "second"
    text = (
        "# comment\n; other comment\n[nto.plugins]\n"
        "widget = pkg.mod:obj.attr [extra]\n\n[other]\nx = y:z\n"
    )
    _dist(first, "nto_widget-1.0.dist-info", text, "nto-widget", "1.0")
    _dist(
        second,
        "nto.widget-2.0.dist-info",
        "[nto.plugins]\nwidget = old:thing\n",
        "nto-widget",
        "2.0",
    )
    found = entry_points("nto.plugins", path=[str(tmp_path / "missing"), str(first), str(second)])
    assert [(ep.name, ep.value, ep.distribution()) for ep in found] == [
        ("widget", "pkg.mod:obj.attr", ("nto-widget", "1.0"))
    ]


def test_unreadable_entries_are_skipped(tmp_path):
    archive = tmp_path / "lib.zip"
    archive.write_bytes(b"PK\x05\x06" + b"\0" * 18)
    no_entry_points = tmp_path / "site" / "bare-1.0.dist-info"
    no_entry_points.mkdir(parents=True)
    assert entry_points("nto.plugins", path=[str(archive), str(tmp_path / "site")]) == []


def test_load_resolves_module_and_dotted_attribute(tmp_path):
    _dist(tmp_path, "x-1.dist-info", "[g]\na = os.path:join\nb = json\n", "x", "1")
    loaded = {ep.name: ep.load() for ep in entry_points("g", path=[str(tmp_path)])}
    import json
    import os.path

    assert loaded == {"a": os.path.join, "b": json}

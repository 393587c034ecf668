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


@pytest.mark.parametrize(
    "directory",
    [
        "nto_widget-1.0.dist-info",
        "nto.widget-2.0.dist-info",
        "Foo__Bar..baz-0.1.egg-info",
        "_lead-1.dist-info",
        "plain.dist-info",
        "foo-.dist-info",
        "a-b-c.dist-info",
        "-1.0.dist-info",
        ".dist-info",
        "foo-1.0.dist-infox",
        "foo-1.0.tar.gz",
        "foo-1.0.DIST-INFO",
    ],
)
def test_directory_names_are_read_as_the_metadata_pattern_reads_them(directory):
    """The string reading of ``NAME[-VERSION].dist-info`` agrees with the pattern it replaced."""
    import re

    from nto.plugins._entrypoints import _normalized, _project_name

    match = re.match(r"^(?P<name>[^-]+)(?:-[^-]+)?\.(?:dist|egg)-info$", directory)
    assert _project_name(directory) == (match["name"] if match else None)
    if match:
        assert _normalized(match["name"]) == re.sub(r"[-_.]+", "_", match["name"]).lower()

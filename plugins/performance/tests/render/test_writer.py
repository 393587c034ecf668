"""All-or-nothing output writing."""

from __future__ import annotations

import os
from pathlib import Path

import pytest
import yaml

from nto_performance.render import writer
from nto_performance.render.errors import OutputError

OUTPUTS = {"b_tuned.yaml": {"kind": "Tuned", "spec": {"z": 1, "a": ["x"]}}, "a.yaml": {"k": "0"}}


def test_new_directory_is_created_whole(tmp_path: Path) -> None:
    out = tmp_path / "new"
    written = writer.write_outputs(OUTPUTS, out)
    assert [p.name for p in written] == ["a.yaml", "b_tuned.yaml"]
    assert {p.name: yaml.safe_load(p.read_text()) for p in out.iterdir()} == OUTPUTS
    assert all((p.stat().st_mode & 0o777) == 0o644 for p in out.iterdir())
    assert out.stat().st_mode & 0o777 == 0o755
    assert sorted(p.name for p in tmp_path.iterdir()) == ["new"]


def test_existing_directory_keeps_other_files(tmp_path: Path) -> None:
    (tmp_path / "keep.txt").write_text("mine")
    (tmp_path / "a.yaml").write_text("old")
    writer.write_outputs(OUTPUTS, tmp_path)
    assert (tmp_path / "keep.txt").read_text() == "mine"
    assert yaml.safe_load((tmp_path / "a.yaml").read_text()) == {"k": "0"}
    assert sorted(p.name for p in tmp_path.iterdir()) == ["a.yaml", "b_tuned.yaml", "keep.txt"]


def test_yaml_is_sorted_block_style() -> None:
    assert writer.dump_yaml({"b": {"y": [1]}, "a": "0"}) == "a: '0'\nb:\n  y:\n  - 1\n"


def test_failure_while_moving_leaves_directory_untouched(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    out = tmp_path / "out"
    out.mkdir()
    (out / "a.yaml").write_text("old")
    monkeypatch.setattr(os, "access", lambda *_args, **_kw: False)
    with pytest.raises(OutputError, match="nothing was written"):
        writer.write_outputs(OUTPUTS, out)
    assert [p.name for p in out.iterdir()] == ["a.yaml"]
    assert (out / "a.yaml").read_text() == "old"
    assert sorted(p.name for p in tmp_path.iterdir()) == ["out"]


def test_failure_while_staging_leaves_nothing(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    def full_disk(self: Path, *_args: object, **_kw: object) -> int:
        raise OSError(28, "No space left on device")

    monkeypatch.setattr(Path, "write_text", full_disk)
    with pytest.raises(OutputError, match="No space left on device"):
        writer.write_outputs(OUTPUTS, tmp_path / "out")
    assert list(tmp_path.iterdir()) == []


def test_staging_inside_when_parent_is_read_only(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    out = tmp_path / "out"
    out.mkdir()
    real = writer.tempfile.mkdtemp

    def no_parent(prefix: str, dir: Path) -> str:
        if Path(dir) == tmp_path:
            raise PermissionError(13, "Permission denied")
        return real(prefix=prefix, dir=dir)

    monkeypatch.setattr(writer.tempfile, "mkdtemp", no_parent)
    writer.write_outputs(OUTPUTS, out)
    assert sorted(p.name for p in out.iterdir()) == ["a.yaml", "b_tuned.yaml"]

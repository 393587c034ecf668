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
    real = writer._make_private_dir

    def no_parent(parent: Path, *, prefix: str) -> Path:
        if parent == tmp_path:
            raise PermissionError(13, "Permission denied")
        return real(parent, prefix=prefix)

    monkeypatch.setattr(writer, "_make_private_dir", no_parent)
    writer.write_outputs(OUTPUTS, out)
    assert sorted(p.name for p in out.iterdir()) == ["a.yaml", "b_tuned.yaml"]


def test_staging_directory_is_private_and_removed(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    seen: list[tuple[Path, int]] = []
    real = writer._make_private_dir

    def spy(parent: Path, *, prefix: str) -> Path:
        made = real(parent, prefix=prefix)
        seen.append((made, made.stat().st_mode & 0o777))
        return made

    monkeypatch.setattr(writer, "_make_private_dir", spy)
    (tmp_path / "out").mkdir()
    writer.write_outputs(OUTPUTS, tmp_path / "out")
    ((staging, mode),) = seen
    assert staging.parent == tmp_path
    assert staging.name.startswith(".out.render-")
    assert mode == 0o700
    assert not staging.exists()


def test_missing_parents_are_created(tmp_path: Path) -> None:
    out = tmp_path / "x" / "y" / "out"
    writer.write_outputs(OUTPUTS, out)
    assert sorted(p.name for p in out.iterdir()) == ["a.yaml", "b_tuned.yaml"]
    assert (tmp_path / "x").stat().st_mode & 0o777 == 0o755


def test_failure_removes_the_parents_it_created(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    def full_disk(self: Path, *_args: object, **_kw: object) -> int:
        raise OSError(28, "No space left on device")

    monkeypatch.setattr(Path, "write_text", full_disk)
    with pytest.raises(OutputError, match="nothing was written"):
        writer.write_outputs(OUTPUTS, tmp_path / "x" / "y" / "out")
    assert list(tmp_path.iterdir()) == []


def test_parent_that_is_a_file_is_refused(tmp_path: Path) -> None:
    (tmp_path / "file").write_text("keep")
    with pytest.raises(OutputError, match="is not a directory; nothing was written"):
        writer.write_outputs(OUTPUTS, tmp_path / "file" / "deeper" / "out")
    assert [p.name for p in tmp_path.iterdir()] == ["file"]


def test_directory_in_the_way_moves_nothing(tmp_path: Path) -> None:
    out = tmp_path / "out"
    out.mkdir()
    (out / "a.yaml").write_text("old")
    (out / "b_tuned.yaml").mkdir()
    with pytest.raises(OutputError, match=r"'b_tuned\.yaml' is a directory.*nothing was written"):
        writer.write_outputs(OUTPUTS, out)
    assert (out / "a.yaml").read_text() == "old"
    assert sorted(p.name for p in out.iterdir()) == ["a.yaml", "b_tuned.yaml"]
    assert sorted(p.name for p in tmp_path.iterdir()) == ["out"]


def test_failure_part_way_puts_old_files_back(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    out = tmp_path / "out"
    out.mkdir()
    (out / "a.yaml").write_text("old")
    real = os.replace
    calls: list[str] = []

    def second_fails(src: str | Path, dst: str | Path) -> None:
        calls.append(str(dst))
        if len(calls) == 2:
            raise OSError(5, "Input/output error")
        real(src, dst)

    monkeypatch.setattr(writer.os, "replace", second_fails)
    with pytest.raises(OutputError, match="Input/output error; nothing was written"):
        writer.write_outputs(OUTPUTS, out)
    assert [p.name for p in out.iterdir()] == ["a.yaml"]
    assert (out / "a.yaml").read_text() == "old"
    assert sorted(p.name for p in tmp_path.iterdir()) == ["out"]


def test_failed_roll_back_tells_what_was_replaced(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    out = tmp_path / "out"
    out.mkdir()
    (out / "a.yaml").write_text("old")
    real = os.replace
    calls: list[str] = []

    def fail_from_second(src: str | Path, dst: str | Path) -> None:
        calls.append(str(dst))
        if len(calls) >= 2:
            raise OSError(5, "Input/output error")
        real(src, dst)

    monkeypatch.setattr(writer.os, "replace", fail_from_second)
    with pytest.raises(OutputError, match=r"1 of 2 files were replaced.*restored: a\.yaml") as err:
        writer.write_outputs(OUTPUTS, out)
    assert "nothing was written" not in str(err.value)
    kept = next(tmp_path.glob(".out.render-*/.previous/a.yaml"))
    assert kept.read_text() == "old"

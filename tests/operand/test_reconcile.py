"""Files on the node and the reload/restart/defer decision, without API or processes."""

from __future__ import annotations

import dataclasses

import pytest

from nto.operand.change import Change, DeferredMode
from nto.operand.deferred import recover, write_pending
from nto.operand.files import (
    atomic_write,
    read_bootcmdline,
    read_recommend,
    unpack_profiles,
)
from nto.operand.parser import Expander
from nto.operand.prepare import prepare_tuned_dir, read_main_option, set_reapply_sysctl
from nto.operand.reconcile import Actions, apply_change, recover_state

NO_EXEC = Expander(lambda argv: "")


def change(**overrides):
    base = Change(
        recommended="child",
        profiles={"child": "[main]\ninclude=parent\n", "parent": "[main]\n", "other": "[main]\n"},
    )
    return dataclasses.replace(base, **overrides)


def test_unpack_writes_and_removes_stale(paths):
    stale = paths.profiles_dir / "stale"
    stale.mkdir(parents=True)
    (stale / "tuned.conf").write_text("old")
    (paths.profiles_dir / "stray-file").write_text("x")
    result = unpack_profiles(paths.profiles_dir, {"a": "A", "b": "B"})
    assert sorted(p.name for p in paths.profiles_dir.iterdir()) == ["a", "b"]
    assert (paths.profiles_dir / "a" / "tuned.conf").read_text() == "A"
    assert result.changed == {"a", "b"}
    assert result.removed == {"stale", "stray-file"}
    assert unpack_profiles(paths.profiles_dir, {"a": "A", "b": "B"}).changed == set()


def test_unpack_replaces_a_symlink_instead_of_following_it(paths, tmp_path):
    outside = tmp_path / "outside"
    outside.mkdir()
    paths.profiles_dir.mkdir(parents=True)
    (paths.profiles_dir / "a").symlink_to(outside)
    unpack_profiles(paths.profiles_dir, {"a": "A"})
    assert list(outside.iterdir()) == []
    assert (paths.profiles_dir / "a" / "tuned.conf").read_text() == "A"


def test_atomic_write_leaves_no_temp_files(paths):
    target = paths.root / "d" / "f"
    atomic_write(target, "one")
    atomic_write(target, "two")
    assert [p.name for p in target.parent.iterdir()] == ["f"]
    assert target.read_text() == "two"
    assert oct(target.stat().st_mode & 0o777) == "0o644"


@pytest.mark.parametrize(
    ("text", "value"),
    [
        ('TUNED_BOOT_CMDLINE="a b"\n', "a b"),
        ("TUNED_BOOT_CMDLINE='a b'\n", "a b"),
        ("TUNED_BOOT_CMDLINE=x\nTUNED_BOOT_CMDLINE=y\n", "y"),
        ("OTHER=1\n", ""),
        ('TUNED_BOOT_CMDLINE="\n', '"'),
    ],
    ids=["double-quotes", "single-quotes", "last-wins", "absent", "lone-quote"],
)
def test_read_bootcmdline(paths, text, value):
    atomic_write(paths.bootcmdline_file, text)
    assert read_bootcmdline(paths.bootcmdline_file) == value


def test_prepare_mirrors_orig_and_links_recommend(paths):
    (paths.tuned_etc_orig_dir / "recommend.d").mkdir(parents=True)
    (paths.tuned_etc_orig_dir / "tuned-main.conf").write_text("daemon = 1\n")
    paths.tuned_etc_dir.mkdir(parents=True)
    (paths.tuned_etc_dir / "leftover").write_text("x")
    prepare_tuned_dir(paths)
    prepare_tuned_dir(paths)
    assert not (paths.tuned_etc_dir / "leftover").exists()
    assert paths.recommend_link.resolve() == paths.recommend_dir.resolve()
    assert read_main_option(paths, "daemon") == "1"


@pytest.mark.parametrize(
    ("existing", "enabled", "changed", "written"),
    [
        ("reapply_sysctl = 1\n", True, False, "1"),
        ("reapply_sysctl = true\n", True, False, "true"),
        ("reapply_sysctl = 1\n", False, True, "0"),
        ("daemon = 1\n", False, True, "0"),
        (None, True, True, "1"),
    ],
    ids=["same", "same-spelled-true", "flip", "missing-key", "missing-file"],
)
def test_reapply_sysctl(paths, existing, enabled, changed, written):
    if existing is not None:
        atomic_write(paths.tuned_main_conf, existing)
    assert set_reapply_sysctl(paths, enabled) is changed
    assert read_main_option(paths, "reapply_sysctl") == written


# --- change detection ----------------------------------------------------------------------


def first_apply(paths, **overrides):
    state = recover_state(paths)
    actions = apply_change(paths, state, change(**overrides), NO_EXEC)
    return state, actions


def test_first_change_writes_everything_and_reloads(paths):
    _, actions = first_apply(paths, provider="aws")
    assert actions == Actions(reload=True, restart=True)
    assert read_recommend(paths.recommend_file) == "child"
    assert paths.recommend_file.read_text() == "[child]\n"
    assert paths.provider_file.read_text() == "aws"
    assert read_main_option(paths, "reapply_sysctl") == "1"


@pytest.mark.parametrize(
    ("overrides", "expected"),
    [
        ({}, Actions()),
        (
            {"profiles": {"child": "[main]\ninclude=parent\n", "parent": "[x]\n"}},
            Actions(reload=True),
        ),
        (
            {"profiles": {"child": "[main]\ninclude=parent\n", "parent": "[main]\n", "other": "1"}},
            Actions(),
        ),
        ({"profiles": {"child": "[main]\ninclude=parent\n"}}, Actions(reload=True)),
        ({"recommended": "other"}, Actions(reload=True)),
        ({"provider": "gcp"}, Actions(reload=True)),
        ({"reapply_sysctl": False}, Actions(restart=True)),
        ({"debug": True}, Actions(restart=True, debug=True)),
    ],
    ids=[
        "nothing",
        "dependency-data",
        "unrelated-profile",
        "dependency-removed",
        "new-recommended",
        "provider",
        "reapply-sysctl",
        "debug",
    ],
)
def test_what_a_second_change_does(paths, overrides, expected):
    state, _ = first_apply(paths)
    assert apply_change(paths, state, change(**overrides), NO_EXEC) == expected


def test_self_include_pulls_in_the_system_profile(paths):
    system = paths.system_profiles_dir
    (system / "openshift").mkdir(parents=True)
    (system / "openshift" / "tuned.conf").write_text("[main]\ninclude=base\n")
    profiles = {"openshift": "[main]\ninclude=-provider-x,openshift\n", "base": "[main]\n"}
    state, _ = first_apply(paths, recommended="openshift", profiles=profiles)
    edited = {**profiles, "base": "[sysctl]\nx=1\n"}
    actions = apply_change(paths, state, change(recommended="openshift", profiles=edited), NO_EXEC)
    assert actions.reload


# --- deferred ------------------------------------------------------------------------------

ALWAYS = {"deferred": DeferredMode.ALWAYS}
UPDATE = {"deferred": DeferredMode.UPDATE}
EDITED = {"profiles": {"child": "[main]\ninclude=parent\n[sysctl]\nvm.swappiness=41\n"}}


def test_always_defers_an_edit_and_writes_pending_files(paths):
    state, _ = first_apply(paths)
    actions = apply_change(paths, state, change(**ALWAYS, **EDITED), NO_EXEC)
    assert actions.deferred
    assert paths.ephemeral_pending_file.exists()
    assert len(paths.persistent_pending_file.read_text()) == 64
    assert (paths.profiles_dir / "child" / "tuned.conf").read_text().endswith("=41\n")
    back = apply_change(paths, state, change(), NO_EXEC)
    assert back == Actions(reload=True)
    assert not paths.persistent_pending_file.exists()


def test_always_with_the_running_profile_is_not_deferred(paths):
    state, _ = first_apply(paths)
    assert apply_change(paths, state, change(**ALWAYS), NO_EXEC) == Actions()


def test_update_applies_a_switch_but_defers_an_edit(paths):
    state, _ = first_apply(paths, recommended="other")
    switched = apply_change(paths, state, change(**UPDATE), NO_EXEC)
    assert switched == Actions(reload=True)
    edited = apply_change(paths, state, change(**UPDATE, **EDITED), NO_EXEC)
    assert edited.deferred


def test_pending_survives_a_daemon_restart(paths):
    state, _ = first_apply(paths)
    apply_change(paths, state, change(**ALWAYS, **EDITED), NO_EXEC)
    restarted = recover_state(paths)
    assert not restarted.node_restart
    assert apply_change(paths, restarted, change(**ALWAYS, **EDITED), NO_EXEC).deferred


def test_update_mode_daemon_restart_is_not_a_switch(paths):
    state, _ = first_apply(paths, **UPDATE)
    apply_change(paths, state, change(**UPDATE, **EDITED), NO_EXEC)
    restarted = recover_state(paths)
    assert restarted.recovered_recommended == "child"
    assert apply_change(paths, restarted, change(**UPDATE, **EDITED), NO_EXEC).deferred


def test_pending_is_applied_after_a_reboot(paths):
    state, _ = first_apply(paths)
    apply_change(paths, state, change(**ALWAYS, **EDITED), NO_EXEC)
    paths.ephemeral_pending_file.unlink()  # /run is a tmpfs: a reboot empties it
    rebooted = recover_state(paths)
    assert rebooted.node_restart
    actions = apply_change(paths, rebooted, change(**ALWAYS, **EDITED), NO_EXEC)
    assert actions == Actions(reload=True)
    assert not paths.persistent_pending_file.exists()
    restarted = recover_state(paths)
    assert apply_change(paths, restarted, change(**ALWAYS, **EDITED), NO_EXEC) == Actions(
        reload=True
    )


def test_recover_consumes_the_persistent_file(paths):
    write_pending(paths, "f" * 64)
    first = recover(paths)
    assert (first.pending, first.node_restart) == ("f" * 64, False)
    assert recover(paths).pending is None

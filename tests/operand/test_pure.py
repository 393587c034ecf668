"""Pure parts of the operand: names, fingerprints, log lines, conditions, changes, the parser."""

from __future__ import annotations

import pytest

from nto.operand.change import DeferredMode, change_from_profile, deferred_mode
from nto.operand.files import InvalidProfileError, check_profile_name, check_profiles
from nto.operand.fingerprint import mapping_fingerprint, profiles_fingerprint
from nto.operand.logparse import TunedReport, feed_line
from nto.operand.parser import Expander
from nto.operand.status import compute_conditions, invalid_conditions, same_conditions, stamp

from .conftest import make_profile

# --- profile names -------------------------------------------------------------------------


@pytest.mark.parametrize(
    "name",
    ["openshift-node", "a", "provider-aws", "my_profile.v2", "x" * 255],
    ids=["plain", "one-char", "provider", "dots-underscores", "255-chars"],
)
def test_good_profile_names(name):
    assert check_profile_name(name) == name


@pytest.mark.parametrize(
    ("name", "fragment"),
    [
        ("../x", "not a valid TuneD profile name"),
        ("/abs", "not a valid TuneD profile name"),
        ("a\0b", "not a valid TuneD profile name"),
        ("x" * 300, "300 characters long"),
        ("prófil", "not a valid TuneD profile name"),
        ("..", "not a valid TuneD profile name"),
        (".", "not a valid TuneD profile name"),
        ("a/b", "not a valid TuneD profile name"),
        ("a,b", "not a valid TuneD profile name"),
        (" a", "not a valid TuneD profile name"),
        ("", "empty"),
        (None, "empty or not a string"),
        (7, "empty or not a string"),
    ],
    ids=[
        "traversal",
        "absolute",
        "nul",
        "300-chars",
        "unicode",
        "dotdot",
        "dot",
        "slash",
        "comma",
        "space",
        "empty",
        "none",
        "int",
    ],
)
def test_hostile_profile_names_are_rejected(name, fragment):
    with pytest.raises(InvalidProfileError, match=fragment):
        check_profile_name(name)


def test_check_profiles_names_the_entry_and_skips_missing_data():
    assert check_profiles([{"name": "a", "data": "x"}, {"name": "b"}]) == {"a": "x"}
    with pytest.raises(InvalidProfileError, match=r"spec\.profile\[1\]\.name '\.\./etc'"):
        check_profiles([{"name": "a", "data": ""}, {"name": "../etc", "data": ""}])


def test_huge_profile_data_is_rejected():
    with pytest.raises(InvalidProfileError, match="bytes; keep TuneD profiles under"):
        check_profiles([{"name": "big", "data": "x" * (10 * 1024 * 1024)}])


# --- fingerprint ---------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("profiles", "expected"),
    [
        ([], "e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855"),
        (
            [{"name": "test-name", "data": "test-data"}],
            "a186000422feab857329c684e9fe91412b1a5db084100b37a98cfc95b62aa867",
        ),
        (
            [
                {"name": "test-name-2", "data": "test-data-2"},
                {"name": "test-name-1", "data": "test-data-1"},
            ],
            "72e7e1930db49379e31aa370d4274f9caada231c775a704db7e78dc856e67662",
        ),
        (
            [
                {"name": "test-name-1", "data": "test-data-1"},
                {"name": "test-name-3"},
                {"data": "orphan"},
                {"name": "test-name-2", "data": "test-data-2"},
            ],
            "72e7e1930db49379e31aa370d4274f9caada231c775a704db7e78dc856e67662",
        ),
    ],
    ids=["empty", "minimal", "two-reversed", "skips-incomplete"],
)
def test_reference_fingerprints(profiles, expected):
    assert profiles_fingerprint(profiles) == expected


def test_fingerprint_covers_the_recommended_name():
    profiles = {"a": "x"}
    assert mapping_fingerprint(profiles, "a") != mapping_fingerprint(profiles, "b")
    assert mapping_fingerprint(profiles) == profiles_fingerprint([{"name": "a", "data": "x"}])


# --- log lines -> conditions ---------------------------------------------------------------

STAMP = "2025-01-01 10:00:00,123"
APPLIED = (
    f"{STAMP} INFO     tuned.daemon.daemon: static tuning from profile 'openshift-node' applied"
)
WARN = f"{STAMP} WARNING  tuned.plugins.base: instance cpu: no matching devices"
ERR = f"{STAMP} ERROR    tuned.plugins.plugin_sysfs: Failed to set 'x'"
SYSCTL = (
    f"{STAMP} INFO     tuned.plugins.plugin_sysctl: Overriding sysctl parameter "
    "'net.ipv4.ip_forward' from '1' to '0'"
)
SYSCTL_SAME = SYSCTL.replace("to '0'", "to '1'")
RELOAD_FAIL = f"{STAMP} ERROR    tuned.daemon.controller: Failed to reload TuneD: boom"
NO_PROFILE = (
    f"{STAMP} ERROR    tuned.daemon.daemon: Cannot set initial profile. No tunings will be "
    "enabled: Requested profile 'x' doesn't exist."
)
WARN_MSG = "WARNING  tuned.plugins.base: instance cpu: no matching devices"
ERR_MSG = "ERROR    tuned.plugins.plugin_sysfs: Failed to set 'x'"


def _conditions(lines, deferred=False):
    report = TunedReport(reloading=True, deferred=deferred)
    for line in lines:
        feed_line(report, line)
    return [(c["status"], c["reason"], c["message"]) for c in compute_conditions(report)]


@pytest.mark.parametrize(
    ("lines", "deferred", "applied", "degraded"),
    [
        (
            [],
            False,
            ("False", "Failed", "The TuneD daemon profile not yet applied, or application failed."),
            (
                "False",
                "AsExpected",
                "No warning or error messages observed applying the TuneD daemon profile.",
            ),
        ),
        (
            [APPLIED],
            False,
            ("True", "AsExpected", "TuneD profile applied."),
            (
                "False",
                "AsExpected",
                "No warning or error messages observed applying the TuneD daemon profile.",
            ),
        ),
        (
            [WARN, APPLIED],
            False,
            ("True", "AsExpected", "TuneD profile applied."),
            (
                "False",
                "TunedWarning",
                "No error messages observed by applying the TuneD daemon profile, only "
                f"warning(s). TuneD stderr: {WARN_MSG}",
            ),
        ),
        (
            [ERR, WARN, APPLIED],
            False,
            ("True", "AsExpected", "TuneD profile applied."),
            (
                "True",
                "TunedError",
                "TuneD daemon issued one or more error message(s) during profile application. "
                f"TuneD stderr: {ERR_MSG}",
            ),
        ),
        (
            [SYSCTL, APPLIED],
            False,
            ("True", "AsExpected", "TuneD profile applied."),
            (
                "True",
                "TunedSysctlOverride",
                "TuneD daemon issued one or more sysctl override message(s) during profile "
                "application. Use reapply_sysctl=true or remove conflicting sysctl "
                "net.ipv4.ip_forward",
            ),
        ),
        (
            [SYSCTL_SAME, APPLIED],
            False,
            ("True", "AsExpected", "TuneD profile applied."),
            (
                "False",
                "AsExpected",
                "No warning or error messages observed applying the TuneD daemon profile.",
            ),
        ),
        (
            [],
            True,
            ("False", "Deferred", "The TuneD daemon profile is waiting for the next node restart"),
            ("True", "TunedDeferredUpdate", "Profile will be applied at the next node restart"),
        ),
        (
            [ERR],
            True,
            (
                "False",
                "Deferred",
                f"The TuneD daemon profile is waiting for the next node restart: {ERR_MSG}",
            ),
            (
                "True",
                "TunedError",
                "TuneD daemon issued one or more error message(s) during profile application. "
                f"TuneD stderr: {ERR_MSG}",
            ),
        ),
        (
            [WARN],
            True,
            (
                "False",
                "Deferred",
                f"The TuneD daemon profile is waiting for the next node restart: {WARN_MSG}",
            ),
            (
                "True",
                "TunedDeferredUpdate",
                f"Profile will be applied at the next node restart: {WARN_MSG}",
            ),
        ),
        (
            [NO_PROFILE],
            False,
            ("False", "Failed", "The TuneD daemon profile not yet applied, or application failed."),
            (
                "True",
                "TunedError",
                "TuneD daemon issued one or more error message(s) during profile application. "
                "TuneD stderr: ERROR    tuned.daemon.daemon: Cannot set initial profile. No "
                "tunings will be enabled: Requested profile 'x' doesn't exist.",
            ),
        ),
    ],
    ids=[
        "nothing",
        "applied",
        "warning",
        "error-wins",
        "sysctl-override",
        "sysctl-same-value",
        "deferred",
        "deferred-error",
        "deferred-warning",
        "missing-profile",
    ],
)
def test_log_lines_to_conditions(lines, deferred, applied, degraded):
    assert _conditions(lines, deferred) == [applied, degraded]


@pytest.mark.parametrize(
    ("line", "ends"),
    [
        (APPLIED, True),
        (RELOAD_FAIL, True),
        (NO_PROFILE, True),
        (WARN, False),
        (ERR, False),
        ("garbage \x00\xff line", False),
        ("", False),
    ],
    ids=["applied", "reload-failed", "no-profile", "warning", "error", "garbage", "empty"],
)
def test_reload_end_lines(line, ends):
    report = TunedReport(reloading=True)
    assert feed_line(report, line) is ends
    assert report.reloading is not ends


def test_unknown_bit_and_invalid_conditions():
    report = TunedReport(unknown=True)
    assert [c["status"] for c in compute_conditions(report)] == ["Unknown", "Unknown"]
    applied, degraded = invalid_conditions("bad name")
    assert (applied["reason"], degraded["status"], degraded["reason"]) == (
        "Failed",
        "True",
        "InvalidProfile",
    )


def test_stamp_keeps_transition_time_while_status_holds():
    old = [{"type": "Applied", "status": "True", "lastTransitionTime": "T0"}]
    new = compute_conditions(TunedReport(applied=True))
    stamped = stamp(new, old, "T1")
    assert [c["lastTransitionTime"] for c in stamped] == ["T0", "T1"]
    assert same_conditions(stamped, new)
    assert not same_conditions(old, new)


# --- Profile -> Change ---------------------------------------------------------------------


@pytest.mark.parametrize(
    ("annotations", "mode"),
    [
        ({"tuned.openshift.io/deferred": "always"}, DeferredMode.ALWAYS),
        ({"tuned.openshift.io/deferred": "update"}, DeferredMode.UPDATE),
        ({"tuned.openshift.io/deferred": "Always"}, DeferredMode.NEVER),
        ({"tuned.openshift.io/Deferred": "always"}, DeferredMode.NEVER),
        ({"tuned.openshift.io/deferred": ""}, DeferredMode.NEVER),
        (None, DeferredMode.NEVER),
    ],
    ids=["always", "update", "case-value", "case-key", "empty", "none"],
)
def test_deferred_mode(annotations, mode):
    assert deferred_mode(annotations) is mode


def test_change_from_profile_copies_the_config():
    profile = make_profile(
        debug=True,
        providerName="aws",
        verbosity=3,
        tunedConfig={"reapply_sysctl": False},
        annotations={"tuned.openshift.io/bootcmdline-deps": "4.20,default:1"},
    )
    change = change_from_profile(profile)
    assert (change.recommended, change.provider, change.debug, change.verbosity) == (
        "openshift-node",
        "aws",
        True,
        3,
    )
    assert change.reapply_sysctl is False
    assert change.bootcmdline_deps == "4.20,default:1"
    assert change_from_profile(make_profile()).reapply_sysctl is True


@pytest.mark.parametrize(
    "profile",
    [
        make_profile(recommended="../../etc"),
        make_profile(profiles={"/abs": ""}),
        {"metadata": {"name": "w"}, "spec": "nonsense"},
    ],
    ids=["recommended-traversal", "profile-absolute", "malformed-spec"],
)
def test_change_from_bad_profile_raises(profile):
    with pytest.raises(InvalidProfileError):
        change_from_profile(profile)


# --- parser: built-in expansion --------------------------------------------------------------


def _fake_run(argv):
    if argv[0] == "printf":
        return argv[1] % tuple(argv[2:]) if len(argv) > 2 else argv[1]
    if argv[0] == "virt-what":
        return "kvm\n"
    if argv[0] == "lscpu":
        return "Architecture: aarch64\nVendor ID: ARM\n"
    raise OSError(f"no such command {argv[0]}")


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("${f:exec:printf:hello}", "hello"),
        ("a-${f:exec:printf:%s:x}-b", "a-x-b"),
        ("${f:exec:printf:${f:exec:printf:nested}}", "nested"),
        ("${f:${f:exec:printf:exec}:printf:fn}", "fn"),
        ("${f:exec:printf:a\\:b}", "a:b"),
        ("$cloudX", "$cloudX"),
        ("$$", "$$"),
        ("${}", "${}"),
        ("x${f:exec:printf:y", "x${f:exec:printf:y"),
        ("${f:unknown:1}", "${f:unknown:1}"),
        ("${f:virt_check:virtual-guest:throughput-performance}", "virtual-guest"),
        ("${f:lscpu_check:Vendor ID\\:\\s*ARM:arm:intel}", "arm"),
        ("${f:lscpu_check:Vendor ID\\:\\s*Intel:intel:fallback}", "fallback"),
        ("${f:lscpu_check:only-one}", ""),
        ("${f:exec:missing-command}", ""),
    ],
    ids=[
        "exec",
        "embedded",
        "nested-arg",
        "nested-name",
        "escaped-colon",
        "dollar-word",
        "double-dollar",
        "empty-braces",
        "unterminated",
        "unsupported",
        "virt-check",
        "lscpu-match",
        "lscpu-fallback",
        "lscpu-too-few-args",
        "exec-fails",
    ],
)
def test_builtin_expansion(text, expected):
    assert Expander(_fake_run).expand(text) == expected

"""``ocp-tuned-one-shot.service`` as a node's systemd sees it, and what it mounts for the operand.

The rendered unit is checked by the real ``systemd-analyze verify`` (Debian package ``systemd``,
installed by hack/install-system-deps.sh) in a temporary root that holds only stub targets and stub
executables, so a bad setting, a missing dependency or a command that is not there fails the test.
Its properties are then asserted one by one: pull credentials and proxy, the kubelet's dependency
on it, restart on failure, container clean-up on stop, and mounts that cover exactly the host paths
``ocp-tuned --one-shot`` writes (found by running the operand's one-shot code in a temporary root).
"""

from __future__ import annotations

import shlex
import shutil
import stat
import subprocess
from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest

from nto.operand.oneshot import run_one_shot
from nto.operand.paths import OperandPaths
from nto_api.performance.v2 import PerformanceProfile
from nto_performance.components.machineconfig import render
from nto_performance.components.options import RenderOptions

ProfileBuilder = Callable[..., PerformanceProfile]

UNIT = "ocp-tuned-one-shot.service"
CONTAINER = "openshift-tuned"
# Units and commands the node has and the unit refers to; stubs in the verify root stand for them.
STUB_UNITS = ("sysinit.target", "basic.target", "shutdown.target", "kubelet-dependencies.target")
STUB_COMMANDS = ("/usr/bin/podman", "/usr/bin/mkdir")
SYSTEMD_ANALYZE = shutil.which("systemd-analyze")
needs_systemd = pytest.mark.skipif(
    SYSTEMD_ANALYZE is None,
    reason="systemd-analyze not installed (Debian package systemd; hack/install-system-deps.sh)",
)

Sections = dict[str, list[tuple[str, str]]]


def rendered_unit(make_profile: ProfileBuilder) -> str:
    mc = render(make_profile(), RenderOptions())
    units: list[dict[str, Any]] = mc["spec"]["config"]["systemd"]["units"]
    [unit] = [u for u in units if u["name"] == UNIT]
    assert unit["enabled"] is True
    contents: str = unit["contents"]
    return contents


def parse_unit(text: str) -> Sections:
    """Sections of a unit file as systemd reads them: comments dropped, ``\\`` lines joined."""
    sections: Sections = {}
    current: list[tuple[str, str]] | None = None
    pending = ""
    for raw in text.splitlines():
        if not pending and (not raw.strip() or raw.lstrip().startswith(("#", ";"))):
            continue
        line = pending + raw
        if line.endswith("\\"):
            pending = line[:-1] + " "
            continue
        pending = ""
        if line.startswith("[") and line.endswith("]"):
            current = sections.setdefault(line[1:-1], [])
            continue
        key, sep, value = line.partition("=")
        assert sep, f"bad unit line {line!r}"
        assert current is not None, f"unit line {line!r} before any section"
        current.append((key.strip(), value.strip()))
    assert not pending, "the unit ends inside a continued line"
    return sections


def values(section: list[tuple[str, str]], key: str) -> list[str]:
    return [value for k, value in section if k == key]


def podman_run(sections: Sections) -> list[str]:
    [exec_start] = values(sections["Service"], "ExecStart")
    argv = shlex.split(exec_start)
    assert argv[:2] == ["/usr/bin/podman", "run"], exec_start
    return argv


def option_values(argv: list[str], option: str) -> list[str]:
    found = []
    for index, arg in enumerate(argv):
        if arg == option:
            found.append(argv[index + 1])
        elif arg.startswith(option + "="):
            found.append(arg.split("=", 1)[1])
    return found


def volumes(argv: list[str]) -> dict[str, tuple[str, set[str]]]:
    """Container path -> (host path, options) of every ``--volume``."""
    mounts = {}
    for spec in option_values(argv, "--volume"):
        host, container, options = spec.split(":")
        assert container not in mounts, f"{container} mounted twice"
        mounts[container] = (host, set(options.split(",")))
    return mounts


# --- systemd's own check ------------------------------------------------------------------------


def verify(unit_text: str, root: Path) -> subprocess.CompletedProcess[str]:
    """``systemd-analyze verify`` of `unit_text` in a stub root under `root`."""
    unit_dir = root / "etc" / "systemd" / "system"
    unit_dir.mkdir(parents=True, exist_ok=True)
    for name in STUB_UNITS:
        (unit_dir / name).write_text(f"[Unit]\nDescription=stub {name}\n")
    for command in STUB_COMMANDS:
        path = root / command.lstrip("/")
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text("#!/bin/sh\nexit 0\n")
        path.chmod(path.stat().st_mode | stat.S_IXUSR)
    (unit_dir / UNIT).write_text(unit_text)
    assert SYSTEMD_ANALYZE is not None
    return subprocess.run(
        [SYSTEMD_ANALYZE, "verify", "--man=no", "--generators=no", f"--root={root}", UNIT],
        capture_output=True,
        text=True,
        check=False,
        timeout=60,
    )


@needs_systemd
def test_systemd_accepts_the_unit(make_profile: ProfileBuilder, tmp_path: Path) -> None:
    result = verify(rendered_unit(make_profile), tmp_path)
    # a setting systemd ignores is only a warning on stderr: any diagnostic fails the test
    assert (result.returncode, result.stderr) == (0, "")


@needs_systemd
@pytest.mark.parametrize(
    ("old", "new", "diagnostic"),
    [
        ("Restart=on-failure", "Restart=always", "Restart="),
        ("Type=oneshot", "Type=oneshoot", "Failed to parse service type"),
        ("RestartSec=5s", "RestartSecs=5s", "Unknown key 'RestartSecs'"),
        (
            "Requires=kubelet-dependencies.target",
            "Requires=kubelet-dependency.target",
            "kubelet-dependency.target not found",
        ),
        ("/usr/bin/mkdir -p", "/usr/sbin/mkdir -p", "/usr/sbin/mkdir is not executable"),
        (
            "EnvironmentFile=/etc/mco/proxy.env",
            "EnvironmentFile=etc/mco/proxy.env",
            "not absolute",
        ),
    ],
    ids=["restart-always", "bad-type", "unknown-key", "missing-target", "missing-command", "env"],
)
def test_systemd_rejects_a_broken_unit(
    make_profile: ProfileBuilder,
    tmp_path: Path,
    old: str,
    new: str,
    diagnostic: str,
) -> None:
    text = rendered_unit(make_profile)
    assert old in text
    result = verify(text.replace(old, new, 1), tmp_path)
    assert diagnostic in result.stderr
    assert (result.returncode, result.stderr) != (0, "")


# --- the properties a node depends on -----------------------------------------------------------


def test_the_kubelet_waits_for_the_unit(make_profile: ProfileBuilder) -> None:
    sections = parse_unit(rendered_unit(make_profile))
    unit, install = sections["Unit"], sections["Install"]
    assert values(install, "RequiredBy") == ["kubelet-dependencies.target"]
    assert values(install, "WantedBy") == []
    assert values(unit, "Requires") == ["kubelet-dependencies.target"]
    assert values(unit, "Before") == ["kubelet-dependencies.target"]
    assert values(unit, "ConditionPathExists") == ["/var/lib/ocp-tuned/image.env"]
    after = " ".join(values(unit, "After")).split()
    assert {"network.target", "systemd-sysctl.service"} <= set(after)


def test_a_failed_run_is_retried(make_profile: ProfileBuilder) -> None:
    service = parse_unit(rendered_unit(make_profile))["Service"]
    assert values(service, "Type") == ["oneshot"]
    assert values(service, "Restart") == ["on-failure"]
    assert values(service, "RestartSec") == ["5s"]
    # a failing podman run must fail the unit, or Restart= never fires and the kubelet goes on
    assert all(not cmd.startswith(("-", "@-", "-@")) for cmd in values(service, "ExecStart"))
    # no RemainAfterExit: stopping the finished unit must not stop the kubelet's target with it
    assert values(service, "RemainAfterExit") == []


def test_the_pull_uses_the_pull_secret_and_proxy(make_profile: ProfileBuilder) -> None:
    sections = parse_unit(rendered_unit(make_profile))
    service = sections["Service"]
    assert values(service, "EnvironmentFile") == [
        "/etc/mco/proxy.env",
        "-/var/lib/ocp-tuned/image.env",
    ]
    assert "PODMAN_SYSTEMD_UNIT=%n" in values(service, "Environment")
    argv = podman_run(sections)
    assert option_values(argv, "--authfile") == ["/var/lib/kubelet/config.json"]
    image_at = argv.index("${NTO_IMAGE}")
    assert argv[image_at + 1 :] == ["ocp-tuned", "--in-cluster=false", "--one-shot=true", "-v=1"]
    assert option_values(argv, "--entrypoint") == ["/usr/bin/cluster-node-tuning-operator"]


def test_the_container_runs_as_root_on_the_host(make_profile: ProfileBuilder) -> None:
    argv = podman_run(parse_unit(rendered_unit(make_profile)))
    # the image's user is 1001 (the operator's); TuneD writes sysfs and /etc on the host
    assert option_values(argv, "--user") == ["0"]
    for flag in ("--privileged", "--rm", "--replace"):
        assert flag in argv
    assert option_values(argv, "--net") == ["host"]
    assert option_values(argv, "--pid") == ["host"]
    assert option_values(argv, "--security-opt") == ["label=disable"]
    assert option_values(argv, "--name") == [CONTAINER]


def test_the_container_is_stopped_and_removed(make_profile: ProfileBuilder) -> None:
    service = parse_unit(rendered_unit(make_profile))["Service"]
    [stop] = values(service, "ExecStop")
    [stop_post] = values(service, "ExecStopPost")
    assert shlex.split(stop) == ["/usr/bin/podman", "stop", "-t", "20", "--ignore", CONTAINER]
    assert shlex.split(stop_post) == ["/usr/bin/podman", "rm", "-f", "--ignore", CONTAINER]


# --- mounts: what the operand's one-shot code needs, and nothing else ---------------------------

# Host paths TuneD itself (not our code) reads or writes during the run, with the reason.
TUNED_HOST_PATHS = {
    "/var/lib/tuned": ("rw", "TuneD's persistent storage, shared with the operand pod's TuneD"),
    "/run/tuned": ("rw", "TuneD's runtime state and pid file"),
    "/etc/modprobe.d": ("rw", "modules plugin"),
    "/etc/sysconfig": ("rw", "irqbalance plugin"),
    "/etc/systemd": ("rw", "systemd plugin (CPUAffinity) and service plugin drop-ins"),
    "/etc/sysctl.d": ("ro", "sysctl plugin re-applies the system's sysctl files"),
    "/etc/sysctl.conf": ("ro", "sysctl plugin re-applies the system's sysctl files"),
    "/run/systemd": ("rw", "service plugin talks to the host's systemd"),
    "/sys": ("rw", "sysfs tuning (CPU, disks, network, IRQs)"),
    "/lib/modules": ("ro", "modprobe for the host's kernel"),
}
# Paths our one-shot code writes that live in the container's own filesystem (from the image).
CONTAINER_ONLY = ("/etc/tuned",)


def operand_writes(root: Path) -> set[str]:
    """Node paths under which ``run_one_shot`` leaves files, relative to the top directory."""
    written = set()
    for path in root.rglob("*"):
        if path.is_file() or path.is_symlink() or (path.is_dir() and not any(path.iterdir())):
            written.add("/" + str(path.relative_to(root)))
    return written


def test_mounts_cover_what_the_one_shot_writes(
    make_profile: ProfileBuilder,
    tmp_path: Path,
) -> None:
    paths = OperandPaths(tmp_path)
    paths.tuned_etc_orig_dir.mkdir(parents=True)
    (paths.tuned_etc_orig_dir / "tuned-main.conf").write_text("daemon = 1\n")
    fake_tuned = tmp_path.parent / f"{tmp_path.name}-tuned"
    fake_tuned.write_text("#!/bin/sh\nexit 0\n")
    fake_tuned.chmod(0o755)
    assert run_one_shot(paths, str(fake_tuned)) == 0
    written = operand_writes(tmp_path) - operand_writes_of_image(paths)

    mounts = volumes(podman_run(parse_unit(rendered_unit(make_profile))))
    needed_by_operand = set()
    for node_path in written:
        if node_path.startswith(CONTAINER_ONLY):
            continue
        covering = [c for c in mounts if node_path == c or node_path.startswith(c + "/")]
        assert covering, f"ocp-tuned --one-shot writes {node_path}, which the unit does not mount"
        [container] = covering
        host, options = mounts[container]
        assert host == container, f"{container} must be the host's {container}, not {host}"
        assert "ro" not in options, f"{container} is written by the operand, mounted read-only"
        needed_by_operand.add(container)
    assert needed_by_operand == {"/var/lib/ocp-tuned"}

    # everything else mounted is there for TuneD, with the mode it needs; no host root
    expected = {**dict.fromkeys(needed_by_operand, ("rw", "operand")), **TUNED_HOST_PATHS}
    assert set(mounts) == set(expected)
    for container, (host, options) in mounts.items():
        assert host == container
        assert "rslave" in options
        mode = "ro" if "ro" in options else "rw"
        assert mode == expected[container][0], f"{container} is mounted {mode}"


def operand_writes_of_image(paths: OperandPaths) -> set[str]:
    """What the test put in place as the image's content (``/etc/tuned.orig``)."""
    return {"/" + str(p.relative_to(paths.root)) for p in paths.tuned_etc_orig_dir.rglob("*")}

"""Node scripts for interrupts and packet steering: irqbalance banned CPUs and RPS masks.

Run with bash against fake trees under ``NTO_ROOT``; each success case runs twice and checks
that the second run changes nothing.
"""

from __future__ import annotations

from pathlib import Path

import pytest
from _scriptrun import ScriptRunner, write

_runner = ScriptRunner()
run, run_twice, snapshot = _runner.run, _runner.run_twice, _runner.snapshot


# --- clear-irqbalance-banned-cpus.sh --------------------------------------------------------

CONF = "etc/sysconfig/irqbalance"
ORIG = "etc/sysconfig/orig_irq_banned_cpus"
RHEL_CONF = (
    "# irqbalance is a daemon process that distributes interrupts\n"
    "#IRQBALANCE_BANNED_CPUS=\n"
    'IRQBALANCE_BANNED_CPUS="0000000f"\n'
    "IRQBALANCE_ARGS=\n"
)


@pytest.mark.parametrize(
    ("existing", "env", "expected"),
    [
        (RHEL_CONF, {}, RHEL_CONF.replace('"0000000f"', "0")),
        (RHEL_CONF, {"OVS_DPDK_CPUS": "00000030"}, RHEL_CONF.replace('"0000000f"', "00000030")),
        ("IRQBALANCE_ARGS=\n", {}, "IRQBALANCE_ARGS=\nIRQBALANCE_BANNED_CPUS=0\n"),
        (
            None,
            {"OVS_DPDK_CPUS": "00000001,00000000"},
            "IRQBALANCE_BANNED_CPUS=00000001,00000000\n",
        ),
    ],
    ids=["reset", "ovs-dpdk-mask", "line-missing", "file-missing"],
)
def test_irqbalance_banned_cpus(
    tmp_path: Path,
    existing: str | None,
    env: dict[str, str],
    expected: str,
) -> None:
    if existing is not None:
        write(tmp_path, CONF, existing)
    tree = run_twice("clear-irqbalance-banned-cpus.sh", tmp_path, **env)
    assert tree[CONF] == expected
    assert tree[ORIG] == env.get("OVS_DPDK_CPUS", "0") + "\n"


@pytest.mark.parametrize("mask", ["0/;x", "zz", "1,,2", " 1"], ids=repr)
def test_irqbalance_rejects_bad_masks(tmp_path: Path, mask: str) -> None:
    write(tmp_path, CONF, RHEL_CONF)
    result = run("clear-irqbalance-banned-cpus.sh", tmp_path, OVS_DPDK_CPUS=mask)
    assert result.returncode == 1
    assert "not a hex CPU mask" in result.stderr
    assert snapshot(tmp_path) == {CONF: RHEL_CONF}


# --- set-rps-mask.sh ------------------------------------------------------------------------

VETH = "sys/devices/virtual/net/veth1"
BRIDGE = "sys/devices/virtual/net/br0"
NIC = "sys/devices/pci0000:00/0000:00:03.0/net/eth0"


@pytest.fixture
def net_tree(tmp_path: Path) -> Path:
    write(tmp_path, "proc/sys/net/core/rps_default_mask", "00000003\n")
    for device, queues in ((VETH, 2), (BRIDGE, 1), (NIC, 2)):
        for queue in range(queues):
            write(tmp_path, f"{device}/queues/rx-{queue}/rps_cpus", "00000000\n")
        write(tmp_path, f"{device}/queues/tx-0/xps_cpus", "00000000\n")
    (tmp_path / "sys/devices/virtual/net/lo-like").mkdir(parents=True)  # no queues at all
    return tmp_path


def rps_masks(tree: dict[str, str]) -> dict[str, str]:
    return {path: text.strip() for path, text in tree.items() if path.endswith("rps_cpus")}


def test_rps_without_arguments_sets_virtual_devices(net_tree: Path) -> None:
    masks = rps_masks(run_twice("set-rps-mask.sh", net_tree))
    assert masks == {
        f"{VETH}/queues/rx-0/rps_cpus": "00000003",
        f"{VETH}/queues/rx-1/rps_cpus": "00000003",
        f"{BRIDGE}/queues/rx-0/rps_cpus": "00000003",
        f"{NIC}/queues/rx-0/rps_cpus": "00000000",
        f"{NIC}/queues/rx-1/rps_cpus": "00000000",
    }


@pytest.mark.parametrize(
    ("args", "changed"),
    [
        (
            ("/devices/pci0000:00/0000:00:03.0/net/eth0/queues/rx-1", "0000000f"),
            [f"{NIC}/queues/rx-1"],
        ),
        (
            ("/devices/pci0000:00/0000:00:03.0/net/eth0", "0000000f"),
            [f"{NIC}/queues/rx-0", f"{NIC}/queues/rx-1"],
        ),
        (("/devices/virtual/net/br0/queues/rx-0", "0000000f"), [f"{BRIDGE}/queues/rx-0"]),
    ],
    ids=["one-queue", "whole-device", "virtual-queue"],
)
def test_rps_for_a_path(net_tree: Path, args: tuple[str, ...], changed: list[str]) -> None:
    masks = rps_masks(run_twice("set-rps-mask.sh", net_tree, *args))
    for path, mask in masks.items():
        expected = "0000000f" if path.removesuffix("/rps_cpus") in changed else "00000000"
        assert mask == expected, path


def test_rps_reset_to_zero_as_the_udev_unit_does(net_tree: Path) -> None:
    queue = f"{NIC}/queues/rx-0/rps_cpus"
    (net_tree / queue).write_text("000000ff\n")
    tree = run_twice(
        "set-rps-mask.sh", net_tree, "/" + queue.removeprefix("sys/").rsplit("/", 1)[0], "0"
    )
    assert tree[queue] == "0\n"


def test_rps_default_mask_when_mask_omitted(net_tree: Path) -> None:
    queue = f"{NIC}/queues/rx-0"
    tree = run_twice("set-rps-mask.sh", net_tree, "/" + queue.removeprefix("sys/"))
    assert tree[f"{queue}/rps_cpus"] == "00000003\n"


@pytest.mark.parametrize(
    ("args", "message"),
    [
        (("devices/virtual/net/br0", "1"), "must be absolute"),
        (("/devices/virtual/net/../../../etc", "1"), "must not contain '..'"),
        (("/devices/virtual/net/br0", "1;rm"), "not a hex CPU mask"),
        (("/devices/virtual/net/none", "1"), "neither a receive queue"),
        (("/devices/virtual/net/br0/queues/rx-7", "1"), "does not exist"),
        (("/a", "1", "extra"), "at most 2 arguments"),
    ],
    ids=["relative", "dot-dot", "bad-mask", "unknown-device", "unknown-queue", "too-many"],
)
def test_rps_rejects_bad_arguments(net_tree: Path, args: tuple[str, ...], message: str) -> None:
    before = snapshot(net_tree)
    result = run("set-rps-mask.sh", net_tree, *args)
    assert result.returncode == 1
    assert message in result.stderr
    assert snapshot(net_tree) == before


def test_rps_needs_a_default_mask_when_none_given(tmp_path: Path) -> None:
    write(tmp_path, f"{VETH}/queues/rx-0/rps_cpus", "0\n")
    result = run("set-rps-mask.sh", tmp_path)
    assert result.returncode == 1
    assert "rps_default_mask is not readable" in result.stderr

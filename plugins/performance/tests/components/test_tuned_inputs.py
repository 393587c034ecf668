"""Tuned renderer, per-field inputs: hugepages, network queues, CPU frequencies, additional
kernel arguments and hostile values (spec performance.md section 3.3).

Companion of ``test_tuned.py`` (object, hints, CPU sets); ``parse``/``profiles`` are repeated
here because test modules are imported in isolation (``--import-mode=importlib``).
"""

from __future__ import annotations

import configparser
from typing import Any

import pytest

from nto_performance.components._common import RenderError
from nto_performance.components.options import RenderOptions
from nto_performance.components.tuned import PROFILE_KINDS, render

ROOT, RT, AMD, ARM, INTEL = PROFILE_KINDS
Sections = dict[str, dict[str, str]]


def parse(text: str) -> Sections:
    """A TuneD profile text as TuneD's loader parses it."""
    parser = configparser.ConfigParser(
        delimiters=("=",), inline_comment_prefixes=("#",), strict=False, interpolation=None
    )
    parser.optionxform = str  # type: ignore[assignment,method-assign]
    parser.read_string(text)
    return {section: dict(parser[section]) for section in parser.sections()}


def profiles(profile: Any, options: RenderOptions | None = None) -> dict[str, Sections]:
    """The rendered TuneD profiles of `profile`, by stem, parsed."""
    rendered = render(profile, options or RenderOptions())
    pp = profile.metadata.name
    return {
        item["name"].removesuffix(f"-{pp}"): parse(item["data"])
        for item in rendered["spec"]["profile"]
    }


# --- hugepages --------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("hugepages", "expected"),
    [
        pytest.param(None, None, id="none"),
        pytest.param({"defaultHugepagesSize": "1G"}, "default_hugepagesz=1G", id="default-only"),
        pytest.param(
            {
                "defaultHugepagesSize": "1G",
                "pages": [{"size": "1G", "count": 1, "node": 0}, {"size": "2M", "count": 128}],
            },
            "default_hugepagesz=1G hugepagesz=2M hugepages=128",
            id="reference-mix",
        ),
        pytest.param(
            {
                "defaultHugepagesSize": "2M",
                "pages": [{"size": "2M", "count": 4}, {"size": "1G", "count": 2}],
            },
            "default_hugepagesz=2M hugepagesz=2M hugepages=4 hugepagesz=1G hugepages=2",
            id="spec-order",
        ),
        pytest.param(
            {"defaultHugepagesSize": "1G", "pages": [{"size": "2M", "count": 64, "node": 1}]},
            "default_hugepagesz=1G hugepagesz=2M hugepages=0",
            id="dummy-2M",
        ),
        pytest.param(
            {
                "defaultHugepagesSize": "1G",
                "pages": [{"size": "2M", "count": 64, "node": 1}, {"size": "2M", "count": 8}],
            },
            "default_hugepagesz=1G hugepagesz=2M hugepages=8",
            id="no-dummy-2M-without-node",
        ),
        pytest.param(
            {"defaultHugepagesSize": "2M", "pages": [{"size": "2M", "count": 64, "node": 0}]},
            "default_hugepagesz=2M",
            id="no-dummy-default-2M",
        ),
        pytest.param(
            {"defaultHugepagesSize": "1G", "pages": [{"size": "1G", "count": 4, "node": 0}]},
            "default_hugepagesz=1G",
            id="no-dummy-no-2M",
        ),
        pytest.param(
            {
                "defaultHugepagesSize": "32M",
                "pages": [{"size": "32M", "count": 4, "node": 0}, {"size": "512M", "count": 1}],
            },
            "default_hugepagesz=32M hugepagesz=512M hugepages=1",
            id="arm-reference",
        ),
        pytest.param(
            {"defaultHugepagesSize": "2M", "pages": [{"size": "2M"}]},
            "default_hugepagesz=2M hugepagesz=2M hugepages=0",
            id="count-unset",
        ),
        pytest.param({"pages": []}, None, id="no-default-no-pages"),
    ],
)
def test_hugepages(
    make_profile: Any, hugepages: dict[str, Any] | None, expected: str | None
) -> None:
    bootloader = profiles(make_profile(hugepages=hugepages))[ROOT]["bootloader"]
    assert bootloader.get("cmdline_hugepages") == (None if expected is None else f"+{expected}")


@pytest.mark.parametrize(
    ("hugepages", "field"),
    [
        pytest.param(
            {"pages": [{"size": "2M", "count": 1}]},
            "spec.hugepages.defaultHugepagesSize None",
            id="pages-without-default",
        ),
        pytest.param(
            {"defaultHugepagesSize": "1 G"},
            "spec.hugepages.defaultHugepagesSize '1 G'",
            id="bad-default",
        ),
        pytest.param(
            {"defaultHugepagesSize": "1G", "pages": [{"count": 1}]},
            r"spec.hugepages.pages\[0\].size None",
            id="size-unset",
        ),
        pytest.param(
            {
                "defaultHugepagesSize": "1G",
                "pages": [{"size": "2M", "count": 1}, {"size": "2M\n[x]", "count": 1}],
            },
            r"spec.hugepages.pages\[1\].size '2M\\n\[x\]'",
            id="injection",
        ),
    ],
)
def test_hugepages_refused(make_profile: Any, hugepages: dict[str, Any], field: str) -> None:
    with pytest.raises(RenderError, match=rf"^{field} in PerformanceProfile 'manual' is invalid; "):
        render(make_profile(hugepages=hugepages), RenderOptions())


# --- network queues ---------------------------------------------------------------------------

ANY = r"[\s\S]*"


def _net(regex: str, channels: int = 2) -> dict[str, str]:
    return {"type": "net", "devices_udev_regex": regex, "channels": f"combined {channels}"}


@pytest.mark.parametrize(
    ("net", "reserved", "expected"),
    [
        pytest.param(None, "0-1", {}, id="no-net"),
        pytest.param(
            {"userLevelNetworking": False, "devices": [{"interfaceName": "eth0"}]},
            "0-1",
            {},
            id="off",
        ),
        pytest.param(
            {"userLevelNetworking": True},
            "0-1",
            {"net": {"channels": "combined 2"}},
            id="all-devices",
        ),
        pytest.param(
            {"userLevelNetworking": True, "devices": []},
            "0,4,8",
            {"net": {"channels": "combined 3"}},
            id="empty-list",
        ),
        pytest.param({"userLevelNetworking": True}, "", {}, id="no-reserved"),
        pytest.param(
            {"userLevelNetworking": True, "devices": [{"interfaceName": "ens1f0"}]},
            "0-1",
            {"net": _net("^INTERFACE=ens1f0")},
            id="name",
        ),
        pytest.param(
            {"userLevelNetworking": True, "devices": [{"interfaceName": "ens*"}]},
            "0-1",
            {"net": _net("^INTERFACE=ens.*")},
            id="wildcard",
        ),
        pytest.param(
            {"userLevelNetworking": True, "devices": [{"interfaceName": "!eno1*"}]},
            "0-1",
            {"net": _net("^INTERFACE=(?!eno1.*)")},
            id="negated",
        ),
        pytest.param(
            {"userLevelNetworking": True, "devices": [{"vendorID": "0x8086"}]},
            "0-1",
            {"net": _net("^ID_VENDOR_ID=0x8086")},
            id="vendor",
        ),
        pytest.param(
            {
                "userLevelNetworking": True,
                "devices": [{"interfaceName": "eth*", "vendorID": "0x8086", "deviceID": "0x1583"}],
            },
            "0-1",
            {"net": _net(f"^ID_MODEL_ID=0x1583{ANY}^ID_VENDOR_ID=0x8086{ANY}^INTERFACE=eth.*")},
            id="all-three",
        ),
        pytest.param(
            {
                "userLevelNetworking": True,
                "devices": [
                    {"interfaceName": "a"},
                    {"vendorID": "0x15b3", "deviceID": "0x1017"},
                    {"interfaceName": "c"},
                ],
            },
            "0-3",
            {
                "net": _net("^INTERFACE=a", 4),
                "net_1": _net(f"^ID_MODEL_ID=0x1017{ANY}^ID_VENDOR_ID=0x15b3", 4),
                "net_2": _net("^INTERFACE=c", 4),
            },
            id="several",
        ),
    ],
)
def test_net(
    make_profile: Any, net: dict[str, Any] | None, reserved: str, expected: Sections
) -> None:
    root = profiles(make_profile(net=net, cpu={"reserved": reserved}))[ROOT]
    assert {name: body for name, body in root.items() if name.startswith("net")} == expected


@pytest.mark.parametrize(
    ("device", "field"),
    [
        pytest.param({"interfaceName": ""}, "interfaceName ''", id="empty-name"),
        pytest.param(
            {"interfaceName": "eth0\n[bootloader]\ncmdline=+evil"},
            "interfaceName 'eth0",
            id="injection",
        ),
        pytest.param({"interfaceName": "eth 0"}, "interfaceName 'eth 0'", id="space"),
        pytest.param({"vendorID": "8086"}, "vendorID '8086'", id="vendor-no-0x"),
        pytest.param(
            {"vendorID": "0x8086", "deviceID": "0x12345"},
            "deviceID '0x12345'",
            id="device-too-long",
        ),
    ],
)
def test_net_refused(make_profile: Any, device: dict[str, str], field: str) -> None:
    profile = make_profile(
        net={"userLevelNetworking": True, "devices": [{"interfaceName": "ok"}, device]}
    )
    with pytest.raises(RenderError, match=rf"^spec.net.devices\[1\].{field}"):
        render(profile, RenderOptions())


# --- hardware tuning, additional kernel args --------------------------------------------------


def test_hardware_tuning(make_profile: Any) -> None:
    tuning = {"isolatedCpuFreq": 2500000, "reservedCpuFreq": 2800000}
    root = profiles(
        make_profile(cpu={"isolated": "2-3", "reserved": "0-1"}, hardwareTuning=tuning)
    )[ROOT]
    policy = "/sys/devices/system/cpu/cpufreq/policy{}/scaling_max_freq"
    assert list(root["sysfs"].items()) == [
        (policy.format(2), "2500000"),
        (policy.format(3), "2500000"),
        (policy.format(0), "2800000"),
        (policy.format(1), "2800000"),
    ]
    assert "sysfs" not in profiles(make_profile())[ROOT]


@pytest.mark.parametrize(
    ("tuning", "field"),
    [
        pytest.param({"isolatedCpuFreq": 0, "reservedCpuFreq": 1}, "isolatedCpuFreq 0", id="zero"),
        pytest.param(
            {"isolatedCpuFreq": 1, "reservedCpuFreq": -5}, "reservedCpuFreq -5", id="negative"
        ),
    ],
)
def test_hardware_tuning_refused(make_profile: Any, tuning: dict[str, int], field: str) -> None:
    with pytest.raises(RenderError, match=rf"^spec.hardwareTuning.{field} in PerformanceProfile"):
        render(make_profile(hardwareTuning=tuning), RenderOptions())


@pytest.mark.parametrize(
    ("args", "expected"),
    [
        pytest.param(None, None, id="none"),
        pytest.param([], None, id="empty"),
        pytest.param(
            ["nmi_watchdog=0", "audit=0", "idle=poll"],
            "+nmi_watchdog=0 audit=0 idle=poll",
            id="joined",
        ),
    ],
)
def test_additional_kernel_args(
    make_profile: Any, args: list[str] | None, expected: str | None
) -> None:
    root = profiles(make_profile(additionalKernelArgs=args))[ROOT]
    assert root["bootloader"].get("cmdline_additionalArg") == expected


@pytest.mark.parametrize(
    "bad", ["", "   ", "a\nb", "quiet\r", "x\x00"], ids=["empty", "blank", "newline", "cr", "nul"]
)
def test_additional_kernel_args_refused(make_profile: Any, bad: str) -> None:
    profile = make_profile(additionalKernelArgs=["quiet", bad])
    with pytest.raises(
        RenderError, match=r"^spec.additionalKernelArgs\[1\] .* one kernel argument"
    ):
        render(profile, RenderOptions())


# --- other hostile input ---------------------------------------------------------------------


@pytest.mark.parametrize(
    ("overrides", "options", "field"),
    [
        pytest.param(
            {"cpu": {"isolated": "2-x"}}, RenderOptions(), "spec.cpu.isolated '2-x'", id="isolated"
        ),
        pytest.param(
            {"cpu": {"reserved": "1-0"}, "net": {"userLevelNetworking": True}},
            RenderOptions(),
            "spec.cpu.reserved '1-0'",
            id="reserved",
        ),
        pytest.param({}, RenderOptions(ovs_dpdk_cpus="a"), "spec.cpu.ovsDpdk 'a'", id="ovs-dpdk"),
        pytest.param(
            {"cpu": {"shared": "9-"}},
            RenderOptions(ovs_dpdk_cpus="4"),
            "spec.cpu.shared '9-'",
            id="shared",
        ),
    ],
)
def test_bad_cpulists(
    make_profile: Any, overrides: dict[str, Any], options: RenderOptions, field: str
) -> None:
    with pytest.raises(
        RenderError, match=rf"^{field} in PerformanceProfile 'manual' is invalid; write a cpulist"
    ):
        render(make_profile(**overrides), options)


@pytest.mark.parametrize(
    "name", ["", "a/b", "x y", "name\n[main]"], ids=["empty", "slash", "space", "newline"]
)
def test_bad_profile_name(make_profile: Any, name: str) -> None:
    with pytest.raises(RenderError, match=r"^metadata.name .* use letters, digits"):
        render(make_profile(name=name), RenderOptions())

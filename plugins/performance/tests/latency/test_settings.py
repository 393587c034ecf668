"""The latency test's settings: the reference's variables, the mirroring flags, their ranges."""

from __future__ import annotations

import argparse
from collections.abc import Callable

import pytest

from nto_performance.latency.settings import INT32_MAX, LatencySettingsError, settings_from

Parse = Callable[..., argparse.Namespace]


@pytest.mark.parametrize(
    ("env", "argv", "field", "expected"),
    [
        ({}, [], "runtime", 300),
        ({"LATENCY_TEST_RUNTIME": "10"}, [], "runtime", 10),
        ({"LATENCY_TEST_RUNTIME": "10"}, ["--runtime=20"], "runtime", 20),
        ({"LATENCY_TEST_RUNTIME": str(INT32_MAX)}, [], "runtime", INT32_MAX),
        ({}, [], "delay", 0),
        ({"LATENCY_TEST_DELAY": "0"}, [], "delay", 0),
        ({"LATENCY_TEST_DELAY": "30"}, [], "delay", 30),
        ({}, [], "cpus", None),
        ({"LATENCY_TEST_CPUS": "4"}, [], "cpus", 4),
        ({}, ["--cpus=2"], "cpus", 2),
        ({}, [], "memory", "1Gi"),
        ({"LATENCY_TEST_MEMORY": "512Mi"}, [], "memory", "512Mi"),
        ({}, [], "timeout_buffer", 150),
        ({"LATENCY_TEST_TIMEOUT_BUFFER": "600"}, [], "timeout_buffer", 600),
        ({}, [], "run", True),
        ({"LATENCY_TEST_RUN": "true"}, [], "run", True),
        ({"LATENCY_TEST_RUN": "false"}, [], "run", False),
        ({"LATENCY_TEST_RUN": "false"}, ["--run"], "run", True),
        ({}, ["--run=false"], "run", False),
        ({}, [], "tools", ("oslat", "cyclictest", "hwlatdetect")),
        ({}, ["--tools=hwlatdetect,oslat"], "tools", ("oslat", "hwlatdetect")),
    ],
    ids=lambda value: str(value) if not isinstance(value, dict | list) else None,
)
def test_values_and_precedence(
    parse_flags: Parse, env: dict[str, str], argv: list[str], field: str, expected: object
) -> None:
    assert getattr(settings_from(parse_flags(*argv), env), field) == expected


@pytest.mark.parametrize(
    ("env", "argv", "expected"),
    [
        ({}, [], {"oslat": None, "cyclictest": None, "hwlatdetect": None}),
        ({"MAXIMUM_LATENCY": "20"}, [], {"oslat": 20, "cyclictest": 20, "hwlatdetect": 20}),
        (
            {"MAXIMUM_LATENCY": "20", "OSLAT_MAXIMUM_LATENCY": "5"},
            [],
            {"oslat": 5, "cyclictest": 20, "hwlatdetect": 20},
        ),
        (
            {"CYCLICTEST_MAXIMUM_LATENCY": "0", "HWLATDETECT_MAXIMUM_LATENCY": "7"},
            [],
            {"oslat": None, "cyclictest": 0, "hwlatdetect": 7},
        ),
        (
            {"MAXIMUM_LATENCY": "20", "OSLAT_MAXIMUM_LATENCY": "5"},
            ["--oslat-maximum-latency=9", "--maximum-latency=30"],
            {"oslat": 9, "cyclictest": 30, "hwlatdetect": 30},
        ),
    ],
    ids=["unset-report-only", "one-for-all", "tool-wins", "per-tool", "flags-win"],
)
def test_thresholds(
    parse_flags: Parse, env: dict[str, str], argv: list[str], expected: dict[str, int | None]
) -> None:
    assert dict(settings_from(parse_flags(*argv), env).thresholds) == expected


@pytest.mark.parametrize(
    ("env", "argv", "message"),
    [
        ({"LATENCY_TEST_RUNTIME": "0"}, [], "LATENCY_TEST_RUNTIME has incorrect value '0'"),
        ({"LATENCY_TEST_RUNTIME": "-1"}, [], "a positive integer with maximum value of 2147483647"),
        ({"LATENCY_TEST_RUNTIME": "2147483648"}, [], "LATENCY_TEST_RUNTIME"),
        ({"LATENCY_TEST_RUNTIME": "5m"}, [], "LATENCY_TEST_RUNTIME has incorrect value '5m'"),
        ({"LATENCY_TEST_RUNTIME": " 5"}, [], "LATENCY_TEST_RUNTIME"),
        ({"LATENCY_TEST_RUNTIME": "9" * 5000}, [], "LATENCY_TEST_RUNTIME"),
        ({}, ["--runtime=abc"], "--runtime has incorrect value 'abc'"),
        (
            {"LATENCY_TEST_DELAY": "-1"},
            [],
            "LATENCY_TEST_DELAY has incorrect value '-1': it must"
            " be a non-negative integer with maximum value of 2147483647",
        ),
        ({"LATENCY_TEST_CPUS": "0"}, [], "LATENCY_TEST_CPUS has incorrect value '0'"),
        ({"LATENCY_TEST_CPUS": "two"}, [], "LATENCY_TEST_CPUS"),
        ({"LATENCY_TEST_MEMORY": "lots"}, [], "LATENCY_TEST_MEMORY has incorrect value 'lots'"),
        ({"LATENCY_TEST_MEMORY": "0"}, [], "positive amount of memory"),
        ({"LATENCY_TEST_TIMEOUT_BUFFER": "-5"}, [], "LATENCY_TEST_TIMEOUT_BUFFER"),
        ({"OSLAT_MAXIMUM_LATENCY": "-1"}, [], "OSLAT_MAXIMUM_LATENCY has incorrect value '-1'"),
        ({"CYCLICTEST_MAXIMUM_LATENCY": "1.5"}, [], "CYCLICTEST_MAXIMUM_LATENCY"),
        ({"HWLATDETECT_MAXIMUM_LATENCY": "x"}, [], "HWLATDETECT_MAXIMUM_LATENCY"),
        ({"MAXIMUM_LATENCY": "-3"}, [], "MAXIMUM_LATENCY has incorrect value '-3'"),
        ({"LATENCY_TEST_RUN": "maybe"}, [], "LATENCY_TEST_RUN has incorrect value 'maybe'"),
        ({}, ["--tools=oslat,stress"], "--tools has incorrect value 'oslat,stress'"),
        ({}, ["--tools=,"], "--tools"),
    ],
    ids=lambda value: None,
)
def test_invalid_values_name_the_variable_and_the_range(
    parse_flags: Parse, env: dict[str, str], argv: list[str], message: str
) -> None:
    with pytest.raises(LatencySettingsError, match=None) as raised:
        settings_from(parse_flags(*argv), env)
    assert message in str(raised.value)


def test_short_timeout_buffer_warns(parse_flags: Parse) -> None:
    settings = settings_from(parse_flags(), {"LATENCY_TEST_TIMEOUT_BUFFER": "30"})
    assert settings.timeout_buffer == 30
    assert settings.warnings
    assert "below the recommended 150" in settings.warnings[0]
    assert settings_from(parse_flags(), {}).warnings == ()


def test_pod_timeout_adds_delay_runtime_and_buffer(parse_flags: Parse) -> None:
    settings = settings_from(parse_flags("--runtime=60", "--delay=10"), {})
    assert settings.pod_timeout == 60 + 10 + 150

"""The latency test's settings: the reference's environment variables and the flags mirroring them.

Each setting can come from a flag or from the environment variable the reference's e2e suite
(``4_latency``) reads; the flag wins. Values are validated here, once, and every error names the
flag or the variable, quotes the value and states the allowed range, so runbooks written for the
reference keep working and a typo never starts a five-minute run. Pure: the environment is
passed in. Neighbours: `nto_performance.latency.command` (the flags), `.main` (the caller).
"""

from __future__ import annotations

import argparse
import re
from collections.abc import Mapping
from dataclasses import dataclass, field

__all__ = [
    "INT32_MAX",
    "TOOLS",
    "LatencySettingsError",
    "Settings",
    "settings_from",
]

INT32_MAX = 2**31 - 1
TOOLS = ("oslat", "cyclictest", "hwlatdetect")
"""The tools, in the order the reference runs them."""

RUN = "LATENCY_TEST_RUN"
RUNTIME = "LATENCY_TEST_RUNTIME"
DELAY = "LATENCY_TEST_DELAY"
CPUS = "LATENCY_TEST_CPUS"
MEMORY = "LATENCY_TEST_MEMORY"
TIMEOUT_BUFFER = "LATENCY_TEST_TIMEOUT_BUFFER"
MAXIMUM_LATENCY = "MAXIMUM_LATENCY"
TOOL_MAXIMUM = {tool: f"{tool.upper()}_MAXIMUM_LATENCY" for tool in TOOLS}

DEFAULT_RUNTIME = 300
DEFAULT_DELAY = 0
DEFAULT_MEMORY = "1Gi"
DEFAULT_TIMEOUT_BUFFER = 150

_DECIMAL = re.compile(r"[+-]?[0-9]+")
_MAX_DIGITS = 24
_TRUE = ("1", "t", "T", "TRUE", "true", "True")
_FALSE = ("0", "f", "F", "FALSE", "false", "False")


class LatencySettingsError(ValueError):
    """A latency-test flag or environment variable has a value outside its allowed range."""


@dataclass(frozen=True, slots=True, kw_only=True)
class Settings:
    """Validated settings of one latency test run."""

    run: bool = True
    runtime: int = DEFAULT_RUNTIME
    """Seconds each tool measures."""
    delay: int = DEFAULT_DELAY
    """Seconds to wait before a tool starts (lets the CPU manager settle)."""
    cpus: int | None = None
    """CPUs the test requests; None: isolated CPUs - 1 in a pod, every allowed CPU locally."""
    memory: str = DEFAULT_MEMORY
    timeout_buffer: int = DEFAULT_TIMEOUT_BUFFER
    """Seconds a pod may take beyond delay + runtime (image pull, scheduling)."""
    thresholds: Mapping[str, int | None] = field(default_factory=dict)
    """Maximum latency in microseconds per tool; None: report only."""
    tools: tuple[str, ...] = TOOLS
    warnings: tuple[str, ...] = ()

    def threshold(self, tool: str) -> int | None:
        return self.thresholds.get(tool)

    @property
    def pod_timeout(self) -> int:
        """Seconds a tool's pod gets from creation to completion."""
        return self.delay + self.runtime + self.timeout_buffer


@dataclass(frozen=True, slots=True)
class _Source:
    """Where one setting came from, for messages: ``--runtime`` or ``LATENCY_TEST_RUNTIME``."""

    name: str
    value: str


def _pick(flag_value: object, flag: str, variable: str, env: Mapping[str, str]) -> _Source | None:
    if flag_value is not None:
        return _Source(flag, str(flag_value))
    if variable in env:
        return _Source(variable, env[variable])
    return None


def _integer(source: _Source, *, minimum: int, what: str) -> int:
    kind = "a positive integer" if minimum == 1 else "a non-negative integer"
    problem = (
        f"{source.name} has incorrect value {source.value!r}: it must be {kind} with maximum "
        f"value of {INT32_MAX} ({what})"
    )
    # Go's strconv.Atoi: an optional sign and decimal digits, nothing else
    if not _DECIMAL.fullmatch(source.value) or len(source.value) > _MAX_DIGITS:
        raise LatencySettingsError(problem)
    number = int(source.value)
    if not minimum <= number <= INT32_MAX:
        raise LatencySettingsError(problem)
    return number


def _boolean(source: _Source) -> bool:
    if source.value in _TRUE:
        return True
    if source.value in _FALSE:
        return False
    raise LatencySettingsError(
        f"{source.name} has incorrect value {source.value!r}: use true or false "
        "(also 1, t, T, TRUE, True, 0, f, F, FALSE, False)"
    )


def _memory(source: _Source) -> str:
    from nto_api.quantity import Quantity, QuantityError

    try:
        quantity = Quantity.parse(source.value)
    except QuantityError as error:
        raise LatencySettingsError(
            f"{source.name} has incorrect value {source.value!r}: it must be a Kubernetes "
            f"quantity such as '1Gi' or '512Mi' ({error})"
        ) from error
    if quantity.value() <= 0:
        raise LatencySettingsError(
            f"{source.name} has incorrect value {source.value!r}: the test pod needs a "
            "positive amount of memory, such as '1Gi'"
        )
    return source.value


def _tools(value: object) -> tuple[str, ...]:
    if value is None:
        return TOOLS
    names = [name.strip() for name in str(value).split(",") if name.strip()]
    unknown = [name for name in names if name not in TOOLS]
    if unknown or not names:
        raise LatencySettingsError(
            f"--tools has incorrect value {str(value)!r}: choose one or more of "
            f"{', '.join(TOOLS)}, separated by commas"
        )
    return tuple(tool for tool in TOOLS if tool in names)


def settings_from(args: argparse.Namespace, env: Mapping[str, str]) -> Settings:
    """Merge flags (parsed by `command.configure`) over the environment, and validate."""
    warnings: list[str] = []
    run = _pick(args.run, "--run", RUN, env)
    runtime = _pick(args.runtime, "--runtime", RUNTIME, env)
    delay = _pick(args.delay, "--delay", DELAY, env)
    cpus = _pick(args.cpus, "--cpus", CPUS, env)
    memory = _pick(args.memory, "--memory", MEMORY, env)
    buffer = _pick(args.timeout_buffer, "--timeout-buffer", TIMEOUT_BUFFER, env)
    timeout_buffer = (
        DEFAULT_TIMEOUT_BUFFER
        if buffer is None
        else _integer(buffer, minimum=0, what="seconds a pod may take beyond delay and runtime")
    )
    if timeout_buffer < DEFAULT_TIMEOUT_BUFFER:
        warnings.append(
            f"{buffer.name if buffer else TIMEOUT_BUFFER} is {timeout_buffer} seconds, below the "
            f"recommended {DEFAULT_TIMEOUT_BUFFER}: a slow image pull or scheduling may time the "
            "test pod out"
        )
    everything = _pick(args.maximum_latency, "--maximum-latency", MAXIMUM_LATENCY, env)
    shared = (
        None
        if everything is None
        else _integer(everything, minimum=0, what="microseconds, for every tool")
    )
    thresholds: dict[str, int | None] = {}
    for tool in TOOLS:
        source = _pick(
            getattr(args, f"{tool}_maximum_latency"),
            f"--{tool}-maximum-latency",
            TOOL_MAXIMUM[tool],
            env,
        )
        thresholds[tool] = (
            shared if source is None else _integer(source, minimum=0, what=f"microseconds, {tool}")
        )
    return Settings(
        run=True if run is None else _boolean(run),
        runtime=DEFAULT_RUNTIME
        if runtime is None
        else _integer(runtime, minimum=1, what="seconds"),
        delay=DEFAULT_DELAY if delay is None else _integer(delay, minimum=0, what="seconds"),
        cpus=None if cpus is None else _integer(cpus, minimum=1, what="CPUs"),
        memory=DEFAULT_MEMORY if memory is None else _memory(memory),
        timeout_buffer=timeout_buffer,
        thresholds=thresholds,
        tools=_tools(args.tools),
        warnings=tuple(warnings),
    )

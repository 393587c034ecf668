"""Workload hints of the created profile, from the power consumption mode and two switches.

The mode (checked case-insensitively) sets ``realTime`` and ``highPowerConsumption``:
``default`` neither, ``low-latency`` real time, ``ultra-low-latency`` both. Two combinations are
refused: the ``default`` mode with the real-time kernel, and per-pod power management with the
``ultra-low-latency`` mode. ``perPodPowerManagement`` copies its switch. Pure; used by
`nto_performance.ppc.profile`.
"""

from __future__ import annotations

from dataclasses import dataclass

__all__ = ["POWER_MODES", "HintsError", "WorkloadHints", "parse_power_mode", "workload_hints"]

DEFAULT = "default"
LOW_LATENCY = "low-latency"
ULTRA_LOW_LATENCY = "ultra-low-latency"
POWER_MODES = (DEFAULT, LOW_LATENCY, ULTRA_LOW_LATENCY)


class HintsError(ValueError):
    """The power mode is unknown or conflicts with another switch."""


@dataclass(frozen=True, slots=True)
class WorkloadHints:
    """``spec.workloadHints`` of the created profile."""

    high_power_consumption: bool
    real_time: bool
    per_pod_power_management: bool

    def as_spec(self) -> dict[str, bool]:
        return {
            "highPowerConsumption": self.high_power_consumption,
            "perPodPowerManagement": self.per_pod_power_management,
            "realTime": self.real_time,
        }


def parse_power_mode(text: str) -> str:
    """Return the canonical spelling of a power consumption mode, whatever its case."""
    mode = text.strip().lower()
    if mode not in POWER_MODES:
        raise HintsError(
            f"--power-consumption-mode {text!r} is not supported; use one of "
            f"{', '.join(POWER_MODES)}"
        )
    return mode


def workload_hints(*, mode: str, rt_kernel: bool, per_pod_power_management: bool) -> WorkloadHints:
    """Return the hints for `mode` (canonical, see `parse_power_mode`) or refuse a conflict."""
    if mode == DEFAULT and rt_kernel:
        raise HintsError(
            "default power consumption mode is not available with real-time kernel, please use "
            f"one of [{LOW_LATENCY} {ULTRA_LOW_LATENCY}] modes"
        )
    if mode == ULTRA_LOW_LATENCY and per_pod_power_management:
        raise HintsError(
            f"please use one of [{DEFAULT} {LOW_LATENCY}] power consumption modes together with "
            "the perPodPowerManagement"
        )
    return WorkloadHints(
        high_power_consumption=mode == ULTRA_LOW_LATENCY,
        real_time=mode != DEFAULT,
        per_pod_power_management=per_pod_power_management,
    )

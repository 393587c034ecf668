"""Latency results that compare across runs: per tool and CPU, maximum, percentiles, histogram.

`parse` builds these from tool output; `report` and `picture` present them. A histogram has
one-microsecond buckets up to the tool's histogram limit plus an overflow count (samples above the
limit), so a percentile that falls in the overflow is reported as "above the limit", never as an
invented number. Pure. Neighbours: `nto_performance.latency.parse`, `.report`, `.picture`.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from typing import Literal

__all__ = [
    "PERCENTILES",
    "CpuLatency",
    "Status",
    "ToolResult",
    "verdict",
]

PERCENTILES = (50.0, 90.0, 99.0, 99.9, 99.99)
Status = Literal["passed", "failed", "measured", "skipped", "error"]
"""passed/failed: against a threshold; measured: no threshold (report only); skipped: the tool
could not run here (the reason says why); error: the tool or its pod failed."""


@dataclass(frozen=True, slots=True, kw_only=True)
class CpuLatency:
    """One CPU's latency as one tool measured it (``cpu`` None: not per CPU, as hwlatdetect)."""

    cpu: int | None
    max_us: int
    min_us: int | None = None
    avg_us: float | None = None
    histogram: Mapping[int, int] = field(default_factory=dict)
    """Samples per microsecond bucket, at most `histogram_limit_us` (zero buckets omitted)."""
    overflow: int = 0
    """Samples above `histogram_limit_us`."""
    histogram_limit_us: int | None = None
    """Largest bucket the histogram holds; None: unbounded."""

    @property
    def samples(self) -> int:
        return sum(self.histogram.values()) + self.overflow

    def percentile(self, percent: float) -> int | None:
        """The bucket holding the given percentile; None when it lies above the histogram limit."""
        total = self.samples
        if total == 0:
            return None
        rank = percent / 100.0 * total
        seen = 0
        for bucket in sorted(self.histogram):
            seen += self.histogram[bucket]
            if seen >= rank:
                return bucket
        return None

    def to_json(self) -> dict[str, object]:
        return {
            "cpu": self.cpu,
            "samples": self.samples,
            "min_us": self.min_us,
            "avg_us": self.avg_us,
            "max_us": self.max_us,
            "percentiles_us": {_key(p): self.percentile(p) for p in PERCENTILES},
            "histogram_limit_us": self.histogram_limit_us,
            "overflow": self.overflow,
            "histogram": {str(bucket): self.histogram[bucket] for bucket in sorted(self.histogram)},
        }


def _key(percent: float) -> str:
    return f"p{percent:g}"


@dataclass(frozen=True, slots=True, kw_only=True)
class ToolResult:
    """One tool's run: its CPUs' numbers, its threshold and the verdict against it."""

    tool: str
    status: Status
    cpus: Sequence[CpuLatency] = ()
    threshold_us: int | None = None
    message: str = ""
    command: Sequence[str] = ()
    node: str = ""

    @property
    def max_us(self) -> int | None:
        return max((cpu.max_us for cpu in self.cpus), default=None)

    def to_json(self) -> dict[str, object]:
        return {
            "tool": self.tool,
            "status": self.status,
            "node": self.node or None,
            "threshold_us": self.threshold_us,
            "max_us": self.max_us,
            "message": self.message,
            "command": list(self.command),
            "cpus": [cpu.to_json() for cpu in self.cpus],
        }


def verdict(
    tool: str,
    cpus: Sequence[CpuLatency],
    threshold_us: int | None,
    *,
    command: Sequence[str] = (),
    node: str = "",
) -> ToolResult:
    """Judge measured CPUs against the threshold: above it on any CPU fails the tool."""
    if not cpus:
        return ToolResult(
            tool=tool,
            status="error",
            threshold_us=threshold_us,
            message=f"{tool} printed no measurement",
            command=command,
            node=node,
        )
    worst = max(cpus, key=lambda cpu: cpu.max_us)
    where = "" if worst.cpu is None else f" on CPU {worst.cpu}"
    if threshold_us is None:
        status: Status = "measured"
        message = f"maximum latency {worst.max_us} us{where}; no threshold set (report only)"
    elif worst.max_us > threshold_us:
        status = "failed"
        message = (
            f"maximum latency {worst.max_us} us{where} is above the threshold {threshold_us} us"
        )
    else:
        status = "passed"
        message = f"maximum latency {worst.max_us} us{where} is within {threshold_us} us"
    return ToolResult(
        tool=tool,
        status=status,
        cpus=tuple(cpus),
        threshold_us=threshold_us,
        message=message,
        command=command,
        node=node,
    )

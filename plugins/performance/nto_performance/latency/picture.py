"""The latency histogram per tool and CPU as an SVG picture, written by hand (no plotting library).

People read a histogram faster than a table: one panel per tool and CPU, latency on a log axis
(microseconds), sample counts on a log axis, the samples above the histogram's range as a red bar
at the right, the threshold as a dashed red line, the maximum in the title. Plain SVG 1.1 text
that browsers and GitHub render; deterministic for the same results. Pure. Neighbours:
`nto_performance.latency.results`, `.report`.
"""

from __future__ import annotations

import math
from collections.abc import Sequence
from xml.sax.saxutils import escape, quoteattr

from nto_performance.latency.results import CpuLatency, ToolResult

__all__ = ["svg"]

WIDTH = 760
PANEL_HEIGHT = 190
LEFT = 70
RIGHT = 60
TOP = 34
BOTTOM = 36
TITLE_HEIGHT = 40
COLOURS = {"oslat": "#2b6cb0", "cyclictest": "#2f855a", "hwlatdetect": "#805ad5"}
OVERFLOW_COLOUR = "#c53030"


def _position(value: float, top: float) -> float:
    """Where ``value`` (>= 0) sits on a log axis that ends at ``top``, from 0 to 1."""
    return math.log10(value + 1) / math.log10(top + 1) if top > 0 else 0.0


def _ticks(top: float) -> list[int]:
    ticks = [0, 1]
    while ticks[-1] * 10 <= top:
        ticks.append(ticks[-1] * 10)
    return ticks


def _panel(result: ToolResult, cpu: CpuLatency, y0: float) -> list[str]:
    plot_w = WIDTH - LEFT - RIGHT
    plot_h = PANEL_HEIGHT - TOP - BOTTOM
    base = y0 + TOP + plot_h
    where = "whole machine" if cpu.cpu is None else f"CPU {cpu.cpu}"
    p99 = cpu.percentile(99.0)
    p99_text = "-" if p99 is None else f"{p99} us" if cpu.samples else "-"
    title = f"{result.tool}, {where}: max {cpu.max_us} us, p99 {p99_text}, {cpu.samples} samples"
    if result.threshold_us is not None:
        above = cpu.max_us > result.threshold_us
        title += f", threshold {result.threshold_us} us: {'FAIL' if above else 'pass'}"
    parts = [
        f'<text x="{LEFT}" y="{y0 + 20:.1f}" class="title">{escape(title)}</text>',
        f'<rect x="{LEFT}" y="{y0 + TOP}" width="{plot_w}" height="{plot_h}" class="frame"/>',
    ]
    top_us = max([*cpu.histogram, cpu.histogram_limit_us or 0, cpu.max_us, 1]) + 1
    if cpu.histogram_limit_us is not None:
        top_us = cpu.histogram_limit_us + 1
    top_count = max([*cpu.histogram.values(), cpu.overflow, 1])
    for tick in _ticks(top_us):
        x = LEFT + plot_w * _position(tick, top_us)
        parts.append(f'<line x1="{x:.1f}" y1="{base}" x2="{x:.1f}" y2="{base + 4}" class="axis"/>')
        parts.append(
            f'<text x="{x:.1f}" y="{base + 16}" class="tick" text-anchor="middle">{tick}</text>'
        )
    for tick in _ticks(top_count)[1:]:
        y = base - plot_h * _position(tick, top_count)
        parts.append(
            f'<line x1="{LEFT - 4}" y1="{y:.1f}" x2="{LEFT + plot_w}" y2="{y:.1f}" class="grid"/>'
        )
        label = f"1e{round(math.log10(tick))}" if tick >= 10_000 else str(tick)
        parts.append(
            f'<text x="{LEFT - 7}" y="{y + 4:.1f}" class="tick" text-anchor="end">{label}</text>'
        )
    colour = COLOURS.get(result.tool, "#4a5568")
    for bucket in sorted(cpu.histogram):
        count = cpu.histogram[bucket]
        x1 = LEFT + plot_w * _position(bucket, top_us)
        x2 = LEFT + plot_w * _position(bucket + 1, top_us)
        height = plot_h * _position(count, top_count)
        parts.append(
            f'<rect x="{x1:.2f}" y="{base - height:.2f}" width="{max(x2 - x1, 0.8):.2f}" '
            f'height="{height:.2f}" fill="{colour}"/>'
        )
    if cpu.overflow:
        height = plot_h * _position(cpu.overflow, top_count)
        x = LEFT + plot_w + 8
        parts.append(
            f'<rect x="{x}" y="{base - height:.2f}" width="14" height="{height:.2f}" '
            f'fill="{OVERFLOW_COLOUR}"/>'
        )
        parts.append(
            f'<text x="{x + 7}" y="{base - height - 4:.2f}" class="tick" text-anchor="middle">'
            f"&gt;{cpu.histogram_limit_us}</text>"
        )
    if result.threshold_us is not None and result.threshold_us < top_us:
        x = LEFT + plot_w * _position(result.threshold_us, top_us)
        parts.append(
            f'<line x1="{x:.1f}" y1="{y0 + TOP}" x2="{x:.1f}" y2="{base}" class="threshold"/>'
        )
    if not cpu.histogram and not cpu.overflow:
        parts.append(
            f'<text x="{LEFT + plot_w / 2}" y="{base - plot_h / 2}" class="tick" '
            'text-anchor="middle">no samples</text>'
        )
    parts.append(
        f'<text x="{LEFT + plot_w / 2}" y="{base + 30}" class="tick" text-anchor="middle">'
        "latency (us, log scale); samples per 1 us bucket (log scale)</text>"
    )
    return parts


def svg(results: Sequence[ToolResult], *, title: str) -> str:
    """The picture of every measured CPU of every tool, one panel each."""
    panels = [(result, cpu) for result in results for cpu in result.cpus]
    height = TITLE_HEIGHT + PANEL_HEIGHT * max(len(panels), 1)
    parts = [
        '<?xml version="1.0" encoding="UTF-8"?>',
        f'<svg xmlns="http://www.w3.org/2000/svg" width="{WIDTH}" height="{height}" '
        f'viewBox="0 0 {WIDTH} {height}" font-family="sans-serif">',
        "<style>.title{font-size:13px;fill:#1a202c}.tick{font-size:10px;fill:#4a5568}"
        ".frame{fill:#fff;stroke:#a0aec0}.axis{stroke:#4a5568}.grid{stroke:#e2e8f0}"
        ".threshold{stroke:#c53030;stroke-dasharray:4 3;stroke-width:1.5}</style>",
        f'<rect width="{WIDTH}" height="{height}" fill="#f7fafc"/>',
        f'<text x="{LEFT}" y="24" font-size="16" fill="#1a202c" '
        f"aria-label={quoteattr(title)}>{escape(title)}</text>",
    ]
    if not panels:
        parts.append(
            f'<text x="{LEFT}" y="{TITLE_HEIGHT + 40}" class="tick">'
            "no tool measured anything</text>"
        )
    for index, (result, cpu) in enumerate(panels):
        parts += _panel(result, cpu, TITLE_HEIGHT + index * PANEL_HEIGHT)
    parts.append("</svg>")
    return "\n".join(parts) + "\n"

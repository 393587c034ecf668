"""Every exception the performance plugin raises, in one place; each lives beside its code.

::

    Exception
    ├── PoolError                  controller.pools: no/several/invalid MachineConfigPools
    │                              (Degraded GettingMachineConfigPoolFailed/BadMachineConfigLabels)
    ├── RenderCommandError         render.errors: the offline render cannot run (exit non-zero)
    │   ├── InputError             unparsable or conflicting input manifests
    │   ├── SelectionError         no MCP or several MCPs match a profile
    │   └── OutputError            the output directory cannot be written
    ├── RuntimeError
    │   ├── GatherError            ppc.gather: a sysinfo snapshot cannot be taken
    │   └── ClusterError           latency.cluster: no such profile/node/image for latency-test
    └── ValueError
        ├── RenderError            components._common: a profile cannot be rendered
        ├── TemplateError          components.tuned._template: a TuneD template is broken
        ├── BadReview              webhooks.review: a body is not an Admission/ConversionReview
        ├── ConfigMapError         hypershift.decode: a HyperShift profile ConfigMap is unusable
        ├── PreviewError           preview.errors: nto preview cannot run (bad input; exit 1)
        ├── SettingsError          render.command: bad render flags or environment
        ├── LatencySettingsError   latency.settings: a LATENCY_TEST_* variable or flag is invalid
        ├── ToolOutputError        latency.parse: rt-tests output that cannot be read
        ├── UsageError             ppc.cli: bad profile-creator command line (exit 1)
        ├── MustGatherError        ppc.mustgather: missing or duplicated must-gather parts
        ├── SnapshotError          ppc.snapshot: truncated, corrupt or hostile sysinfo.tgz
        ├── TarFormatError         ppc._tar: not a readable gzipped tar (becomes SnapshotError)
        ├── HardwareError          ppc.hardware: inconsistent topology files
        ├── SelectionError         ppc.selection: no usable nodes, or differing hardware
        ├── AllocationError        ppc.allocation: CPU counts that cannot be allocated
        ├── HintsError             ppc.hints: conflicting power settings
        └── ProfileError           ppc.profile: the resulting profile is not a valid v2 profile

All are permanent for the input that caused them: fix the input named in the message.
Names are importable from here lazily (two ``SelectionError`` classes exist; the render one is
exported as ``RenderSelectionError``).
"""

from __future__ import annotations

import importlib
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from nto_performance.components._common import RenderError
    from nto_performance.components.tuned._template import TemplateError
    from nto_performance.controller.pools import PoolError
    from nto_performance.hypershift.decode import ConfigMapError
    from nto_performance.latency.cluster import ClusterError
    from nto_performance.latency.parse import ToolOutputError
    from nto_performance.latency.settings import LatencySettingsError
    from nto_performance.ppc._tar import TarFormatError
    from nto_performance.ppc.allocation import AllocationError
    from nto_performance.ppc.cli import UsageError
    from nto_performance.ppc.gather import GatherError
    from nto_performance.ppc.hardware import HardwareError
    from nto_performance.ppc.hints import HintsError
    from nto_performance.ppc.mustgather import MustGatherError
    from nto_performance.ppc.profile import ProfileError
    from nto_performance.ppc.selection import SelectionError
    from nto_performance.ppc.snapshot import SnapshotError
    from nto_performance.preview.errors import PreviewError
    from nto_performance.render.command import SettingsError
    from nto_performance.render.errors import (
        InputError,
        OutputError,
        RenderCommandError,
    )
    from nto_performance.render.errors import (
        SelectionError as RenderSelectionError,
    )
    from nto_performance.webhooks.review import BadReview


_HOMES = {
    "AllocationError": ("nto_performance.ppc.allocation", "AllocationError"),
    "BadReview": ("nto_performance.webhooks.review", "BadReview"),
    "ClusterError": ("nto_performance.latency.cluster", "ClusterError"),
    "ConfigMapError": ("nto_performance.hypershift.decode", "ConfigMapError"),
    "GatherError": ("nto_performance.ppc.gather", "GatherError"),
    "HardwareError": ("nto_performance.ppc.hardware", "HardwareError"),
    "HintsError": ("nto_performance.ppc.hints", "HintsError"),
    "InputError": ("nto_performance.render.errors", "InputError"),
    "LatencySettingsError": ("nto_performance.latency.settings", "LatencySettingsError"),
    "MustGatherError": ("nto_performance.ppc.mustgather", "MustGatherError"),
    "OutputError": ("nto_performance.render.errors", "OutputError"),
    "PoolError": ("nto_performance.controller.pools", "PoolError"),
    "PreviewError": ("nto_performance.preview.errors", "PreviewError"),
    "ProfileError": ("nto_performance.ppc.profile", "ProfileError"),
    "RenderCommandError": ("nto_performance.render.errors", "RenderCommandError"),
    "RenderError": ("nto_performance.components._common", "RenderError"),
    "RenderSelectionError": ("nto_performance.render.errors", "SelectionError"),
    "SelectionError": ("nto_performance.ppc.selection", "SelectionError"),
    "SettingsError": ("nto_performance.render.command", "SettingsError"),
    "SnapshotError": ("nto_performance.ppc.snapshot", "SnapshotError"),
    "TarFormatError": ("nto_performance.ppc._tar", "TarFormatError"),
    "TemplateError": ("nto_performance.components.tuned._template", "TemplateError"),
    "ToolOutputError": ("nto_performance.latency.parse", "ToolOutputError"),
    "UsageError": ("nto_performance.ppc.cli", "UsageError"),
}

__all__ = [
    "AllocationError",
    "BadReview",
    "ClusterError",
    "ConfigMapError",
    "GatherError",
    "HardwareError",
    "HintsError",
    "InputError",
    "LatencySettingsError",
    "MustGatherError",
    "OutputError",
    "PoolError",
    "PreviewError",
    "ProfileError",
    "RenderCommandError",
    "RenderError",
    "RenderSelectionError",
    "SelectionError",
    "SettingsError",
    "SnapshotError",
    "TarFormatError",
    "TemplateError",
    "ToolOutputError",
    "UsageError",
]


def __getattr__(name: str) -> Any:
    if name not in _HOMES:
        raise AttributeError(f"module {__name__!r} has no attribute {name!r}")
    module, attribute = _HOMES[name]
    return getattr(importlib.import_module(module), attribute)


def __dir__() -> list[str]:
    return list(__all__)

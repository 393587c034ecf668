"""The PerformanceProfile the creator prints, and its text form.

`build_profile` assembles a ``performance.openshift.io/v2`` object from the CPU allocation
(`nto_performance.ppc.allocation`), the workload hints (`nto_performance.ppc.hints`) and the
selectors (`nto_performance.ppc.selection`), and checks it against the v2 model. `render_output`
turns it into what goes to stdout: ``---`` and YAML with sorted keys, wrapped for HyperShift in a
``v1`` ConfigMap of namespace ``clusters`` (data key ``tuning``, the profile's YAML as a literal
block, readable as in the Go binary's output), followed by the comment blocks
that apply (hardware tuning guidance, different core ids). Pure: no I/O.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

import yaml

from nto_api.names import PERFORMANCE_V2
from nto_performance.ppc.allocation import Allocation
from nto_performance.ppc.hints import WorkloadHints

__all__ = [
    "DIFFERENT_CORE_IDS_COMMENT",
    "HARDWARE_TUNING_COMMENT",
    "HOSTED_NAMESPACE",
    "HOSTED_NODE_SELECTOR",
    "ProfileError",
    "ProfileRequest",
    "build_profile",
    "render_output",
]

HOSTED_NAMESPACE = "clusters"
HOSTED_NODE_SELECTOR = {"node-role.kubernetes.io/worker": ""}

HARDWARE_TUNING_COMMENT = """\
# HardwareTuning is an advanced feature: set CPU frequencies only to values your hardware
# vendor supports for this processor, or the nodes may run unstable. To use it, add under
# spec (frequencies in kHz):
#   hardwareTuning:
#     isolatedCpuFreq: <frequency for the isolated CPUs>
#     reservedCpuFreq: <frequency for the reserved CPUs>
"""

DIFFERENT_CORE_IDS_COMMENT = """\
# PPC tolerates having different core IDs on the targeted nodes: their CPUs, cores and NUMA
# nodes match, but sysfs numbers the cores differently. The CPU sets above come from one node;
# check that they suit every node of the pool before applying the profile.
"""


class ProfileError(ValueError):
    """The assembled profile is not a valid v2 PerformanceProfile (a bug or a bad flag value)."""


@dataclass(frozen=True, slots=True, kw_only=True)
class ProfileRequest:
    """Everything that shapes the profile besides the CPUs."""

    name: str
    node_selector: dict[str, str]
    pool_selector: dict[str, str] | None
    """``None`` on HyperShift, where no MachineConfigPool exists."""
    rt_kernel: bool
    topology_policy: str
    user_level_networking: bool
    hints: WorkloadHints


def build_profile(request: ProfileRequest, allocation: Allocation) -> dict[str, Any]:
    """Return the profile as a plain dict, validated against the v2 model."""
    cpu = {"isolated": str(allocation.isolated), "reserved": str(allocation.reserved)}
    if allocation.offlined:
        cpu["offlined"] = str(allocation.offlined)
    spec: dict[str, Any] = {
        "cpu": cpu,
        "nodeSelector": dict(request.node_selector),
        "realTimeKernel": {"enabled": request.rt_kernel},
        "numa": {"topologyPolicy": request.topology_policy},
        "workloadHints": request.hints.as_spec(),
        "net": {"userLevelNetworking": request.user_level_networking},
    }
    if request.pool_selector is not None:
        spec["machineConfigPoolSelector"] = dict(request.pool_selector)
    if allocation.additional_kernel_args:
        spec["additionalKernelArgs"] = list(allocation.additional_kernel_args)
    profile = {
        "apiVersion": PERFORMANCE_V2,
        "kind": "PerformanceProfile",
        "metadata": {"name": request.name},
        "spec": spec,
    }
    _validate(profile)
    return profile


def _validate(profile: dict[str, Any]) -> None:
    """Check the created profile against the v2 model; `nto_api.quickread` accepts only what the
    model accepts, so the model is built (~50 ms) only when the quick reader declines."""
    from nto_api import quickread

    if quickread.read_profile(profile) is not None:
        return
    from pydantic import ValidationError

    from nto_api.performance.v2 import PerformanceProfile

    try:
        PerformanceProfile.model_validate(profile)
    except ValidationError as error:
        raise ProfileError(
            f"the created profile is not a valid v2 PerformanceProfile: {error}"
        ) from error


class _Dumper(yaml.CSafeDumper):
    """Writes empty strings as ``""``, the way Kubernetes tools print label values."""


def _represent_str(dumper: _Dumper, value: str) -> yaml.ScalarNode:
    return dumper.represent_scalar("tag:yaml.org,2002:str", value, style='"' if not value else None)


class _Block(str):
    """A multi-line string written as a literal block (``|``), as the profile in ``tuning``."""


def _represent_block(dumper: _Dumper, value: _Block) -> yaml.ScalarNode:
    return dumper.represent_scalar("tag:yaml.org,2002:str", str(value), style="|")


_Dumper.add_representer(str, _represent_str)
_Dumper.add_representer(_Block, _represent_block)


def _dump(document: dict[str, Any]) -> str:
    return yaml.dump(
        document,
        Dumper=_Dumper,
        sort_keys=True,
        default_flow_style=False,
        allow_unicode=True,
    )


def render_output(
    profile: dict[str, Any],
    *,
    hosted: bool = False,
    hardware_tuning: bool = False,
    different_core_ids: bool = False,
) -> str:
    """Return the creator's stdout: the profile (or its HyperShift ConfigMap) and comments."""
    body = _dump(profile)
    if hosted:
        body = _dump(
            {
                "apiVersion": "v1",
                "kind": "ConfigMap",
                "metadata": {"name": profile["metadata"]["name"], "namespace": HOSTED_NAMESPACE},
                "data": {"tuning": _Block(body)},
            }
        )
    text = "---\n" + body
    if hardware_tuning:
        text += HARDWARE_TUNING_COMMENT
    if different_core_ids:
        text += DIFFERENT_CORE_IDS_COMMENT
    return text

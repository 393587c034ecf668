"""The Tuned a PerformanceProfile renders to: five TuneD profiles and one recommend rule.

``render(profile, options)`` returns the ``tuned.openshift.io/v1`` Tuned
``openshift-node-performance-<pp>`` in the operator namespace. Its ``spec.profile`` holds, in this
order, the root profile (which includes the stock ``openshift-node`` and ``cpu-partitioning``
profiles, the real-time child when the node runs a real-time kernel, and the child matching the
node's CPU vendor and architecture) and the ``rt``, ``amd-x86``, ``arm-aarch64`` and ``intel-x86``
children. ``spec.recommend`` applies the root profile, at priority 20, to the nodes of the pool
that selects the profile's machineConfigLabel. The TuneD ``[bootloader]`` keys of these profiles
become the node's kernel command line through the core operator's ``50-nto-<pool>``
MachineConfig.

Profile texts are templates in ``profiles/*.tmpl`` (package data; see :mod:`._template` for the
syntax); :mod:`._variables` computes what they are rendered with. Neighbours: :mod:`..names`
(object names, machineConfigLabel), :mod:`.._common` (RenderError, metadata), the other renderers
(never imported), :mod:`..manifestset` (the caller).
"""

from __future__ import annotations

from functools import cache
from pathlib import Path
from typing import TYPE_CHECKING, Any, Final

from nto_api.names import TUNED_KIND, TUNED_V1
from nto_performance.components._common import wire_metadata
from nto_performance.components.names import OPERATOR_NAMESPACE, machine_config_label, tuned_name
from nto_performance.components.options import RenderOptions
from nto_performance.components.tuned._template import render_template
from nto_performance.components.tuned._variables import compute

if TYPE_CHECKING:
    from nto_api.views import ProfileView

__all__ = ["PROFILE_KINDS", "RECOMMEND_PRIORITY", "profile_names", "render"]

RECOMMEND_PRIORITY: Final = 20
"""Priority of the recommend rule (lower wins; the default Tuned uses 30 and above)."""

PROFILE_KINDS: Final = (
    "openshift-node-performance",
    "openshift-node-performance-rt",
    "openshift-node-performance-amd-x86",
    "openshift-node-performance-arm-aarch64",
    "openshift-node-performance-intel-x86",
)
"""TuneD profile name stems, in ``spec.profile`` order; each is also a template in
``profiles/<stem>.tmpl``. The rendered profile is ``<stem>-<pp>``."""


@cache
def _template(stem: str) -> str:
    # Package data is read next to this file: the wheels install files, not zips, and
    # importlib.resources would cost the offline render ~7 ms of imports (tempfile, zipfile).
    return Path(__file__).with_name("profiles").joinpath(f"{stem}.tmpl").read_text(encoding="utf-8")


def profile_names(profile_name: str) -> list[str]:
    """The TuneD profile names rendered for PerformanceProfile `profile_name`, root first."""
    return [f"{stem}-{profile_name}" for stem in PROFILE_KINDS]


def render(profile: ProfileView, options: RenderOptions) -> dict[str, Any]:
    """The Tuned of `profile` as a wire dict; raises `RenderError` on input that cannot be
    rendered (the message names the field and the fix)."""
    variables = compute(profile, options)
    flags = variables.all_flags()
    pp = variables.values["profile_name"]
    data = [
        {
            "name": name,
            "data": render_template(stem, _template(stem), values=variables.values, flags=flags),
        }
        for stem, name in zip(PROFILE_KINDS, profile_names(pp), strict=True)
    ]
    recommend = {
        "profile": profile_names(pp)[0],
        "priority": RECOMMEND_PRIORITY,
        "machineConfigLabels": machine_config_label(profile),
    }
    return {
        "apiVersion": TUNED_V1,
        "kind": TUNED_KIND,
        "metadata": wire_metadata(name=tuned_name(pp), namespace=OPERATOR_NAMESPACE),
        "spec": {"profile": data, "recommend": [recommend]},
    }

"""What a node would report for this plugin's TuneD profiles in an emulated cluster.

``nto.testing.simulate_node_agents`` plays ``ocp-tuned`` on emulated nodes; through hook
``nto_emulated_node_cmdline`` (:mod:`nto_performance.plugin`) it asks this module for the kernel
command line of a Profile. The answer is a fixed, representative part of what the rendered
``openshift-node-performance-<profile>`` TuneD profile puts on the command line; it is never used
in a real cluster, where TuneD computes the real one. Neighbours:
:mod:`nto_performance.components.tuned` (the profile names).
"""

from __future__ import annotations

from typing import Any, Final

PROFILE_PREFIX: Final = "openshift-node-performance-"
EMULATED_CMDLINE: Final = "skew_tick=1 nohz=on"


def emulated_cmdline(profile: Any) -> str | None:
    """Kernel arguments for a Profile running one of our TuneD profiles, else ``None``."""
    spec = profile.get("spec") if isinstance(profile, dict) else None
    config = spec.get("config") if isinstance(spec, dict) else None
    tuned = config.get("tunedProfile") if isinstance(config, dict) else None
    if isinstance(tuned, str) and tuned.startswith(PROFILE_PREFIX):
        return EMULATED_CMDLINE
    return None

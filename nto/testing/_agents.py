"""Stand-ins for the node agents an emulated cluster lacks (``ocp-tuned``, DaemonSet status).

Tests, the demo and plugin authors call :func:`simulate_node_agents` repeatedly while the
operator runs, so Profiles become Applied, nodes announce their kernel command line and the
operand DaemonSet looks available, as on a real cluster. What is generic lives here; what a
node would compute from a plugin's own TuneD profiles comes from that plugin, through hook
``nto_emulated_node_cmdline`` of the :class:`~nto.plugins.PluginHost` passed in.
"""

from __future__ import annotations

import configparser
from typing import TYPE_CHECKING, Any

from nto.testing._cluster import EmulatedCluster

if TYPE_CHECKING:
    from nto.plugins.host import PluginHost

NAMESPACE = "openshift-cluster-node-tuning-operator"


def simulate_node_agents(
    cluster: EmulatedCluster,
    *,
    namespace: str = NAMESPACE,
    plugins: PluginHost | None = None,
    bootloader: bool = False,
) -> None:
    """Do once what ocp-tuned and the DaemonSet controller would do on real nodes.

    An emulated cluster has no nodes running anything, so this reports for them: each node's
    Profile is marked applied and the node announces the kernel command line it computed from
    the Profile's Tuned generations (the bootcmdline-deps annotation), which lets the operator
    write the kernel argument MachineConfigs and plugins go on after their Tuneds. The command
    line joins the answers of ``plugins`` to hook ``nto_emulated_node_cmdline``; empty without.
    With ``bootloader``, it starts with the ``cmdline*`` values of the ``[bootloader]`` section
    of the node's TuneD profile as the Profile lists it (includes and ``${...}`` variables are
    not followed: write literal kernel arguments in tests).
    """
    now = "2026-01-01T00:00:00Z"
    for profile in cluster.list("tuned.openshift.io/v1", "Profile", namespace):
        name = profile["metadata"]["name"]
        deps = profile["metadata"].get("annotations", {}).get("tuned.openshift.io/bootcmdline-deps")
        node_obj = cluster.get("v1", "Node", name)
        if node_obj is None or deps is None:
            continue
        annotations = node_obj["metadata"].setdefault("annotations", {})
        if annotations.get("tuned.openshift.io/bootcmdline-deps") != deps:
            cmdline = _cmdline(plugins, profile)
            if bootloader:
                cmdline = " ".join(part for part in (_bootloader(profile), cmdline) if part)
            annotations["tuned.openshift.io/bootcmdline"] = cmdline
            annotations["tuned.openshift.io/bootcmdline-deps"] = deps
            cluster.apply(node_obj)
        wanted = profile["spec"]["config"]["tunedProfile"]
        if profile.get("status", {}).get("tunedProfile") != wanted:
            profile["status"] = {
                "tunedProfile": wanted,
                "conditions": [
                    {
                        "type": "Applied",
                        "status": "True",
                        "reason": "AsExpected",
                        "lastTransitionTime": now,
                    },
                    {
                        "type": "Degraded",
                        "status": "False",
                        "reason": "AsExpected",
                        "lastTransitionTime": now,
                    },
                ],
            }
            cluster.apply(profile)
    daemonset = cluster.get("apps/v1", "DaemonSet", "tuned", namespace)
    status = (daemonset or {}).get("status") or {}
    if daemonset is not None and (
        not status.get("numberAvailable")
        or status.get("observedGeneration") != daemonset["metadata"].get("generation", 1)
    ):  # the DaemonSet controller rolls every spec change out to every node
        count = len(cluster.list("v1", "Node"))
        daemonset["status"] = {
            "observedGeneration": daemonset["metadata"].get("generation", 1),
            "desiredNumberScheduled": count,
            "currentNumberScheduled": count,
            "updatedNumberScheduled": count,
            "numberAvailable": count,
            "numberReady": count,
        }
        cluster.apply(daemonset)


def _cmdline(plugins: PluginHost | None, profile: dict[str, Any]) -> str:
    """The plugins' kernel arguments for ``profile``, space-separated; non-strings are failures."""
    if plugins is None:
        return ""
    parts: list[str] = []
    for plugin, answer in plugins.call("nto_emulated_node_cmdline", profile=profile):
        if isinstance(answer, str):
            parts.extend(answer.split())
        else:
            plugins.record_failure(
                plugin,
                "nto_emulated_node_cmdline",
                TypeError(f"returned {answer!r}; return a string of kernel arguments or None"),
            )
    return " ".join(parts)


def _bootloader(profile: dict[str, Any]) -> str:
    """The ``[bootloader] cmdline*`` values of the Profile's active TuneD profile, in order."""
    active = profile["spec"]["config"]["tunedProfile"]
    data = next(
        (
            entry.get("data") or ""
            for entry in profile["spec"].get("profile") or []
            if entry.get("name") == active
        ),
        "",
    )
    parser = configparser.ConfigParser(interpolation=None, strict=False)
    parser.optionxform = str  # type: ignore[assignment,method-assign]
    try:
        parser.read_string(data)
    except configparser.Error:
        return ""
    if not parser.has_section("bootloader"):
        return ""
    return " ".join(
        value.strip()
        for key, value in parser.items("bootloader")
        if key.startswith("cmdline") and value.strip()
    )

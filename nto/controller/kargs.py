"""Kernel arguments and the ``50-nto-<pool>`` MachineConfigs that carry them to the nodes.

TuneD computes each node's kernel command line additions (``[bootloader] cmdline``); the operand
reports it in the Node annotation ``tuned.openshift.io/bootcmdline``. For recommend rules with
``machineConfigLabels`` the operator writes it into a MachineConfig, which the Machine Config
Operator rolls out (and reboots for). Here:

- `split_kernel_arguments`: the kernel's ``next_arg`` rules. Split on C-locale whitespace, double
  quotes may wrap whitespace, no escaping; tokens are kept verbatim (quotes included), so joining
  them with single spaces gives back the command line (rhbz#1812605).
- `plan_machine_config`: create (only with a non-empty command line: an empty MC would only
  reboot nodes), update (only when the argument list differs, order-sensitive) or leave alone.
- `machine_configs_to_prune`: MCs we generated (the ``generated-by-controller-version``
  annotation) that no recommend produces any more.

Neighbours: `bootcmdline` (gating on node reports, conflicts, readiness signal), `pools`, `names`.
"""

from __future__ import annotations

import copy
from collections.abc import Iterable, Mapping, Sequence
from typing import Any, Final, Literal

from nto.controller.names import (
    GENERATED_BY_CONTROLLER_VERSION_ANNOTATION,
    MACHINECONFIG_API_VERSION,
    machine_config_name,
)
from nto.controller.pools import pools_for_machine_config_labels
from nto_api.objects import JSONDict, annotations_of, get_list, get_map, name_of, str_map

__all__ = [
    "C_WHITESPACE",
    "MachineConfigAction",
    "desired_machine_config",
    "machine_config_labels_for_pool",
    "machine_configs_to_prune",
    "plan_machine_config",
    "split_kernel_arguments",
    "wanted_machine_config_names",
]

C_WHITESPACE: Final = " \t\n\v\f\r"
"""``isspace()`` in the C locale."""

MachineConfigAction = Literal["create", "update", "none"]


def split_kernel_arguments(cmdline: str) -> list[str]:
    """The arguments of a kernel command line, each kept verbatim (quotes included)."""
    args: list[str] = []
    position, end = 0, len(cmdline)
    while True:
        while position < end and cmdline[position] in C_WHITESPACE:
            position += 1
        if position >= end:
            return args
        start, in_quote = position, False
        while position < end:
            char = cmdline[position]
            if char in C_WHITESPACE and not in_quote:
                break
            if char == '"':
                in_quote = not in_quote
            position += 1
        args.append(cmdline[start:position])


def machine_config_labels_for_pool(pool: Mapping[str, Any]) -> dict[str, str]:
    """A pool's ``machineConfigSelector.matchLabels``: labels that make it render an MC."""
    return str_map(get_map(pool, "spec", "machineConfigSelector").get("matchLabels"))


def desired_machine_config(
    name: str,
    *,
    labels: Mapping[str, str],
    kernel_arguments: Sequence[str],
    controller_version: str,
) -> JSONDict:
    """A MachineConfig carrying only kernel arguments (no Ignition config).

    The controller passes the recommend's ``machineConfigLabels`` as `labels`; the bootstrap
    render passes `machine_config_labels_for_pool`.
    """
    return {
        "apiVersion": MACHINECONFIG_API_VERSION,
        "kind": "MachineConfig",
        "metadata": {
            "name": name,
            "labels": dict(labels),
            "annotations": {GENERATED_BY_CONTROLLER_VERSION_ANNOTATION: controller_version},
        },
        "spec": {"kernelArguments": list(kernel_arguments)},
    }


def plan_machine_config(
    existing: Mapping[str, Any] | None,
    *,
    name: str,
    labels: Mapping[str, str],
    bootcmdline: str,
    controller_version: str,
) -> tuple[MachineConfigAction, JSONDict | None]:
    """What to do with MachineConfig `name` for a pool whose nodes agree on `bootcmdline`.

    Returns the action and the object to create or to write back (None for ``none``). An update
    replaces the annotations and ``spec.config`` and sets the new arguments; labels are kept.
    """
    args = split_kernel_arguments(bootcmdline)
    desired = desired_machine_config(
        name, labels=labels, kernel_arguments=args, controller_version=controller_version
    )
    if existing is None:
        return ("create", desired) if args else ("none", None)
    if get_list(existing, "spec", "kernelArguments") == args:
        return "none", None
    updated: JSONDict = copy.deepcopy(dict(existing))
    metadata = updated.setdefault("metadata", {})
    metadata["annotations"] = desired["metadata"]["annotations"]
    spec = dict(get_map(updated, "spec"))
    spec.pop("config", None)
    spec["kernelArguments"] = args
    updated["spec"] = spec
    return "update", updated


def wanted_machine_config_names(
    tuneds: Iterable[Mapping[str, Any]],
    pools: Sequence[Mapping[str, Any]],
) -> set[str]:
    """Names of the MachineConfigs the recommends with ``machineConfigLabels`` produce."""
    wanted = set()
    for tuned in tuneds:
        for rec in get_list(tuned, "spec", "recommend"):
            mc_labels = rec.get("machineConfigLabels") if isinstance(rec, Mapping) else None
            if isinstance(mc_labels, Mapping):
                pool_names = pools_for_machine_config_labels(str_map(mc_labels), pools)
                wanted.add(machine_config_name(pool_names))
    return wanted


def machine_configs_to_prune(
    machine_configs: Iterable[Mapping[str, Any]],
    wanted: set[str],
) -> list[str]:
    """Names of the MCs we generated that are not `wanted`, sorted (all of ours for Removed)."""
    return sorted(
        name_of(mc)
        for mc in machine_configs
        if GENERATED_BY_CONTROLLER_VERSION_ANNOTATION in annotations_of(mc)
        and name_of(mc) not in wanted
    )

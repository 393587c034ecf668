"""HyperShift: the profile calculation per NodePool and the NodePools' kernel-argument ConfigMaps.

A hosted node belongs to the NodePool its label ``hypershift.openshift.io/nodePool`` names. Its
Profile is calculated from the Tuneds mirrored for that NodePool (label
``hypershift.openshift.io/nodePoolName``, :mod:`.hosted_tuneds`) plus ``default``, with the
classic rules except:

- ``machineConfigLabels`` are ignored (there are no MachineConfigPools in a hosted cluster);
- a winning recommend **without** ``match`` (absent or null, not ``[]``) is a NodePool match: the
  node's kernel arguments go to its NodePool (:attr:`NodePoolTarget.node_pool`), unless the
  profile is ``openshift-node`` (the default catch-all, which never makes a MachineConfig).

The kernel arguments leave as ConfigMap ``nto-mc-<nodepool>`` in the management namespace
(labels ``hypershift.openshift.io/nto-generated-machine-config=true`` and
``hypershift.openshift.io/nodePool=<nodepool>``, annotations ``hypershift.openshift.io/nodePool``
and ``tuned.openshift.io/generated-by-controller-version``), ``data.config`` holding MachineConfig
``50-nto-<nodepool>`` as YAML; the HyperShift NodePool controller turns it into node
configuration. :func:`plan_mc_config_map` creates (only with arguments), updates (arguments,
labels or annotations differ, or ``data.config`` does not parse) or leaves it;
:func:`mc_config_maps_to_prune` lists ours that no Tuned asks for any more.

Pure: no I/O. Neighbours: :mod:`.hosted_tuneds`, :mod:`.calculator`, :mod:`.kargs`,
:mod:`nto.reconciler.hypershift`.
"""

from __future__ import annotations

import copy
import dataclasses
from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from typing import Any

import yaml

from nto.controller.calculator import FALLBACK_PROFILE, Calculator, needs_pod_informer
from nto.controller.computed import ComputedProfile, NodeFacts
from nto.controller.kargs import MachineConfigAction, desired_machine_config, split_kernel_arguments
from nto.controller.names import (
    DEFAULT_TUNED_NAME,
    GENERATED_BY_CONTROLLER_VERSION_ANNOTATION,
    HYPERSHIFT_MC_CONFIG_KEY,
    HYPERSHIFT_MC_CONFIGMAP_LABEL,
    HYPERSHIFT_NODE_POOL_LABEL,
    HYPERSHIFT_NODE_POOL_NAME_LABEL,
    machine_config_name,
    node_pool_config_map_name,
)
from nto.controller.validation import has_conflicting_duplicate
from nto_api import safe_yaml
from nto_api.objects import JSONDict, annotations_of, get_list, get_map, labels_of, name_of

__all__ = [
    "NodePoolCalculator",
    "NodePoolTarget",
    "desired_mc_config_map",
    "mc_config_maps_to_prune",
    "node_pool_of_node",
    "node_pool_target",
    "plan_mc_config_map",
    "tuneds_for_node_pool",
    "wanted_mc_config_map_names",
]


def node_pool_of_node(labels: Mapping[str, str]) -> str:
    """The NodePool of a hosted node (``""`` when it carries no NodePool label)."""
    return labels.get(HYPERSHIFT_NODE_POOL_LABEL, "")


def _without_mc_labels(tuned: Mapping[str, Any]) -> JSONDict:
    copied: JSONDict = copy.deepcopy(dict(tuned))
    recommends = get_list(copied, "spec", "recommend")
    for rec in recommends:
        if isinstance(rec, dict):
            rec.pop("machineConfigLabels", None)
    return copied


def tuneds_for_node_pool(
    tuneds: Iterable[Mapping[str, Any]], node_pool: str
) -> list[Mapping[str, Any]]:
    """The Tuneds a node of ``node_pool`` is calculated from: the NodePool's own plus
    ``default``, with ``machineConfigLabels`` dropped."""
    selected: list[Mapping[str, Any]] = []
    for tuned in tuneds:
        labels = labels_of(tuned)
        mine = HYPERSHIFT_NODE_POOL_NAME_LABEL in labels and (
            labels[HYPERSHIFT_NODE_POOL_NAME_LABEL] == node_pool
        )
        if mine or name_of(tuned) == DEFAULT_TUNED_NAME:
            selected.append(_without_mc_labels(tuned))
    return selected


@dataclass(frozen=True)
class NodePoolTarget:
    """Where a node's kernel arguments go: its NodePool, or nowhere (``node_pool`` empty)."""

    node: str
    node_pool: str

    @property
    def config_map(self) -> str:
        return node_pool_config_map_name(self.node_pool)


def _recommend(tuneds: Mapping[str, Mapping[str, Any]], source: tuple[str, int]) -> Any:
    tuned = tuneds.get(source[0])
    recommends = get_list(tuned, "spec", "recommend") if tuned is not None else []
    return recommends[source[1]] if 0 <= source[1] < len(recommends) else None


def node_pool_target(
    computed: ComputedProfile,
    *,
    node_pool: str,
    tuneds: Mapping[str, Mapping[str, Any]],
) -> NodePoolTarget:
    """The NodePool match of ``computed`` (``tuneds``: name -> Tuned, to find its rule)."""
    if not node_pool or computed.error or computed.source is None:
        return NodePoolTarget(computed.node, "")
    rec = _recommend(tuneds, computed.source)
    nil_match = isinstance(rec, Mapping) and rec.get("match") is None
    if not nil_match or computed.tuned_profile == FALLBACK_PROFILE:
        return NodePoolTarget(computed.node, "")
    return NodePoolTarget(computed.node, node_pool)


class NodePoolCalculator:
    """The HyperShift profile calculator: one classic :class:`Calculator` per NodePool, over
    that NodePool's Tuneds plus ``default`` (built on first use); results carry the NodePool
    match in :attr:`ComputedProfile.node_pool`. Rebuild it when the Tuneds change."""

    def __init__(self, tuneds: Iterable[Mapping[str, Any]], *, release_version: str = "") -> None:
        self._tuneds = [tuned for tuned in tuneds if isinstance(tuned, Mapping)]
        self._by_name = {name_of(tuned): tuned for tuned in self._tuneds}
        self._release_version = release_version
        self._calculators: dict[str, tuple[Calculator, bool]] = {}
        self.uses_pod_labels = needs_pod_informer(self._tuneds)

    def calculator(self, node_pool: str) -> tuple[Calculator, bool]:
        """The NodePool's calculator, and whether its Tuneds hold a conflicting duplicate."""
        made = self._calculators.get(node_pool)
        if made is None:
            tuneds = tuneds_for_node_pool(self._tuneds, node_pool)
            made = self._calculators[node_pool] = (
                Calculator(tuneds, release_version=self._release_version),
                has_conflicting_duplicate(tuneds),
            )
        return made

    def calculate(
        self,
        node: NodeFacts | Mapping[str, Any],
        pod_labels: Iterable[Mapping[str, str]] | Mapping[str, set[str]] = (),
    ) -> ComputedProfile:
        """The node's Profile, as :meth:`Calculator.calculate`, plus its NodePool match.

        A TuneD profile defined twice with different contents among the NodePool's Tuneds
        blocks that NodePool's Profiles (``error`` set), as a conflicting duplicate blocks every
        Profile in the classic topology; other NodePools go on.
        """
        facts = node if isinstance(node, NodeFacts) else NodeFacts.from_node(node)
        node_pool = node_pool_of_node(facts.labels)
        calculator, blocked = self.calculator(node_pool)
        computed = calculator.calculate(facts, pod_labels)
        if blocked:
            problem = (
                f"a TuneD profile is defined twice with different contents among the Tuneds of "
                f"NodePool {node_pool!r}; its Profiles are not updated until one is renamed"
            )
            return dataclasses.replace(computed, error=problem)
        target = node_pool_target(computed, node_pool=node_pool, tuneds=self._by_name)
        return dataclasses.replace(computed, node_pool=target.node_pool)


def _machine_config(node_pool: str, args: list[str], controller_version: str) -> JSONDict:
    mc = desired_machine_config(
        machine_config_name([node_pool]),
        labels={},
        kernel_arguments=args,
        controller_version=controller_version,
    )
    del mc["metadata"]["labels"]  # the reference's MC carries no labels
    return mc


def _metadata_wanted(node_pool: str) -> tuple[dict[str, str], dict[str, str]]:
    labels = {HYPERSHIFT_MC_CONFIGMAP_LABEL: "true", HYPERSHIFT_NODE_POOL_LABEL: node_pool}
    return labels, {HYPERSHIFT_NODE_POOL_LABEL: node_pool}


def desired_mc_config_map(
    node_pool: str,
    *,
    namespace: str,
    kernel_arguments: list[str],
    controller_version: str,
) -> JSONDict:
    """ConfigMap ``nto-mc-<nodepool>`` carrying MachineConfig ``50-nto-<nodepool>``."""
    labels, annotations = _metadata_wanted(node_pool)
    mc = _machine_config(node_pool, kernel_arguments, controller_version)
    return {
        "apiVersion": "v1",
        "kind": "ConfigMap",
        "metadata": {
            "name": node_pool_config_map_name(node_pool),
            "namespace": namespace,
            "labels": labels,
            "annotations": {
                **annotations,
                GENERATED_BY_CONTROLLER_VERSION_ANNOTATION: controller_version,
            },
        },
        "data": {HYPERSHIFT_MC_CONFIG_KEY: yaml.safe_dump(mc, sort_keys=True)},
    }


def _kernel_arguments_in(config_map: Mapping[str, Any]) -> list[str] | None:
    """The MC's ``spec.kernelArguments`` in the ConfigMap, or None when it is not a readable MC."""
    text = get_map(config_map, "data").get(HYPERSHIFT_MC_CONFIG_KEY)
    if not isinstance(text, str):
        return None
    try:
        mc = safe_yaml.load(text)
    except (yaml.YAMLError, ValueError):
        return None
    if not isinstance(mc, Mapping) or mc.get("kind") != "MachineConfig":
        return None
    args = get_map(mc, "spec").get("kernelArguments")
    if args is None:
        return []
    return [str(arg) for arg in args] if isinstance(args, list) else None


def plan_mc_config_map(
    existing: Mapping[str, Any] | None,
    *,
    node_pool: str,
    namespace: str,
    bootcmdline: str,
    controller_version: str,
) -> tuple[MachineConfigAction, JSONDict | None]:
    """What to do with ``nto-mc-<nodepool>`` for a NodePool whose nodes agree on ``bootcmdline``.

    Create only with arguments (an empty MachineConfig would only reboot nodes); update when
    the arguments (order-sensitive), the labels or the annotations differ, or when the stored
    MachineConfig cannot be read; the update keeps other labels, annotations and data.
    """
    args = split_kernel_arguments(bootcmdline)
    desired = desired_mc_config_map(
        node_pool, namespace=namespace, kernel_arguments=args, controller_version=controller_version
    )
    if existing is None:
        return ("create", desired) if args else ("none", None)
    labels, annotations = _metadata_wanted(node_pool)
    current_labels, current_annotations = labels_of(existing), annotations_of(existing)
    metadata_ok = all(current_labels.get(k) == v for k, v in labels.items()) and all(
        current_annotations.get(k) == v for k, v in annotations.items()
    )
    if metadata_ok and _kernel_arguments_in(existing) == args:
        return "none", None
    updated: JSONDict = copy.deepcopy(dict(existing))
    metadata = updated.setdefault("metadata", {})
    metadata["labels"] = {**current_labels, **labels}
    metadata["annotations"] = {**current_annotations, **desired["metadata"]["annotations"]}
    updated["data"] = {**dict(get_map(existing, "data")), **desired["data"]}
    return "update", updated


def wanted_mc_config_map_names(tuneds: Iterable[Mapping[str, Any]]) -> set[str]:
    """``nto-mc-<nodepool>`` for every NodePool Tuned with a recommend without ``match``."""
    wanted: set[str] = set()
    for tuned in tuneds:
        node_pool = labels_of(tuned).get(HYPERSHIFT_NODE_POOL_NAME_LABEL, "")
        if not node_pool:
            continue
        for rec in get_list(tuned, "spec", "recommend"):
            if isinstance(rec, Mapping) and rec.get("profile") and rec.get("match") is None:
                wanted.add(node_pool_config_map_name(node_pool))
    return wanted


def mc_config_maps_to_prune(
    config_maps: Iterable[Mapping[str, Any]], wanted: set[str]
) -> list[str]:
    """Our kernel-argument ConfigMaps (the generated-by annotation) no Tuned wants, sorted."""
    return sorted(
        name_of(cm)
        for cm in config_maps
        if GENERATED_BY_CONTROLLER_VERSION_ANNOTATION in annotations_of(cm)
        and name_of(cm) not in wanted
    )

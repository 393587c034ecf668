"""Which clusters one operator talks to: one (classic) or two (HyperShift).

In the classic topology the operator tunes the nodes of the cluster it runs in, and every watch,
read and write goes to that one cluster. With HyperShift (``HYPERSHIFT=true``) the operator runs
in a hosted control plane's namespace of the **management** cluster and tunes the nodes of the
**hosted** cluster: its ``KUBECONFIG`` names the hosted cluster (Nodes, Tuneds, Profiles, the
DaemonSet, the ClusterOperator, the Lease), and the management cluster (in-cluster config, or
``--management-kubeconfig`` / ``NTO_MANAGEMENT_KUBECONFIG`` in tests) holds the ConfigMaps of
the operator's own namespace (``MY_NAMESPACE``): Tuneds and PerformanceProfiles in, kernel
arguments and status out.

:class:`Cluster` names the two; :class:`Topology` is the value every controller reads
(``context.topology`` for plugins). The hosted cluster is :attr:`Cluster.HOSTED` in both
topologies (in the classic one it is the only cluster), so code written for the classic mode
keeps working unchanged. Neighbours: :mod:`.controllers` (watches per cluster),
:mod:`.management` (the management cluster's list and watch), :mod:`nto.plugins.types`.
"""

from __future__ import annotations

import enum
from dataclasses import dataclass

__all__ = ["Cluster", "Topology"]


class Cluster(enum.StrEnum):
    """One of the clusters an operator talks to."""

    HOSTED = "hosted"
    """The cluster whose nodes are tuned (its ``KUBECONFIG``); the only one in classic mode."""
    MANAGEMENT = "management"
    """HyperShift only: the cluster running the hosted control plane (ConfigMaps in and out)."""


@dataclass(frozen=True)
class Topology:
    """One operator's clusters: ``Topology()`` is classic, :meth:`hypershift_in` is HyperShift."""

    hypershift: bool = False
    management_namespace: str | None = None
    """The hosted control plane's namespace in the management cluster (``MY_NAMESPACE``)."""

    def __post_init__(self) -> None:
        if self.hypershift and not self.management_namespace:
            raise ValueError(
                "HyperShift mode needs the hosted control plane's namespace: set MY_NAMESPACE"
            )
        if not self.hypershift and self.management_namespace is not None:
            raise ValueError("a management namespace only exists in HyperShift mode")

    @classmethod
    def hypershift_in(cls, management_namespace: str) -> Topology:
        """HyperShift, with the operator's ConfigMaps in ``management_namespace``."""
        return cls(hypershift=True, management_namespace=management_namespace)

    @property
    def clusters(self) -> tuple[Cluster, ...]:
        """The clusters this operator talks to, hosted first."""
        return (Cluster.HOSTED, Cluster.MANAGEMENT) if self.hypershift else (Cluster.HOSTED,)

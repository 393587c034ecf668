"""Resource metadata served by the emulated API server, and the discovery documents built from it.

:class:`ResourceInfo` describes one resource (group, plural, kind, scope, served versions, verbs,
subresources, schemas). :class:`Registry` holds them: the built-in kinds below plus whatever
CustomResourceDefinitions register (see :mod:`nto.testing._crds`). kopf, kubectl and the
``kubernetes`` client read this metadata from discovery, so it must match a real cluster:
the router (:mod:`nto.testing._handler`) serves ``/api``, ``/apis`` and the per-version lists
from here, and the store (:mod:`nto.testing._store`) asks it how to treat each resource.
"""

from __future__ import annotations

import dataclasses
from collections.abc import Iterable, Mapping
from typing import Any

ALL_VERBS = ("create", "delete", "deletecollection", "get", "list", "patch", "update", "watch")
PRESERVE_UNKNOWN: Mapping[str, Any] = {
    "type": "object",
    "x-kubernetes-preserve-unknown-fields": True,
}


@dataclasses.dataclass(frozen=True)
class ResourceInfo:
    """One API resource, in every version it is served in."""

    group: str
    plural: str
    kind: str
    singular: str
    namespaced: bool
    versions: tuple[str, ...]
    storage_version: str
    short_names: tuple[str, ...] = ()
    verbs: tuple[str, ...] = ALL_VERBS
    subresources: frozenset[str] = frozenset()
    categories: tuple[str, ...] = ()
    custom: bool = False  # served from a CRD: custom-resource rules (no strategic merge, ...)
    schemas: Mapping[str, Mapping[str, Any] | None] = dataclasses.field(default_factory=dict)
    conversion: Mapping[str, Any] | None = None  # CRD spec.conversion when strategy is Webhook
    # (group, plural, version) of the resource whose stored objects this one serves in another
    # shape (events.k8s.io/v1 Events are core/v1 Events); see nto.testing._events.
    storage: tuple[str, str, str] | None = None
    # CRD versions[].selectableFields, as field labels per version (".spec.color" -> "spec.color")
    selectable_fields: Mapping[str, tuple[str, ...]] = dataclasses.field(default_factory=dict)
    # The key its objects are stored under: its own, or that of the resource it views (computed).
    store_key: tuple[str, str] = dataclasses.field(init=False, repr=False, compare=False)

    def __post_init__(self) -> None:
        key = (self.storage[0], self.storage[1]) if self.storage else (self.group, self.plural)
        object.__setattr__(self, "store_key", key)

    @property
    def key(self) -> tuple[str, str]:
        """The store key: (group, plural), the same in every version."""
        return (self.group, self.plural)

    @property
    def storage_api_version(self) -> str:
        """The apiVersion of stored objects (the viewed resource's, for a view)."""
        if self.storage:
            group, _, version = self.storage
            return f"{group}/{version}" if group else version
        return self.api_version(self.storage_version)

    @property
    def list_kind(self) -> str:
        return f"{self.kind}List"

    @property
    def qualified(self) -> str:
        """``plural.group`` as in error messages and RBAC (``pods`` for the core group)."""
        return f"{self.plural}.{self.group}" if self.group else self.plural

    def api_version(self, version: str) -> str:
        return f"{self.group}/{version}" if self.group else version

    @property
    def has_status(self) -> bool:
        return "status" in self.subresources


def _builtin(
    spec: str,
    *,
    short: str = "",
    sub: str = "",
    verbs: tuple[str, ...] = ALL_VERBS,
    custom: bool = False,
    categories: tuple[str, ...] = (),
    storage: tuple[str, str, str] | None = None,
) -> ResourceInfo:
    """Parse ``"group/version plural Kind Namespaced|Cluster"`` into a ResourceInfo."""
    group_version, plural, kind, scope = spec.split()
    group, _, version = group_version.rpartition("/")
    return ResourceInfo(
        group=group,
        plural=plural,
        kind=kind,
        singular=kind.lower(),
        namespaced=scope == "Namespaced",
        versions=(version,),
        storage_version=version,
        short_names=tuple(short.split()),
        verbs=verbs,
        subresources=frozenset(sub.split()),
        categories=categories,
        custom=custom,
        schemas={version: PRESERVE_UNKNOWN} if custom else {},
        storage=storage,
    )


_NO_COLLECTION_DELETE = tuple(v for v in ALL_VERBS if v != "deletecollection")

BUILTIN: tuple[ResourceInfo, ...] = (
    _builtin(
        "v1 namespaces Namespace Cluster",
        short="ns",
        sub="status finalize",
        verbs=_NO_COLLECTION_DELETE,
    ),
    _builtin("v1 nodes Node Cluster", short="no", sub="status"),
    _builtin("v1 pods Pod Namespaced", short="po", sub="status log", categories=("all",)),
    _builtin("v1 configmaps ConfigMap Namespaced", short="cm"),
    _builtin("v1 secrets Secret Namespaced"),
    _builtin(
        "v1 services Service Namespaced",
        short="svc",
        sub="status",
        verbs=_NO_COLLECTION_DELETE,
        categories=("all",),
    ),
    _builtin("v1 serviceaccounts ServiceAccount Namespaced", short="sa"),
    _builtin("v1 events Event Namespaced", short="ev"),
    _builtin("events.k8s.io/v1 events Event Namespaced", short="ev", storage=("", "events", "v1")),
    _builtin(
        "apps/v1 daemonsets DaemonSet Namespaced", short="ds", sub="status", categories=("all",)
    ),
    _builtin(
        "apps/v1 deployments Deployment Namespaced",
        short="deploy",
        sub="status scale",
        categories=("all",),
    ),
    _builtin(
        "apps/v1 replicasets ReplicaSet Namespaced",
        short="rs",
        sub="status scale",
        categories=("all",),
    ),
    _builtin("coordination.k8s.io/v1 leases Lease Namespaced"),
    _builtin(
        "apiextensions.k8s.io/v1 customresourcedefinitions CustomResourceDefinition Cluster",
        short="crd crds",
        sub="status",
    ),
    _builtin(
        "admissionregistration.k8s.io/v1 validatingwebhookconfigurations"
        " ValidatingWebhookConfiguration Cluster"
    ),
    _builtin(
        "admissionregistration.k8s.io/v1 mutatingwebhookconfigurations"
        " MutatingWebhookConfiguration Cluster"
    ),
    _builtin("node.k8s.io/v1 runtimeclasses RuntimeClass Cluster"),
    _builtin("rbac.authorization.k8s.io/v1 roles Role Namespaced"),
    _builtin("rbac.authorization.k8s.io/v1 rolebindings RoleBinding Namespaced"),
    _builtin("rbac.authorization.k8s.io/v1 clusterroles ClusterRole Cluster"),
    _builtin("rbac.authorization.k8s.io/v1 clusterrolebindings ClusterRoleBinding Cluster"),
    _builtin("networking.k8s.io/v1 networkpolicies NetworkPolicy Namespaced", short="netpol"),
    # Review kinds: answered, never stored (see nto.testing._authz).
    _builtin(
        "authorization.k8s.io/v1 selfsubjectaccessreviews SelfSubjectAccessReview Cluster",
        verbs=("create",),
    ),
    _builtin(
        "authorization.k8s.io/v1 selfsubjectrulesreviews SelfSubjectRulesReview Cluster",
        verbs=("create",),
    ),
    _builtin(
        "authorization.k8s.io/v1 subjectaccessreviews SubjectAccessReview Cluster",
        verbs=("create",),
    ),
    _builtin(
        "authorization.k8s.io/v1 localsubjectaccessreviews LocalSubjectAccessReview Namespaced",
        verbs=("create",),
    ),
    _builtin(
        "authentication.k8s.io/v1 selfsubjectreviews SelfSubjectReview Cluster",
        verbs=("create",),
    ),
    # OpenShift, OLM and monitoring kinds, as if their CRDs were installed (schemaless).
    _builtin(
        "config.openshift.io/v1 clusteroperators ClusterOperator Cluster",
        short="co",
        sub="status",
        custom=True,
    ),
    _builtin(
        "config.openshift.io/v1 infrastructures Infrastructure Cluster", sub="status", custom=True
    ),
    _builtin("config.openshift.io/v1 apiservers APIServer Cluster", sub="status", custom=True),
    _builtin(
        "config.openshift.io/v1 clusterversions ClusterVersion Cluster", sub="status", custom=True
    ),
    _builtin("config.openshift.io/v1 featuregates FeatureGate Cluster", sub="status", custom=True),
    _builtin(
        "machineconfiguration.openshift.io/v1 machineconfigs MachineConfig Cluster",
        short="mc",
        custom=True,
    ),
    _builtin(
        "machineconfiguration.openshift.io/v1 kubeletconfigs KubeletConfig Cluster",
        sub="status",
        custom=True,
    ),
    _builtin(
        "machineconfiguration.openshift.io/v1 machineconfigpools MachineConfigPool Cluster",
        short="mcp",
        sub="status",
        custom=True,
    ),
    _builtin(
        "operator.openshift.io/v1 machineconfigurations MachineConfiguration Cluster",
        sub="status",
        custom=True,
    ),
    _builtin(
        "operators.coreos.com/v1alpha1 clusterserviceversions ClusterServiceVersion Namespaced",
        short="csv csvs",
        sub="status",
        custom=True,
    ),
    _builtin(
        "operators.coreos.com/v1alpha1 subscriptions Subscription Namespaced",
        short="sub subs",
        sub="status",
        custom=True,
    ),
    _builtin(
        "monitoring.coreos.com/v1 servicemonitors ServiceMonitor Namespaced",
        short="smon",
        custom=True,
    ),
    _builtin(
        "monitoring.coreos.com/v1 prometheusrules PrometheusRule Namespaced",
        short="promrule",
        custom=True,
    ),
)


class Registry:
    """The resources currently served, looked up by (group, plural) or by (group, version)."""

    def __init__(self, resources: Iterable[ResourceInfo] = BUILTIN) -> None:
        self._by_key: dict[tuple[str, str], ResourceInfo] = {}
        for info in resources:
            self.add(info)

    def add(self, info: ResourceInfo) -> None:
        self._by_key[info.key] = info

    def remove(self, group: str, plural: str) -> ResourceInfo | None:
        return self._by_key.pop((group, plural), None)

    def get(self, group: str, plural: str) -> ResourceInfo | None:
        return self._by_key.get((group, plural))

    def lookup(self, group: str, version: str, plural: str) -> ResourceInfo | None:
        """The resource served at ``group/version/plural``, or None."""
        info = self._by_key.get((group, plural))
        return info if info is not None and version in info.versions else None

    def by_kind(self, api_version: str, kind: str) -> ResourceInfo | None:
        group, _, version = api_version.rpartition("/")
        for info in self._by_key.values():
            if info.group == group and info.kind == kind and version in info.versions:
                return info
        return None

    def __iter__(self) -> Any:
        return iter(list(self._by_key.values()))

    # --- discovery documents ----------------------------------------------------------------

    def group_versions(self) -> dict[str, list[str]]:
        """Every non-core group with its served versions, preferred (storage) version first."""
        groups: dict[str, list[str]] = {}
        for info in self._by_key.values():
            if not info.group:
                continue
            versions = groups.setdefault(info.group, [])
            for version in (info.storage_version, *info.versions):
                if version not in versions:
                    versions.append(version)
        return groups

    def api_group(self, group: str) -> dict[str, Any] | None:
        versions = self.group_versions().get(group)
        if not versions:
            return None
        entries = [{"groupVersion": f"{group}/{v}", "version": v} for v in versions]
        return {
            "kind": "APIGroup",
            "apiVersion": "v1",
            "name": group,
            "versions": entries,
            "preferredVersion": entries[0],
        }

    def api_group_list(self) -> dict[str, Any]:
        groups = [self.api_group(group) for group in sorted(self.group_versions())]
        return {"kind": "APIGroupList", "apiVersion": "v1", "groups": groups}

    def resource_list(self, group: str, version: str) -> dict[str, Any] | None:
        """The ``APIResourceList`` of one group version, or None when nothing is served there."""
        resources: list[dict[str, Any]] = []
        for info in sorted(self._by_key.values(), key=lambda i: i.plural):
            if info.group != group or version not in info.versions:
                continue
            entry: dict[str, Any] = {
                "name": info.plural,
                "singularName": info.singular,
                "namespaced": info.namespaced,
                "kind": info.kind,
                "verbs": list(info.verbs),
                "storageVersionHash": "",
            }
            if info.short_names:
                entry["shortNames"] = list(info.short_names)
            if info.categories:
                entry["categories"] = list(info.categories)
            resources.append(entry)
            for sub in sorted(info.subresources):
                resources.append(
                    {
                        "name": f"{info.plural}/{sub}",
                        "singularName": "",
                        "namespaced": info.namespaced,
                        "kind": "Scale" if sub == "scale" else info.kind,
                        "verbs": ["get", "patch", "update"],
                    }
                )
        if not resources:
            return None
        return {
            "kind": "APIResourceList",
            "apiVersion": "v1",
            "groupVersion": f"{group}/{version}" if group else version,
            "resources": resources,
        }

"""CustomResourceDefinitions generated from the models: ``tuneds`` and ``profiles``
(``tuned.openshift.io``) and ``performanceprofiles`` (``performance.openshift.io``).

Neighbours: `_schemagen` (model -> openAPIV3Schema), `names` (groups, kinds, service names),
`crds` (the core's generated files shipped as package data, read by `crds.load_crds`). The script
``hack/gen_crds.py`` writes `render_crds()` and checks for drift: the ``tuned.openshift.io`` CRDs
to ``api/nto_api/crds/``, the PerformanceProfile CRD to the performance plugin
(``plugins/performance/nto_performance/crds/``), which ships it through hook ``nto_crds``; the
bundle generator renames the files into CVO order. Pure: no I/O here.
"""

from __future__ import annotations

from typing import Any, Final

import pydantic
import yaml

from nto_api import names
from nto_api._schemagen import root_schema
from nto_api.performance import v1, v1alpha1, v2
from nto_api.tuned import Profile, Tuned

__all__ = [
    "DEPRECATION_WARNINGS",
    "dump_crd",
    "performance_profile_crd",
    "profile_crd",
    "render_crds",
    "tuned_crd",
]

CRD = dict[str, Any]

DEPRECATION_WARNINGS: Final = {
    "v1": "performance.openshift.io/v1 PerformanceProfile is deprecated and will be removed; "
    "use performance.openshift.io/v2",
    "v1alpha1": "performance.openshift.io/v1alpha1 PerformanceProfile is deprecated and will be "
    "removed; use performance.openshift.io/v2",
}
_PERFORMANCE_MODELS: Final[dict[str, type[pydantic.BaseModel]]] = {
    "v1": v1.PerformanceProfile,
    "v1alpha1": v1alpha1.PerformanceProfile,
    "v2": v2.PerformanceProfile,
}


def _annotations(*, inject_cabundle: bool = False) -> dict[str, str]:
    annotations = {names.CAPABILITY_ANNOTATION: names.CAPABILITY_NAME}
    for profile in names.RELEASE_PROFILES:
        annotations[f"include.release.openshift.io/{profile}"] = "true"
    if inject_cabundle:
        annotations[names.INJECT_CABUNDLE_ANNOTATION] = "true"
    return annotations


def _condition_column(name: str, condition: str, field: str = "status") -> dict[str, str]:
    path = f'.status.conditions[?(@.type=="{condition}")].{field}'
    return {"name": name, "type": "string", "jsonPath": path}


_AGE_COLUMN: Final = {"name": "Age", "type": "date", "jsonPath": ".metadata.creationTimestamp"}


def _crd(
    *,
    group: str,
    kind: str,
    plural: str,
    scope: str,
    versions: list[dict[str, Any]],
    inject_cabundle: bool = False,
) -> CRD:
    return {
        "apiVersion": "apiextensions.k8s.io/v1",
        "kind": "CustomResourceDefinition",
        "metadata": {
            "name": f"{plural}.{group}",
            "annotations": _annotations(inject_cabundle=inject_cabundle),
        },
        "spec": {
            "group": group,
            "names": {
                "kind": kind,
                "listKind": f"{kind}List",
                "plural": plural,
                "singular": kind.lower(),
            },
            "scope": scope,
            "versions": versions,
        },
    }


def _version(
    name: str,
    model: type[pydantic.BaseModel],
    *,
    storage: bool,
    columns: list[dict[str, str]] | None = None,
) -> dict[str, Any]:
    version: dict[str, Any] = {
        "name": name,
        "served": True,
        "storage": storage,
        "schema": {"openAPIV3Schema": root_schema(model)},
        "subresources": {"status": {}},
    }
    if columns:
        version["additionalPrinterColumns"] = columns
    return version


def tuned_crd() -> CRD:
    """The ``tuneds.tuned.openshift.io`` CRD."""
    columns = [_condition_column("Valid", "Valid"), _AGE_COLUMN]
    return _crd(
        group=names.TUNED_GROUP,
        kind=names.TUNED_KIND,
        plural=names.TUNED_PLURAL,
        scope="Namespaced",
        versions=[_version("v1", Tuned, storage=True, columns=columns)],
    )


def profile_crd() -> CRD:
    """The ``profiles.tuned.openshift.io`` CRD."""
    columns = [
        {"name": "Tuned", "type": "string", "jsonPath": ".spec.config.tunedProfile"},
        _condition_column("Applied", "Applied"),
        _condition_column("Degraded", "Degraded"),
        _condition_column("Message", "Applied", "message"),
        _AGE_COLUMN,
    ]
    return _crd(
        group=names.TUNED_GROUP,
        kind=names.PROFILE_KIND,
        plural=names.PROFILE_PLURAL,
        scope="Namespaced",
        versions=[_version("v1", Profile, storage=True, columns=columns)],
    )


def performance_profile_crd() -> CRD:
    """The ``performanceprofiles.performance.openshift.io`` CRD: v2 stored, v1 and v1alpha1
    served but deprecated, conversion through the operator's webhook."""
    versions = []
    for name in names.PERFORMANCE_VERSIONS:
        storage = name == names.PERFORMANCE_STORAGE_VERSION
        version = _version(name, _PERFORMANCE_MODELS[name], storage=storage)
        if not storage:
            version["deprecated"] = True
            version["deprecationWarning"] = DEPRECATION_WARNINGS[name]
        versions.append(version)
    crd = _crd(
        group=names.PERFORMANCE_GROUP,
        kind=names.PERFORMANCE_KIND,
        plural=names.PERFORMANCE_PLURAL,
        scope="Cluster",
        versions=versions,
        inject_cabundle=True,
    )
    crd["spec"]["conversion"] = {
        "strategy": "Webhook",
        "webhook": {
            "clientConfig": {
                "service": {
                    "name": names.CONVERSION_SERVICE,
                    "namespace": names.OPERATOR_NAMESPACE,
                    "path": names.CONVERSION_PATH,
                    "port": 443,
                }
            },
            "conversionReviewVersions": ["v1", "v1alpha1"],
        },
    }
    return crd


def render_crds() -> dict[str, CRD]:
    """Every CRD, keyed by its file name (``<group>_<plural>.yaml``)."""
    return {
        "performance.openshift.io_performanceprofiles.yaml": performance_profile_crd(),
        "tuned.openshift.io_profiles.yaml": profile_crd(),
        "tuned.openshift.io_tuneds.yaml": tuned_crd(),
    }


def dump_crd(crd: CRD) -> str:
    """A CRD as YAML with sorted keys, so the text is stable across runs and Python versions."""
    text: str = yaml.safe_dump(crd, sort_keys=True, default_flow_style=False, width=100)
    return text

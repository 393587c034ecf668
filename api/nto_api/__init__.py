"""nto-api: the custom resources of the Node Tuning Operator, as pydantic models.

One source of truth for ``tuned.openshift.io/v1`` (`tuned`) and
``performance.openshift.io`` v1alpha1/v1/v2 (`performance`), the foreign kinds the operators touch
(`foreign`), PerformanceProfile conversion (`conversion`), CRD generation (`crdgen`, shipped
files in `crds`), cpulists (`cpuset`) and hugepage sizes (`quantity`). Pure: no cluster client,
no metrics, no I/O beyond package data. Without pydantic: `quickread` reads the kinds of the
short commands (PerformanceProfile v2, MachineConfigPool, Infrastructure, Node) into objects
that satisfy the read-only protocols of `views`, as the models do; the models handle whatever it
declines.

Public names are listed in ``__all__``; everything else is reached through its module
(``from nto_api.performance import v2``). The names are loaded lazily (PEP 562): importing
``nto_api`` or a light module such as `cpuset` does not pull in pydantic and the models, which
keeps short command-line tools (the profile creator) fast.
"""

from __future__ import annotations

import importlib
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from nto_api.conversion import convert, v1_to_v1alpha1, v1_to_v2, v1alpha1_to_v1, v2_to_v1
    from nto_api.cpuset import CPUSet, CPUSetError
    from nto_api.crds import load_crds
    from nto_api.errors import (
        ConversionError,
        InvalidObjectError,
        NtoApiError,
        SchemaGenerationError,
    )
    from nto_api.foreign import (
        ClusterOperator,
        Infrastructure,
        KubeletConfig,
        MachineConfig,
        MachineConfigPool,
        Node,
        RuntimeClass,
    )
    from nto_api.meta import Condition, LabelSelector, ObjectMeta
    from nto_api.quantity import hugepage_size_kib
    from nto_api.registry import model_for, parse, parse_as
    from nto_api.tuned import Profile, Tuned

__all__ = [
    "CPUSet",
    "CPUSetError",
    "ClusterOperator",
    "Condition",
    "ConversionError",
    "Infrastructure",
    "InvalidObjectError",
    "KubeletConfig",
    "LabelSelector",
    "MachineConfig",
    "MachineConfigPool",
    "Node",
    "NtoApiError",
    "ObjectMeta",
    "Profile",
    "RuntimeClass",
    "SchemaGenerationError",
    "Tuned",
    "convert",
    "hugepage_size_kib",
    "load_crds",
    "model_for",
    "parse",
    "parse_as",
    "v1_to_v1alpha1",
    "v1_to_v2",
    "v1alpha1_to_v1",
    "v2_to_v1",
]

_HOMES = {
    "CPUSet": "cpuset",
    "CPUSetError": "cpuset",
    "ClusterOperator": "foreign",
    "Condition": "meta",
    "ConversionError": "errors",
    "Infrastructure": "foreign",
    "InvalidObjectError": "errors",
    "KubeletConfig": "foreign",
    "LabelSelector": "meta",
    "MachineConfig": "foreign",
    "MachineConfigPool": "foreign",
    "Node": "foreign",
    "NtoApiError": "errors",
    "ObjectMeta": "meta",
    "Profile": "tuned",
    "RuntimeClass": "foreign",
    "SchemaGenerationError": "errors",
    "Tuned": "tuned",
    "convert": "conversion",
    "hugepage_size_kib": "quantity",
    "load_crds": "crds",
    "model_for": "registry",
    "parse": "registry",
    "parse_as": "registry",
    "v1_to_v1alpha1": "conversion",
    "v1_to_v2": "conversion",
    "v1alpha1_to_v1": "conversion",
    "v2_to_v1": "conversion",
}
"""The module under ``nto_api`` that defines each public name."""


def __getattr__(name: str) -> Any:
    home = _HOMES.get(name)
    if home is None:
        raise AttributeError(f"module 'nto_api' has no attribute {name!r}")
    value = getattr(importlib.import_module(f"nto_api.{home}"), name)
    globals()[name] = value
    return value


def __dir__() -> list[str]:
    return sorted({*globals(), *__all__})

"""nto-api: the custom resources of the Node Tuning Operator, as pydantic models.

One source of truth for ``tuned.openshift.io/v1`` (`tuned`) and
``performance.openshift.io`` v1alpha1/v1/v2 (`performance`), the foreign kinds the operators touch
(`foreign`), PerformanceProfile conversion (`conversion`), CRD generation (`crdgen`, shipped
files in `crds`), cpulists (`cpuset`) and hugepage sizes (`quantity`). Pure: no cluster client,
no metrics, no I/O beyond package data.

Public names are listed in ``__all__``; everything else is reached through its module
(``from nto_api.performance import v2``).
"""

from __future__ import annotations

from nto_api.conversion import convert, v1_to_v1alpha1, v1_to_v2, v1alpha1_to_v1, v2_to_v1
from nto_api.cpuset import CPUSet, CPUSetError
from nto_api.crds import load_crds
from nto_api.errors import ConversionError, InvalidObjectError, NtoApiError, SchemaGenerationError
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

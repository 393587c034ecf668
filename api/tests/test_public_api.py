"""The public surface of nto_api: a sorted, intended ``__all__`` and a pure import."""

from __future__ import annotations

import subprocess
import sys

import nto_api

PUBLIC = {
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
}


def test_all_is_sorted_and_intended() -> None:
    assert nto_api.__all__ == sorted(nto_api.__all__)
    assert set(nto_api.__all__) == PUBLIC
    for name in nto_api.__all__:
        assert getattr(nto_api, name) is not None


def test_import_pulls_in_no_cluster_client_metrics_or_yaml() -> None:
    code = (
        "import sys, nto_api, nto_api.conversion, nto_api.performance.v2\n"
        "bad = [m for m in ('kopf', 'kubernetes', 'prometheus_client', 'aiohttp', 'yaml', 'nto')"
        " if m in sys.modules]\n"
        "print(','.join(bad))"
    )
    result = subprocess.run(
        [sys.executable, "-c", code], capture_output=True, text=True, check=True, timeout=60
    )
    assert result.stdout.strip() == ""

"""`nto_api.quickread` against the pydantic models: whatever it accepts, the model accepts and
reads the same.

The reader may decline anything (the caller then asks the model); it must never accept a document
the model refuses, nor read a value differently. Checked on every render fixture and reference
input, and on random mutations of them.
"""

from __future__ import annotations

import copy
import typing
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any

import pydantic
import pytest
import yaml
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from nto_api import quickread
from nto_api.foreign.config import Infrastructure
from nto_api.foreign.core import Node
from nto_api.foreign.mco import MachineConfigPool
from nto_api.performance.v2 import PerformanceProfile

ROOT = Path(__file__).resolve().parents[2]
SOURCES = [
    ROOT / "plugins" / "performance" / "tests" / "render" / "fixtures" / "inputs",
    ROOT.parent / "shared" / "reference" / "render" / "inputs",
    ROOT.parent / "shared" / "reference" / "must-gather",
    ROOT / "examples",
]
KINDS: dict[tuple[str, str], tuple[type[pydantic.BaseModel], Callable[[object], Any]]] = {
    ("performance.openshift.io/v2", "PerformanceProfile"): (
        PerformanceProfile,
        quickread.read_profile,
    ),
    ("machineconfiguration.openshift.io/v1", "MachineConfigPool"): (
        MachineConfigPool,
        quickread.read_pool,
    ),
    ("config.openshift.io/v1", "Infrastructure"): (Infrastructure, quickread.read_infrastructure),
    ("v1", "Node"): (Node, quickread.read_node),
}
SPEC_ACCESSORS = (
    "balance_isolated_enabled",
    "realtime_kernel_enabled",
    "realtime_hint_enabled",
    "high_power_consumption_enabled",
    "per_pod_power_management_enabled",
    "mixed_cpus_enabled",
    "irq_load_balancing_globally_disabled",
    "user_level_networking_enabled",
    "effective_kernel_page_size",
    "effective_topology_policy",
)


def documents() -> Iterator[tuple[str, dict[str, Any]]]:
    for source in SOURCES:
        for path in sorted(source.rglob("*.yaml")) if source.is_dir() else []:
            for index, doc in enumerate(yaml.safe_load_all(path.read_text())):
                if isinstance(doc, dict) and (doc.get("apiVersion"), doc.get("kind")) in KINDS:
                    yield f"{path.relative_to(source.parent)}#{index}", doc


DOCUMENTS = dict(documents())


def assert_same(model: object, quick: object, where: str = "") -> None:
    """Every field of the pydantic `model` reads the same on `quick`."""
    if isinstance(model, pydantic.BaseModel):
        for name in type(model).model_fields:
            assert_same(getattr(model, name), getattr(quick, name), f"{where}.{name}")
    elif isinstance(model, list):
        assert isinstance(quick, list), where
        assert len(model) == len(quick), where
        for index, (left, right) in enumerate(zip(model, quick, strict=True)):
            assert_same(left, right, f"{where}[{index}]")
    else:
        assert type(model) is type(quick), (where, model, quick)
        assert model == quick, (where, model, quick)


def check(model_class: type[pydantic.BaseModel], read: Callable[[object], Any], doc: Any) -> bool:
    """Whether the reader accepted `doc`; fails when it accepted what the model refuses or
    reads differently."""
    quick = read(copy.deepcopy(doc))
    if quick is None:
        return False
    try:
        model = model_class.model_validate(copy.deepcopy(doc))
    except pydantic.ValidationError as exc:
        pytest.fail(f"quickread accepted what the model refuses: {exc}\n{doc!r}")
    assert_same(model, quick)
    if isinstance(model, PerformanceProfile):
        for accessor in SPEC_ACCESSORS:
            assert getattr(model.spec, accessor) == getattr(quick.spec, accessor), accessor
    return True


def test_there_are_documents() -> None:
    assert len(DOCUMENTS) >= 10
    if (ROOT.parent / "shared" / "reference" / "must-gather").is_dir():
        assert any(doc["kind"] == "Node" for doc in DOCUMENTS.values())


@pytest.mark.parametrize("where", sorted(DOCUMENTS))
def test_reads_every_fixture_as_the_model_does(where: str) -> None:
    doc = DOCUMENTS[where]
    model_class, read = KINDS[(doc["apiVersion"], doc["kind"])]
    accepted = check(model_class, read, doc)
    assert accepted or (model_class is PerformanceProfile and "status" in doc), (
        f"{where} is ordinary input; the fast path should take it"
    )


@pytest.mark.parametrize(
    ("quick", "model"),
    [
        (quickread.QuickProfile, PerformanceProfile),
        (quickread.QuickProfileSpec, PerformanceProfile.model_fields["spec"].annotation),
        (quickread.QuickMeta, PerformanceProfile.model_fields["metadata"].annotation),
        (quickread.QuickPool, MachineConfigPool),
        (quickread.QuickPoolStatus, MachineConfigPool.model_fields["status"].annotation),
        (quickread.QuickInfrastructure, Infrastructure),
        (quickread.QuickNode, Node),
        (quickread.QuickNodeStatus, Node.model_fields["status"].annotation),
        (quickread.QuickNodeSpec, Node.model_fields["spec"].annotation),
    ],
    ids=[
        "profile",
        "spec",
        "metadata",
        "pool",
        "pool-status",
        "infrastructure",
        "node",
        "node-status",
        "node-spec",
    ],
)
def test_fields_cover_the_model(quick: type[Any], model: Any) -> None:
    if not isinstance(model, type):  # ``X | None``
        (model,) = (arg for arg in typing.get_args(model) if arg is not type(None))
    fields = {field.attr: field.key for field in quick.FIELDS}
    expected = {name: info.alias or name for name, info in model.model_fields.items()}
    assert fields == expected


def _paths(value: Any, prefix: tuple[Any, ...] = ()) -> Iterator[tuple[Any, ...]]:
    yield prefix
    if isinstance(value, dict):
        for key, item in value.items():
            yield from _paths(item, (*prefix, key))
    elif isinstance(value, list):
        for index, item in enumerate(value):
            yield from _paths(item, (*prefix, index))


JUNK = st.one_of(
    st.none(),
    st.booleans(),
    st.integers(min_value=-(2**70), max_value=2**70),
    st.floats(allow_nan=False),
    st.text(max_size=5),
    st.sampled_from(["\ud800", "1", "true", "0x10", "4k"]),
    st.lists(st.one_of(st.text(max_size=3), st.integers()), max_size=2),
    st.dictionaries(st.text(max_size=4), st.one_of(st.text(max_size=3), st.integers()), max_size=2),
)
KEYS = st.one_of(
    st.sampled_from(["status", "unknown", "node_selector", "cpu", "reserved", "name", "labels"]),
    st.text(max_size=6),
    st.integers(max_value=3, min_value=0),
)


@settings(max_examples=400, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(data=st.data())
def test_mutations_never_accepted_when_the_model_refuses(data: st.DataObject) -> None:
    where = data.draw(st.sampled_from(sorted(DOCUMENTS)))
    doc = copy.deepcopy(DOCUMENTS[where])
    model_class, read = KINDS[(doc["apiVersion"], doc["kind"])]
    for _ in range(data.draw(st.integers(min_value=1, max_value=3))):
        path = data.draw(st.sampled_from(list(_paths(doc))))
        target: Any = doc
        for step in path[:-1]:
            target = target[step]
        if not path:
            continue
        if data.draw(st.booleans()) and isinstance(target, dict):
            target[data.draw(KEYS)] = data.draw(JUNK)
        elif data.draw(st.booleans()) and isinstance(target, dict):
            target.pop(path[-1], None)
        else:
            target[path[-1]] = data.draw(JUNK)
    check(model_class, read, doc)


PROFILE: dict[str, Any] = {
    "apiVersion": "performance.openshift.io/v2",
    "kind": "PerformanceProfile",
    "metadata": {"name": "p", "labels": {"a": "b"}, "managedFields": [{"x": 1}]},
    "spec": {
        "cpu": {"reserved": "0", "isolated": "1-3", "balanceIsolated": True},
        "hardwareTuning": {"isolatedCpuFreq": 2500000},
        "hugepages": {"defaultHugepagesSize": "1G", "pages": [{"size": "1G", "count": 2}]},
        "nodeSelector": {"node-role.kubernetes.io/worker-cnf": ""},
        "net": {"devices": [{"interfaceName": "eth0", "vendorID": "0x8086"}]},
        "workloadHints": {"realTime": False},
    },
}


def _with(path: tuple[Any, ...], value: Any) -> dict[str, Any]:
    doc = copy.deepcopy(PROFILE)
    target: Any = doc
    for step in path[:-1]:
        target = target[step]
    target[path[-1]] = value
    return doc


TRAPS = {
    "bool-for-int32": _with(("spec", "hugepages", "pages", 0, "count"), True),
    "bool-for-int": _with(("spec", "hardwareTuning", "isolatedCpuFreq"), False),
    "float-for-int": _with(("spec", "hugepages", "pages", 0, "count"), 2.0),
    "text-for-int": _with(("spec", "hugepages", "pages", 0, "count"), "2"),
    "int32-overflow": _with(("spec", "hugepages", "pages", 0, "count"), 2**31),
    "int-for-bool": _with(("spec", "cpu", "balanceIsolated"), 1),
    "text-for-bool": _with(("spec", "workloadHints", "realTime"), "false"),
    "int-for-text": _with(("spec", "cpu", "reserved"), 0),
    "null-required": _with(("spec", "cpu", "isolated"), None),
    "null-defaulted": _with(("metadata",), None),
    "int-label-value": _with(("metadata", "labels"), {"a": 1}),
    "int-label-key": _with(("metadata", "labels"), {1: "a"}),
    "snake-case-key": _with(("spec", "node_selector"), {"a": ""}),
    "snake-case-meta": _with(("metadata", "resource_version"), 5),
    "unknown-spec-key": _with(("spec", "unknown"), 1),
    "unknown-device-key": _with(("spec", "net", "devices", 0, "vendorId"), "0x1"),
    "status": _with(("status",), {"conditions": []}),
    "owner-references": _with(("metadata", "ownerReferences"), [{"kind": "X"}]),
    "wrong-api-version": _with(("apiVersion",), "performance.openshift.io/v1"),
    "tuple-not-list": _with(("spec", "additionalKernelArgs"), ("a",)),
}


@pytest.mark.parametrize("name", sorted(TRAPS))
def test_strictness_traps_go_to_the_model(name: str) -> None:
    assert quickread.read_profile(TRAPS[name]) is None
    if name not in {"status", "owner-references", "snake-case-key", "tuple-not-list"}:
        with pytest.raises(pydantic.ValidationError):
            PerformanceProfile.model_validate(TRAPS[name])


def test_the_trap_base_is_read() -> None:
    assert check(PerformanceProfile, quickread.read_profile, PROFILE)

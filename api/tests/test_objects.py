"""The wire-object accessors of nto_api.objects: absent and mistyped fields read as empty."""

from __future__ import annotations

import subprocess
import sys
from typing import Any

import pytest

from nto_api.objects import (
    annotations_of,
    as_dict,
    get_list,
    get_map,
    labels_of,
    metadata_of,
    name_of,
    namespace_of,
    resource_version_of,
)
from nto_api.tuned import Tuned

FULL = {
    "metadata": {
        "name": "n",
        "namespace": "ns",
        "resourceVersion": "7",
        "labels": {"a": "1", "bad": 2},
        "annotations": {"k": "v"},
    },
    "spec": {"items": [1], "map": {"x": 1}},
}


def test_reads_a_full_object() -> None:
    assert metadata_of(FULL)["name"] == "n"
    assert (name_of(FULL), namespace_of(FULL), resource_version_of(FULL)) == ("n", "ns", "7")
    assert labels_of(FULL) == {"a": "1"}, "values that are not strings are dropped"
    assert annotations_of(FULL) == {"k": "v"}
    assert get_list(FULL, "spec", "items") == [1]
    assert get_map(FULL, "spec", "map") == {"x": 1}


@pytest.mark.parametrize(
    "obj",
    [
        None,
        {},
        {"metadata": None},
        {"metadata": []},
        {"metadata": {"name": 5, "labels": None, "annotations": "x"}},
        "not an object",
    ],
    ids=["none", "empty", "null-metadata", "list-metadata", "mistyped-fields", "string"],
)
def test_absent_or_mistyped_fields_read_as_empty(obj: Any) -> None:
    assert (name_of(obj), namespace_of(obj), resource_version_of(obj)) == ("", "", "")
    assert labels_of(obj) == {}
    assert annotations_of(obj) == {}
    assert get_list(obj, "spec", "items") == []
    assert get_map(obj, "spec") == {}


@pytest.mark.parametrize("obj", [None, {}, {"metadata": None}, {"metadata": []}, "x"])
def test_metadata_of_anything_but_a_mapping_is_empty(obj: Any) -> None:
    assert metadata_of(obj) == {}


def test_models_read_through_their_wire_form() -> None:
    tuned = Tuned.model_validate({"metadata": {"name": "default"}})
    assert name_of(as_dict(tuned)) == "default"


def test_importing_the_accessors_stays_cheap() -> None:
    """Short CLI paths import these; pydantic alone costs ~100 ms."""
    code = "import sys, nto_api.objects, nto_api.names; print(sorted(m for m in sys.modules))"
    loaded = subprocess.run(
        [sys.executable, "-c", code], check=True, capture_output=True, text=True
    ).stdout
    for heavy in ("pydantic", "yaml", "kopf", "aiohttp", "prometheus_client"):
        assert f"'{heavy}'" not in loaded, f"importing nto_api.objects pulls in {heavy}"

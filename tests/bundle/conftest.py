"""Fixtures of the bundle tests: the bundle as ``nto bundle`` builds it, parsed per file."""

from __future__ import annotations

from typing import Any

import pytest

from nto.bundle import generate
from nto.bundle.names import FILE_PREFIX
from nto.plugins import build_plugin_host

Doc = dict[str, Any]


@pytest.fixture(scope="session")
def bundle() -> dict[str, list[Doc]]:
    """File name (without the CVO prefix) -> documents, with the installed plugins."""
    files = generate.build(build_plugin_host(disabled=()))
    return {name.removeprefix(FILE_PREFIX): docs for name, docs in files.items()}


@pytest.fixture(scope="session")
def documents(bundle: dict[str, list[Doc]]) -> list[tuple[str, Doc]]:
    """Every ``(file, document)`` of the bundle."""
    return [(name, doc) for name, docs in bundle.items() for doc in docs]


def find(documents: list[tuple[str, Doc]], kind: str, name: str) -> Doc:
    """The one document of ``kind`` named ``name``."""
    found = [doc for _, doc in documents if doc["kind"] == kind and doc["metadata"]["name"] == name]
    assert len(found) == 1, f"{len(found)} documents of kind {kind} named {name!r}"
    return found[0]

"""The generated CRD manifests, shipped as package data.

Neighbours: `nto_api.crdgen` produces them (``hack/gen_crds.py`` writes the files); the bundle
generator, the emulated API server and tests read them with `load_crds`.
"""

from __future__ import annotations

from importlib import resources
from typing import Any

__all__ = ["load_crds"]


def load_crds() -> list[dict[str, Any]]:
    """Every shipped CRD, parsed, in file-name order."""
    import yaml  # deferred: keeps `import nto_api` light

    folder = resources.files(__name__)
    crds = []
    for entry in sorted(folder.iterdir(), key=lambda e: e.name):
        if entry.name.endswith(".yaml"):
            crds.append(yaml.safe_load(entry.read_text(encoding="utf-8")))
    return crds

"""The core's generated CRD manifests (``tuned.openshift.io``), shipped as package data.

The PerformanceProfile CRD is generated from this package's models too, but ships with the
performance plugin (``nto_performance.crds``), so that a cluster without that plugin does not
serve it. Neighbours: `nto_api.crdgen` produces them (``hack/gen_crds.py`` writes the files);
the bundle generator, the emulated API server and tests read them with `load_crds`.
"""

from __future__ import annotations

from importlib import resources
from typing import Any

__all__ = ["load_crds"]


def load_crds() -> list[dict[str, Any]]:
    """Every CRD shipped here (the core's), parsed, in file-name order."""
    import yaml  # deferred: keeps `import nto_api` light

    folder = resources.files(__name__)
    crds = []
    for entry in sorted(folder.iterdir(), key=lambda e: e.name):
        if entry.name.endswith(".yaml"):
            crds.append(yaml.safe_load(entry.read_text(encoding="utf-8")))
    return crds

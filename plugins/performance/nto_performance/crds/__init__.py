"""The plugin's CustomResourceDefinition (``performanceprofiles.performance.openshift.io``).

Shipped with the plugin, not with the core: the bundle, ``nto dev-cluster`` and the emulated
clusters of the tests get it through hook ``nto_crds`` only when the plugin is enabled.
``hack/gen_crds.py`` writes the file from the ``nto_api.performance`` models
(:func:`nto_api.crdgen.performance_profile_crd`) and checks it for drift.
Neighbours: :mod:`nto_performance.plugin` (the hook).
"""

from __future__ import annotations

from importlib import resources
from typing import Any, Final

__all__ = ["CRD_FILE", "load_crds"]

CRD_FILE: Final = "performance.openshift.io_performanceprofiles.yaml"


def load_crds() -> list[dict[str, Any]]:
    """The plugin's CRDs, parsed."""
    import yaml  # deferred: the CLI imports the plugin on every start

    text = resources.files(__name__).joinpath(CRD_FILE).read_text(encoding="utf-8")
    return [yaml.safe_load(text)]

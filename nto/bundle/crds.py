"""``20-<kind>.crd.yaml``: the CustomResourceDefinitions, the core's and the plugins'.

The core's CRDs (``tuned.openshift.io``) come from the API package's generated CRDs; plugins
return theirs from ``nto_crds``. File names follow the reference: the kind in kebab case
(``20-tuned.crd.yaml``, ``20-performance-profile.crd.yaml``). Neighbours: :mod:`nto_api.crds`.
"""

from __future__ import annotations

import re
from collections.abc import Iterable

from nto_api.names import TUNED_GROUP
from nto_api.objects import JSONDict

_WORD_BOUNDARY = re.compile(r"(?<=[a-z0-9])(?=[A-Z])")


def core_crds() -> list[JSONDict]:
    """The core's CRDs (``tuned.openshift.io``) from the API package."""
    from nto_api.crds import load_crds

    return [crd for crd in load_crds() if crd["spec"]["group"] == TUNED_GROUP]


def crd_file_name(crd: JSONDict) -> str:
    """``20-<kind in kebab case>.crd.yaml``."""
    kind = str(crd["spec"]["names"]["kind"])
    return f"20-{_WORD_BOUNDARY.sub('-', kind).lower()}.crd.yaml"


def crd_files(crds: Iterable[JSONDict]) -> dict[str, JSONDict]:
    """File name -> CRD; two CRDs of one kind (different groups) fall back to the CRD name."""
    files: dict[str, JSONDict] = {}
    for crd in crds:
        name = crd_file_name(crd)
        if name in files:
            name = f"20-{crd['metadata']['name']}.crd.yaml"
        files[name] = crd
    return files

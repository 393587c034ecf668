"""The deferred-update fingerprint: which profile set a node runs, as one sha256 hex digest.

sha256 over the recommended profile name followed by the ``data`` of every profile, in profile-name
order. Entries without a name or without data are skipped. The reference's own tests pin three
digests (empty input, one profile ``test-data``, two profiles), so the byte layout is fixed.
Neighbours: `deferred` (stores it), `daemon` (compares unpacked vs effective).
"""

from __future__ import annotations

import hashlib
from collections.abc import Iterable, Mapping
from typing import Any


def profiles_fingerprint(profiles: Iterable[Mapping[str, Any]], recommended: str = "") -> str:
    """Fingerprint of ``spec.profile``-shaped entries and the recommended profile name."""
    valid = [
        (entry["name"], entry["data"])
        for entry in profiles
        if isinstance(entry.get("name"), str)
        and entry["name"]
        and isinstance(entry.get("data"), str)
    ]
    digest = hashlib.sha256(recommended.encode())
    for _, data in sorted(valid, key=lambda pair: pair[0]):
        digest.update(data.encode())
    return digest.hexdigest()


def mapping_fingerprint(profiles: Mapping[str, str], recommended: str = "") -> str:
    """`profiles_fingerprint` of a ``{name: data}`` mapping (e.g. the unpacked tree)."""
    return profiles_fingerprint(
        ({"name": name, "data": data} for name, data in profiles.items()), recommended
    )

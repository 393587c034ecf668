"""Ignition facts of MachineConfigs, without pydantic: the spec version we write, the pool role
label, and the ``data:`` URLs that carry file contents.

`nto_api.foreign.mco` re-exports every name here; the renderers import them from this module so
that the offline ``render`` command does not load the models. Neighbours: `mco`.
"""

from __future__ import annotations

import base64
import urllib.parse
from typing import Final

__all__ = ["IGNITION_VERSION", "MACHINECONFIG_ROLE_LABEL", "decode_data_url", "encode_data_url"]

IGNITION_VERSION: Final = "3.2.0"
MACHINECONFIG_ROLE_LABEL: Final = "machineconfiguration.openshift.io/role"
_DATA_URL_PREFIX: Final = "data:text/plain;charset=utf-8;base64,"


def encode_data_url(content: bytes | str) -> str:
    """Encode file content as the base64 ``data:`` URL used in ``contents.source``."""
    raw = content.encode() if isinstance(content, str) else content
    return _DATA_URL_PREFIX + base64.b64encode(raw).decode("ascii")


def decode_data_url(source: str) -> bytes:
    """Decode a ``data:`` URL (base64 or percent-encoded) back to the file content.

    Raises `ValueError` naming the URL when it is not a data URL.
    """
    if not source.startswith("data:") or "," not in source:
        raise ValueError(
            f"contents.source {source[:60]!r} is not a data: URL; expected 'data:...,'"
        )
    header, _, payload = source.partition(",")
    if header.endswith(";base64"):
        return base64.b64decode(payload, validate=True)
    return urllib.parse.unquote_to_bytes(payload)

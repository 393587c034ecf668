"""kopf configured for a cluster operator that leaves user objects alone.

kopf normally records handler progress and the last-handled state in annotations on the objects
it serves. Our controllers are level-triggered (every reconcile recomputes from current state),
so both records live in memory only: a restart just reconciles again. Peering is off; leader
election is the core's job. Neighbours: :mod:`nto.operator.runtime`.
"""

from __future__ import annotations

import copy
from typing import Any

import kopf

from nto.kube.config import Connection


class MemoryProgressStorage(kopf.ProgressStorage):
    """Handler progress kept in the process, keyed by object uid and handler id."""

    def __init__(self) -> None:
        self._records: dict[tuple[str, str], Any] = {}

    @staticmethod
    def _uid(body: Any) -> str:
        return str(body.get("metadata", {}).get("uid", ""))

    def fetch(self, *, key: Any, body: Any) -> Any:
        return self._records.get((self._uid(body), str(key)))

    def store(self, *, key: Any, record: Any, body: Any, patch: Any) -> None:
        del patch
        self._records[(self._uid(body), str(key))] = copy.deepcopy(dict(record))

    def purge(self, *, key: Any, body: Any, patch: Any) -> None:
        del patch
        self._records.pop((self._uid(body), str(key)), None)

    def touch(self, *, body: Any, patch: Any, value: str | None) -> None:
        del body, patch, value

    def clear(self, *, essence: Any) -> Any:
        return copy.deepcopy(essence)


class MemoryDiffBaseStorage(kopf.DiffBaseStorage):
    """The last-handled essence of each object, kept in the process."""

    def __init__(self) -> None:
        super().__init__()
        self._essences: dict[str, Any] = {}

    def fetch(self, *, body: Any) -> Any:
        return self._essences.get(str(body.get("metadata", {}).get("uid", "")))

    def store(self, *, body: Any, patch: Any, essence: Any) -> None:
        del patch
        self._essences[str(body.get("metadata", {}).get("uid", ""))] = copy.deepcopy(essence)


def configure(settings: kopf.OperatorSettings, *, finalizer: str = "foreground-deletion") -> None:
    """Apply our persistence, peering and posting choices to kopf's settings."""
    settings.persistence.progress_storage = MemoryProgressStorage()
    settings.persistence.diffbase_storage = MemoryDiffBaseStorage()
    settings.persistence.finalizer = finalizer
    settings.peering.standalone = True
    settings.peering.mandatory = False
    settings.posting.level = 30  # WARNING and above become Kubernetes events
    settings.watching.server_timeout = 300
    settings.watching.client_timeout = 330
    settings.networking.request_timeout = 60


def connection_info(connection: Connection) -> kopf.ConnectionInfo:
    """Our resolved :class:`Connection` as kopf's credentials."""
    return kopf.ConnectionInfo(
        server=connection.server,
        ca_path=connection.ca_path,
        ca_data=connection.ca_data,
        insecure=connection.insecure,
        username=connection.username,
        password=connection.password,
        scheme="Bearer" if connection.token else None,
        token=connection.token,
        certificate_path=connection.certificate_path,
        certificate_data=connection.certificate_data,
        private_key_path=connection.private_key_path,
        private_key_data=connection.private_key_data,
        default_namespace=connection.namespace,
    )

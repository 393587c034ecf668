"""kopf's HTTP session: ours (:mod:`nto.kube.session`) behind a guard on object names in URLs.

kopf builds object URLs by joining the name in unencoded, and aiohttp then normalizes the path:
for a PerformanceProfile named ``../../etc`` kopf's finalizer PATCH went to
``/apis/performance.openshift.io/etc``, and a longer name can reach any other resource. The
guard looks at the URL as kopf built it, before aiohttp sees it: a ``.`` or ``..`` path segment
is never sent. kopf is told "404 Not Found" instead, which is what a real API server answers for
such a name (it refuses to create one), so kopf skips the patch as for an object that is gone.
Neighbours: :mod:`nto.operator.runtime` (the login handler), :mod:`nto.kube.client` (the same
rule for our own client).
"""

from __future__ import annotations

import logging
from typing import Any
from urllib.parse import urlsplit

import aiohttp
import kopf
from kopf._cogs.clients import errors as kopf_errors  # the 404 kopf knows how to handle

logger = logging.getLogger(__name__)

DOT_SEGMENTS = frozenset({".", ".."})


class GuardedSession:
    """Wraps an :class:`aiohttp.ClientSession`; see the module docstring."""

    def __init__(self, session: aiohttp.ClientSession) -> None:
        self._session = session

    def request(self, method: str, url: Any, **kwargs: Any) -> Any:
        path = urlsplit(str(url)).path
        if DOT_SEGMENTS.intersection(path.split("/")):
            return _refuse(method, path)
        return self._session.request(method, url, **kwargs)

    def __getattr__(self, name: str) -> Any:
        return getattr(self._session, name)


async def _refuse(method: str, path: str) -> aiohttp.ClientResponse:
    logger.warning(
        "Not sending %s %s: an object name there is '.' or '..' or holds '/', which no API "
        "server accepts; treating the object as not found",
        method,
        path,
    )
    raise kopf_errors.APINotFoundError(
        f"no object can be addressed as {path!r}", status=404, headers={}
    )


def kopf_credentials(
    session: aiohttp.ClientSession, *, server: str, namespace: str | None
) -> kopf.AiohttpSession:
    """``session`` (guarded) as kopf's credentials for ``server``."""
    guarded: Any = GuardedSession(session)
    return kopf.AiohttpSession(
        aiohttp_session=guarded, server=server.rstrip("/"), default_namespace=namespace
    )

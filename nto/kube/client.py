"""A small async Kubernetes client over aiohttp, for the code that runs beside kopf.

kopf watches and patches the objects its handlers serve; everything else (reading Nodes and
pools, writing Profiles, MachineConfigs, the Lease, the ClusterOperator) goes through this
client, which shares kopf's HTTP stack instead of importing the heavy ``kubernetes`` package.
Errors become :class:`ApiError` subclasses by status. Neighbours: :mod:`nto.kube.config`.
"""

from __future__ import annotations

import io
import json
from collections.abc import AsyncIterator, Mapping
from types import TracebackType
from typing import Any, Self
from urllib.parse import quote, urlencode

import aiohttp

from nto.kube.config import Connection
from nto.kube.session import (
    WATCH_LINE_BUFFER,
    RequestObserver,
    SessionFiles,
    TokenSource,
    open_session,
)
from nto_api.objects import JSONDict, metadata_of

LARGE_BODY = 1024 * 1024

__all__ = [
    "LARGE_BODY",
    "PATCH_TYPES",
    "WATCH_LINE_BUFFER",
    "ApiError",
    "ConflictError",
    "InvalidNameError",
    "KubeClient",
    "NotFoundError",
    "resource_path",
]

PATCH_TYPES = {
    "merge": "application/merge-patch+json",
    "json": "application/json-patch+json",
    "strategic": "application/strategic-merge-patch+json",
}


class ApiError(Exception):
    """The API server answered with an error ``Status``."""

    def __init__(self, status: int, reason: str, message: str) -> None:
        super().__init__(f"{status} {reason}: {message}")
        self.status = status
        self.reason = reason
        self.message = message


class NotFoundError(ApiError):
    """404: the object (or resource) does not exist."""


class ConflictError(ApiError):
    """409: stale resourceVersion, or the object already exists."""


class InvalidNameError(ApiError):
    """A name or namespace that cannot be a URL path segment; refused before any request.

    Like client-go (``IsValidPathSegmentName``): ``.``, ``..`` and anything containing ``/`` or
    ``%`` would address another resource once the URL is normalized. The API server refuses to
    create such objects, so only a broken or hostile server hands them out.
    """

    def __init__(self, what: str, value: str, problem: str) -> None:
        super().__init__(
            422,
            "Invalid",
            f"invalid {what} {value!r}: {problem}; no request was sent (object names and "
            "namespaces may not be '.' or '..' nor contain '/' or '%')",
        )


def _segment(what: str, value: str) -> str:
    """``value`` percent-encoded as one path segment, or :class:`InvalidNameError`."""
    if value in (".", ".."):
        raise InvalidNameError(what, value, f"may not be {value!r}")
    for bad in ("/", "%"):
        if bad in value:
            raise InvalidNameError(what, value, f"may not contain {bad!r}")
    return quote(value, safe="")


def _error(status: int, body: bytes) -> ApiError:
    try:
        document = json.loads(body)
    except ValueError:
        document = {}
    if not isinstance(document, dict):
        document = {}
    reason = str(document.get("reason") or "")
    message = str(document.get("message") or body[:200].decode(errors="replace"))
    kind = {404: NotFoundError, 409: ConflictError}.get(status, ApiError)
    return kind(status, reason, message)


def resource_path(
    api_version: str,
    plural: str,
    *,
    namespace: str | None = None,
    name: str | None = None,
    subresource: str | None = None,
) -> str:
    """The REST path of a collection or an object (``/api/v1/...`` or ``/apis/g/v/...``).

    The namespace and the name are percent-encoded; one that could never be a path segment
    raises :class:`InvalidNameError` (see there).
    """
    base = "/api/v1" if api_version == "v1" else f"/apis/{api_version}"
    parts = [base]
    if namespace:
        parts.append(f"namespaces/{_segment('namespace', namespace)}")
    parts.append(plural)
    if name is not None:
        parts.append(_segment("name", name))
    if subresource:
        parts.append(subresource)
    return "/".join(parts)


class KubeClient:
    """Async CRUD on any resource; use ``async with KubeClient(connection) as client``."""

    def __init__(
        self,
        connection: Connection,
        *,
        timeout: float = 30.0,
        observer: RequestObserver | None = None,
    ) -> None:
        self.connection = connection
        self.tokens = TokenSource(connection.token, connection.token_path)
        self._timeout = aiohttp.ClientTimeout(total=timeout)
        self._observer = observer
        self._files = SessionFiles()
        self._session: aiohttp.ClientSession | None = None

    async def __aenter__(self) -> Self:
        self._session = open_session(
            self.connection,
            tokens=self.tokens,
            files=self._files,
            base_url=self.connection.server.rstrip("/"),
            observer=self._observer,
            timeout=self._timeout,
        )
        return self

    async def __aexit__(
        self,
        exc_type: type[BaseException] | None,
        exc: BaseException | None,
        tb: TracebackType | None,
    ) -> None:
        if self._session is not None:
            await self._session.close()
        self._files.remove()

    async def request(
        self,
        method: str,
        path: str,
        *,
        body: Any = None,
        content_type: str = "application/json",
        params: Mapping[str, str] | None = None,
    ) -> JSONDict:
        """Send one request; return the decoded JSON answer or raise :class:`ApiError`."""
        if self._session is None:
            raise RuntimeError("KubeClient used outside 'async with'")
        url = f"{path}?{urlencode(params)}" if params else path
        encoded = None if body is None else json.dumps(body).encode()
        headers = {"Content-Type": content_type} if encoded is not None else None
        for attempt in (1, 2):
            sent = self.tokens.current()
            data: bytes | io.BytesIO | None = encoded
            if encoded is not None and len(encoded) > LARGE_BODY:
                data = io.BytesIO(encoded)  # aiohttp streams file-likes; large bytes block the loop
            async with self._session.request(method, url, data=data, headers=headers) as response:
                raw = await response.read()
                # a 401 made the session re-read a rotated token file: send once more with it
                if response.status == 401 and attempt == 1 and self.tokens.current() != sent:
                    continue
                if response.status >= 400:
                    raise _error(response.status, raw)
                document = json.loads(raw) if raw else {}
                return document if isinstance(document, dict) else {"items": document}
        raise AssertionError("unreachable: the second attempt always returns or raises")

    async def watch(
        self,
        api_version: str,
        plural: str,
        namespace: str | None = None,
        *,
        resource_version: str = "",
        field_selector: str | None = None,
        label_selector: str | None = None,
        timeout_seconds: int = 300,
    ) -> AsyncIterator[JSONDict]:
        """Yield watch events (``{"type": ..., "object": ...}``) until the server ends the stream.

        Callers re-list and resume on their own: a 410 Gone surfaces as :class:`ApiError`, an
        ``ERROR`` event is raised as :class:`ApiError` too.
        """
        if self._session is None:
            raise RuntimeError("KubeClient used outside 'async with'")
        params = {"watch": "true", "timeoutSeconds": str(timeout_seconds)}
        if resource_version:
            params["resourceVersion"] = resource_version
            params["allowWatchBookmarks"] = "true"
        if field_selector:
            params["fieldSelector"] = field_selector
        if label_selector:
            params["labelSelector"] = label_selector
        url = f"{resource_path(api_version, plural, namespace=namespace)}?{urlencode(params)}"
        timeout = aiohttp.ClientTimeout(total=None, sock_read=timeout_seconds + 30)
        async with self._session.get(url, timeout=timeout) as response:
            if response.status >= 400:
                raise _error(response.status, await response.read())
            async for line in response.content:
                if not line.strip():
                    continue
                event = json.loads(line)
                if event.get("type") == "ERROR":
                    status = event.get("object") or {}
                    raise ApiError(
                        int(status.get("code") or 500),
                        str(status.get("reason") or ""),
                        str(status.get("message") or ""),
                    )
                yield event

    async def read_text(
        self,
        path: str,
        *,
        params: Mapping[str, str] | None = None,
        limit: int = 16 * LARGE_BODY,
    ) -> str:
        """GET a plain-text answer (a pod's ``log`` subresource), at most ``limit`` bytes of it.

        Errors raise :class:`ApiError` as for JSON requests; a longer answer is cut at ``limit``.
        """
        if self._session is None:
            raise RuntimeError("KubeClient used outside 'async with'")
        url = f"{path}?{urlencode(params)}" if params else path
        async with self._session.get(url, headers={"Accept": "text/plain, */*"}) as response:
            if response.status >= 400:
                raise _error(response.status, await response.read())
            chunks: list[bytes] = []
            size = 0
            async for chunk in response.content.iter_any():
                chunks.append(chunk[: limit - size])
                size += len(chunks[-1])
                if size >= limit:
                    break
            return b"".join(chunks).decode(errors="replace")

    async def get(
        self, api_version: str, plural: str, name: str, namespace: str | None = None
    ) -> JSONDict | None:
        """The object, or ``None`` when it does not exist."""
        path = resource_path(api_version, plural, namespace=namespace, name=name)
        try:
            return await self.request("GET", path)
        except NotFoundError:
            return None

    async def list(
        self,
        api_version: str,
        plural: str,
        namespace: str | None = None,
        *,
        label_selector: str | None = None,
        field_selector: str | None = None,
    ) -> list[JSONDict]:
        """Every object of a collection (one page set: follows ``continue`` tokens)."""
        params: dict[str, str] = {}
        if label_selector:
            params["labelSelector"] = label_selector
        if field_selector:
            params["fieldSelector"] = field_selector
        path = resource_path(api_version, plural, namespace=namespace)
        items: list[JSONDict] = []
        while True:
            page = await self.request("GET", path, params=params)
            items.extend(page.get("items") or [])
            token = metadata_of(page).get("continue")
            if not token:
                return items
            params["continue"] = token

    async def create(
        self, api_version: str, plural: str, body: JSONDict, namespace: str | None = None
    ) -> JSONDict:
        path = resource_path(api_version, plural, namespace=namespace)
        return await self.request("POST", path, body=body)

    async def replace(
        self,
        api_version: str,
        plural: str,
        body: JSONDict,
        namespace: str | None = None,
        *,
        subresource: str | None = None,
    ) -> JSONDict:
        """PUT the whole object; a stale ``metadata.resourceVersion`` raises ConflictError."""
        name = body["metadata"]["name"]
        path = resource_path(
            api_version, plural, namespace=namespace, name=name, subresource=subresource
        )
        return await self.request("PUT", path, body=body)

    async def patch(
        self,
        api_version: str,
        plural: str,
        name: str,
        patch: Any,
        namespace: str | None = None,
        *,
        patch_type: str = "merge",
        subresource: str | None = None,
    ) -> JSONDict:
        path = resource_path(
            api_version, plural, namespace=namespace, name=name, subresource=subresource
        )
        return await self.request("PATCH", path, body=patch, content_type=PATCH_TYPES[patch_type])

    async def delete(
        self, api_version: str, plural: str, name: str, namespace: str | None = None
    ) -> bool:
        """Delete; return False when it was already gone."""
        path = resource_path(api_version, plural, namespace=namespace, name=name)
        try:
            await self.request("DELETE", path)
        except NotFoundError:
            return False
        return True

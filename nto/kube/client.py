"""A small async Kubernetes client over aiohttp, for the code that runs beside kopf.

kopf watches and patches the objects its handlers serve; everything else (reading Nodes and
pools, writing Profiles, MachineConfigs, the Lease, the ClusterOperator) goes through this
client, which shares kopf's HTTP stack instead of importing the heavy ``kubernetes`` package.
Errors become :class:`ApiError` subclasses by status. Neighbours: :mod:`nto.kube.config`.
"""

from __future__ import annotations

import io
import json
import os
import ssl
import tempfile
from collections.abc import AsyncIterator, Mapping
from types import TracebackType
from typing import Any, Self
from urllib.parse import quote, urlencode

import aiohttp

from nto.kube.config import Connection

JSONDict = dict[str, Any]

LARGE_BODY = 1024 * 1024

WATCH_LINE_BUFFER = 16 * 1024 * 1024
"""Watch events are single JSON lines; a Profile carries every Tuned's profiles and can be
megabytes, beyond aiohttp's default 64 KiB line buffer."""

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
    """The REST path of a collection or an object (``/api/v1/...`` or ``/apis/g/v/...``)."""
    base = "/api/v1" if api_version == "v1" else f"/apis/{api_version}"
    parts = [base]
    if namespace:
        parts.append(f"namespaces/{quote(namespace, safe='')}")
    parts.append(plural)
    if name is not None:
        parts.append(quote(name, safe=""))
    if subresource:
        parts.append(subresource)
    return "/".join(parts)


class KubeClient:
    """Async CRUD on any resource; use ``async with KubeClient(connection) as client``."""

    def __init__(self, connection: Connection, *, timeout: float = 30.0) -> None:
        self.connection = connection
        self._timeout = aiohttp.ClientTimeout(total=timeout)
        self._session: aiohttp.ClientSession | None = None
        self._tempfiles: list[str] = []

    async def __aenter__(self) -> Self:
        headers = {"Accept": "application/json"}
        if self.connection.token:
            headers["Authorization"] = f"Bearer {self.connection.token}"
        auth = None
        if self.connection.username and self.connection.password:
            auth = aiohttp.BasicAuth(self.connection.username, self.connection.password)
        connector = aiohttp.TCPConnector(ssl=self._ssl_context(), limit=32)
        self._session = aiohttp.ClientSession(
            base_url=self.connection.server.rstrip("/"),
            headers=headers,
            auth=auth,
            connector=connector,
            timeout=self._timeout,
            read_bufsize=WATCH_LINE_BUFFER,
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
        for path in self._tempfiles:
            os.unlink(path)
        self._tempfiles.clear()

    def _ssl_context(self) -> ssl.SSLContext | bool:
        if not self.connection.server.startswith("https"):
            return False
        if self.connection.insecure:
            return False
        context = ssl.create_default_context(
            cafile=self.connection.ca_path,
            cadata=self.connection.ca_data.decode() if self.connection.ca_data else None,
        )
        cert = self.connection.certificate_path or self._spill(self.connection.certificate_data)
        key = self.connection.private_key_path or self._spill(self.connection.private_key_data)
        if cert:
            context.load_cert_chain(cert, key)
        return context

    def _spill(self, data: bytes | None) -> str | None:
        """``ssl`` loads client certificates from files only; write inline data to one."""
        if not data:
            return None
        handle, path = tempfile.mkstemp(prefix="nto-kube-", suffix=".pem")
        with os.fdopen(handle, "wb") as file:
            file.write(data)
        self._tempfiles.append(path)
        return path

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
        data: bytes | io.BytesIO | None = None
        if body is not None:
            encoded = json.dumps(body).encode()
            # aiohttp streams file-likes; a large bytes body would block the loop (and warn)
            data = io.BytesIO(encoded) if len(encoded) > LARGE_BODY else encoded
        headers = {"Content-Type": content_type} if data is not None else None
        async with self._session.request(method, url, data=data, headers=headers) as response:
            raw = await response.read()
            if response.status >= 400:
                raise _error(response.status, raw)
            document = json.loads(raw) if raw else {}
            return document if isinstance(document, dict) else {"items": document}

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
            token = (page.get("metadata") or {}).get("continue")
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

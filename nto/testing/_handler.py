"""HTTP routing of the emulated API server: discovery, resource URLs and watch streams.

Why not kmock's handler for these paths: kmock's ``RawHandler`` parses every request into its DSL
model, keeps every request forever for assertions, and sorts all reactions by priority on each
request; its ``KubernetesEmulator`` scans every object per request (500 Nodes took ~70 s), answers
watches as ``application/octet-stream`` and serves no ``/status`` subresource. Its discovery is
derived from reactions and cannot carry what CRDs declare at runtime. So this module is a plain
aiohttp handler over our own registry (:mod:`nto.testing._resources`) and verbs
(:mod:`nto.testing._pipeline`); kmock stays a test-side tool. Every response is JSON: objects,
``Status`` errors (:mod:`nto.testing._errors`) and newline-delimited watch events.
"""

from __future__ import annotations

import asyncio
import json
import logging
import time
from collections.abc import Mapping
from typing import Any

from aiohttp import web

from nto.testing._errors import ApiError
from nto.testing._faults import Faults
from nto.testing._pipeline import Api
from nto.testing._resources import Registry, ResourceInfo
from nto.testing._selectors import parse_field_selector, parse_label_selector
from nto.testing._watch import CLOSE, INITIAL_EVENTS_END, Bookmark, Event

logger = logging.getLogger(__name__)

JSON = "application/json"
MAX_REQUEST_BODY_BYTES = 3 * 1024 * 1024
"""kube-apiserver's limit on a write request's body (twice etcd's 1.5 MiB object limit)."""
VERSION = {
    "major": "1",
    "minor": "31",
    "gitVersion": "v1.31.0-nto-emulated",
    "gitCommit": "0000000000000000000000000000000000000000",
    "gitTreeState": "clean",
    "buildDate": "2024-01-01T00:00:00Z",
    "goVersion": "go1.22.0",
    "compiler": "gc",
    "platform": "linux/amd64",
}


def _json(body: Any, status: int = 200) -> web.Response:
    return web.Response(body=json.dumps(body).encode(), status=status, content_type=JSON)


def _true(value: str | None) -> bool:
    return (value or "").lower() in ("1", "true")


class Target:
    """A parsed resource URL."""

    def __init__(
        self,
        info: ResourceInfo,
        version: str,
        *,
        namespace: str | None,
        name: str,
        subresource: str,
        watch: bool,
    ) -> None:
        self.info = info
        self.version = version
        self.namespace = namespace
        self.name = name
        self.subresource = subresource
        self.watch_path = watch


class Router:
    """The aiohttp request handler; see the module docstring."""

    def __init__(self, registry: Registry, api: Api, faults: Faults) -> None:
        self.registry = registry
        self.api = api
        self.faults = faults

    async def __call__(self, request: web.BaseRequest) -> web.StreamResponse:
        try:
            return await self._serve(request)
        except ApiError as exc:
            return _json(exc.status(), exc.code)
        except Exception as exc:  # a bug in the emulator: report it like the API server would
            logger.exception("Emulated API server failed on %s %s", request.method, request.path_qs)
            return _json(ApiError(500, f"emulator error: {exc!r}").status(), 500)

    # --- routing ------------------------------------------------------------------------------

    def _discovery(self, segments: list[str]) -> dict[str, Any] | None:
        if segments == ["version"]:
            return VERSION
        if segments == ["api"]:
            return {
                "kind": "APIVersions",
                "versions": ["v1"],
                "serverAddressByClientCIDRs": [
                    {"clientCIDR": "0.0.0.0/0", "serverAddress": "127.0.0.1"}
                ],
            }
        if segments == ["apis"]:
            return self.registry.api_group_list()
        if segments == []:
            groups = self.registry.group_versions()
            paths = ["/api", "/api/v1", "/apis", "/version"]
            paths += [f"/apis/{g}" for g in groups]
            paths += [f"/apis/{g}/{v}" for g, vs in groups.items() for v in vs]
            return {"paths": sorted(paths)}
        if len(segments) == 2 and segments[0] == "apis":
            return self.registry.api_group(segments[1]) or self._not_found()
        if len(segments) == 2 and segments[0] == "api":
            return self.registry.resource_list("", segments[1]) or self._not_found()
        if len(segments) == 3 and segments[0] == "apis":
            return self.registry.resource_list(segments[1], segments[2]) or self._not_found()
        return None

    @staticmethod
    def _not_found() -> dict[str, Any]:
        raise ApiError(404, "the server could not find the requested resource")

    def _target(self, segments: list[str]) -> Target:
        if segments[0] == "api" and len(segments) >= 3:
            group, version, rest = "", segments[1], segments[2:]
        elif segments[0] == "apis" and len(segments) >= 4:
            group, version, rest = segments[1], segments[2], segments[3:]
        else:
            self._not_found()
        watch = rest[0] == "watch"
        if watch:
            rest = rest[1:]
        namespace: str | None = None
        if len(rest) >= 3 and rest[0] == "namespaces" and rest[2] not in ("status", "finalize"):
            namespace, rest = rest[1], rest[2:]
        if not rest or len(rest) > 3:
            self._not_found()
        info = self.registry.lookup(group, version, rest[0])
        if info is None or (namespace is not None and not info.namespaced):
            raise ApiError(
                404,
                f"the server could not find the requested resource {rest[0]!r}"
                f" in {group or 'core'}/{version}",
            )
        subresource = rest[2] if len(rest) == 3 else ""
        if subresource and subresource not in info.subresources:
            self._not_found()
        name = rest[1] if len(rest) >= 2 else ""
        return Target(
            info, version, namespace=namespace, name=name, subresource=subresource, watch=watch
        )

    async def _serve(self, request: web.BaseRequest) -> web.StreamResponse:
        segments = [s for s in request.path.split("/") if s]
        if request.method == "GET":
            document = self._discovery(segments)
            if document is not None:
                return _json(document)
        if not segments or segments[0] not in ("api", "apis"):
            self._not_found()
        target = self._target(segments)
        fault = self.faults.take(
            request.method,
            request.path_qs,
            frozenset(
                {
                    target.info.plural,
                    target.info.qualified,
                    f"{target.info.plural}/{target.subresource}" if target.subresource else "",
                }
            ),
        )
        if fault is not None:
            if fault.delay:
                await asyncio.sleep(fault.delay)
            if fault.status is not None:
                raise ApiError(fault.status, fault.message or f"injected fault: {fault.status}")
        return await self._dispatch(request, target)

    async def _dispatch(self, request: web.BaseRequest, t: Target) -> web.StreamResponse:
        query = request.query
        ns = t.namespace or ""
        info, version = t.info, t.version
        method = request.method
        if method == "GET" and (t.watch_path or _true(query.get("watch"))):
            return await self._watch(request, t)
        if method == "GET" and t.name:
            return _json(await self.api.get(info, version, ns, t.name))
        predicates = (
            parse_label_selector(query.get("labelSelector")),
            parse_field_selector(query.get("fieldSelector")),
        )
        if method == "GET":
            return _json(await self.api.list(info, version, t.namespace, *predicates))
        if method == "POST" and not t.name:
            return _json(await self.api.create(info, version, ns, await self._body(request)), 201)
        if method == "PUT" and t.name:
            body = await self._body(request)
            return _json(
                await self.api.replace(
                    info, version, namespace=ns, name=t.name, body=body, subresource=t.subresource
                )
            )
        if method == "PATCH" and t.name:
            content_type = request.headers.get("Content-Type", "")
            body = await self._body(request)
            return _json(
                await self.api.patch(
                    info,
                    version,
                    namespace=ns,
                    name=t.name,
                    content_type=content_type,
                    patch=body,
                    subresource=t.subresource,
                )
            )
        if method == "DELETE":
            options = await self._delete_options(request)
            if t.name:
                return _json(await self.api.delete(info, version, ns, t.name, options))
            return _json(
                await self.api.delete_collection(info, version, t.namespace, options, *predicates)
            )
        raise ApiError(
            405, f"{method} is not supported on {request.path}", reason="MethodNotAllowed"
        )

    @staticmethod
    async def _body(request: web.BaseRequest) -> Any:
        too_large = ApiError(
            413,
            f"Request entity too large: limit is {MAX_REQUEST_BODY_BYTES}",
            reason="RequestEntityTooLarge",
        )
        if (request.content_length or 0) > MAX_REQUEST_BODY_BYTES:
            raise too_large
        raw = bytearray()
        async for chunk in request.content.iter_chunked(64 * 1024):
            raw.extend(chunk)
            if len(raw) > MAX_REQUEST_BODY_BYTES:
                raise too_large
        try:
            return json.loads(raw or b"null")
        except ValueError as exc:
            raise ApiError(400, f"the request body is not valid JSON: {exc}") from None

    async def _delete_options(self, request: web.BaseRequest) -> Mapping[str, Any]:
        body = await self._body(request)
        options = dict(body) if isinstance(body, dict) else {}
        if "propagationPolicy" in request.query:
            options["propagationPolicy"] = request.query["propagationPolicy"]
        policy = options.get("propagationPolicy")
        if policy not in (None, "Background", "Foreground", "Orphan"):
            raise ApiError(
                400, f"propagationPolicy {policy!r} is not one of Background, Foreground, Orphan"
            )
        if options.get("orphanDependents") is True and policy is None:
            options["propagationPolicy"] = "Orphan"
        return options

    # --- watch --------------------------------------------------------------------------------

    async def _watch(self, request: web.BaseRequest, t: Target) -> web.StreamResponse:
        query = request.query
        label = parse_label_selector(query.get("labelSelector"))
        field = parse_field_selector(
            ",".join(
                filter(
                    None, [query.get("fieldSelector"), f"metadata.name={t.name}" if t.name else ""]
                )
            )
        )
        rv_text = query.get("resourceVersion") or ""
        initial = _true(query.get("sendInitialEvents"))
        if rv_text and not rv_text.isdigit():
            raise ApiError(400, f"resourceVersion {rv_text!r} is not a number")
        since = None if initial or rv_text in ("", "0") else int(rv_text)
        timeout = float(query.get("timeoutSeconds") or 1800)
        bookmarks = _true(query.get("allowWatchBookmarks"))
        response = web.StreamResponse(status=200, headers={"Content-Type": JSON})
        response.enable_chunked_encoding()
        try:
            watcher = self.api.store.watch(
                t.info, t.namespace, label, field, since=since, initial_bookmark=initial
            )
        except ApiError as exc:
            await response.prepare(request)
            await self._write(response, {"type": "ERROR", "object": exc.status()})
            await response.write_eof()
            return response
        await response.prepare(request)
        deadline = time.monotonic() + timeout
        try:
            while True:
                try:
                    item = await asyncio.wait_for(
                        watcher.queue.get(), max(deadline - time.monotonic(), 0)
                    )
                except TimeoutError:
                    if bookmarks:
                        await self._write(response, self._bookmark(t, Bookmark(self.api.store.rv)))
                    break
                if item is CLOSE:
                    break
                if isinstance(item, Bookmark):
                    await self._write(response, self._bookmark(t, item))
                elif isinstance(item, Event):
                    obj = await self.api.converter.one(t.info, dict(item.obj), t.version)
                    await self._write(response, {"type": item.type, "object": obj})
            await response.write_eof()
        except ConnectionResetError:
            pass
        finally:
            self.api.store.unwatch(watcher)
        return response

    @staticmethod
    def _bookmark(t: Target, bookmark: Bookmark) -> dict[str, Any]:
        metadata: dict[str, Any] = {"resourceVersion": str(bookmark.rv)}
        if bookmark.initial_end:
            metadata["annotations"] = {INITIAL_EVENTS_END: "true"}
        return {
            "type": "BOOKMARK",
            "object": {
                "kind": t.info.kind,
                "apiVersion": t.info.api_version(t.version),
                "metadata": metadata,
            },
        }

    @staticmethod
    async def _write(response: web.StreamResponse, event: Mapping[str, Any]) -> None:
        await response.write(json.dumps(event).encode() + b"\n")

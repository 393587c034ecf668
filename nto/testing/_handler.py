"""HTTP routing of the emulated API server: discovery, resource URLs and watch streams.

Why not kmock's handler for these paths: kmock's ``RawHandler`` parses every request into its DSL
model, keeps every request forever for assertions, and sorts all reactions by priority on each
request; its ``KubernetesEmulator`` scans every object per request (500 Nodes took ~70 s), answers
watches as ``application/octet-stream`` and serves no ``/status`` subresource. Its discovery is
derived from reactions and cannot carry what CRDs declare at runtime. So this module is a plain
aiohttp handler over our own registry (:mod:`nto.testing._resources`) and verbs
(:mod:`nto.testing._pipeline`); kmock stays a test-side tool. Every response is JSON: objects,
``Status`` errors (:mod:`nto.testing._errors`) and newline-delimited watch events. Field
selectors come from :mod:`nto.testing._fields`, chunked lists from :mod:`nto.testing._paging`,
access reviews and RBAC for impersonated requests from :mod:`nto.testing._authz`.
"""

from __future__ import annotations

import asyncio
import json
import logging
import time
from collections.abc import Mapping
from typing import Any
from urllib.parse import unquote

from aiohttp import web

from nto.testing._apply import is_apply, server_side_apply
from nto.testing._authz import REVIEW_KEYS, Authorizer, user_from_headers
from nto.testing._content import check_accept, decode_body
from nto.testing._errors import ApiError
from nto.testing._faults import Access, Faults
from nto.testing._field_validation import bounded_warnings, scope, warning_header
from nto.testing._fields import field_selector
from nto.testing._names import path_segment
from nto.testing._openapi import OpenApi
from nto.testing._options import (
    bookmarks_allowed,
    check_list_options,
    initial_events,
    timeout_seconds,
)
from nto.testing._paging import list_page
from nto.testing._pipeline import Api
from nto.testing._podlogs import PodLogs
from nto.testing._resources import Registry, ResourceInfo
from nto.testing._selectors import parse_label_selector
from nto.testing._table import Tables
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


def _verb(request: web.BaseRequest, t: Target) -> str:
    """The authorization verb of a resource request."""
    if request.method == "GET":
        if t.watch_path or _true(request.query.get("watch")):
            return "watch"
        return "get" if t.name else "list"
    if request.method == "DELETE":
        return "delete" if t.name else "deletecollection"
    return {"POST": "create", "PUT": "update", "PATCH": "patch"}.get(request.method, "")


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

    def __init__(
        self,
        registry: Registry,
        api: Api,
        faults: Faults,
        access: Access | None = None,
        pod_logs: PodLogs | None = None,
    ) -> None:
        self.pod_logs = pod_logs or PodLogs()
        self.registry = registry
        self.api = api
        self.faults = faults
        self.tables = Tables(registry, api.store)
        self.openapi = OpenApi(registry)
        self.access = access or Access()
        self.authz = Authorizer(api.store)

    async def __call__(self, request: web.BaseRequest) -> web.StreamResponse:
        self.access.record(request.method, request.raw_path)
        try:
            if not self.access.allows(request.headers.get("Authorization", "")):
                raise ApiError(401, "Unauthorized", reason="Unauthorized")
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
        if name and (problems := path_segment(name)):
            raise ApiError(400, f"Name parameter invalid: {json.dumps(name)}: {';'.join(problems)}")
        return Target(
            info, version, namespace=namespace, name=name, subresource=subresource, watch=watch
        )

    async def _serve(self, request: web.BaseRequest) -> web.StreamResponse:
        # Split before decoding, so that a name holding "%2F" stays one (refused) segment.
        raw = request.rel_url.raw_path
        segments = [unquote(s) if "%" in s else s for s in raw.split("/") if s]
        if request.method == "GET":
            document = self._discovery(segments)
            if document is not None:
                return _json(document)
            if segments and segments[0] == "openapi":
                body, headers = self.openapi.serve(segments[1:], request.headers.get("Accept"))
                return web.Response(body=body, headers=headers)
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
                error = ApiError(fault.status, fault.message or f"injected fault: {fault.status}")
                if fault.watch_event and (target.watch_path or _true(request.query.get("watch"))):
                    return await self._error_event(request, error)
                raise error
        if request.method != "GET" and request.query.get("dryRun"):
            raise ApiError(
                400,
                f"dryRun={request.query['dryRun']!r} is not supported by the emulated API server"
                " (nto.testing): it would have written the object; check dry runs against a real"
                " cluster (NTO_E2E_KUBECONFIG)",
                reason="BadRequest",
            )
        if target.info.key in REVIEW_KEYS or "Impersonate-User" in request.headers:
            return await self._authorized(request, target)
        return await self._validated_dispatch(request, target)

    async def _validated_dispatch(
        self, request: web.BaseRequest, target: Target
    ) -> web.StreamResponse:
        """Dispatch a request, honouring ``fieldValidation`` on writes; the warnings of field
        validation and of admission webhooks go out as ``Warning: 299 - "..."`` headers."""
        if request.method not in ("POST", "PUT", "PATCH", "DELETE"):
            return await self._dispatch(request, target)
        directive = None if request.method == "DELETE" else request.query.get("fieldValidation")
        with scope(directive) as validation:
            response = await self._dispatch(request, target)
        for message in bounded_warnings(validation.warnings):
            response.headers.add("Warning", warning_header(message))
        return response

    async def _authorized(self, request: web.BaseRequest, t: Target) -> web.StreamResponse:
        """Access reviews, and requests that impersonate a user (see nto.testing._authz)."""
        user = user_from_headers(request.headers, request.headers.getall("Impersonate-Group", []))
        if t.info.key in REVIEW_KEYS:
            if request.method != "POST" or t.name:
                raise ApiError(
                    405,
                    f"{request.method} is not supported on {request.path}",
                    reason="MethodNotAllowed",
                )
            body = await self._body(request)
            return _json(self.authz.review(t.info, body, user, t.namespace or ""), 201)
        self.authz.check(
            user,
            t.info,
            verb=_verb(request, t),
            namespace=t.namespace or "",
            name=t.name,
            subresource=t.subresource,
        )
        return await self._validated_dispatch(request, t)

    async def _dispatch(self, request: web.BaseRequest, t: Target) -> web.StreamResponse:
        query = request.query
        ns = t.namespace or ""
        info, version = t.info, t.version
        method = request.method
        if t.subresource == "log" and t.name and not t.watch_path:
            if method != "GET":
                raise ApiError(
                    405, f"{method} is not supported on {request.path}", reason="MethodNotAllowed"
                )
            return self.pod_logs.serve(await self.api.get(info, version, ns, t.name), query)
        check_accept(request.headers.get("Accept"))
        table = (
            self.tables.negotiate(request.headers.get("Accept", "")) if method == "GET" else None
        )
        watching = t.watch_path or _true(query.get("watch"))
        if method == "GET" and (watching or not t.name):
            check_list_options(query, watch=watching)
        if method == "GET" and watching:
            return await self._watch(request, t, table)
        if method == "GET" and t.name:
            obj = await self.api.get(info, version, ns, t.name)
            if table:
                return _json(self._table(request, t, table, [obj], obj["metadata"], single=True))
            return _json(obj)
        predicates = (
            parse_label_selector(query.get("labelSelector")),
            field_selector(info, query.get("fieldSelector"), version),
        )
        if method == "GET":
            listed = await list_page(
                self.api,
                info,
                version,
                namespace=t.namespace,
                predicates=predicates,
                query=query,
            )
            if table:
                items, meta = listed["items"], listed["metadata"]
                return _json(self._table(request, t, table, items, meta, single=False))
            return _json(listed)
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
            if is_apply(content_type) and not t.subresource:
                obj, status = await server_side_apply(
                    self.api,
                    info,
                    version,
                    namespace=ns,
                    name=t.name,
                    raw=await request.read(),
                    query=query,
                )
                return _json(obj, status)
            body = await self._body(request, patch=True)
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
    async def _body(request: web.BaseRequest, *, patch: bool = False) -> Any:
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
        return decode_body(bytes(raw), request.headers.get("Content-Type"), patch=patch)

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

    def _table(
        self,
        request: web.BaseRequest,
        t: Target,
        shape: tuple[str, str],
        objects: list[dict[str, Any]],
        meta: Mapping[str, Any],
        *,
        single: bool,
    ) -> dict[str, Any]:
        list_meta = {k: meta[k] for k in ("resourceVersion", "continue") if meta.get(k)}
        include = request.query.get("includeObject", "")
        return self.tables.present(
            shape,
            t.info,
            t.version,
            objects,
            list_meta=list_meta,
            include_object=include,
            single=single,
        )

    # --- watch --------------------------------------------------------------------------------

    async def _watch(
        self, request: web.BaseRequest, t: Target, table: tuple[str, str] | None = None
    ) -> web.StreamResponse:
        query = request.query
        label = parse_label_selector(query.get("labelSelector"))
        field = field_selector(
            t.info,
            ",".join(
                filter(
                    None, [query.get("fieldSelector"), f"metadata.name={t.name}" if t.name else ""]
                )
            ),
            t.version,
        )
        rv_text = query.get("resourceVersion") or ""
        send_initial = initial_events(query)
        initial = bool(send_initial)
        if rv_text and not rv_text.isdigit():
            raise ApiError(400, f"resourceVersion {rv_text!r} is not a number")
        since = None if initial or rv_text in ("", "0") else int(rv_text)
        if send_initial is False and since is None:  # explicitly no initial events: start now
            since = self.api.store.rv
        timeout = timeout_seconds(query)
        bookmarks = bookmarks_allowed(query)
        response = web.StreamResponse(status=200, headers={"Content-Type": JSON})
        response.enable_chunked_encoding()
        try:
            watcher = self.api.store.watch(
                t.info,
                t.namespace,
                label,
                field,
                since=since,
                initial_bookmark=initial and bookmarks,  # a real server needs both for it
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
                    if table:
                        obj = self._table(request, t, table, [obj], obj["metadata"], single=True)
                    await self._write(response, {"type": item.type, "object": obj})
            await response.write_eof()
        except ConnectionResetError:
            pass
        finally:
            self.api.store.unwatch(watcher)
        return response

    async def _error_event(self, request: web.BaseRequest, error: ApiError) -> web.StreamResponse:
        response = web.StreamResponse(status=200, headers={"Content-Type": JSON})
        response.enable_chunked_encoding()
        await response.prepare(request)
        await self._write(response, {"type": "ERROR", "object": error.status()})
        await response.write_eof()
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

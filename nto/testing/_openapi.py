"""OpenAPI v2 and v3 documents of the emulated API server, built from what it serves.

kubectl reads them: ``kubectl apply`` asks ``/openapi/v3`` whether each kind's PATCH operation
takes the ``fieldValidation`` query parameter (then it lets the server validate, sending
``fieldValidation=Strict``; without a document it fails with "failed to download openapi");
``kubectl explain`` walks the component schemas marked with ``x-kubernetes-group-version-kind``.
As in a kube-apiserver (see https://kubernetes.io/docs/concepts/overview/kubernetes-api/#openapi-interface-definition):

- ``/openapi/v3`` lists one path per group version (``api/v1``, ``apis/<group>/<version>``) with
  a ``serverRelativeURL`` carrying the hash of that document, which changes when the served
  resources change;
- ``/openapi/v3/apis/<group>/<version>`` has the resource paths with their operations and the
  component schemas: a CRD version's ``openAPIV3Schema`` named ``<reversed group>.<version>.<Kind>``
  (``io.openshift.performance.v2.PerformanceProfile``), built-in kinds from the Kubernetes
  definitions bundled with kubernetes-validate (:mod:`nto.testing._openapi_builtin`), and
  whatever those reference (``ObjectMeta``, ...);
- ``/openapi/v2`` is the same in one Swagger 2.0 document.

Documents are cached per registry content. The router (:mod:`nto.testing._handler`) calls
:meth:`OpenApi.serve` for paths under ``/openapi/``.
"""

from __future__ import annotations

import copy
import hashlib
import json
from typing import Any

from nto.testing._errors import ApiError
from nto.testing._openapi_builtin import (
    GVK,
    KUBE_VERSION,
    builtin_by_gvk,
    builtin_definitions,
    closure,
)
from nto.testing._resources import PRESERVE_UNKNOWN, Registry, ResourceInfo

META = "io.k8s.apimachinery.pkg.apis.meta.v1."
FIELD_VALIDATION_DOC = (
    "fieldValidation instructs the server on how to handle objects in the request"
    " (POST/PUT/PATCH) containing unknown or duplicate fields. Valid values are: - Ignore: This"
    " will ignore any unknown fields that are silently dropped from the object, and will ignore"
    " all but the last duplicate field that the decoder encounters. - Warn: This will send a"
    " warning via the standard warning response header for each unknown field that is dropped"
    " from the object, and for each duplicate field that is encountered. - Strict: This will"
    " fail the request with a BadRequest error if any unknown fields would be dropped from the"
    " object, or if any duplicate fields are present."
)
_PATCH_TYPES = (
    "application/apply-patch+yaml",
    "application/json-patch+json",
    "application/merge-patch+json",
    "application/strategic-merge-patch+json",
)


# --- schemas of served kinds ------------------------------------------------------------------


def schema_name(info: ResourceInfo, version: str) -> str:
    """The definition name: a built-in's Kubernetes name, else ``<reversed group>.<v>.<Kind>``."""
    builtin = builtin_by_gvk().get((info.group, version, info.kind))
    if builtin is not None and not info.custom:
        return builtin
    return ".".join([*reversed(info.group.split(".")), version, info.kind])


def kind_schema(info: ResourceInfo, version: str, prefix: str) -> dict[str, Any]:
    """The schema of one kind in one version, marked with its group, version and kind."""
    gvk = [{"group": info.group, "version": version, "kind": info.kind}]
    if not info.custom:
        builtin = builtin_by_gvk().get((info.group, version, info.kind))
        if builtin is not None:
            return dict(builtin_definitions(prefix)[builtin])
        return {"type": "object", "x-kubernetes-preserve-unknown-fields": True, GVK: gvk}
    schema = copy.deepcopy(dict(info.schemas.get(version) or PRESERVE_UNKNOWN))
    properties = schema.setdefault("properties", {})
    properties.setdefault("apiVersion", {"type": "string", "description": _APIVERSION_DOC})
    properties.setdefault("kind", {"type": "string", "description": _KIND_DOC})
    properties.setdefault(
        "metadata",
        {"$ref": f"{prefix}{META}ObjectMeta", "description": "Standard object's metadata."},
    )
    schema.setdefault("type", "object")
    schema[GVK] = gvk
    return schema


_APIVERSION_DOC = (
    "APIVersion defines the versioned schema of this representation of an object. Servers"
    " should convert recognized schemas to the latest internal value, and may reject"
    " unrecognized values. More info:"
    " https://git.k8s.io/community/contributors/devel/sig-architecture/api-conventions.md#resources"
)
_KIND_DOC = (
    "Kind is a string value representing the REST resource this object represents. Servers may"
    " infer this from the endpoint the client submits requests to. Cannot be updated. In"
    " CamelCase. More info:"
    " https://git.k8s.io/community/contributors/devel/sig-architecture/api-conventions.md#types-kinds"
)


# --- paths ------------------------------------------------------------------------------------


def _parameter(name: str, where: str, description: str, *, v3: bool, required: bool = False) -> Any:
    parameter: dict[str, Any] = {"name": name, "in": where, "description": description}
    if required:
        parameter["required"] = True
    if v3:
        parameter["schema"] = {"type": "string", "uniqueItems": True}
    else:
        parameter.update(type="string", uniqueItems=True)
    return parameter


def _operation(
    info: ResourceInfo,
    version: str,
    action: str,
    ref: str,
    *,
    v3: bool,
    writes: bool,
    patch: bool = False,
    subresource: str = "",
) -> dict[str, Any]:
    kind = info.kind
    operation: dict[str, Any] = {
        "description": f"{action} {'the ' + subresource + ' of ' if subresource else ''}{kind}",
        "operationId": f"{action}{kind}{subresource.capitalize()}",
        "tags": [f"{info.group or 'core'}_{version}"],
        "x-kubernetes-action": action,
        GVK: {"group": info.group, "version": version, "kind": kind},
    }
    parameters = []
    if writes:
        parameters = [
            _parameter("dryRun", "query", "When present, do not persist changes.", v3=v3),
            _parameter("fieldManager", "query", "The name of the actor making changes.", v3=v3),
            _parameter("fieldValidation", "query", FIELD_VALIDATION_DOC, v3=v3),
        ]
        if patch:
            parameters.append(
                _parameter("force", "query", "Force apply requests (re-acquire conflicts).", v3=v3)
            )
    operation["parameters"] = parameters
    body_ref = f"{ref.rsplit('/', 1)[0]}/{META}Patch" if patch else ref
    patch_types = tuple(t for t in _PATCH_TYPES if not info.custom or "strategic" not in t)
    types = patch_types if patch else ("application/json", "application/yaml")
    if writes and v3:
        operation["requestBody"] = {
            "required": True,
            "content": {t: {"schema": {"$ref": body_ref}} for t in types},
        }
    elif writes:
        operation["consumes"] = list(types)
        operation["parameters"].insert(
            0, {"name": "body", "in": "body", "required": True, "schema": {"$ref": body_ref}}
        )
    if v3:
        operation["responses"] = {
            "200": {"description": "OK", "content": {"application/json": {"schema": {"$ref": ref}}}}
        }
    else:
        operation["produces"] = ["application/json"]
        operation["responses"] = {"200": {"description": "OK", "schema": {"$ref": ref}}}
    return operation


def _paths(info: ResourceInfo, version: str, prefix: str, *, v3: bool) -> dict[str, Any]:
    root = f"/apis/{info.group}/{version}" if info.group else f"/api/{version}"
    scoped = f"{root}/namespaces/{{namespace}}" if info.namespaced else root
    ref = f"{prefix}{schema_name(info, version)}"

    def op(action: str, **kwargs: Any) -> dict[str, Any]:
        return _operation(info, version, action, ref, v3=v3, **kwargs)

    name_param = _parameter("name", "path", f"name of the {info.kind}", v3=v3, required=True)
    shared = [name_param]
    collection_shared: list[Any] = []
    if info.namespaced:
        namespace = _parameter("namespace", "path", "object name and auth scope", v3=v3)
        namespace["required"] = True
        shared.append(namespace)
        collection_shared.append(namespace)
    paths = {
        f"{scoped}/{info.plural}": {
            "get": op("list", writes=False),
            "post": op("post", writes=True),
            "delete": op("deletecollection", writes=False),
            "parameters": collection_shared,
        },
        f"{scoped}/{info.plural}/{{name}}": {
            "get": op("get", writes=False),
            "put": op("put", writes=True),
            "patch": op("patch", writes=True, patch=True),
            "delete": op("delete", writes=False),
            "parameters": shared,
        },
    }
    for sub in sorted(info.subresources & {"status", "scale"}):
        paths[f"{scoped}/{info.plural}/{{name}}/{sub}"] = {
            "get": op("get", writes=False, subresource=sub),
            "put": op("put", writes=True, subresource=sub),
            "patch": op("patch", writes=True, patch=True, subresource=sub),
            "parameters": shared,
        }
    if info.namespaced:
        paths[f"{root}/{info.plural}"] = {"get": op("list", writes=False)}
    return paths


def _group_path(group: str, version: str) -> str:
    return f"apis/{group}/{version}" if group else f"api/{version}"


class OpenApi:
    """The documents, cached per registry content; see the module docstring."""

    def __init__(self, registry: Registry) -> None:
        self.registry = registry
        self._key: tuple[int, ...] = ()
        self._pinned: list[ResourceInfo] = []  # keeps ids in the key from being reused
        self._v3: dict[str, tuple[bytes, str]] = {}
        self._v2: bytes | None = None

    def _refresh(self) -> None:
        infos = list(self.registry)
        key = tuple(id(info) for info in infos)
        if key == self._key:
            return
        self._key, self._pinned, self._v2 = key, infos, None
        by_gv: dict[str, list[tuple[ResourceInfo, str]]] = {}
        for info in infos:
            for version in info.versions:
                by_gv.setdefault(_group_path(info.group, version), []).append((info, version))
        self._v3 = {}
        for path, members in sorted(by_gv.items()):
            body = json.dumps(self._document(members, v3=True), sort_keys=True).encode()
            self._v3[path] = (body, hashlib.sha512(body).hexdigest()[:128].upper())

    def _document(self, members: list[tuple[ResourceInfo, str]], *, v3: bool) -> dict[str, Any]:
        prefix = "#/components/schemas/" if v3 else "#/definitions/"
        paths: dict[str, Any] = {}
        roots: dict[str, Any] = {}
        for info, version in sorted(members, key=lambda m: (m[0].group, m[1], m[0].plural)):
            paths.update(_paths(info, version, prefix, v3=v3))
            roots[schema_name(info, version)] = kind_schema(info, version, prefix)
        roots.setdefault(f"{META}Patch", {"type": "object", "description": "a patch document"})
        schemas = closure(roots, prefix)
        info_block = {"title": "Kubernetes", "version": KUBE_VERSION}
        if v3:
            return {
                "openapi": "3.0.0",
                "info": info_block,
                "paths": paths,
                "components": {"schemas": schemas},
            }
        return {"swagger": "2.0", "info": info_block, "paths": paths, "definitions": schemas}

    def v3_discovery(self) -> dict[str, Any]:
        self._refresh()
        return {
            "paths": {
                path: {"serverRelativeURL": f"/openapi/v3/{path}?hash={digest}"}
                for path, (_, digest) in self._v3.items()
            }
        }

    def v3(self, path: str) -> bytes:
        self._refresh()
        found = self._v3.get(path)
        if found is None:
            raise ApiError(404, f"no OpenAPI v3 document for {path!r}; see /openapi/v3")
        return found[0]

    def v2(self) -> bytes:
        self._refresh()
        if self._v2 is None:
            members = [(info, version) for info in self._pinned for version in info.versions]
            self._v2 = json.dumps(self._document(members, v3=False), sort_keys=True).encode()
        return self._v2

    def serve(self, segments: list[str], accept: str | None) -> tuple[bytes, dict[str, str]]:
        """The body and headers for GET ``/openapi/...`` (``segments`` after ``openapi``).

        Only JSON is served: a client accepting nothing but protobuf (client-go's v2
        ``OpenAPISchema``, used by ``kubectl explain --output=plaintext-openapiv2``) gets 406.
        """
        accept = accept or "*/*"
        if not any(
            media.split(";")[0].strip() in ("application/json", "application/*", "*/*", "")
            for media in accept.split(",")
        ):
            raise ApiError(
                406,
                f"the emulated API server serves OpenAPI as application/json only, not {accept!r};"
                " use /openapi/v3 (kubectl explain does by default)",
                reason="NotAcceptable",
            )
        headers = {"Content-Type": "application/json"}
        if segments == ["v2"]:
            return self.v2(), headers
        if segments == ["v3"]:
            return json.dumps(self.v3_discovery()).encode(), headers
        if len(segments) >= 3 and segments[0] == "v3":
            body = self.v3("/".join(segments[1:]))
            return body, {**headers, "Cache-Control": "public, immutable"}
        raise ApiError(404, f"no OpenAPI document at /openapi/{'/'.join(segments)}")

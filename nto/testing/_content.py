"""Request and response media types of the emulated API server: JSON and YAML, never protobuf.

A real kube-apiserver decodes request bodies in JSON, YAML and (for built-in kinds) protobuf, the
default of client-go's typed clients. The emulator decodes JSON and YAML (``application/yaml``
and the server-side-apply ``application/apply-patch+yaml``); a protobuf body gets
``415 UnsupportedMediaType`` with a Status saying so and how to switch the client to JSON, and a
request that accepts only protobuf responses gets ``406 NotAcceptable``. Responses are always
JSON. YAML is read with PyYAML's safe loader, one document only, with timestamps kept as strings
(as the API server's YAML-to-JSON step does) and a cap on how far aliases may expand, since a
small document of nested aliases ("billion laughs") expands to gigabytes when walked.
Neighbour: :mod:`nto.testing._handler`, which calls :func:`decode_body` and :func:`check_accept`.
"""

from __future__ import annotations

import json
from typing import Any, Final

from nto.testing._errors import ApiError

JSON: Final = "application/json"
YAML: Final = "application/yaml"
PROTOBUF: Final = "application/vnd.kubernetes.protobuf"
APPLY_PATCH: Final = "application/apply-patch+yaml"
SUPPORTED: Final = (JSON, YAML)
MAX_YAML_NODES: Final = 200_000  # after alias expansion; real objects are far below this

_JSON_TYPES: Final = frozenset(
    {
        "",
        JSON,
        "application/merge-patch+json",
        "application/json-patch+json",
        "application/strategic-merge-patch+json",
    }
)
_YAML_TYPES: Final = frozenset({YAML, "text/yaml", "application/x-yaml", APPLY_PATCH})
_ACCEPTABLE: Final = frozenset({JSON, YAML, "*/*", "application/*"})
PROTOBUF_HINT: Final = (
    "the emulated API server (nto.testing) speaks JSON and YAML only, not protobuf;"
    f" set the client's content type to {JSON} (client-go: rest.Config.ContentType ="
    f' "{JSON}", or AcceptContentTypes/ContentType in the kubeconfig-built config)'
)


def media_type(header: str | None) -> str:
    """The media type of a Content-Type or Accept entry, without parameters, lower case."""
    return (header or "").split(";", 1)[0].strip().lower()


def _unsupported(content_type: str) -> ApiError:
    accepted = ", ".join(SUPPORTED)
    message = (
        "the body of the request was in an unknown format - accepted media types include:"
        f" {accepted}"
    )
    if content_type.startswith(PROTOBUF):
        message += f"; {PROTOBUF_HINT}"
    return ApiError(415, message, reason="UnsupportedMediaType")


def check_accept(accept: str | None) -> None:
    """Refuse (406) a request whose Accept header admits no media type we can answer in."""
    if not accept:
        return
    types = {media_type(part) for part in accept.split(",")}
    if types & _ACCEPTABLE:
        return
    message = f"only {JSON} responses are served, the request accepts {accept!r}"
    if any(t.startswith(PROTOBUF) for t in types):
        message += f"; {PROTOBUF_HINT}"
    raise ApiError(406, message, reason="NotAcceptable")


def _yaml_loader() -> type:
    import yaml

    class Loader(yaml.SafeLoader):
        """Safe loading without the timestamp resolver: a timestamp stays a string."""

    Loader.yaml_implicit_resolvers = {
        first: [(tag, regexp) for tag, regexp in resolvers if tag != "tag:yaml.org,2002:timestamp"]
        for first, resolvers in yaml.SafeLoader.yaml_implicit_resolvers.items()
    }
    return Loader


def _expanded_size(node: Any, sizes: dict[int, int]) -> int:
    """How many nodes ``node`` stands for once every alias is expanded (memoised per node)."""
    import yaml

    known = sizes.get(id(node))
    if known is not None:
        return known
    sizes[id(node)] = MAX_YAML_NODES + 1  # a recursive alias expands forever
    size = 1
    if isinstance(node, yaml.SequenceNode):
        size += sum(_expanded_size(child, sizes) for child in node.value)
    elif isinstance(node, yaml.MappingNode):
        size += sum(_expanded_size(k, sizes) + _expanded_size(v, sizes) for k, v in node.value)
    sizes[id(node)] = size = min(size, MAX_YAML_NODES + 1)
    return size


def _load_yaml(raw: bytes) -> Any:
    import yaml

    loader = _yaml_loader()(raw.decode("utf-8", errors="replace"))
    try:
        node = loader.get_single_node()
        if node is None:
            return None
        if _expanded_size(node, {}) > MAX_YAML_NODES:
            raise ApiError(
                400,
                f"the YAML request body expands to more than {MAX_YAML_NODES} nodes through"
                " its aliases; send the object without anchors and aliases",
            )
        return loader.construct_document(node)
    except yaml.YAMLError as exc:
        raise ApiError(400, f"the request body is not valid YAML: {exc}") from None
    finally:
        loader.dispose()


def decode_body(raw: bytes, content_type: str | None, *, patch: bool = False) -> Any:
    """The request body as Python data, decoded by its Content-Type (JSON when none is given).

    A PATCH body of a type that is neither YAML nor protobuf is read as JSON, so that the patch
    step can name the patch types it supports."""
    media = media_type(content_type)
    if media in _JSON_TYPES or (patch and media not in _YAML_TYPES and PROTOBUF not in media):
        try:
            return json.loads(raw or b"null")
        except ValueError as exc:
            raise ApiError(400, f"the request body is not valid JSON: {exc}") from None
    if media in _YAML_TYPES:
        return _load_yaml(raw) if raw else None
    raise _unsupported(media)

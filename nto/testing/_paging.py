"""Chunked lists: ``limit`` and ``continue``, answered like a kube-apiserver backed by etcd.

A list with ``?limit=N`` returns at most N items, in storage-key order (``<namespace>/<name>``),
and, when keys remain, ``metadata.continue`` (an opaque token: base64url JSON holding the list's
resourceVersion and the key to resume after) plus ``metadata.remainingItemCount`` when no
selector filters the list. Every page of one list shows the cluster as it was at the first page's
resourceVersion, however the objects changed since (the emulator rolls the event history back,
as etcd reads an old revision). When that revision is compacted away
(``EmulatedCluster.expire_history()`` or a full history window) the next page fails with 410
Expired and the apiserver's message, carrying a fresh token that continues at the current state,
as ``handleCompactedErrorForPaging`` does. Other rules kept from the real server:

- ``resourceVersion=0`` is served from the watch cache, which ignores ``limit`` (1.31 behaviour);
- ``continue`` with a ``resourceVersion`` other than ``0`` is a 400; a malformed token is a 400;
- ``resourceVersionMatch=Exact`` lists at that resourceVersion (410 once compacted);
- with a selector, pages are filled with matching items, and a page may end with a continue token
  and no match left behind it, as etcd pages by keys examined;
- ``limit`` on a watch is ignored (nothing to do here: the watch path never reads it).

The router (:mod:`nto.testing._handler`) calls :func:`list_page` for every collection GET.
"""

from __future__ import annotations

import base64
import binascii
import json
from collections.abc import Mapping, Sequence
from typing import Any

from nto.testing._errors import ApiError, bad_request, expired
from nto.testing._pipeline import Api
from nto.testing._resources import ResourceInfo
from nto.testing._selectors import Predicate
from nto.testing._store import Obj, Store, object_key

TOKEN_VERSION = "meta.k8s.io/v1"
LIST_EXPIRED = "The resourceVersion for the provided list is too old."
CONTINUE_EXPIRED = (
    "The provided continue parameter is too old to display a consistent list result. You can"
    " start a new list without the continue parameter, or use the continue token in this"
    " response to retrieve the remainder of the results. Continuing with the provided token"
    " results in an inconsistent list - objects that were created, modified, or deleted between"
    " the time the first chunk was returned and now may show up in the list."
)


def encode_continue(rv: int, start: str) -> str:
    """The opaque token: base64url (no padding) of ``{"v", "rv", "start"}``, as etcd3's."""
    raw = json.dumps({"v": TOKEN_VERSION, "rv": rv, "start": start}, separators=(",", ":"))
    return base64.urlsafe_b64encode(raw.encode()).rstrip(b"=").decode()


def decode_continue(token: str) -> tuple[int, str]:
    """(resourceVersion, start key) of a token; 400 naming what is wrong with it."""

    def refuse(detail: str) -> Exception:
        return bad_request(f"invalid continue token: continue key is not valid: {detail}")

    try:
        data = json.loads(base64.urlsafe_b64decode(token + "=" * (-len(token) % 4)))
    except (binascii.Error, ValueError) as exc:
        raise refuse(str(exc)) from None
    if not isinstance(data, dict) or data.get("v") != TOKEN_VERSION:
        version = data.get("v") if isinstance(data, dict) else data
        raise refuse(f"server does not recognize this encoded version {version}")
    rv, start = data.get("rv"), data.get("start")
    if not isinstance(rv, int) or isinstance(rv, bool) or rv == 0:
        raise refuse(f"incorrect encoded start resourceVersion (version {TOKEN_VERSION})")
    if not isinstance(start, str) or not start:
        raise refuse(f"encoded start key empty (version {TOKEN_VERSION})")
    return rv, start


def _key(info: ResourceInfo, obj: Mapping[str, Any]) -> str:
    namespace, name = object_key(info, obj)
    return f"{namespace}/{name}" if info.namespaced else name


def state_at(store: Store, info: ResourceInfo, rv: int) -> dict[str, Obj]:
    """Every object of ``info`` as it was right after resourceVersion ``rv``, by storage key.

    The current objects with the history's later events undone, newest first. The caller
    checks that ``rv`` is not compacted.
    """
    objects = {_key(info, obj): obj for obj in store.list(info, None)}
    for event in reversed(store.history.since(rv, info.store_key)):
        key = _key(info, event.obj)
        if event.type == "ADDED":
            objects.pop(key, None)
        elif event.old is not None:
            objects[key] = dict(event.old)
    return objects


def _parse_limit(text: str | None) -> int:
    if not text:
        return 0
    try:
        return max(int(text), 0)
    except ValueError:
        raise bad_request(f"limit: Invalid value: {text!r}: must be an integer") from None


async def list_page(
    api: Api,
    info: ResourceInfo,
    version: str,
    *,
    namespace: str | None,
    predicates: Sequence[Predicate | None],
    query: Mapping[str, str],
) -> dict[str, Any]:
    """The list (or one chunk of it) a collection GET with ``query`` gets; see the docstring."""
    limit = _parse_limit(query.get("limit"))
    token = query.get("continue") or ""
    rv_text = query.get("resourceVersion") or ""
    exact = query.get("resourceVersionMatch") == "Exact" and rv_text not in ("", "0")
    if token and rv_text not in ("", "0"):
        raise bad_request("specifying resource version is not allowed when using continue")
    if not token and not exact and (limit == 0 or rv_text == "0"):
        return await api.list(info, version, namespace, *predicates)

    store = api.store
    start = ""
    if token:
        list_rv, start = decode_continue(token)
        if list_rv == -1:  # continue at the current state (after an expired token)
            list_rv = store.rv
    elif exact:
        if not rv_text.isdigit():
            raise bad_request(f"resourceVersion: Invalid value: {rv_text!r}: must be a number")
        list_rv = int(rv_text)
    else:
        list_rv = store.rv
    if exact and list_rv > store.rv:
        raise ApiError(
            504,
            f"Timeout: Too large resource version: {list_rv}, current: {store.rv}",
            reason="Timeout",
            details={
                "causes": [
                    {"reason": "ResourceVersionTooLarge", "message": "Too large resource version"}
                ],
                "retryAfterSeconds": 1,
            },
        )
    if list_rv < store.history.compacted or list_rv > store.rv:
        if token:
            raise expired(CONTINUE_EXPIRED, continue_token=encode_continue(-1, start))
        raise expired(LIST_EXPIRED)
    objects = state_at(store, info, list_rv) if list_rv != store.rv else None
    if objects is None:
        objects = {_key(info, obj): obj for obj in store.list(info, None)}

    keys = sorted(key for key in objects if key > start)
    if namespace is not None and info.namespaced:
        keys = [key for key in keys if key.startswith(f"{namespace}/")]
    active = [p for p in predicates if p is not None]
    items: list[Obj] = []
    examined = 0
    for key in keys:
        if limit and len(items) == limit:
            break
        examined += 1
        obj = objects[key]
        if all(predicate(obj) for predicate in active):
            items.append(obj)
    metadata: dict[str, Any] = {"resourceVersion": str(list_rv)}
    remaining = len(keys) - examined
    if limit and remaining > 0:
        metadata["continue"] = encode_continue(list_rv, keys[examined - 1] + "\x00")
        if not active:
            metadata["remainingItemCount"] = remaining
    return {
        "kind": info.list_kind,
        "apiVersion": info.api_version(version),
        "metadata": metadata,
        "items": await api.converter.convert(info, items, version),
    }

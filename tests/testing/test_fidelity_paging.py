"""Fidelity: ``limit``/``continue`` chunked lists behave as an etcd-backed kube-apiserver's.

Sources: the API concepts page "Retrieving large results sets in chunks"
(kubernetes.io/docs/reference/using-api/api-concepts/#retrieving-large-results-sets-in-chunks):
each chunk has ``metadata.continue`` while more remain, all chunks are served at the first
chunk's resourceVersion ("a consistent snapshot"), ``remainingItemCount`` estimates what is left,
and an expired token is a ``410 Gone`` carrying a new token that continues inconsistently.
``staging/src/k8s.io/apiserver/pkg/storage/etcd3/store.go`` and ``storage/continue.go`` give the
details: the token is base64url JSON ``{"v": "meta.k8s.io/v1", "rv", "start"}``; a bad token is
400 ``invalid continue token: continue key is not valid: ...``; ``continue`` with a
``resourceVersion`` is 400 ``specifying resource version is not allowed when using continue``;
the 410 message is etcd3's ``inconsistentContinue``; ``remainingItemCount`` is only set when no
selector filters the list. The 1.31 watch cache serves ``resourceVersion=0`` lists whole,
ignoring ``limit``. A watch ignores ``limit``.
"""

from __future__ import annotations

import base64
import json
import urllib.parse

CMS = "/api/v1/namespaces/default/configmaps"
EXPIRED = (
    "The provided continue parameter is too old to display a consistent list result. You can"
    " start a new list without the continue parameter, or use the continue token in this"
    " response to retrieve the remainder of the results. Continuing with the provided token"
    " results in an inconsistent list - objects that were created, modified, or deleted between"
    " the time the first chunk was returned and now may show up in the list."
)


def _names(body):
    return [item["metadata"]["name"] for item in body["items"]]


def _seed(http, count: int, **labels: str) -> None:
    for i in range(count):
        body = {"metadata": {"name": f"cm-{i}", "labels": labels if i % 2 == 0 else {}}}
        assert http("POST", CMS, body)[0] == 201


def _page(http, query: str):
    status, _, body = http("GET", f"{CMS}?{query}")
    assert status == 200, body
    return body


def test_pages_walk_the_list_in_key_order(http):
    _seed(http, 5)
    first = _page(http, "limit=2")
    assert _names(first) == ["cm-0", "cm-1"]
    assert first["metadata"]["remainingItemCount"] == 3
    token = first["metadata"]["continue"]
    second = _page(http, f"limit=2&continue={token}")
    assert _names(second) == ["cm-2", "cm-3"]
    assert second["metadata"]["remainingItemCount"] == 1
    third = _page(http, f"limit=2&continue={second['metadata']['continue']}")
    assert _names(third) == ["cm-4"]
    assert "continue" not in third["metadata"]
    assert "remainingItemCount" not in third["metadata"]
    rvs = {page["metadata"]["resourceVersion"] for page in (first, second, third)}
    assert len(rvs) == 1


def test_continue_token_is_opaque_base64url_json(http):
    _seed(http, 3)
    first = _page(http, "limit=1")
    token = first["metadata"]["continue"]
    decoded = json.loads(base64.urlsafe_b64decode(token + "=" * (-len(token) % 4)))
    assert decoded == {
        "v": "meta.k8s.io/v1",
        "rv": int(first["metadata"]["resourceVersion"]),
        "start": "default/cm-0\x00",
    }


def test_later_pages_show_the_first_pages_snapshot(http):
    """Writes after the first chunk do not show up in later chunks of the same list."""
    _seed(http, 4)
    first = _page(http, "limit=2")
    http("DELETE", f"{CMS}/cm-2")
    http("POST", CMS, {"metadata": {"name": "cm-25"}})
    http("PATCH", f"{CMS}/cm-3", {"data": {"k": "new"}}, "application/merge-patch+json")
    rest = _page(http, f"limit=10&continue={first['metadata']['continue']}")
    assert _names(rest) == ["cm-2", "cm-3"]
    assert "data" not in rest["items"][1]
    assert rest["metadata"]["resourceVersion"] == first["metadata"]["resourceVersion"]
    assert _names(_page(http, "limit=10")) == ["cm-0", "cm-1", "cm-25", "cm-3"]


def test_expired_token_is_410_with_a_token_that_continues_now(http, emulated_cluster):
    _seed(http, 4)
    first = _page(http, "limit=2")
    http("DELETE", f"{CMS}/cm-3")
    emulated_cluster.expire_history()
    status, _, body = http("GET", f"{CMS}?limit=2&continue={first['metadata']['continue']}")
    assert status == 410
    assert (body["reason"], body["message"]) == ("Expired", EXPIRED)
    fresh = body["metadata"]["continue"]
    rest = _page(http, f"limit=2&continue={fresh}")
    assert _names(rest) == ["cm-2"]  # inconsistent by design: cm-3 is gone now


def test_selector_pages_are_filled_and_carry_no_remaining_count(http):
    _seed(http, 7, team="a")  # cm-0, cm-2, cm-4, cm-6 are labelled
    first = _page(http, "limit=2&labelSelector=team%3Da")
    assert _names(first) == ["cm-0", "cm-2"]
    assert "remainingItemCount" not in first["metadata"]
    second = _page(http, f"limit=2&labelSelector=team%3Da&continue={first['metadata']['continue']}")
    assert _names(second) == ["cm-4", "cm-6"]


def test_resource_version_zero_ignores_limit(http):
    _seed(http, 3)
    body = _page(http, "limit=1&resourceVersion=0")
    assert _names(body) == ["cm-0", "cm-1", "cm-2"]
    assert "continue" not in body["metadata"]


def test_bad_tokens_and_continue_with_resource_version_are_400(http):
    _seed(http, 2)
    status, _, body = http("GET", f"{CMS}?limit=1&continue=not-a-token")
    assert status == 400
    assert body["message"].startswith("invalid continue token: continue key is not valid:")
    token = _page(http, "limit=1")["metadata"]["continue"]
    status, _, body = http("GET", f"{CMS}?limit=1&continue={token}&resourceVersion=5")
    assert status == 400
    assert body["message"] == "specifying resource version is not allowed when using continue"
    other = base64.urlsafe_b64encode(b'{"v":"x/v9","rv":5,"start":"a"}').decode().rstrip("=")
    status, _, body = http("GET", f"{CMS}?limit=1&continue={urllib.parse.quote(other)}")
    assert status == 400
    assert "server does not recognize this encoded version" in body["message"]


def test_exact_resource_version_lists_the_past(http):
    _seed(http, 2)
    past = _page(http, "")["metadata"]["resourceVersion"]
    http("DELETE", f"{CMS}/cm-0")
    body = _page(http, f"resourceVersion={past}&resourceVersionMatch=Exact")
    assert _names(body) == ["cm-0", "cm-1"]
    assert body["metadata"]["resourceVersion"] == past


def test_watch_ignores_limit(http):
    _seed(http, 3)
    events = http.lines(f"{CMS}?watch=1&limit=1&timeoutSeconds=1")
    assert [e["object"]["metadata"]["name"] for e in events] == ["cm-0", "cm-1", "cm-2"]


def test_kubernetes_client_pages_with_limit_and_continue(http, k8s):
    """The official Python client's ``limit``/``_continue`` round trip."""
    import kubernetes

    _seed(http, 5)
    api = kubernetes.client.CoreV1Api(k8s)
    names, token, pages = [], None, 0
    while True:
        page = api.list_namespaced_config_map("default", limit=2, _continue=token)
        pages += 1
        names += [item.metadata.name for item in page.items]
        token = page.metadata._continue
        if not token:
            break
    assert names == [f"cm-{i}" for i in range(5)]
    assert pages == 3

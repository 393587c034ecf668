"""List and watch parameters: the real server's 422s on ListOptions, and streaming-list rules."""

from __future__ import annotations

import pytest

from tests.testing.conftest import Http

CMS = "/api/v1/namespaces/default/configmaps"
INVALID = 'ListOptions.meta.k8s.io "" is invalid: '
NEEDS_MATCH = (
    "resourceVersionMatch: Forbidden: sendInitialEvents requires setting resourceVersionMatch"
    " to NotOlderThan"
)


@pytest.mark.parametrize(
    ("query", "message"),
    [
        pytest.param(
            "watch=1&sendInitialEvents=true&allowWatchBookmarks=true",
            NEEDS_MATCH,
            id="watch-initial-events-without-match",
        ),
        pytest.param(
            "watch=true&sendInitialEvents=false",
            NEEDS_MATCH,
            id="watch-initial-events-false-without-match",
        ),
        pytest.param(
            "watch=1&resourceVersionMatch=NotOlderThan&resourceVersion=5",
            "resourceVersionMatch: Forbidden: resourceVersionMatch is forbidden for watch unless"
            " sendInitialEvents is provided",
            id="watch-match-without-initial-events",
        ),
        pytest.param(
            "watch=1&sendInitialEvents=true&resourceVersionMatch=Exact",
            f'[{NEEDS_MATCH}, resourceVersionMatch: Unsupported value: "Exact": supported'
            ' values: "NotOlderThan"]',
            id="watch-exact",
        ),
        pytest.param(
            "resourceVersionMatch=NotOlderThan",
            "resourceVersionMatch: Forbidden: resourceVersionMatch is forbidden unless"
            " resourceVersion is provided",
            id="list-match-without-resource-version",
        ),
        pytest.param(
            "resourceVersionMatch=Exact&resourceVersion=0",
            'resourceVersionMatch: Forbidden: resourceVersionMatch "exact" is forbidden for'
            ' resourceVersion "0"',
            id="list-exact-at-zero",
        ),
        pytest.param(
            "resourceVersionMatch=Newest&resourceVersion=1",
            'resourceVersionMatch: Unsupported value: "Newest": supported values: "Exact",'
            ' "NotOlderThan", ""',
            id="list-unknown-match",
        ),
        pytest.param(
            "sendInitialEvents=true",
            "sendInitialEvents: Forbidden: sendInitialEvents is forbidden for list",
            id="list-initial-events",
        ),
    ],
)
def test_contradictory_parameters_are_422(http: Http, query: str, message: str) -> None:
    status, _, body = http("GET", f"{CMS}?{query}")
    assert status == 422
    assert body["reason"] == "Invalid"
    assert body["message"] == INVALID + message
    assert body["details"]["kind"] == "ListOptions"
    assert body["details"]["group"] == "meta.k8s.io"
    assert body["details"]["causes"][0]["field"] in ("resourceVersionMatch", "sendInitialEvents")


def test_valid_list_parameters_are_served(http: Http) -> None:
    rv = http("GET", CMS)[2]["metadata"]["resourceVersion"]
    for query in (f"resourceVersion={rv}&resourceVersionMatch=NotOlderThan", "resourceVersion=0"):
        assert http("GET", f"{CMS}?{query}")[0] == 200


def test_streaming_list_without_bookmarks_sends_no_end_bookmark(http: Http) -> None:
    http("POST", CMS, {"metadata": {"name": "a"}})
    events = http.lines(
        f"{CMS}?watch=1&sendInitialEvents=true&resourceVersionMatch=NotOlderThan&timeoutSeconds=1"
    )
    assert [e["type"] for e in events] == ["ADDED"]


def test_initial_events_false_starts_at_now(http: Http) -> None:
    http("POST", CMS, {"metadata": {"name": "a"}})
    events = http.lines(
        f"{CMS}?watch=1&sendInitialEvents=false&resourceVersionMatch=NotOlderThan"
        "&allowWatchBookmarks=true&timeoutSeconds=1"
    )
    assert [e["type"] for e in events] == ["BOOKMARK"]  # the one at timeout, no ADDED


def test_non_boolean_flag_is_400(http: Http) -> None:
    status, _, body = http("GET", f"{CMS}?watch=1&sendInitialEvents=maybe")
    assert status == 400
    assert "sendInitialEvents='maybe'" in body["message"]


def test_non_numeric_timeout_is_400(http: Http) -> None:
    status, _, body = http("GET", f"{CMS}?watch=1&timeoutSeconds=soon")
    assert status == 400
    assert "timeoutSeconds='soon'" in body["message"]

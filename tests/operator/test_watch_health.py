"""Which watches keep failing: counted from the answers kopf's session sees."""

from __future__ import annotations

import asyncio

import pytest
from yarl import URL

from nto.runtime.watch_health import WatchHealth, collection_of

BASE = "http://127.0.0.1:6443"
WATCH = URL(f"{BASE}/apis/tuned.openshift.io/v1/profiles?watch=true")


@pytest.mark.parametrize(
    ("path", "expected"),
    [
        ("/apis/tuned.openshift.io/v1/profiles", "profiles.tuned.openshift.io"),
        ("/apis/tuned.openshift.io/v1/namespaces/ns/profiles", "profiles.tuned.openshift.io"),
        ("/api/v1/nodes", "nodes"),
        ("/api/v1/namespaces", "namespaces"),
        ("/api/v1/nodes/worker-0", None),
        ("/apis/tuned.openshift.io/v1/namespaces/ns/profiles/p/status", None),
        ("/apis", None),
        ("/version", None),
    ],
)
def test_collection_of(path, expected):
    assert collection_of(URL(f"{BASE}{path}")) == expected


def test_failures_in_a_row_degrade_and_a_success_clears():
    changes = []
    health = WatchHealth(failures_to_degrade=3, on_change=lambda: changes.append(1))
    health.observe("GET", WATCH, 500, None)
    health.observe("GET", WATCH, None, ConnectionResetError("reset"))
    assert health.failing() == []
    health.observe("GET", WATCH, 503, None)
    assert health.failing() == ["profiles.tuned.openshift.io (HTTP 503)"]
    assert changes == [1]
    health.observe("GET", WATCH, 500, None)
    assert changes == [1], "only crossing the threshold is a change"
    health.observe("GET", WATCH, 200, None)
    assert health.failing() == []
    assert changes == [1, 1]


def test_what_is_not_a_watch_failure():
    health = WatchHealth(failures_to_degrade=1)
    health.observe("PATCH", WATCH, 500, None)  # a write
    health.observe("GET", URL(f"{BASE}/api/v1/nodes/worker-0"), 500, None)  # one object
    health.observe("GET", WATCH, 404, None)  # a missing resource is not a brownout
    health.observe("GET", WATCH, None, asyncio.CancelledError())  # shutting down
    assert health.failing() == []
    health.observe("GET", WATCH, 429, None)
    assert health.failing() == ["profiles.tuned.openshift.io (HTTP 429)"]


def test_a_short_blip_never_degrades():
    changes = []
    health = WatchHealth(failures_to_degrade=3, on_change=lambda: changes.append(1))
    for _ in range(5):
        health.observe("GET", WATCH, 500, None)
        health.observe("GET", WATCH, 200, None)
    assert health.failing() == []
    assert changes == []


def test_every_list_after_the_first_is_a_relist():
    relisted = []
    health = WatchHealth(on_relist=relisted.append)
    lists = URL(f"{BASE}/apis/tuned.openshift.io/v1/profiles")
    health.observe("GET", lists, 200, None)
    health.observe("GET", WATCH, 200, None)  # watches are not lists
    assert relisted == []
    health.observe("GET", lists, 500, None)  # a failed list reports nothing
    health.observe("GET", lists, 200, None)
    assert relisted == ["profiles.tuned.openshift.io"]

"""Watch streams: resourceVersions, 410 Gone, streaming lists, bookmarks, breaking on demand."""

from __future__ import annotations

import threading
import urllib.request

from nto.testing import wait_for
from tests.testing.conftest import MERGE, configmap

CMS = "/api/v1/namespaces/default/configmaps"


def test_watch_from_resource_version_sends_later_events_only(http):
    first = http("POST", CMS, configmap("a"))[2]
    http("PATCH", f"{CMS}/a", {"data": {"x": "1"}}, MERGE)
    http("DELETE", f"{CMS}/a")
    rv = first["metadata"]["resourceVersion"]
    events = http.lines(f"{CMS}?watch=1&resourceVersion={rv}&timeoutSeconds=1")
    assert [e["type"] for e in events] == ["MODIFIED", "DELETED"]
    rvs = [int(e["object"]["metadata"]["resourceVersion"]) for e in events]
    assert rvs == sorted(rvs)
    assert rvs[0] > int(rv)


def test_watch_without_resource_version_starts_with_current_state(http):
    http("POST", CMS, configmap("a"))
    events = http.lines(f"{CMS}?watch=true&timeoutSeconds=1")
    assert [(e["type"], e["object"]["metadata"]["name"]) for e in events] == [("ADDED", "a")]


def test_watch_too_old_is_410_expired(emulated_cluster, http):
    rv = http("POST", CMS, configmap("a"))[2]["metadata"]["resourceVersion"]
    http("POST", CMS, configmap("b"))
    emulated_cluster.expire_history()
    (event,) = http.lines(f"{CMS}?watch=1&resourceVersion={rv}&timeoutSeconds=1")
    assert event["type"] == "ERROR"
    assert (event["object"]["kind"], event["object"]["code"], event["object"]["reason"]) == (
        "Status",
        410,
        "Expired",
    )


def test_history_window_expires_old_versions():
    from nto.testing import EmulatedCluster
    from tests.testing.conftest import Http

    with EmulatedCluster(history=3) as cluster:
        http = Http(cluster.url)
        rv = http("POST", CMS, configmap("a"))[2]["metadata"]["resourceVersion"]
        for name in "bcde":
            http("POST", CMS, configmap(name))
        (event,) = http.lines(f"{CMS}?watch=1&resourceVersion={rv}&timeoutSeconds=1")
        assert event["object"]["code"] == 410


def test_streaming_list_ends_with_initial_events_bookmark(http):
    http("POST", CMS, configmap("a"))
    http("POST", CMS, configmap("b"))
    events = http.lines(
        f"{CMS}?watch=1&sendInitialEvents=true&allowWatchBookmarks=true"
        "&resourceVersionMatch=NotOlderThan&timeoutSeconds=1"
    )
    assert [e["type"] for e in events[:3]] == ["ADDED", "ADDED", "BOOKMARK"]
    bookmark = events[2]["object"]
    assert bookmark["metadata"]["annotations"] == {"k8s.io/initial-events-end": "true"}
    assert bookmark["kind"] == "ConfigMap"
    assert bookmark["metadata"]["resourceVersion"].isdigit()


def test_bookmark_at_timeout_only_when_allowed(http):
    rv = http("GET", CMS)[2]["metadata"]["resourceVersion"]
    plain = http.lines(f"{CMS}?watch=1&resourceVersion={rv}&timeoutSeconds=1")
    marked = http.lines(
        f"{CMS}?watch=1&resourceVersion={rv}&timeoutSeconds=1&allowWatchBookmarks=1"
    )
    assert plain == []
    assert [e["type"] for e in marked] == ["BOOKMARK"]


def test_label_selector_transitions_become_added_and_deleted(http):
    rv = http("POST", CMS, configmap("a"))[2]["metadata"]["resourceVersion"]
    http("PATCH", f"{CMS}/a", {"metadata": {"labels": {"app": "x"}}}, MERGE)
    http("PATCH", f"{CMS}/a", {"data": {"y": "1"}}, MERGE)
    http("PATCH", f"{CMS}/a", {"metadata": {"labels": {"app": None}}}, MERGE)
    events = http.lines(
        f"{CMS}?watch=1&resourceVersion={rv}&labelSelector=app%3Dx&timeoutSeconds=1"
    )
    assert [e["type"] for e in events] == ["ADDED", "MODIFIED", "DELETED"]


def test_live_events_and_break_watches(emulated_cluster, http):
    rv = http("GET", CMS)[2]["metadata"]["resourceVersion"]
    received: list[bytes] = []

    def read() -> None:
        with urllib.request.urlopen(
            f"{http.url}{CMS}?watch=1&resourceVersion={rv}", timeout=10
        ) as r:
            for line in r:
                if line.strip():
                    received.append(line)

    reader = threading.Thread(target=read)
    reader.start()
    http("POST", CMS, configmap("live"))  # replayed from rv even if the watch opens later
    wait_for(lambda: received, timeout=10, message="the event arrived")
    assert emulated_cluster.break_watches() == 1
    reader.join(timeout=5)
    assert not reader.is_alive()
    assert len(received) == 1
    assert b'"live"' in received[0]


def test_single_object_watch(http):
    http("POST", CMS, configmap("a"))
    http("POST", CMS, configmap("b"))
    events = http.lines(f"{CMS}/b?watch=1&timeoutSeconds=1")
    assert [e["object"]["metadata"]["name"] for e in events] == ["b"]

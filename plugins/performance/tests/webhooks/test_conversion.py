"""The conversion handler: batches converted in order, all-or-nothing failures naming each bad
object, and hostile ConversionReviews that never raise."""

from __future__ import annotations

import json
from typing import Any

import pytest

from nto_performance.webhooks import ConversionWebhook

V2 = "performance.openshift.io/v2"
V1 = "performance.openshift.io/v1"
ALPHA = "performance.openshift.io/v1alpha1"


class Recorder:
    def __init__(self):
        self.seen = []

    def observe(self, path, result, seconds):
        self.seen.append((path, result))


async def answer(body, observer=None):
    status, payload = await ConversionWebhook(observer=observer)(body, "application/json")
    json.dumps(payload)
    return status, payload


async def test_batch_is_converted_in_order(profile, conversion_body):
    objects = [
        profile("a", api_version="v1alpha1"),
        profile("b", api_version="v1", workloadHints={"realTime": True}),
        profile("c"),
    ]
    recorder = Recorder()
    status, payload = await answer(conversion_body(objects, V2), recorder)
    assert status == 200
    response = payload["response"]
    assert payload["kind"] == "ConversionReview"
    assert response["uid"] == "c-1"
    assert response["result"] == {"status": "Success"}
    converted = response["convertedObjects"]
    assert [o["metadata"]["name"] for o in converted] == ["a", "b", "c"]
    assert {o["apiVersion"] for o in converted} == {V2}
    assert converted[0]["spec"]["globallyDisableIrqLoadBalancing"] is True
    assert "workloadHints" not in converted[1]["spec"]
    assert converted[2] == objects[2]
    assert recorder.seen == [("/convert", "success")]


async def test_down_conversion_drops_newer_fields(profile, conversion_body):
    obj = profile(cpu={"shared": "8"}, kernelPageSize="4k", net={"userLevelNetworking": True})
    _, payload = await answer(conversion_body([obj], ALPHA))
    (converted,) = payload["response"]["convertedObjects"]
    assert converted["apiVersion"] == ALPHA
    assert converted["spec"]["cpu"] == {"reserved": "0-1", "isolated": "2-7"}
    assert set(converted["spec"]) == {"cpu", "nodeSelector"}


async def test_empty_batch_succeeds(conversion_body):
    _, payload = await answer(conversion_body([], V1))
    assert payload["response"]["convertedObjects"] == []


async def test_one_bad_object_fails_the_whole_batch_and_is_named(profile, conversion_body):
    bad = profile("broken", cpu={"reserved": 7})
    recorder = Recorder()
    _, payload = await answer(conversion_body([profile("ok"), bad, {"kind": "Pod"}], V1), recorder)
    response = payload["response"]
    assert "convertedObjects" not in response
    assert response["result"]["status"] == "Failure"
    message = response["result"]["message"]
    assert message.startswith(f"cannot convert 2 of 3 objects to {V1}: objects[1]: ")
    assert "PerformanceProfile 'broken'" in message
    assert "spec.cpu.reserved" in message
    assert "objects[2]: cannot convert PerformanceProfile: kind is 'Pod'" in message
    assert recorder.seen == [("/convert", "failure")]


async def test_many_failures_are_summarized(conversion_body):
    _, payload = await answer(conversion_body([{"kind": "X"}] * 5000, V2))
    message = payload["response"]["result"]["message"]
    assert message.startswith("cannot convert 5000 of 5000 objects")
    assert message.endswith("and 4997 more")


def review(request):
    return json.dumps(
        {"apiVersion": "apiextensions.k8s.io/v1", "kind": "ConversionReview", "request": request}
    ).encode()


@pytest.mark.parametrize(
    ("request_fields", "message"),
    [
        pytest.param(
            {"desiredAPIVersion": "performance.openshift.io/v3", "objects": []},
            "desiredAPIVersion 'performance.openshift.io/v3' is not served; use one of "
            f"{ALPHA}, {V1}, {V2}",
            id="unknown-version",
        ),
        pytest.param({"objects": []}, "desiredAPIVersion None is not served", id="no-version"),
        pytest.param(
            {"desiredAPIVersion": V2, "objects": {"a": 1}},
            "request.objects must be a list of PerformanceProfiles, got {'a': 1}",
            id="objects-map",
        ),
        pytest.param({"desiredAPIVersion": V2}, "got None", id="no-objects"),
        pytest.param(
            {"desiredAPIVersion": V2, "objects": [None, 3, "x", []]},
            "cannot convert 4 of 4 objects",
            id="non-object-items",
        ),
        pytest.param(
            {
                "desiredAPIVersion": V2,
                "objects": [{"kind": "PerformanceProfile", "apiVersion": "v9"}],
            },
            "apiVersion 'v9' is not served",
            id="wrong-api-version",
        ),
    ],
)
async def test_bad_requests_are_failures_in_the_review(request_fields, message):
    status, payload = await answer(review({"uid": "c-2", **request_fields}))
    assert status == 200
    response = payload["response"]
    assert response["uid"] == "c-2"
    assert response["result"]["status"] == "Failure"
    assert message in response["result"]["message"]


@pytest.mark.parametrize(
    ("body", "message"),
    [
        pytest.param(b"nope", "not valid JSON", id="not-json"),
        pytest.param(b"[" * 100_000, "not valid JSON", id="deep-nesting"),
        pytest.param(b"null", "the body is a JSON NoneType", id="null"),
        pytest.param(
            json.dumps({"apiVersion": "admission.k8s.io/v1", "kind": "AdmissionReview"}).encode(),
            "expected apiVersion 'apiextensions.k8s.io/v1' and kind 'ConversionReview'",
            id="admission-review",
        ),
        pytest.param(
            json.dumps(
                {"apiVersion": "apiextensions.k8s.io/v1", "kind": "ConversionReview", "request": []}
            ).encode(),
            "has no request object",
            id="request-list",
        ),
        pytest.param(review({"desiredAPIVersion": V2, "objects": []}), "request.uid", id="no-uid"),
    ],
)
async def test_bodies_that_are_not_reviews_get_400(body, message):
    recorder = Recorder()
    status, payload = await answer(body, recorder)
    assert status == 400
    assert message in payload["error"]
    assert recorder.seen == [("/convert", "bad_request")]


async def test_deeply_nested_object_fails_cleanly(profile, conversion_body):
    obj = profile()
    nested: dict[str, Any] = {}
    cursor = nested
    for _ in range(400):
        cursor["x"] = {}
        cursor = cursor["x"]
    obj["metadata"]["extra"] = nested
    _, payload = await answer(conversion_body([obj], V1))
    assert payload["response"]["result"]["status"] in {"Success", "Failure"}

"""The admission handler: allowed and denied reviews, reference behaviour on UPDATE and DELETE,
cluster lookups through the provider, and hostile bodies that never raise."""

from __future__ import annotations

import json

import pytest

from nto_performance.webhooks import AdmissionWebhook


class Recorder:
    def __init__(self):
        self.seen = []

    def observe(self, path, result, seconds):
        assert seconds >= 0
        self.seen.append((path, result))


PATH = "/validate-performance-openshift-io-v2-performanceprofile"


async def answer(webhook, body):
    status, payload = await webhook(body, "application/json")
    json.dumps(payload)  # always serialisable
    return status, payload


async def test_valid_profile_is_allowed_and_lookups_use_its_selector(
    fake_provider, profile, admission_body, node
):
    provider = fake_provider(nodes=[node("a"), node("b")], profiles=[profile("manual")])
    recorder = Recorder()
    webhook = AdmissionWebhook(provider=provider, observer=recorder)
    status, payload = await answer(webhook, admission_body(profile()))
    assert status == 200
    assert payload == {
        "apiVersion": "admission.k8s.io/v1",
        "kind": "AdmissionReview",
        "response": {"uid": "u-1", "allowed": True},
    }
    assert provider.selectors == [{"node-role.kubernetes.io/worker-cnf": ""}]
    assert recorder.seen == [(PATH, "allowed")]


async def test_invalid_profile_gets_one_aggregated_denial(
    fake_provider, profile, admission_body, node
):
    provider = fake_provider(nodes=[node("a"), node("b", arch="arm64")], profiles=[profile("twin")])
    recorder = Recorder()
    webhook = AdmissionWebhook(provider=provider, observer=recorder)
    body = admission_body(profile(cpu={"isolated": "1-7"}), operation="UPDATE")
    _, payload = await answer(webhook, body)
    response = payload["response"]
    assert response["allowed"] is False
    status = response["status"]
    assert (status["code"], status["reason"]) == (422, "Invalid")
    assert [c["field"] for c in status["details"]["causes"]] == [
        "spec.nodeSelector",
        "spec.cpu",
        "spec.nodeSelector",
    ]
    assert status["message"].startswith(
        'PerformanceProfile.performance.openshift.io "manual" is invalid: [spec.nodeSelector: '
    )
    assert "same node selector as the performance profile 'twin'" in status["message"]
    assert "reserved and isolated CPUs overlap on CPUs 1" in status["message"]
    assert recorder.seen == [(PATH, "denied")]


@pytest.mark.parametrize("operation", ["DELETE", "CONNECT"])
async def test_delete_and_connect_are_allowed_without_lookups(
    fake_provider, admission_body, operation
):
    provider = fake_provider(nodes=RuntimeError("must not be called"))
    webhook = AdmissionWebhook(provider=provider)
    _, payload = await answer(webhook, admission_body(None, operation=operation))
    assert payload["response"] == {"uid": "u-1", "allowed": True}
    assert provider.selectors == []


async def test_update_of_a_profile_being_deleted_is_allowed(profile, admission_body):
    obj = profile(cpu={"isolated": "0-7"})
    obj["metadata"]["deletionTimestamp"] = "2026-01-01T00:00:00Z"
    _, payload = await answer(
        AdmissionWebhook(provider=None), admission_body(obj, operation="UPDATE")
    )
    assert payload["response"]["allowed"] is True


async def test_v1_object_is_validated_in_its_v2_form(profile, admission_body):
    obj = profile(api_version="v1", cpu={"isolated": "0-7"})
    _, payload = await answer(AdmissionWebhook(provider=None), admission_body(obj))
    assert payload["response"]["allowed"] is False
    assert (
        "reserved and isolated CPUs overlap on CPUs 0-1" in payload["response"]["status"]["message"]
    )


@pytest.mark.parametrize(
    ("failure", "text"),
    [
        pytest.param(RuntimeError("nodes is forbidden"), "nodes is forbidden", id="error"),
        pytest.param(TimeoutError(), "the API server did not answer in time", id="timeout"),
    ],
)
async def test_lookup_failures_are_denials_naming_the_failure(
    fake_provider, profile, admission_body, failure, text
):
    webhook = AdmissionWebhook(provider=fake_provider(nodes=failure, profiles=failure))
    _, payload = await answer(webhook, admission_body(profile()))
    message = payload["response"]["status"]["message"]
    assert f"failed to list the nodes it selects: {text}" in message
    assert f"same nodeSelector: {text}" in message


async def test_slow_lookups_hit_the_deadline(fake_provider, profile, admission_body):
    webhook = AdmissionWebhook(provider=fake_provider(delay=5), lookup_timeout=0.05)
    _, payload = await answer(webhook, admission_body(profile()))
    assert "did not answer in time" in payload["response"]["status"]["message"]


def review(request):
    return json.dumps(
        {"apiVersion": "admission.k8s.io/v1", "kind": "AdmissionReview", "request": request}
    ).encode()


KIND = {"group": "performance.openshift.io", "version": "v2", "kind": "PerformanceProfile"}


@pytest.mark.parametrize(
    ("body", "message"),
    [
        pytest.param(b"", "the body is not valid JSON", id="empty"),
        pytest.param(b"{not json", "the body is not valid JSON", id="not-json"),
        pytest.param(b"\xff\xfe", "the body is not valid JSON", id="not-utf8"),
        pytest.param(b"[" * 100_000, "the body is not valid JSON", id="deep-nesting"),
        pytest.param(b"[]", "the body is a JSON list", id="list"),
        pytest.param(
            json.dumps(
                {"apiVersion": "admission.k8s.io/v1beta1", "kind": "AdmissionReview"}
            ).encode(),
            "expected apiVersion 'admission.k8s.io/v1' and kind 'AdmissionReview', got "
            "'admission.k8s.io/v1beta1' and 'AdmissionReview'",
            id="v1beta1",
        ),
        pytest.param(
            json.dumps(
                {"apiVersion": "apiextensions.k8s.io/v1", "kind": "ConversionReview"}
            ).encode(),
            "expected apiVersion",
            id="conversion-review",
        ),
        pytest.param(
            json.dumps({"apiVersion": "admission.k8s.io/v1", "kind": "AdmissionReview"}).encode(),
            "the AdmissionReview has no request object",
            id="no-request",
        ),
        pytest.param(review({"operation": "CREATE"}), "request.uid must be", id="no-uid"),
        pytest.param(review({"uid": ["x"]}), "request.uid must be", id="uid-list"),
    ],
)
async def test_bodies_that_are_not_reviews_get_400(body, message):
    recorder = Recorder()
    status, payload = await answer(AdmissionWebhook(provider=None, observer=recorder), body)
    assert status == 400
    assert message in payload["error"]
    assert recorder.seen == [(PATH, "bad_request")]


@pytest.mark.parametrize(
    ("request_fields", "message"),
    [
        pytest.param({"operation": "PATCH", "kind": KIND}, "unknown operation 'PATCH'", id="op"),
        pytest.param({"operation": None, "kind": KIND}, "unknown operation None", id="no-op"),
        pytest.param({"operation": "CREATE"}, "request.kind is missing", id="no-kind"),
        pytest.param(
            {"operation": "CREATE", "kind": {"group": "", "version": "v1", "kind": "Pod"}},
            "validates performance.openshift.io PerformanceProfile objects only, got group '' "
            "kind 'Pod'",
            id="wrong-kind",
        ),
        pytest.param(
            {"operation": "CREATE", "kind": KIND},
            "request.object must be a PerformanceProfile for CREATE",
            id="no-object",
        ),
        pytest.param(
            {"operation": "UPDATE", "kind": KIND, "object": "x"},
            "request.object must be a PerformanceProfile for UPDATE",
            id="object-string",
        ),
    ],
)
async def test_malformed_requests_are_denied_with_400_in_the_review(request_fields, message):
    recorder = Recorder()
    webhook = AdmissionWebhook(provider=None, observer=recorder)
    status, payload = await answer(webhook, review({"uid": "u-9", **request_fields}))
    assert status == 200
    response = payload["response"]
    assert (response["uid"], response["allowed"]) == ("u-9", False)
    assert response["status"]["code"] == 400
    assert message in response["status"]["message"]
    assert recorder.seen == [(PATH, "bad_request")]


@pytest.mark.parametrize(
    "obj",
    [
        pytest.param({"metadata": "x", "spec": []}, id="wrong-kinds"),
        pytest.param(
            {
                "kind": "PerformanceProfile",
                "apiVersion": "performance.openshift.io/v1",
                "spec": {"cpu": 3},
            },
            id="bad-v1",
        ),
        pytest.param(
            {"spec": {"cpu": {"reserved": "0-99999999", "isolated": "1"}}}, id="huge-range"
        ),
        pytest.param(
            {
                "spec": {
                    "cpu": {"reserved": ",".join(map(str, range(10_000))), "isolated": "0-20000"}
                }
            },
            id="10k-cpus",
        ),
        pytest.param({"metadata": {"name": "x" * 100_000}}, id="long-name"),
        pytest.param({"spec": {"hugepages": {"pages": [{"size": "1G"}] * 20_000}}}, id="pages"),
    ],
)
async def test_hostile_objects_get_clear_denials(admission_body, obj):
    status, payload = await answer(AdmissionWebhook(provider=None), admission_body(obj))
    assert status == 200
    response = payload["response"]
    assert response["allowed"] is False
    assert response["status"]["reason"] == "Invalid"
    assert response["status"]["details"]["causes"]
    assert len(response["status"]["message"]) < 200_000

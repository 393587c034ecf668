"""Admission and conversion webhooks called by the emulator over HTTPS with the caBundle."""

from __future__ import annotations

import json
import os
import shutil
import subprocess

import pytest

from tests.testing.conftest import MERGE, configmap
from tests.testing.test_crds import widget_crd
from tests.testing.webhook_server import WebhookServer, admission_response

CMS = "/api/v1/namespaces/default/configmaps"
ADMISSION = "/apis/admissionregistration.k8s.io/v1"


def _config(
    kind,
    client_config,
    *,
    operations=("CREATE",),
    resources=("configmaps",),
    failure_policy="Fail",
    **extra,
):
    return {
        "apiVersion": "admissionregistration.k8s.io/v1",
        "kind": kind,
        "metadata": {"name": f"{kind.lower()}-cfg"},
        "webhooks": [
            {
                "name": "hook.example.com",
                "clientConfig": client_config,
                "rules": [
                    {
                        "operations": list(operations),
                        "apiGroups": [""],
                        "apiVersions": ["v1"],
                        "resources": list(resources),
                    }
                ],
                "failurePolicy": failure_policy,
                "sideEffects": "None",
                "admissionReviewVersions": ["v1"],
                "timeoutSeconds": 2,
                **extra,
            }
        ],
    }


def _deny_name_bad(review):
    obj = review["request"]["object"]
    allowed = obj is None or obj["metadata"]["name"] != "bad"
    return admission_response(review, allowed=allowed, code=422, message="name 'bad' is banned")


def _label_it(review):
    return admission_response(
        review, patch=[{"op": "add", "path": "/metadata/labels/mutated", "value": "yes"}]
    )


@pytest.fixture
def hooks():
    with WebhookServer({"/validate": _deny_name_bad, "/mutate": _label_it}) as server:
        yield server


def test_validating_webhook_denies_with_its_code_and_message(http, hooks):
    http(
        "POST",
        f"{ADMISSION}/validatingwebhookconfigurations",
        _config("ValidatingWebhookConfiguration", hooks.url("/validate")),
    )
    assert http("POST", CMS, configmap("good"))[0] == 201
    status, _, error = http("POST", CMS, configmap("bad"))
    assert status == 422
    assert (
        error["message"] == 'admission webhook "hook.example.com" denied the request: '
        "name 'bad' is banned"
    )
    request = hooks.calls[-1][1]["request"]
    assert (request["operation"], request["resource"]["resource"], request["namespace"]) == (
        "CREATE",
        "configmaps",
        "default",
    )


def test_a_denial_without_a_message_says_so_as_kube_apiserver_does(http):
    def deny(review):
        return admission_response(review, allowed=False)

    with WebhookServer({"/deny": deny}) as server:
        http(
            "POST",
            f"{ADMISSION}/validatingwebhookconfigurations",
            _config("ValidatingWebhookConfiguration", server.url("/deny")),
        )
        status, _, error = http("POST", CMS, configmap("any"))
    assert status == 403
    assert error["message"] == (
        'admission webhook "hook.example.com" denied the request without explanation'
    )


def test_mutating_runs_before_validating(http, hooks):
    http(
        "POST",
        f"{ADMISSION}/mutatingwebhookconfigurations",
        _config("MutatingWebhookConfiguration", hooks.url("/mutate")),
    )
    http(
        "POST",
        f"{ADMISSION}/validatingwebhookconfigurations",
        _config("ValidatingWebhookConfiguration", hooks.url("/validate")),
    )
    _, _, obj = http("POST", CMS, configmap("good"))
    assert obj["metadata"]["labels"] == {"mutated": "yes"}
    assert [path for path, _ in hooks.calls] == ["/mutate", "/validate"]
    assert hooks.calls[1][1]["request"]["object"]["metadata"]["labels"] == {"mutated": "yes"}


@pytest.mark.parametrize(
    ("rule", "called"),
    [
        pytest.param({"operations": ["UPDATE"]}, False, id="other-operation"),
        pytest.param({"resources": ["secrets"]}, False, id="other-resource"),
        pytest.param({"resources": ["configmaps/status"]}, False, id="subresource-only"),
        pytest.param({"resources": ["*"]}, True, id="wildcard"),
        pytest.param({"operations": ["*"], "resources": ["*/*"]}, True, id="all"),
        pytest.param(
            {"objectSelector": {"matchLabels": {"hooked": "yes"}}}, False, id="object-selector-miss"
        ),
        pytest.param(
            {
                "namespaceSelector": {
                    "matchExpressions": [
                        {
                            "key": "kubernetes.io/metadata.name",
                            "operator": "In",
                            "values": ["default"],
                        }
                    ]
                }
            },
            True,
            id="namespace-selector-hit",
        ),
        pytest.param(
            {"namespaceSelector": {"matchLabels": {"team": "x"}}},
            False,
            id="namespace-selector-miss",
        ),
    ],
)
def test_rule_matching(http, hooks, rule, called):
    selectors = {k: rule.pop(k) for k in ("objectSelector", "namespaceSelector") if k in rule}
    http(
        "POST",
        f"{ADMISSION}/validatingwebhookconfigurations",
        _config("ValidatingWebhookConfiguration", hooks.url("/validate"), **rule, **selectors),
    )
    http("POST", CMS, configmap("x"))
    assert bool(hooks.calls) is called


def test_delete_is_admitted_with_old_object(http, hooks):
    http("POST", CMS, configmap("x"))
    http(
        "POST",
        f"{ADMISSION}/validatingwebhookconfigurations",
        _config("ValidatingWebhookConfiguration", hooks.url("/validate"), operations=["DELETE"]),
    )
    assert http("DELETE", f"{CMS}/x")[0] == 200
    request = hooks.calls[-1][1]["request"]
    assert request["object"] is None
    assert request["oldObject"]["metadata"]["name"] == "x"


@pytest.mark.parametrize(("policy", "status"), [("Fail", 500), ("Ignore", 201)])
def test_unreachable_webhook_failure_policy(http, policy, status):
    config = _config(
        "ValidatingWebhookConfiguration",
        {"url": "https://127.0.0.1:9/nowhere"},
        failure_policy=policy,
    )
    http("POST", f"{ADMISSION}/validatingwebhookconfigurations", config)
    code, _, body = http("POST", CMS, configmap("x"))
    assert code == status, body


def test_service_reference_goes_through_route_service(emulated_cluster, http, hooks):
    client_config = {
        "service": {"namespace": "default", "name": "hook", "port": 443, "path": "/validate"},
        "caBundle": hooks.ca_bundle,
    }
    http(
        "POST",
        f"{ADMISSION}/validatingwebhookconfigurations",
        _config("ValidatingWebhookConfiguration", client_config),
    )
    emulated_cluster.route_service("default", "hook", 443, "127.0.0.1", hooks.port)
    assert http("POST", CMS, configmap("bad"))[0] == 422


def test_wrong_ca_bundle_fails_tls(http, hooks):
    import base64

    import trustme

    config = hooks.url("/validate")
    config["caBundle"] = base64.b64encode(trustme.CA().cert_pem.bytes()).decode()
    http(
        "POST",
        f"{ADMISSION}/validatingwebhookconfigurations",
        _config("ValidatingWebhookConfiguration", config),
    )
    assert http("POST", CMS, configmap("x"))[0] == 500


def _convert(review):
    request = review["request"]
    converted = [
        dict(
            obj,
            apiVersion=request["desiredAPIVersion"],
            spec={**obj.get("spec", {}), "convertedTo": request["desiredAPIVersion"]},
        )
        for obj in request["objects"]
    ]
    return {
        "apiVersion": "apiextensions.k8s.io/v1",
        "kind": "ConversionReview",
        "response": {
            "uid": request["uid"],
            "result": {"status": "Success"},
            "convertedObjects": converted,
        },
    }


def test_conversion_webhook_is_called_between_versions(http):
    with WebhookServer({"/convert": _convert}) as server:
        crd = widget_crd(
            strategy="Webhook",
            webhook={"clientConfig": server.url("/convert"), "conversionReviewVersions": ["v1"]},
        )
        for version in crd["spec"]["versions"]:
            version["schema"]["openAPIV3Schema"]["properties"]["spec"][
                "x-kubernetes-preserve-unknown-fields"
            ] = True
        http("POST", "/apis/apiextensions.k8s.io/v1/customresourcedefinitions", crd)
        status, _, obj = http(
            "POST",
            "/apis/example.com/v2/namespaces/default/widgets",
            {"metadata": {"name": "w"}, "spec": {}},
        )
        assert status == 201, obj
        assert obj["apiVersion"] == "example.com/v2"
        assert obj["spec"]["convertedTo"] == "example.com/v2"
        desired = [review["request"]["desiredAPIVersion"] for _, review in server.calls]
        assert desired == ["example.com/v1", "example.com/v2"]
        _, _, v1 = http("GET", "/apis/example.com/v1/namespaces/default/widgets/w")
        assert v1["spec"]["convertedTo"] == "example.com/v1"


def test_update_operation_sees_old_object(http, hooks):
    http("POST", CMS, configmap("x"))
    http(
        "POST",
        f"{ADMISSION}/validatingwebhookconfigurations",
        _config("ValidatingWebhookConfiguration", hooks.url("/validate"), operations=["UPDATE"]),
    )
    http("PATCH", f"{CMS}/x", {"data": {"n": "1"}}, MERGE)
    request = hooks.calls[-1][1]["request"]
    assert request["operation"] == "UPDATE"
    assert request["oldObject"]["data"] == {"k": "v"}
    assert request["object"]["data"] == {"k": "v", "n": "1"}


def _report_what_it_saw(review):
    request = review["request"]
    seen = (
        f"kind {request['kind']['version']}, requestKind {request['requestKind']['version']},"
        f" object {request['object']['apiVersion']}"
    )
    return admission_response(review, allowed=False, code=422, message=seen)


@pytest.mark.parametrize(
    ("policy", "status", "message"),
    [
        ("Equivalent", 422, "kind v1, requestKind v2, object example.com/v1"),
        ("Exact", 201, None),
    ],
)
def test_match_policy_sends_the_version_the_rule_names(
    http, emulated_cluster, policy, status, message
):
    """``matchPolicy: Equivalent`` (the default) calls a hook whose rules name v1 for a v2
    request, with the object converted to v1 and ``requestKind`` saying v2; ``Exact`` does not
    call it. https://kubernetes.io/docs/reference/access-authn-authz/extensible-admission-controllers/#matching-requests-matchpolicy
    """
    emulated_cluster.load_crds([widget_crd()])
    with WebhookServer({"/v1-only": _report_what_it_saw}) as server:
        config = _config(
            "ValidatingWebhookConfiguration",
            server.url("/v1-only"),
            resources=("widgets",),
            matchPolicy=policy,
        )
        rule = config["webhooks"][0]["rules"][0]
        rule["apiGroups"], rule["apiVersions"] = ["example.com"], ["v1"]
        http("POST", f"{ADMISSION}/validatingwebhookconfigurations", config)
        widget = {
            "apiVersion": "example.com/v2",
            "kind": "Widget",
            "metadata": {"name": "w", "namespace": "default"},
            "spec": {},
        }
        got, _, body = http("POST", "/apis/example.com/v2/namespaces/default/widgets", widget)
        assert got == status, body
        if message:
            assert body["message"].endswith(message)


def _warn(review):
    answer = admission_response(review)
    name = (review["request"]["object"] or review["request"]["oldObject"])["metadata"]["name"]
    answer["response"]["warnings"] = [
        f'{review["request"]["operation"]} of "{name}" will reboot 3 nodes',
        "second\nline",
        f'{review["request"]["operation"]} of "{name}" will reboot 3 nodes',  # repeated: once
    ]
    return answer


@pytest.fixture
def warning_hooks():
    with WebhookServer({"/validate": _warn}) as server:
        yield server


def test_webhook_warnings_reach_the_client_as_warning_headers(http, warning_hooks):
    http(
        "POST",
        f"{ADMISSION}/validatingwebhookconfigurations",
        _config(
            "ValidatingWebhookConfiguration",
            warning_hooks.url("/validate"),
            operations=["CREATE", "DELETE"],
        ),
    )
    status, headers, _ = http("POST", CMS, configmap("warned"))
    assert status == 201
    assert headers.get_all("Warning") == [
        '299 - "CREATE of \\"warned\\" will reboot 3 nodes"',
        '299 - "second line"',
    ]
    status, headers, _ = http("DELETE", f"{CMS}/warned")
    assert status == 200
    assert headers.get_all("Warning")[0] == '299 - "DELETE of \\"warned\\" will reboot 3 nodes"'


def test_webhook_warnings_are_printed_by_kubectl(kubeconfig, warning_hooks):
    kubectl = shutil.which("kubectl") or "/usr/bin/kubectl"
    if not os.access(kubectl, os.X_OK):
        pytest.skip("kubectl is not installed (/usr/bin/kubectl)")
    config = _config("ValidatingWebhookConfiguration", warning_hooks.url("/validate"))

    def run(*args, stdin=""):
        return subprocess.run(
            [kubectl, "--kubeconfig", str(kubeconfig), *args],
            input=stdin,
            capture_output=True,
            text=True,
            timeout=60,
            check=False,
        )

    assert run("create", "-f", "-", stdin=json.dumps(config)).returncode == 0
    done = run("create", "configmap", "kubectl-warned")
    assert done.returncode == 0, done.stderr
    assert 'Warning: CREATE of "kubectl-warned" will reboot 3 nodes' in done.stderr


def test_warnings_over_the_budget_are_cut_then_dropped():
    from nto.testing._field_validation import (
        WARNING_ITEM_RUNES,
        WARNING_TOTAL_RUNES,
        bounded_warnings,
    )

    short = ["a" * 100, "b" * 100]
    assert bounded_warnings(short) == short
    many = [chr(ord("a") + i) * 1000 for i in range(20)]
    kept = bounded_warnings(many)
    assert all(len(w) == WARNING_ITEM_RUNES for w in kept)
    assert len(kept) == WARNING_TOTAL_RUNES // WARNING_ITEM_RUNES

"""Reaching a running operator's webhooks from the emulated cluster, as OpenShift wires them.

On OpenShift, the service-ca operator signs each webhook Service's serving certificate and
writes its CA into ``caBundle`` of every CRD, ValidatingWebhookConfiguration and
MutatingWebhookConfiguration annotated ``service.beta.openshift.io/inject-cabundle: "true"``;
the apiserver then reaches ``<service>.<namespace>.svc``. Here:

- :class:`CaBundleInjector` listens to the store and fills those ``caBundle`` fields with a CA
  given by the user (``nto dev-cluster --service-ca``);
- :class:`ServiceRoutes` maps ``(namespace, service, port)`` to a base URL, with an optional
  fallback for every service (``nto dev-cluster --webhook-url``);
- :func:`issue_webhook_certs` writes a fresh CA and a serving certificate for the operator's
  ``--webhook-cert-dir`` (``apiserver.crt``/``apiserver.key``, plus ``ca.crt``), valid for
  ``127.0.0.1``, ``localhost`` and any Service of the operator's namespace
  (``*.openshift-cluster-node-tuning-operator.svc``: the plugin that serves webhooks names its
  Service; needs ``trustme``).

:class:`~nto.testing.EmulatedCluster` exposes them as ``route_all_services`` and
``inject_service_ca``.
"""

from __future__ import annotations

import base64
import copy
import pathlib
from typing import Any

from nto.testing._resources import ResourceInfo
from nto.testing._store import Store
from nto.testing._watch import Event
from nto_api.objects import annotations_of

INJECT_ANNOTATION = "service.beta.openshift.io/inject-cabundle"
_CRD = ("apiextensions.k8s.io", "customresourcedefinitions")
_WEBHOOK_CONFIGS = {
    ("admissionregistration.k8s.io", "validatingwebhookconfigurations"),
    ("admissionregistration.k8s.io", "mutatingwebhookconfigurations"),
}
OPERATOR_NAMESPACE = "openshift-cluster-node-tuning-operator"
WEBHOOK_SERVICE_NAMES = (f"*.{OPERATOR_NAMESPACE}.svc",)
"""Every Service of the operator's namespace: whichever plugin's Service fronts the webhooks."""


class ServiceRoutes(dict[tuple[str, str, int], str]):
    """Service routes with an optional fallback base URL for services not mapped explicitly."""

    fallback: str | None = None

    def get(self, key: tuple[str, str, int], default: Any = None) -> Any:
        found = super().get(key)
        if found is not None:
            return found
        return self.fallback if self.fallback is not None else default


class CaBundleInjector:
    """Writes a CA into the ``caBundle`` of annotated CRDs and webhook configurations."""

    def __init__(self, store: Store, ca_pem: bytes) -> None:
        self.store = store
        self.bundle = base64.b64encode(ca_pem).decode()
        store.listeners.append(self.on_event)

    def on_event(self, info: ResourceInfo, event: Event) -> None:
        if event.type == "DELETED" or (info.key != _CRD and info.key not in _WEBHOOK_CONFIGS):
            return
        annotations = annotations_of(event.obj)
        if str(annotations.get(INJECT_ANNOTATION, "")).lower() != "true":
            return
        obj = copy.deepcopy(dict(event.obj))
        if info.key == _CRD:
            webhook = ((obj.get("spec") or {}).get("conversion") or {}).get("webhook") or {}
            configs = [webhook.get("clientConfig")] if webhook else []
        else:
            configs = [w.get("clientConfig") for w in obj.get("webhooks") or []]
        changed = False
        for config in configs:
            if isinstance(config, dict) and config.get("caBundle") != self.bundle:
                config["caBundle"] = self.bundle
                changed = True
        if changed:
            obj["metadata"].pop("resourceVersion", None)
            self.store.update(info, obj, keep_status=True)


def issue_webhook_certs(directory: pathlib.Path) -> pathlib.Path:
    """Write ``ca.crt``, ``apiserver.crt`` and ``apiserver.key`` into ``directory``; returns ca."""
    import trustme

    directory.mkdir(parents=True, exist_ok=True)
    ca = trustme.CA()
    cert = ca.issue_cert("127.0.0.1", "localhost", *WEBHOOK_SERVICE_NAMES)
    ca.cert_pem.write_to_path(str(directory / "ca.crt"))
    cert.private_key_pem.write_to_path(str(directory / "apiserver.key"))
    chain = b"".join(blob.bytes() for blob in cert.cert_chain_pems)
    (directory / "apiserver.crt").write_bytes(chain)
    return directory / "ca.crt"

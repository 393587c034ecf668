"""The performance plugin's webhooks on the shared HTTPS server (port 4343).

- :mod:`.admission`: validating webhook for v2 PerformanceProfiles (with change warnings);
- :mod:`.tuned`: warning-only webhook for Tuneds (what a change does to the nodes);
- :mod:`.conversion`: CRD conversion between v1alpha1, v1 and v2;
- :mod:`.cluster_data`: the injectable lookups validation needs;
- :mod:`.preview`: the cached pool and disruption-policy view behind the admission warnings;
- :mod:`.metrics`: request counter and duration histogram;
- :mod:`.manifests`: the Service and the ValidatingWebhookConfiguration.

:func:`routes` builds both :class:`~nto.plugins.WebhookRoute` objects; the plugin's hook calls it
with the defaults, tests with a fake provider. Importing this package stays light: the
prometheus-backed metrics module is not imported here.
"""

from __future__ import annotations

from nto.plugins import WebhookRoute
from nto_performance.webhooks.admission import VALIDATE_PATH, AdmissionWebhook
from nto_performance.webhooks.cluster_data import (
    ClusterDataProvider,
    KubeClusterDataProvider,
)
from nto_performance.webhooks.conversion import CONVERT_PATH, ConversionWebhook
from nto_performance.webhooks.preview import ClusterFactsSource, KubeClusterFacts
from nto_performance.webhooks.review import RequestObserver
from nto_performance.webhooks.tuned import TUNED_PATH, TunedWarningsWebhook

__all__ = [
    "CONVERT_PATH",
    "TUNED_PATH",
    "VALIDATE_PATH",
    "AdmissionWebhook",
    "ClusterDataProvider",
    "ClusterFactsSource",
    "ConversionWebhook",
    "KubeClusterDataProvider",
    "KubeClusterFacts",
    "RequestObserver",
    "TunedWarningsWebhook",
    "routes",
]

CONVERT_MAX_BYTES = 64 * 1024 * 1024
"""The API server sends a whole LIST in one ConversionReview (5,000 profiles with status are
~6 MB), and controller-runtime sets no limit on ``/convert``; validation keeps the 3 MiB default
(one object, like the API server's own request limit)."""


def routes(
    *,
    provider: ClusterDataProvider | None,
    observer: RequestObserver | None = None,
    facts: ClusterFactsSource | None = None,
    tuned_facts: ClusterFactsSource | None = None,
) -> list[WebhookRoute]:
    """The validating, the Tuned warnings and the conversion route, reporting to ``observer``;
    ``facts`` and ``tuned_facts`` feed the change previews of the admission warnings (none
    without them)."""
    return [
        WebhookRoute(
            VALIDATE_PATH, AdmissionWebhook(provider=provider, observer=observer, facts=facts)
        ),
        WebhookRoute(TUNED_PATH, TunedWarningsWebhook(facts=tuned_facts, observer=observer)),
        WebhookRoute(
            CONVERT_PATH, ConversionWebhook(observer=observer), max_body_bytes=CONVERT_MAX_BYTES
        ),
    ]

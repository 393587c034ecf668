"""The operator runtime: settings, kopf wiring, the shared HTTPS servers.

:mod:`nto.operator.runtime` runs kopf with every plugin's handlers;
:mod:`nto.operator.webhook_server` serves plugin webhook routes on 4343;
:mod:`nto.operator.metrics_server` serves ``/metrics`` on 60000; both use the reloading TLS
context of :mod:`nto.operator.tls`. Settings come from :mod:`nto.operator.settings`.
"""

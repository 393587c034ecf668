"""How the operator reaches HyperShift's management cluster.

The hosted cluster is the one ``KUBECONFIG`` names (:func:`nto.kube.config.load_connection`).
The management cluster is the one the operator's pod runs in: the in-cluster service account,
even when ``KUBECONFIG`` is set (it is, to the hosted cluster). Tests and local runs give a
kubeconfig instead (``--management-kubeconfig`` / ``NTO_MANAGEMENT_KUBECONFIG``).
Neighbours: :mod:`nto.operator.runtime` (passes it to the runtime), :mod:`nto.runtime.topology`.
"""

from __future__ import annotations

import os
from collections.abc import Callable

from nto.kube.config import SERVICE_ACCOUNT_DIR, Connection, KubeConfigError, in_cluster
from nto.operator.settings import OperatorSettings


def management_connector(settings: OperatorSettings) -> Callable[[], Connection]:
    """A function returning the management cluster's connection (read when the runtime starts)."""

    def connect() -> Connection:
        from nto.kube.kubeconfig import connection_from_kubeconfigs, remember_secrets

        if settings.management_kubeconfig:
            return remember_secrets(connection_from_kubeconfigs(settings.management_kubeconfig))
        if os.environ.get("KUBERNETES_SERVICE_HOST") and (SERVICE_ACCOUNT_DIR / "token").exists():
            return remember_secrets(in_cluster(os.environ))
        raise KubeConfigError(
            "HYPERSHIFT=true needs the management cluster: run in the hosted control plane's "
            "pod (in-cluster service account), or set --management-kubeconfig or "
            "NTO_MANAGEMENT_KUBECONFIG to its kubeconfig"
        )

    return connect

"""``60-clusteroperator.yaml`` and ``image-references``: what the CVO reads about this operator.

The ClusterOperator ``node-tuning`` is pre-seeded with the same ``relatedObjects`` the running
operator writes (:func:`nto.controller.status.related_objects`, plus the plugins'), so that
must-gather finds them before the operator first reports. Neighbours: :mod:`nto.controller.status`.
"""

from __future__ import annotations

from collections.abc import Iterable

from nto.bundle.names import CLUSTER_OPERATOR_NAME, IMAGE, IMAGE_TAG, NAMESPACE, RELEASE_VERSION
from nto.controller.status import related_objects
from nto.plugins.types import RelatedObject
from nto_api.names import CONFIG_V1
from nto_api.objects import JSONDict


def cluster_operator(plugin_related: Iterable[RelatedObject]) -> JSONDict:
    """``ClusterOperator/node-tuning`` with ``spec: {}``, related objects and the version."""
    extra = [obj.to_manifest() for obj in plugin_related]
    return {
        "apiVersion": CONFIG_V1,
        "kind": "ClusterOperator",
        "metadata": {"name": CLUSTER_OPERATOR_NAME},
        "spec": {},
        "status": {
            "relatedObjects": related_objects(extra, namespace=NAMESPACE),
            "versions": [{"name": "operator", "version": RELEASE_VERSION}],
        },
    }


def image_references() -> JSONDict:
    """The ImageStream the release tooling reads to substitute our one image."""
    return {
        "kind": "ImageStream",
        "apiVersion": "image.openshift.io/v1",
        "spec": {
            "tags": [
                {
                    "name": IMAGE_TAG,
                    "from": {"kind": "DockerImage", "name": IMAGE},
                }
            ]
        },
    }

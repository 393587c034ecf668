"""The RuntimeClass of a PerformanceProfile: lets pods opt into CRI-O's high-performance runtime.

``render(profile, options)`` returns the ``node.k8s.io/v1 RuntimeClass`` named
``performance-<pp>`` with handler ``high-performance`` whose scheduling nodeSelector is the
profile's nodeSelector (spec section 3.4); no tolerations, no overhead. Pods that set
``runtimeClassName: performance-<pp>`` may then use the CRI-O pod annotations. Neighbours:
:mod:`.names`, :mod:`.manifestset` (the caller).
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from nto_performance.components import names
from nto_performance.components._common import RenderError
from nto_performance.components.options import RenderOptions

if TYPE_CHECKING:
    from nto_api.views import ProfileView

__all__ = ["render"]


def render(profile: ProfileView, options: RenderOptions) -> dict[str, Any]:
    """The RuntimeClass wire dict of `profile` (`options` change nothing here)."""
    del options
    name = profile.metadata.name
    if not name:
        raise RenderError("PerformanceProfile has no metadata.name; give it a name")
    return {
        "apiVersion": "node.k8s.io/v1",
        "kind": "RuntimeClass",
        "metadata": {"name": names.runtime_class_name(name)},
        "handler": names.HIGH_PERFORMANCE_RUNTIME_HANDLER,
        "scheduling": {"nodeSelector": dict(profile.spec.node_selector)},
    }

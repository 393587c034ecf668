"""What a plugin says about itself (hook ``nto_plugin_metadata``), so the core need not know it.

The bundle generator (:mod:`nto.bundle.generate`) reads it: which plugins ship switched off, and
which Secret holds the serving certificate of a plugin's webhook routes. A plain frozen
dataclass, cheap to import. Neighbours: :mod:`nto.plugins.hookspecs`, :mod:`nto.plugins.types`.
"""

from __future__ import annotations

from dataclasses import dataclass

__all__ = ["PluginMetadata"]


@dataclass(frozen=True)
class PluginMetadata:
    """Facts about one plugin the core acts on; every field has a neutral default."""

    disabled_by_default: bool = False
    """The bundle leaves the plugin off: it takes none of its CRDs, rules, manifests or related
    objects, and lists it in the operator Deployment's ``NTO_DISABLED_PLUGINS``."""

    webhook_secret: str = ""
    """Name of the Secret holding the serving certificate (``tls.crt``/``tls.key``) for the
    plugin's webhook routes, requested by the plugin's own Service (annotation
    ``service.beta.openshift.io/serving-cert-secret-name``). The operator Deployment mounts it
    for the shared webhook server. Required when the plugin implements ``nto_webhook_routes``."""

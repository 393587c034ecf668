"""TLS material for the operator's HTTPS servers, and a fingerprint to notice renewals.

The service CA rotates the serving certificates in the mounted secrets, the client CA lives in a
ConfigMap and the TLS security profile in ``APIServer/cluster``. Like the reference, a server
restarts its listener when any of them changes (:mod:`nto.operator.https`); this module only
builds contexts and fingerprints. Contexts take the minimum version and ciphers of the profile
(:mod:`nto.operator.tls_profile`; Intermediate without one) and offer ALPN ``http/1.1`` only (the
reference's CVE-2023-44487 mitigation). A client-CA source raises :class:`TLSMaterialPending`
while the CA is not known, so a server that needs one does not start open.
"""

from __future__ import annotations

import hashlib
import logging
import ssl
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path

from nto.operator.tls_profile import INTERMEDIATE, TLSSecurity

logger = logging.getLogger(__name__)

ClientCASource = Callable[[], bytes | None]
"""The client CA bundle, ``None`` for no client auth; raises TLSMaterialPending while unknown."""
SecuritySource = Callable[[], TLSSecurity]


class TLSMaterialError(Exception):
    """The certificate or key cannot be read or does not form a valid pair."""


class TLSMaterialPending(TLSMaterialError):
    """Material the server must not start without is not known yet (the client CA)."""


@dataclass(frozen=True)
class TLSFiles:
    """A serving certificate/key pair and, optionally, where client CAs come from."""

    cert_file: Path
    key_file: Path
    client_ca: ClientCASource | None = None
    security: SecuritySource | None = None

    def fingerprint(self) -> str | None:
        """A digest of the pair, client CA and effective TLS settings; ``None`` while the pair
        is unreadable. Raises :class:`TLSMaterialPending` while the client CA is unknown."""
        digest = hashlib.sha256()
        try:
            digest.update(self.cert_file.read_bytes())
            digest.update(self.key_file.read_bytes())
        except OSError:
            return None
        digest.update(self._ca() or b"")
        digest.update(repr(self._security()).encode())
        return digest.hexdigest()

    def build_context(self) -> ssl.SSLContext:
        """A fresh server context for the current files and TLS security profile."""
        context = ssl.create_default_context(ssl.Purpose.CLIENT_AUTH)
        security = self._security()
        try:
            security.apply(context)
        except ssl.SSLError as exc:
            raise TLSMaterialError(
                f"cannot apply TLS profile {security.describe()}: {exc}"
            ) from exc
        context.set_alpn_protocols(["http/1.1"])
        try:
            context.load_cert_chain(str(self.cert_file), str(self.key_file))
        except (ssl.SSLError, OSError) as exc:
            raise TLSMaterialError(
                f"cannot load TLS pair {str(self.cert_file)!r} / {str(self.key_file)!r}: {exc}"
            ) from exc
        ca = self._ca()
        if ca:
            try:
                context.load_verify_locations(cadata=ca.decode("ascii", "replace"))
            except (ssl.SSLError, ValueError) as exc:
                logger.error("Client CA bundle is not valid PEM; client auth is off: %s", exc)
            else:
                context.verify_mode = ssl.CERT_OPTIONAL
        return context

    def _security(self) -> TLSSecurity:
        return self.security() if self.security is not None else INTERMEDIATE

    def _ca(self) -> bytes | None:
        return self.client_ca() if self.client_ca is not None else None

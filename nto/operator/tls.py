"""TLS material for the operator's HTTPS servers, and a fingerprint to notice renewals.

The service CA rotates the serving certificates in the mounted secrets and the client CA lives
in a ConfigMap. Like the reference, a server restarts its listener when the material changes
(:mod:`nto.operator.https`); this module only builds contexts and fingerprints. Contexts require
TLS 1.2 or newer and offer ALPN ``http/1.1`` only (the reference's CVE-2023-44487 mitigation).
"""

from __future__ import annotations

import hashlib
import logging
import ssl
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path

logger = logging.getLogger(__name__)

ClientCASource = Callable[[], bytes | None]


class TLSMaterialError(Exception):
    """The certificate or key cannot be read or does not form a valid pair."""


@dataclass(frozen=True)
class TLSFiles:
    """A serving certificate/key pair and, optionally, where client CAs come from."""

    cert_file: Path
    key_file: Path
    client_ca: ClientCASource | None = None

    def fingerprint(self) -> str | None:
        """A digest of the pair and client CA; ``None`` while the pair is unreadable."""
        digest = hashlib.sha256()
        try:
            digest.update(self.cert_file.read_bytes())
            digest.update(self.key_file.read_bytes())
        except OSError:
            return None
        digest.update(self._ca() or b"")
        return digest.hexdigest()

    def build_context(self) -> ssl.SSLContext:
        """A fresh server context for the current files."""
        context = ssl.create_default_context(ssl.Purpose.CLIENT_AUTH)
        context.minimum_version = ssl.TLSVersion.TLSv1_2
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

    def _ca(self) -> bytes | None:
        return self.client_ca() if self.client_ca is not None else None

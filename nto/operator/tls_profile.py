"""The cluster's TLS security profile (``APIServer/cluster`` ``spec.tlsSecurityProfile``).

Like the reference, the webhook and metrics servers take their minimum TLS version and cipher
list from the cluster's APIServer object: profile types ``Old``, ``Intermediate`` (the default,
also when the object or the field is absent), ``Modern`` and ``Custom``. The predefined profiles
are OpenShift's published ones (``config/v1`` ``TLSProfiles``), kept here as data.

Cipher names are OpenSSL's, as in the API. TLS 1.3 suites cannot be chosen (OpenSSL's three
defaults are exactly the profiles' three, and Go's servers cannot choose them either), so only the
TLS 1.2-and-older names are applied; names this OpenSSL build does not know are dropped (e.g.
``DES-CBC3-SHA`` of Old), with an error in the log for a Custom profile. A
Custom profile with no usable name for TLS 1.2 serves TLS 1.3 only rather than fall back to
library defaults.

:class:`TLSProfileSource` reads the object at start and then every ``interval``; a read failure
keeps the last known profile (Intermediate before the first read). Where the reference restarts
the whole process on a profile change, the servers here only restart their listener, and only
when the *effective* settings change (:mod:`nto.operator.https`): an APIServer update that leaves
the profile alone costs nothing, and the controllers never stop.
Neighbours: :mod:`nto.operator.tls`.
"""

from __future__ import annotations

import asyncio
import logging
import ssl
import warnings
from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any, Final

from nto.kube.client import ApiError, KubeClient
from nto_api.names import CONFIG_V1

logger = logging.getLogger(__name__)

VERSIONS: Final[Mapping[str, ssl.TLSVersion]] = {
    "VersionTLS10": ssl.TLSVersion.TLSv1,
    "VersionTLS11": ssl.TLSVersion.TLSv1_1,
    "VersionTLS12": ssl.TLSVersion.TLSv1_2,
    "VersionTLS13": ssl.TLSVersion.TLSv1_3,
}

_TLS13: Final = ("TLS_AES_128_GCM_SHA256", "TLS_AES_256_GCM_SHA384", "TLS_CHACHA20_POLY1305_SHA256")
_INTERMEDIATE_12: Final = (
    "ECDHE-ECDSA-AES128-GCM-SHA256",
    "ECDHE-RSA-AES128-GCM-SHA256",
    "ECDHE-ECDSA-AES256-GCM-SHA384",
    "ECDHE-RSA-AES256-GCM-SHA384",
    "ECDHE-ECDSA-CHACHA20-POLY1305",
    "ECDHE-RSA-CHACHA20-POLY1305",
    "DHE-RSA-AES128-GCM-SHA256",
    "DHE-RSA-AES256-GCM-SHA384",
)
_OLD_EXTRA: Final = (
    "DHE-RSA-CHACHA20-POLY1305",
    "ECDHE-ECDSA-AES128-SHA256",
    "ECDHE-RSA-AES128-SHA256",
    "ECDHE-ECDSA-AES128-SHA",
    "ECDHE-RSA-AES128-SHA",
    "ECDHE-ECDSA-AES256-SHA384",
    "ECDHE-RSA-AES256-SHA384",
    "ECDHE-ECDSA-AES256-SHA",
    "ECDHE-RSA-AES256-SHA",
    "DHE-RSA-AES128-SHA256",
    "DHE-RSA-AES256-SHA256",
    "AES128-GCM-SHA256",
    "AES256-GCM-SHA384",
    "AES128-SHA256",
    "AES256-SHA256",
    "AES128-SHA",
    "AES256-SHA",
    "DES-CBC3-SHA",
)


@dataclass(frozen=True)
class ProfileSpec:
    """A profile as the API writes it: minimum version name and OpenSSL cipher names."""

    min_tls_version: str
    ciphers: tuple[str, ...]


PROFILES: Final[Mapping[str, ProfileSpec]] = {
    "Old": ProfileSpec("VersionTLS10", _TLS13 + _INTERMEDIATE_12 + _OLD_EXTRA),
    "Intermediate": ProfileSpec("VersionTLS12", _TLS13 + _INTERMEDIATE_12),
    "Modern": ProfileSpec("VersionTLS13", _TLS13),
}


@dataclass(frozen=True)
class TLSSecurity:
    """The effective settings a server context gets."""

    profile: str
    minimum_version: ssl.TLSVersion
    ciphers: tuple[str, ...]
    """OpenSSL names for TLS 1.2 and older; empty when only TLS 1.3 is served."""

    def describe(self) -> str:
        ciphers = ", ".join(self.ciphers) if self.ciphers else "TLS 1.3 suites only"
        return f"{self.profile} (minimum {self.minimum_version.name}; {ciphers})"

    def apply(self, context: ssl.SSLContext) -> None:
        """Set the minimum version and the TLS 1.2 cipher list on ``context``."""
        with warnings.catch_warnings():
            # Python deprecates TLS 1.0/1.1; the Old and Custom profiles may still ask for them.
            warnings.simplefilter("ignore", DeprecationWarning)
            context.minimum_version = self.minimum_version
        if self.minimum_version >= ssl.TLSVersion.TLSv1_3:
            return
        cipher_string = ":".join(self.ciphers)
        if self.minimum_version < ssl.TLSVersion.TLSv1_2:
            # OpenSSL 3's default security level refuses TLS 1.0/1.1 (SHA-1 handshakes); a profile
            # that asks for them gets them, as the Go servers do.
            cipher_string += ":@SECLEVEL=0"
        context.set_ciphers(cipher_string)


INTERMEDIATE: Final = TLSSecurity("Intermediate", ssl.TLSVersion.TLSv1_2, _INTERMEDIATE_12)


def _known_cipher(name: str) -> bool:
    probe = ssl.SSLContext(ssl.PROTOCOL_TLS_SERVER)
    try:
        probe.set_ciphers(f"{name}:@SECLEVEL=0")
    except ssl.SSLError:
        return False
    return any(cipher["name"] == name for cipher in probe.get_ciphers())


def security_for(profile: Any) -> tuple[TLSSecurity, list[str]]:
    """The settings for a ``spec.tlsSecurityProfile`` value, and what was wrong with it."""
    problems: list[str] = []
    if not isinstance(profile, Mapping) or not profile.get("type"):
        return INTERMEDIATE, problems
    kind = profile["type"]
    if kind == "Custom":
        custom = profile.get("custom")
        if not isinstance(custom, Mapping):
            problems.append("spec.tlsSecurityProfile.custom is missing; using Intermediate")
            return INTERMEDIATE, problems
        spec = ProfileSpec(
            str(custom.get("minTLSVersion") or "VersionTLS12"),
            tuple(str(name) for name in custom.get("ciphers") or ()),
        )
    elif kind in PROFILES:
        spec = PROFILES[kind]
    else:
        problems.append(
            f"spec.tlsSecurityProfile.type {kind!r} is not one of Old, Intermediate, Modern,"
            " Custom; using Intermediate"
        )
        return INTERMEDIATE, problems
    minimum = VERSIONS.get(spec.min_tls_version)
    if minimum is None:
        problems.append(
            f"minTLSVersion {spec.min_tls_version!r} of profile {kind} is not one of"
            f" {', '.join(VERSIONS)}; using VersionTLS12"
        )
        minimum = ssl.TLSVersion.TLSv1_2
    wanted = [name for name in spec.ciphers if name not in _TLS13]
    usable = tuple(name for name in wanted if _known_cipher(name))
    unknown = [name for name in wanted if name not in usable]
    if unknown and kind == "Custom":  # the published lists name more than any one build has
        problems.append(f"ciphers unknown to OpenSSL are left out: {', '.join(unknown)}")
    if minimum < ssl.TLSVersion.TLSv1_3 and not usable:
        problems.append(f"profile {kind} names no usable TLS 1.2 cipher; serving TLS 1.3 only")
        minimum = ssl.TLSVersion.TLSv1_3
    ciphers = usable if minimum < ssl.TLSVersion.TLSv1_3 else ()
    return TLSSecurity(str(kind), minimum, ciphers), problems


class TLSProfileSource:
    """Holds the effective :class:`TLSSecurity`, refreshed from ``APIServer/cluster``."""

    def __init__(self) -> None:
        self.security = INTERMEDIATE
        self.read_once = False
        self._last_problems: list[str] = []

    def get(self) -> TLSSecurity:
        return self.security

    async def refresh(self, client: KubeClient) -> None:
        """Read the APIServer object; keep the current settings when the API fails."""
        try:
            apiserver = await client.get(CONFIG_V1, "apiservers", "cluster")
        except (ApiError, OSError, TimeoutError) as exc:
            until = "" if self.read_once else " until it can be read"
            logger.warning(
                "Cannot read APIServer/cluster for the TLS security profile (%s); using %s%s",
                exc,
                self.security.describe(),
                until,
            )
            return
        spec = (apiserver or {}).get("spec") or {}
        security, problems = security_for(spec.get("tlsSecurityProfile"))
        if problems != self._last_problems:
            for problem in problems:
                logger.error("APIServer/cluster spec.tlsSecurityProfile: %s", problem)
            self._last_problems = problems
        if security != self.security or not self.read_once:
            logger.info("TLS security profile for the HTTPS servers: %s", security.describe())
        self.security = security
        self.read_once = True

    async def keep_fresh(self, client: KubeClient, interval: float = 30.0) -> None:
        while True:
            await asyncio.sleep(interval)
            await self.refresh(client)

"""The cluster's TLS security profile decides which TLS versions and ciphers the servers accept.

Each profile is checked with real TLS clients against the real HTTPS server: Python's ``ssl``
always, and ``openssl s_client`` when it is installed. Then the profile is followed from
``APIServer/cluster`` in the emulated cluster without restarting the process.
"""

from __future__ import annotations

import asyncio
import shutil
import socket
import ssl
import subprocess
import warnings
from typing import Any

import pytest

from nto.kube.client import KubeClient
from nto.kube.config import from_kubeconfig
from nto.operator.https import HTTPSServer
from nto.operator.tls import TLSFiles
from nto.operator.tls_profile import (
    INTERMEDIATE,
    PROFILES,
    TLSProfileSource,
    TLSSecurity,
    security_for,
)
from nto.operator.webhook_server import webhook_app
from nto.testing import wait_for

V = ssl.TLSVersion
GCM = "ECDHE-ECDSA-AES128-GCM-SHA256"
GCM_256 = "ECDHE-ECDSA-AES256-GCM-SHA384"
CBC_SHA256 = "ECDHE-ECDSA-AES128-SHA256"  # CBC: in Python's defaults, not in Intermediate
CBC_SHA1 = "ECDHE-ECDSA-AES128-SHA"
CUSTOM = {
    "type": "Custom",
    "custom": {"minTLSVersion": "VersionTLS12", "ciphers": [GCM_256, "TLS_AES_128_GCM_SHA256"]},
}

# (profile, TLS version offered, cipher offered, accepted?)
MATRIX: list[tuple[str, Any, V, str | None, bool]] = [
    ("Old", {"type": "Old"}, V.TLSv1, CBC_SHA1, True),
    ("Old", {"type": "Old"}, V.TLSv1_1, CBC_SHA1, True),
    ("Old", {"type": "Old"}, V.TLSv1_2, CBC_SHA256, True),
    ("Old", {"type": "Old"}, V.TLSv1_2, GCM, True),
    ("Old", {"type": "Old"}, V.TLSv1_3, None, True),
    ("Intermediate", {"type": "Intermediate"}, V.TLSv1_1, CBC_SHA1, False),
    ("Intermediate", {"type": "Intermediate"}, V.TLSv1_2, CBC_SHA256, False),
    ("Intermediate", {"type": "Intermediate"}, V.TLSv1_2, CBC_SHA1, False),
    ("Intermediate", {"type": "Intermediate"}, V.TLSv1_2, GCM, True),
    ("Intermediate", {"type": "Intermediate"}, V.TLSv1_3, None, True),
    ("default", None, V.TLSv1_2, CBC_SHA256, False),
    ("default", None, V.TLSv1_2, GCM, True),
    ("Modern", {"type": "Modern"}, V.TLSv1_2, GCM, False),
    ("Modern", {"type": "Modern"}, V.TLSv1_3, None, True),
    ("Custom", CUSTOM, V.TLSv1_2, GCM_256, True),
    ("Custom", CUSTOM, V.TLSv1_2, GCM, False),
    ("Custom", CUSTOM, V.TLSv1_1, CBC_SHA1, False),
    ("Custom", CUSTOM, V.TLSv1_3, None, True),
]


def case_id(case: tuple[str, Any, V, str | None, bool]) -> str:
    name, _, version, cipher, accepted = case
    return f"{name}-{version.name}-{cipher or 'default'}-{'accepted' if accepted else 'refused'}"


def client_context(pki, version: V, cipher: str | None) -> ssl.SSLContext:
    context = ssl.create_default_context()
    pki.ca.configure_trust(context)
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", DeprecationWarning)  # TLS 1.0/1.1 on purpose
        context.minimum_version = version
        context.maximum_version = version
    if cipher is not None:
        context.set_ciphers(f"{cipher}:@SECLEVEL=0")
    return context


def handshake(port: int, context: ssl.SSLContext) -> tuple[str, str] | None:
    """(version, cipher) negotiated, or None when the server refused."""
    try:
        with (
            socket.create_connection(("127.0.0.1", port), timeout=10) as raw,
            context.wrap_socket(raw, server_hostname="127.0.0.1") as tls,
        ):
            cipher = tls.cipher()
            assert cipher is not None
            return str(tls.version()), cipher[0]
    except (ssl.SSLError, ConnectionError):
        return None


async def serving(pki, security: TLSSecurity) -> HTTPSServer:
    files = TLSFiles(
        pki.server_dir / "apiserver.crt",
        pki.server_dir / "apiserver.key",
        security=lambda: security,
    )
    server = HTTPSServer(
        webhook_app([]), name="webhook server", host="127.0.0.1", port=0, tls=files
    )
    await server.start()
    return server


@pytest.mark.parametrize("case", MATRIX, ids=[case_id(case) for case in MATRIX])
async def test_profile_accepts_and_refuses_with_python_ssl(pki, case):
    _, profile, version, cipher, accepted = case
    security, problems = security_for(profile)
    assert problems == []
    server = await serving(pki, security)
    try:
        result = await asyncio.to_thread(
            handshake, server.bound_port, client_context(pki, version, cipher)
        )
    finally:
        await server.stop()
    if accepted:
        assert result is not None, f"{version.name} {cipher} refused"
        if cipher is not None:
            assert result[1] == cipher
    else:
        assert result is None, f"{version.name} {cipher} accepted: {result}"


OPENSSL = shutil.which("openssl")
S_CLIENT_CASES = [
    ("Intermediate", {"type": "Intermediate"}, "-tls1_2", GCM, True),
    ("Intermediate", {"type": "Intermediate"}, "-tls1_2", CBC_SHA256, False),
    ("Modern", {"type": "Modern"}, "-tls1_2", GCM, False),
    ("Modern", {"type": "Modern"}, "-tls1_3", None, True),
    ("Old", {"type": "Old"}, "-tls1_2", CBC_SHA1, True),
    ("Custom", CUSTOM, "-tls1_2", GCM_256, True),
    ("Custom", CUSTOM, "-tls1_2", GCM, False),
]


def s_client(port: int, version_flag: str, cipher: str | None) -> str:
    assert OPENSSL is not None
    command = [OPENSSL, "s_client", "-connect", f"127.0.0.1:{port}", version_flag]
    if cipher is not None:
        command += ["-cipher", f"{cipher}:@SECLEVEL=0"]
    result = subprocess.run(command, input=b"", capture_output=True, timeout=30, check=False)
    return result.stdout.decode(errors="replace") + result.stderr.decode(errors="replace")


@pytest.mark.skipif(
    OPENSSL is None, reason="openssl is not installed (hack/install-system-deps.sh)"
)
@pytest.mark.parametrize(
    "case", S_CLIENT_CASES, ids=[f"{c[0]}{c[2]}-{c[3] or 'default'}" for c in S_CLIENT_CASES]
)
async def test_profile_with_openssl_s_client(pki, case):
    _, profile, flag, cipher, accepted = case
    security, _ = security_for(profile)
    server = await serving(pki, security)
    try:
        output = await asyncio.to_thread(s_client, server.bound_port, flag, cipher)
    finally:
        await server.stop()
    negotiated = "Cipher is (NONE)" not in output and "Cipher is " in output
    assert negotiated == accepted, output[-1500:]
    if accepted and cipher is not None:
        assert f"Cipher is {cipher}" in output


def test_predefined_profiles_are_openshifts():
    assert PROFILES["Intermediate"].min_tls_version == "VersionTLS12"
    assert PROFILES["Modern"].ciphers == (
        "TLS_AES_128_GCM_SHA256",
        "TLS_AES_256_GCM_SHA384",
        "TLS_CHACHA20_POLY1305_SHA256",
    )
    assert len(PROFILES["Old"].ciphers) == 29
    assert len(PROFILES["Intermediate"].ciphers) == 11
    assert all("GCM" in c or "CHACHA20" in c for c in PROFILES["Intermediate"].ciphers), "no CBC"
    assert security_for(None) == (INTERMEDIATE, [])
    assert security_for({}) == (INTERMEDIATE, [])
    assert security_for({"type": "Intermediate", "intermediate": {}})[0] == INTERMEDIATE


@pytest.mark.parametrize(
    ("profile", "expected", "problem"),
    [
        (
            {"type": "Sideways"},
            INTERMEDIATE,
            "type 'Sideways' is not one of Old, Intermediate, Modern, Custom; using Intermediate",
        ),
        ({"type": "Custom"}, INTERMEDIATE, "custom is missing; using Intermediate"),
        (
            {
                "type": "Custom",
                "custom": {"minTLSVersion": "VersionTLS12", "ciphers": ["NOPE", GCM]},
            },
            TLSSecurity("Custom", V.TLSv1_2, (GCM,)),
            "ciphers unknown to OpenSSL are left out: NOPE",
        ),
        (
            {"type": "Custom", "custom": {"minTLSVersion": "VersionTLS12", "ciphers": ["NOPE"]}},
            TLSSecurity("Custom", V.TLSv1_3, ()),
            "names no usable TLS 1.2 cipher; serving TLS 1.3 only",
        ),
        (
            {"type": "Custom", "custom": {"minTLSVersion": "TLS9", "ciphers": [GCM]}},
            TLSSecurity("Custom", V.TLSv1_2, (GCM,)),
            "minTLSVersion 'TLS9' of profile Custom is not one of",
        ),
    ],
    ids=["unknown-type", "custom-missing", "unknown-cipher", "no-usable-cipher", "bad-version"],
)
def test_bad_profiles_fall_back_and_say_why(profile, expected, problem):
    security, problems = security_for(profile)
    assert security == expected
    assert any(problem in message for message in problems), problems


def apiserver(profile: Any, **extra: Any) -> dict[str, Any]:
    spec: dict[str, Any] = {**extra}
    if profile is not None:
        spec["tlsSecurityProfile"] = profile
    return {
        "apiVersion": "config.openshift.io/v1",
        "kind": "APIServer",
        "metadata": {"name": "cluster"},
        "spec": spec,
    }


async def test_profile_changes_are_followed_without_a_restart_storm(emulated_cluster, pki):
    source = TLSProfileSource()
    files = TLSFiles(
        pki.server_dir / "apiserver.crt", pki.server_dir / "apiserver.key", security=source.get
    )
    server = HTTPSServer(
        webhook_app([]),
        name="webhook server",
        host="127.0.0.1",
        port=0,
        tls=files,
        poll_interval=0.05,
    )
    tls12 = client_context(pki, V.TLSv1_2, GCM)
    async with KubeClient(from_kubeconfig(emulated_cluster.kubeconfig_path)) as client:
        await source.refresh(client)  # no APIServer object: Intermediate
        assert source.get() == INTERMEDIATE
        await server.start()
        try:
            port = server.bound_port
            assert await asyncio.to_thread(handshake, port, tls12) is not None

            emulated_cluster.apply(apiserver({"type": "Modern", "modern": {}}))
            await source.refresh(client)
            assert source.get().minimum_version == V.TLSv1_3
            await asyncio.to_thread(
                wait_for,
                lambda: handshake(port, tls12) is None,
                timeout=30,
                message="TLS 1.2 refused under Modern",
            )
            assert server.bound_port == port, "the listener restarts on the same port"

            before = files.fingerprint()
            emulated_cluster.apply(
                apiserver({"type": "Modern", "modern": {}}, audit={"profile": "AllRequestBodies"})
            )
            await source.refresh(client)
            assert files.fingerprint() == before, "an unrelated change must not restart"

            emulated_cluster.inject_fault(500, count=1, resource="apiservers")
            await source.refresh(client)
            assert source.get().minimum_version == V.TLSv1_3, "a failed read keeps the profile"

            emulated_cluster.apply(apiserver(None))
            await source.refresh(client)
            assert source.get() == INTERMEDIATE
            await asyncio.to_thread(
                wait_for,
                lambda: handshake(port, tls12) is not None,
                timeout=30,
                message="TLS 1.2 accepted again under Intermediate",
            )
        finally:
            await server.stop()

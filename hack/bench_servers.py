#!/usr/bin/env python3
"""Benchmark of the operator's HTTPS servers (issue 12): big ConversionReviews, TLS profiles.

Run by `make bench` (or directly: ``.venv/bin/python hack/bench_servers.py``).

- ConversionReviews of v2 PerformanceProfiles (with status, ~1.2 KB each) posted over TLS to the
  real ``/convert`` route on the shared webhook server, growing until the route's limit answers
  413; prints objects, bytes and milliseconds per size and the largest answered.
- For each TLS security profile (Old, Intermediate, Modern, Custom), which TLS versions and how
  many of this OpenSSL's ECDHE-ECDSA suites (the test certificate is ECDSA) a real client can
  negotiate over TLS 1.2, and how many of those are CBC.

Prints one line per measurement; exits 0. Tests never assert wall time.
"""

from __future__ import annotations

import asyncio
import functools
import io
import json
import socket
import ssl
import sys
import tempfile
import time
import warnings
from pathlib import Path
from typing import Any

import aiohttp
import trustme

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from nto.operator.https import HTTPSServer
from nto.operator.tls import TLSFiles
from nto.operator.tls_profile import TLSSecurity, security_for
from nto.operator.webhook_server import webhook_app
from nto_api.names import PERFORMANCE_V2
from nto_performance.webhooks import CONVERT_MAX_BYTES, CONVERT_PATH, routes

SIZES = (1_000, 5_000, 20_000)
PROFILES: dict[str, Any] = {
    "Old": {"type": "Old"},
    "Intermediate": {"type": "Intermediate"},
    "Modern": {"type": "Modern"},
    "Custom": {
        "type": "Custom",
        "custom": {
            "minTLSVersion": "VersionTLS12",
            "ciphers": ["ECDHE-ECDSA-AES256-GCM-SHA384", "ECDHE-RSA-AES256-GCM-SHA384"],
        },
    },
}
VERSIONS = (
    ssl.TLSVersion.TLSv1,
    ssl.TLSVersion.TLSv1_1,
    ssl.TLSVersion.TLSv1_2,
    ssl.TLSVersion.TLSv1_3,
)


def _object_json(index: int) -> str:
    name = f"profile-{index:06d}"
    obj = {
        "apiVersion": PERFORMANCE_V2,
        "kind": "PerformanceProfile",
        "metadata": {"name": name, "uid": f"uid-{index}", "resourceVersion": str(index + 1)},
        "spec": {
            "cpu": {"reserved": "0-3", "isolated": "4-63", "offlined": "64-67"},
            "nodeSelector": {f"node-role.kubernetes.io/{name}": ""},
            "hugepages": {"defaultHugepagesSize": "1G", "pages": [{"size": "1G", "count": 4}]},
            "realTimeKernel": {"enabled": True},
            "workloadHints": {"realTime": True, "highPowerConsumption": False},
        },
        "status": {
            "conditions": [
                {
                    "type": kind,
                    "status": "True" if kind == "Available" else "False",
                    "lastHeartbeatTime": "2026-01-01T00:00:00Z",
                    "lastTransitionTime": "2026-01-01T00:00:00Z",
                }
                for kind in ("Available", "Upgradeable", "Progressing", "Degraded")
            ],
            "runtimeClass": f"performance-{name}",
            "tuned": f"openshift-cluster-node-tuning-operator/openshift-node-performance-{name}",
        },
    }
    return json.dumps(obj)


def _review(count: int) -> bytes:
    objects = ",".join(_object_json(index) for index in range(count))
    return (
        '{"apiVersion": "apiextensions.k8s.io/v1", "kind": "ConversionReview", "request": '
        '{"uid": "bench", "desiredAPIVersion": PERFORMANCE_V1, '
        f'"objects": [{objects}]}}}}'
    ).encode()


def _pki(directory: Path) -> tuple[trustme.CA, TLSFiles]:
    ca = trustme.CA()
    cert = ca.issue_cert("127.0.0.1")
    cert.cert_chain_pems[0].write_to_path(str(directory / "tls.crt"))
    cert.private_key_pem.write_to_path(str(directory / "tls.key"))
    return ca, TLSFiles(directory / "tls.crt", directory / "tls.key")


async def _bench_conversion(ca: trustme.CA, files: TLSFiles) -> None:
    server = HTTPSServer(
        webhook_app(routes(provider=None)),
        name="webhook server",
        host="127.0.0.1",
        port=0,
        tls=files,
    )
    await server.start()
    context = ssl.create_default_context()
    ca.configure_trust(context)
    url = f"https://127.0.0.1:{server.bound_port}{CONVERT_PATH}"
    largest: tuple[int, int, float] | None = None
    over = CONVERT_MAX_BYTES // len(_object_json(0)) + 1_000
    try:
        async with aiohttp.ClientSession(timeout=aiohttp.ClientTimeout(total=600)) as session:
            for count in (*SIZES, over):
                body = _review(count)
                started = time.perf_counter()
                async with session.post(
                    url,
                    data=io.BytesIO(body),
                    headers={"Content-Type": "application/json"},
                    ssl=context,
                ) as response:
                    answer = await response.read()
                    status = response.status
                elapsed = (time.perf_counter() - started) * 1000
                decoded = json.loads(answer)
                converted = len((decoded.get("response") or {}).get("convertedObjects") or [])
                ok = status == 200 and converted == count
                print(
                    f"ConversionReview over TLS: {count:>6} objects, {len(body):>11,} bytes ->"
                    f" HTTP {status}, {converted} converted, {elapsed:,.0f} ms"
                    + ("" if ok else f" ({decoded.get('error') or decoded})")
                )
                if ok:
                    largest = (count, len(body), elapsed)
                del body, answer, decoded
    finally:
        await server.stop()
    if largest is not None:
        count, size, elapsed = largest
        print(
            f"largest ConversionReview answered: {count} objects, {size:,} bytes, {elapsed:,.0f} ms"
        )


def _handshake(port: int, ca: trustme.CA, version: ssl.TLSVersion, cipher: str | None) -> bool:
    context = ssl.create_default_context()
    ca.configure_trust(context)
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", DeprecationWarning)
        context.minimum_version = version
        context.maximum_version = version
    context.set_ciphers(f"{cipher or 'ALL'}:@SECLEVEL=0")
    try:
        with (
            socket.create_connection(("127.0.0.1", port), timeout=10) as raw,
            context.wrap_socket(raw, server_hostname="127.0.0.1"),
        ):
            return True
    except (ssl.SSLError, OSError):
        return False


def _tls12_ciphers() -> list[str]:
    probe = ssl.SSLContext(ssl.PROTOCOL_TLS_CLIENT)
    probe.set_ciphers("ALL:@SECLEVEL=0")
    return [c["name"] for c in probe.get_ciphers() if "ECDSA" in c["name"]]


def _same(security: TLSSecurity) -> TLSSecurity:
    return security


async def _bench_profiles(ca: trustme.CA, files: TLSFiles) -> None:
    ciphers = _tls12_ciphers()
    for name, profile in PROFILES.items():
        security: TLSSecurity = security_for(profile)[0]
        server = HTTPSServer(
            webhook_app([]),
            name="webhook server",
            host="127.0.0.1",
            port=0,
            tls=TLSFiles(
                files.cert_file, files.key_file, security=functools.partial(_same, security)
            ),
        )
        await server.start()
        port = server.bound_port
        try:
            versions = [
                v.name for v in VERSIONS if await asyncio.to_thread(_handshake, port, ca, v, None)
            ]
            accepted = [
                c
                for c in ciphers
                if await asyncio.to_thread(_handshake, port, ca, ssl.TLSVersion.TLSv1_2, c)
            ]
        finally:
            await server.stop()
        cbc = [c for c in accepted if "GCM" not in c and "CHACHA20" not in c]
        print(
            f"TLS profile {name:<12} versions accepted: {', '.join(versions) or 'none'};"
            f" TLS 1.2 accepts {len(accepted)} of the {len(ciphers)} ECDHE-ECDSA suites"
            f" offered ({len(cbc)} CBC)"
        )
    print(f"TLS profiles tested: {', '.join(PROFILES)}")


async def main() -> None:
    with tempfile.TemporaryDirectory() as directory:
        ca, files = _pki(Path(directory))
        await _bench_conversion(ca, files)
        await _bench_profiles(ca, files)


if __name__ == "__main__":
    asyncio.run(main())

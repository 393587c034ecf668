"""Certificates for the HTTPS server tests (trustme)."""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

import pytest
import trustme


@dataclass
class Pki:
    ca: trustme.CA
    server_dir: Path
    client_cert: Path
    other_client_cert: Path


@pytest.fixture
def pki(tmp_path: Path) -> Pki:
    ca = trustme.CA()
    server = ca.issue_cert("127.0.0.1", "localhost")
    server_dir = tmp_path / "server"
    server_dir.mkdir()
    server.cert_chain_pems[0].write_to_path(str(server_dir / "tls.crt"))
    server.private_key_pem.write_to_path(str(server_dir / "tls.key"))
    server.cert_chain_pems[0].write_to_path(str(server_dir / "apiserver.crt"))
    server.private_key_pem.write_to_path(str(server_dir / "apiserver.key"))
    client = ca.issue_cert("prometheus-k8s")
    client_cert = tmp_path / "client.pem"
    client.private_key_and_cert_chain_pem.write_to_path(str(client_cert))
    stranger = trustme.CA().issue_cert("intruder")
    other_client_cert = tmp_path / "other.pem"
    stranger.private_key_and_cert_chain_pem.write_to_path(str(other_client_cert))
    return Pki(ca, server_dir, client_cert, other_client_cert)

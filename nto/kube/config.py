"""Find the API server and credentials: ``KUBECONFIG``, then in-cluster, then ``~/.kube/config``.

This is the reference's precedence (controller-runtime's ``GetConfig``). Reading kubeconfig here
instead of through the ``kubernetes`` package keeps short commands fast; the result converts to
kopf's ``ConnectionInfo`` in :mod:`nto.operator.runtime`.
"""

from __future__ import annotations

import base64
import os
from collections.abc import Mapping
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import yaml

from nto_api import safe_yaml

SERVICE_ACCOUNT_DIR = Path("/var/run/secrets/kubernetes.io/serviceaccount")


class KubeConfigError(Exception):
    """No usable cluster configuration could be found or parsed."""


@dataclass(frozen=True)
class Connection:
    """Where the API server is and how to authenticate to it."""

    server: str
    source: str
    ca_path: str | None = None
    ca_data: bytes | None = None
    insecure: bool = False
    token: str | None = None
    token_path: str | None = None
    """A file holding the token, read again while running (bound tokens rotate); it wins over
    ``token`` once read, like client-go's ``BearerTokenFile``."""
    username: str | None = None
    password: str | None = None
    certificate_path: str | None = None
    certificate_data: bytes | None = None
    private_key_path: str | None = None
    private_key_data: bytes | None = None
    namespace: str | None = None


def load_connection(environ: Mapping[str, str] | None = None) -> Connection:
    """Resolve the connection with the reference's precedence (credentials kept out of logs)."""
    from nto.kube.kubeconfig import remember_secrets

    return remember_secrets(_resolve_connection(os.environ if environ is None else environ))


def _resolve_connection(env: Mapping[str, str]) -> Connection:
    if env.get("KUBECONFIG"):
        from nto.kube.kubeconfig import connection_from_kubeconfigs

        return connection_from_kubeconfigs(env["KUBECONFIG"])
    if env.get("KUBERNETES_SERVICE_HOST") and (SERVICE_ACCOUNT_DIR / "token").exists():
        return in_cluster(env)
    home = Path(env.get("HOME", str(Path.home()))) / ".kube" / "config"
    if home.exists():
        return from_kubeconfig(home)
    raise KubeConfigError(
        "no cluster configuration: set KUBECONFIG, run in a pod, or create ~/.kube/config"
    )


def in_cluster(env: Mapping[str, str]) -> Connection:
    """The pod's service account: token, CA and namespace from the mounted secret."""
    host, port = env["KUBERNETES_SERVICE_HOST"], env.get("KUBERNETES_SERVICE_PORT", "443")
    if ":" in host:
        host = f"[{host}]"
    namespace_file = SERVICE_ACCOUNT_DIR / "namespace"
    return Connection(
        server=f"https://{host}:{port}",
        source="in-cluster",
        ca_path=str(SERVICE_ACCOUNT_DIR / "ca.crt"),
        token=(SERVICE_ACCOUNT_DIR / "token").read_text().strip(),
        token_path=str(SERVICE_ACCOUNT_DIR / "token"),
        namespace=namespace_file.read_text().strip() if namespace_file.exists() else None,
    )


def from_kubeconfig(path: Path, *, context: str | None = None) -> Connection:
    """Parse a kubeconfig file and return its current (or the named) context's connection."""
    try:
        document = safe_yaml.load(path.read_text())
    except OSError as exc:
        raise KubeConfigError(f"cannot read kubeconfig {str(path)!r}: {exc.strerror}") from exc
    except yaml.YAMLError as exc:
        raise KubeConfigError(f"kubeconfig {str(path)!r} is not valid YAML: {exc}") from exc
    if not isinstance(document, dict):
        raise KubeConfigError(f"kubeconfig {str(path)!r} is not a mapping")
    return from_document(document, source=str(path), base=path.parent, context=context)


def from_document(
    document: dict[str, Any],
    *,
    source: str,
    base: Path,
    context: str | None = None,
) -> Connection:
    """The connection of a parsed kubeconfig; relative file paths resolve against `base`."""
    path = Path(source)
    name = context or document.get("current-context")
    ctx = _named(document, "contexts", "context", name, path)
    cluster = _named(document, "clusters", "cluster", ctx.get("cluster"), path)
    user = _named(document, "users", "user", ctx.get("user"), path) if ctx.get("user") else {}
    if not cluster.get("server"):
        raise KubeConfigError(f"kubeconfig {str(path)!r}: cluster has no 'server'")
    return Connection(
        server=str(cluster["server"]),
        source=source,
        ca_path=_path(cluster.get("certificate-authority"), base),
        ca_data=_data(cluster.get("certificate-authority-data")),
        insecure=bool(cluster.get("insecure-skip-tls-verify", False)),
        token=user.get("token") or _token_file(user.get("tokenFile"), base, path),
        token_path=_path(user.get("tokenFile"), base),
        username=user.get("username"),
        password=user.get("password"),
        certificate_path=_path(user.get("client-certificate"), base),
        certificate_data=_data(user.get("client-certificate-data")),
        private_key_path=_path(user.get("client-key"), base),
        private_key_data=_data(user.get("client-key-data")),
        namespace=ctx.get("namespace"),
    )


def _token_file(value: Any, base: Path, kubeconfig: Path) -> str | None:
    path = _path(value, base)
    if path is None:
        return None
    try:
        return Path(path).read_text().strip() or None
    except OSError as exc:
        raise KubeConfigError(
            f"kubeconfig {str(kubeconfig)!r}: cannot read tokenFile {path!r}: {exc.strerror}"
        ) from exc


def _named(document: dict[str, Any], section: str, key: str, name: Any, path: Path) -> Any:
    for entry in document.get(section) or []:
        if isinstance(entry, dict) and entry.get("name") == name:
            value = entry.get(key)
            return value if isinstance(value, dict) else {}
    raise KubeConfigError(f"kubeconfig {str(path)!r}: no entry {name!r} in {section!r}")


def _path(value: Any, base: Path) -> str | None:
    if not value:
        return None
    candidate = Path(str(value))
    return str(candidate if candidate.is_absolute() else base / candidate)


def _data(value: Any) -> bytes | None:
    return base64.b64decode(value) if value else None

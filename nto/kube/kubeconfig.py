"""Merge every kubeconfig named by ``KUBECONFIG`` the way kubectl and client-go do.

``KUBECONFIG`` is a list of paths (``:``-separated on Linux). Empty entries and repeated paths
are dropped, files that do not exist are skipped, and at least one must exist. Each file's
relative paths (``certificate-authority``, ``client-certificate``, ``client-key``,
``tokenFile``) are resolved against that file's directory first; then, for clusters, users and
contexts, the first file to define a name wins, and ``current-context`` comes from the first
file that sets one. :func:`connection_from_kubeconfigs` hands the merged document to
:func:`nto.kube.config.from_document`; :func:`remember_secrets` tells the log redaction
(:mod:`nto.logredact`) which credential values must never be printed. Neighbours:
:mod:`nto.kube.config` (precedence between KUBECONFIG, in-cluster and ``~/.kube/config``).
"""

from __future__ import annotations

import os
from collections.abc import Iterable
from pathlib import Path
from typing import TYPE_CHECKING, Any, Final

import yaml

from nto.logredact import register_secret

if TYPE_CHECKING:
    from nto.kube.config import Connection

__all__ = [
    "connection_from_kubeconfigs",
    "kubeconfig_paths",
    "merge_kubeconfigs",
    "remember_secrets",
]

_SECTIONS: Final = (("clusters", "cluster"), ("users", "user"), ("contexts", "context"))
_RELATIVE_FIELDS: Final = {
    "cluster": ("certificate-authority",),
    "user": ("client-certificate", "client-key", "tokenFile"),
}


def kubeconfig_paths(value: str) -> list[Path]:
    """The paths of a ``KUBECONFIG`` value, in order, without empty entries or repeats."""
    seen: set[str] = set()
    paths: list[Path] = []
    for entry in value.split(os.pathsep):
        if entry and entry not in seen:
            seen.add(entry)
            paths.append(Path(entry))
    return paths


def _read(path: Path) -> dict[str, Any]:
    from nto.kube.config import KubeConfigError

    try:
        document = yaml.safe_load(path.read_text())
    except OSError as exc:
        raise KubeConfigError(f"cannot read kubeconfig {str(path)!r}: {exc.strerror}") from exc
    except yaml.YAMLError as exc:
        raise KubeConfigError(f"kubeconfig {str(path)!r} is not valid YAML: {exc}") from exc
    if document is None:
        return {}
    if not isinstance(document, dict):
        raise KubeConfigError(f"kubeconfig {str(path)!r} is not a mapping")
    return document


def _absolute(entry: Any, kind: str, base: Path) -> Any:
    """A copy of a named cluster/user entry with its relative file paths made absolute."""
    if not isinstance(entry, dict) or not isinstance(entry.get(kind), dict):
        return entry
    body = dict(entry[kind])
    for key in _RELATIVE_FIELDS.get(kind, ()):
        value = body.get(key)
        if isinstance(value, str) and value and not os.path.isabs(value):
            body[key] = str(base / value)
    return {**entry, kind: body}


def merge_kubeconfigs(paths: Iterable[Path]) -> tuple[dict[str, Any], list[Path]]:
    """The merged document and the files it came from (raise when none of them exists)."""
    from nto.kube.config import KubeConfigError

    wanted = list(paths)
    merged: dict[str, Any] = {section: [] for section, _ in _SECTIONS}
    names: dict[str, set[Any]] = {section: set() for section, _ in _SECTIONS}
    used: list[Path] = []
    for path in wanted:
        if not path.exists():
            continue
        document = _read(path)
        used.append(path)
        if not merged.get("current-context") and document.get("current-context"):
            merged["current-context"] = document["current-context"]
        for section, kind in _SECTIONS:
            for entry in document.get(section) or []:
                name = entry.get("name") if isinstance(entry, dict) else None
                if name is None or name in names[section]:
                    continue
                names[section].add(name)
                merged[section].append(_absolute(entry, kind, path.absolute().parent))
    if not used:
        shown = ", ".join(repr(str(path)) for path in wanted) or "''"
        raise KubeConfigError(
            f"no kubeconfig found: {shown} (from --kubeconfig or KUBECONFIG) does not exist; "
            "point them at an existing file"
        )
    return merged, used


def connection_from_kubeconfigs(value: str, *, context: str | None = None) -> Connection:
    """The connection of the merged kubeconfigs of a ``KUBECONFIG`` value."""
    from nto.kube.config import from_document

    document, used = merge_kubeconfigs(kubeconfig_paths(value))
    source = os.pathsep.join(str(path) for path in used)
    return from_document(document, source=source, base=Path("/"), context=context)


def remember_secrets(connection: Connection) -> Connection:
    """Register the connection's credentials with the log redaction; return it unchanged."""
    for secret in (
        connection.token,
        connection.password,
        connection.private_key_data,
    ):
        register_secret(secret)
    return connection

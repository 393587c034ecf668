"""The objects ``nto preview -f FILE`` previews: PerformanceProfiles and Tuneds, read safely.

Each ``-f`` names a YAML or JSON file (``-`` reads standard input) of one or more documents;
``List`` kinds are flattened. Files over :data:`MAX_FILE_BYTES` are refused before reading, and
every document goes through the bounded loader (:mod:`nto_api.safe_yaml`: no alias bombs, no
deep nesting). A document that is not a PerformanceProfile (``performance.openshift.io``) or a
Tuned (``tuned.openshift.io/v1``), or has no ``metadata.name``, is a
:class:`~.errors.PreviewError` naming the file, the document and the fix. Neighbours:
:mod:`.command` (the caller).
"""

from __future__ import annotations

import sys
from dataclasses import dataclass
from pathlib import Path
from typing import Any, Final

import yaml

from nto_api import safe_yaml
from nto_api.names import PERFORMANCE_GROUP, PERFORMANCE_KIND, TUNED_KIND, TUNED_V1
from nto_api.objects import name_of
from nto_performance.preview.errors import PreviewError

__all__ = ["MAX_FILE_BYTES", "InputObject", "read_inputs"]

MAX_FILE_BYTES: Final = 8 * 1024 * 1024
_MAX_OBJECTS: Final = 1_000


@dataclass(frozen=True)
class InputObject:
    """One object to preview and where it came from (``file`` or ``file#2`` for document 2)."""

    kind: str
    name: str
    obj: dict[str, Any]
    source: str


def _read(path: str) -> bytes:
    if path == "-":
        data = sys.stdin.buffer.read(MAX_FILE_BYTES + 1)
    else:
        file = Path(path)
        try:
            if file.is_dir():
                raise PreviewError(f"-f {path!r} is a directory; name a YAML or JSON file")
            if file.stat().st_size > MAX_FILE_BYTES:
                raise PreviewError(
                    f"-f {path!r} is {file.stat().st_size} bytes, over the {MAX_FILE_BYTES} "
                    "bytes a preview reads; split it"
                )
            data = file.read_bytes()
        except OSError as exc:
            raise PreviewError(f"cannot read -f {path!r}: {exc.strerror or exc}") from exc
    if len(data) > MAX_FILE_BYTES:
        raise PreviewError(f"-f {path!r} is over the {MAX_FILE_BYTES} bytes a preview reads")
    return data


def _documents(path: str, data: bytes) -> list[Any]:
    try:
        return safe_yaml.load_all(data)
    except yaml.YAMLError as exc:
        mark = getattr(exc, "problem_mark", None)
        where = f" at line {mark.line + 1}, column {mark.column + 1}" if mark else ""
        problem = getattr(exc, "problem", None) or exc
        raise PreviewError(f"-f {path!r} is not valid YAML or JSON{where}: {problem}") from exc
    except (UnicodeDecodeError, ValueError, RecursionError) as exc:
        raise PreviewError(f"-f {path!r} cannot be read as YAML or JSON: {exc}") from exc


def _flatten(document: Any) -> list[Any]:
    if isinstance(document, dict) and str(document.get("kind", "")).endswith("List"):
        items = document.get("items")
        return list(items) if isinstance(items, list) else []
    return [document]


def _object(document: Any, where: str) -> InputObject:
    if not isinstance(document, dict):
        raise PreviewError(
            f"{where} is a {type(document).__name__}, not an object; give PerformanceProfile "
            "or Tuned manifests"
        )
    api_version = document.get("apiVersion")
    kind = document.get("kind")
    group = api_version.partition("/")[0] if isinstance(api_version, str) else ""
    if not (
        (kind == PERFORMANCE_KIND and group == PERFORMANCE_GROUP)
        or (kind == TUNED_KIND and api_version == TUNED_V1)
    ):
        raise PreviewError(
            f"{where} is apiVersion {api_version!r} kind {kind!r}; nto preview takes "
            f"{PERFORMANCE_GROUP} PerformanceProfiles and {TUNED_V1} Tuneds"
        )
    name = name_of(document)
    if not name:
        raise PreviewError(f"{where} ({kind}) has no metadata.name; name the object")
    return InputObject(kind=str(kind), name=name, obj=document, source=where)


def read_inputs(paths: list[str]) -> list[InputObject]:
    """Every object of every ``-f`` file, in order; :class:`PreviewError` on bad input."""
    if not paths:
        raise PreviewError("no input: pass -f FILE (or -f - for standard input)")
    found: list[InputObject] = []
    seen: dict[tuple[str, str], str] = {}
    for path in paths:
        documents = [d for d in _documents(path, _read(path)) if d is not None]
        for index, document in enumerate(documents):
            where = f"{path!r}" if len(documents) == 1 else f"{path!r} document {index + 1}"
            for item in _flatten(document):
                entry = _object(item, where)
                key = (entry.kind, entry.name)
                if key in seen:
                    raise PreviewError(
                        f"{entry.kind} {entry.name!r} is given twice ({seen[key]} and {where}); "
                        "give each object once"
                    )
                seen[key] = where
                found.append(entry)
                if len(found) > _MAX_OBJECTS:
                    raise PreviewError(f"more than {_MAX_OBJECTS} objects; preview fewer at once")
    if not found:
        raise PreviewError(f"no PerformanceProfile or Tuned in {', '.join(map(repr, paths))}")
    return found

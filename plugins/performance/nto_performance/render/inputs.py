"""Read the render command's input directories: multi-document YAML or JSON, kept by kind.

Every regular file under the input directories (walked recursively, in sorted order) is parsed as
multi-document YAML (JSON is YAML too; a JSON file with tabs is read with the JSON parser). Of the
documents, only these are used (spec section 4): ``performance.openshift.io/v2``
PerformanceProfiles, ``machineconfiguration.openshift.io/v1`` MachineConfigPools and
MachineConfigs, and the ``config.openshift.io/v1`` Infrastructure named ``cluster``. Profiles in
other versions are skipped with a message saying why; other kinds are skipped quietly.
Documents are read by `nto_api.quickread` (no pydantic); what it does not accept with certainty
goes to the pydantic models, which accept it or name the invalid fields.
Neighbours: :mod:`.assets` consumes `Inputs`; :mod:`.errors`.
"""

from __future__ import annotations

import json
import logging
import os
from collections.abc import Iterator, Sequence
from pathlib import Path
from typing import TYPE_CHECKING, Any, Final

from nto_api import quickread, safe_yaml
from nto_api.names import (
    CONFIG_V1,
    MACHINECONFIG_V1,
    PERFORMANCE_V1,
    PERFORMANCE_V1ALPHA1,
    PERFORMANCE_V2,
)
from nto_api.objects import name_of
from nto_api.pyyaml import yaml
from nto_performance.render.errors import InputError

if TYPE_CHECKING:
    from nto_api.views import InfrastructureView, PoolView, ProfileView

__all__ = ["Inputs", "Source", "iter_input_files", "load_documents", "read_inputs"]

logger = logging.getLogger(__name__)

_PROFILE_KIND: Final = "PerformanceProfile"
_OLD_PROFILE_VERSIONS: Final = (PERFORMANCE_V1, PERFORMANCE_V1ALPHA1)
_INFRASTRUCTURE_NAME: Final = "cluster"


class _Loader(getattr(yaml, "CSafeLoader", yaml.SafeLoader)):  # type: ignore[misc]
    """Safe YAML loader that keeps timestamps as text, as Kubernetes' YAML-to-JSON does."""


_Loader.yaml_implicit_resolvers = {
    first: [(tag, regexp) for tag, regexp in resolvers if tag != "tag:yaml.org,2002:timestamp"]
    for first, resolvers in yaml.SafeLoader.yaml_implicit_resolvers.items()
}


class Source:
    """Where a document came from: the file and its 1-based position in the file.

    Here and below plain classes rather than dataclasses: creating a dataclass costs ~0.5 ms
    of the command's start-up.
    """

    __slots__ = ("index", "path")

    def __init__(self, path: Path, index: int) -> None:
        self.path = path
        self.index = index

    def __repr__(self) -> str:
        return f"Source({self.path!r}, {self.index!r})"

    def __eq__(self, other: object) -> bool:
        if not isinstance(other, Source):
            return NotImplemented
        return (self.path, self.index) == (other.path, other.index)

    def __hash__(self) -> int:
        return hash((self.path, self.index))

    def __str__(self) -> str:
        return f"{self.path} (document {self.index})"


class Inputs:
    """The documents render uses, in input order."""

    __slots__ = ("infrastructure", "machine_configs", "pools", "profiles", "skipped")

    def __init__(
        self,
        *,
        profiles: list[tuple[Source, ProfileView]] | None = None,
        pools: list[PoolView] | None = None,
        machine_configs: list[dict[str, Any]] | None = None,
        infrastructure: InfrastructureView | None = None,
        skipped: list[str] | None = None,
    ) -> None:
        self.profiles = [] if profiles is None else profiles
        self.pools = [] if pools is None else pools
        self.machine_configs = [] if machine_configs is None else machine_configs
        self.infrastructure = infrastructure
        self.skipped = [] if skipped is None else skipped
        """One message per document that was skipped for a reason worth telling."""


def read_inputs(directories: Sequence[Path]) -> Inputs:
    """Parse every file under `directories`; `InputError` naming file and line on bad input."""
    inputs = Inputs()
    for path in iter_input_files(directories):
        for index, document in enumerate(load_documents(path), start=1):
            _collect(inputs, Source(path, index), document)
    return inputs


def iter_input_files(directories: Sequence[Path]) -> Iterator[Path]:
    """Regular files under each directory, recursively, sorted within each directory."""
    for directory in directories:
        if not directory.is_dir():
            raise InputError(
                f"input directory {str(directory)!r} does not exist or is not a directory; "
                "pass existing directories to --asset-input-dir (comma-separated)"
            )
        for root, dirs, files in os.walk(directory, onerror=_walk_error):
            dirs.sort()
            for name in sorted(files):
                path = Path(root, name)
                if path.is_file():
                    yield path


def _walk_error(exc: OSError) -> None:
    raise InputError(f"cannot read input directory {exc.filename!r}: {exc.strerror}") from exc


def load_documents(path: Path) -> list[Any]:
    """The documents of one YAML or JSON file (empty documents dropped)."""
    try:
        text = path.read_text(encoding="utf-8")
    except (OSError, UnicodeDecodeError) as exc:
        raise InputError(f"cannot read input file {str(path)!r}: {exc}") from exc
    if text.lstrip().startswith(("{", "[")):
        try:
            return [json.loads(text)]
        except json.JSONDecodeError:
            pass  # maybe YAML flow style; the YAML parser reports the position
        except RecursionError:
            raise InputError(
                f"cannot parse {str(path)!r}: the JSON nests too deeply; flatten the document"
            ) from None
    try:
        return [doc for doc in safe_yaml.load_all(text, loader=_Loader) if doc is not None]
    except yaml.MarkedYAMLError as exc:
        mark = exc.problem_mark or exc.context_mark
        where = f"line {mark.line + 1}, column {mark.column + 1}" if mark else "unknown position"
        problem = exc.problem or exc.context or "invalid YAML"
        raise InputError(
            f"cannot parse {str(path)!r} at {where}: {problem}; fix the YAML or JSON syntax "
            "there, or move the file out of the input directories"
        ) from exc
    except yaml.YAMLError as exc:
        raise InputError(f"cannot parse {str(path)!r}: {exc}") from exc


def _collect(inputs: Inputs, source: Source, document: Any) -> None:
    if not isinstance(document, dict):
        logger.debug("skipping %s: not an object", source)
        return
    api_version, kind = document.get("apiVersion"), document.get("kind")
    name = name_of(document) or None
    if kind == _PROFILE_KIND and api_version == PERFORMANCE_V2:
        profile = quickread.read_profile(document) or _validate(_PROFILE_KIND, document, source)
        inputs.profiles.append((source, profile))
    elif kind == _PROFILE_KIND and api_version in _OLD_PROFILE_VERSIONS:
        message = (
            f"skipping PerformanceProfile {name!r} in {source}: render reads only "
            f"{PERFORMANCE_V2} profiles, and this one is {api_version}; convert it to v2 "
            "(apply it to a cluster and read it back as v2) to render it"
        )
        logger.warning("%s", message)
        inputs.skipped.append(message)
    elif api_version == MACHINECONFIG_V1 and kind == "MachineConfigPool":
        inputs.pools.append(
            quickread.read_pool(document) or _validate("MachineConfigPool", document, source)
        )
    elif api_version == MACHINECONFIG_V1 and kind == "MachineConfig":
        inputs.machine_configs.append(document)
    elif api_version == CONFIG_V1 and kind == "Infrastructure" and name == _INFRASTRUCTURE_NAME:
        inputs.infrastructure = quickread.read_infrastructure(document) or _validate(
            "Infrastructure", document, source
        )
    else:
        logger.debug("skipping %s: %s %s %r is not a render input", source, api_version, kind, name)


def _validate(kind: str, document: dict[str, Any], source: Source) -> Any:
    """Validate with the pydantic model: what `quickread` did not accept with certainty.

    Most inputs never get here (pydantic costs more than the Go command's whole run); the model
    either accepts the document or says which fields are wrong.
    """
    import pydantic

    from nto_api.foreign.config import Infrastructure
    from nto_api.foreign.mco import MachineConfigPool
    from nto_api.performance.v2 import PerformanceProfile
    from nto_api.registry import field_errors

    models: dict[str, type[pydantic.BaseModel]] = {
        _PROFILE_KIND: PerformanceProfile,
        "MachineConfigPool": MachineConfigPool,
        "Infrastructure": Infrastructure,
    }
    try:
        return models[kind].model_validate(document)
    except pydantic.ValidationError as exc:
        listing = "; ".join(f"{path}: {message}" for path, message in field_errors(exc))
        name = name_of(document) or None
        raise InputError(
            f"{document.get('kind')} {name!r} in {source} is invalid: {listing}; fix these fields"
        ) from exc

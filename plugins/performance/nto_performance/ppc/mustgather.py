"""The layout of a must-gather directory, as the profile creator reads it.

A must-gather holds, somewhere below the directory the user names (usually one level down, in a
directory named after the gather image):

- ``cluster-scoped-resources/core/nodes/<node>.yaml``: one Node per file;
- ``cluster-scoped-resources/machineconfiguration.openshift.io/machineconfigpools/<pool>.yaml``;
- ``cluster-scoped-resources/config.openshift.io/infrastructures/cluster.yaml`` (required: its
  ``status.controlPlaneTopology`` says whether the cluster is hosted, i.e. HyperShift);
- ``nodes/<node>/sysinfo.tgz``: each node's hardware snapshot (read by
  `nto_performance.ppc.snapshot`; an unpacked ``sysinfo.tgz`` or ``sysinfo`` directory works too).

Each of these is located by suffix, and exactly one match is required: none, or several (two
must-gathers below the same directory), is a `MustGatherError` naming the matches.
`MustGather.open` walks the tree once; the YAML is parsed on demand and snapshots are never read
here. Neighbours: `selection` picks nodes and pools from what this returns, `snapshot` reads the
per-node archives.
"""

from __future__ import annotations

import logging
import os
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING, Any, Literal, overload

import yaml

from nto_api import quickread, safe_yaml
from nto_api.names import CONFIG_GROUP, MACHINECONFIG_GROUP

if TYPE_CHECKING:
    from nto_api.views import InfrastructureView, NodeView, PoolView

__all__ = [
    "HOSTED_TOPOLOGY",
    "INFRASTRUCTURE_SUFFIX",
    "NODES_SUFFIX",
    "POOLS_SUFFIX",
    "MustGather",
    "MustGatherError",
]

logger = logging.getLogger(__name__)

NODES_SUFFIX = ("cluster-scoped-resources", "core", "nodes")
POOLS_SUFFIX = (
    "cluster-scoped-resources",
    MACHINECONFIG_GROUP,
    "machineconfigpools",
)
INFRASTRUCTURE_SUFFIX = (
    "cluster-scoped-resources",
    CONFIG_GROUP,
    "infrastructures",
    "cluster.yaml",
)
HOSTED_TOPOLOGY = "External"
"""``status.controlPlaneTopology`` of a hosted (HyperShift) cluster's Infrastructure."""

_SNAPSHOT_NAMES = ("sysinfo.tgz", "sysinfo")
_YAML_SUFFIXES = (".yaml", ".yml")
_MAX_YAML_BYTES = 64 << 20


class MustGatherError(ValueError):
    """The must-gather directory is missing a part, holds it twice, or a file is malformed."""


@dataclass(frozen=True, slots=True)
class MustGather:
    """The located parts of one must-gather; files are read by the methods, on demand."""

    root: Path
    nodes_dir: Path
    pools_dir: Path | None
    """``None`` when the must-gather has no pools (a hosted cluster has none)."""
    infrastructure_file: Path
    snapshots_dir: Path

    @classmethod
    def open(cls, root: str | Path) -> MustGather:
        """Locate every part below `root`, or raise `MustGatherError` saying what is wrong."""
        root = Path(root)
        if not root.is_dir():
            raise MustGatherError(
                f"must-gather directory {str(root)!r} does not exist or is not a directory; "
                "pass the directory 'oc adm must-gather' wrote with --must-gather-dir-path"
            )
        found = _walk(root)
        return cls(
            root=root,
            nodes_dir=_only(root, found, NODES_SUFFIX),
            pools_dir=_only(root, found, POOLS_SUFFIX, required=False),
            infrastructure_file=_only(root, found, INFRASTRUCTURE_SUFFIX),
            snapshots_dir=_only(root, found, ("nodes",)),
        )

    def nodes(self) -> list[NodeView]:
        """Every Node of the must-gather, in file-name order."""
        nodes = []
        for path in _yaml_files(self.nodes_dir):
            for item in _items(_load_yaml(path)):
                nodes.append(_validate("Node", item, path))
        return nodes

    def pools(self) -> dict[str, PoolView]:
        """Every MachineConfigPool, keyed by its file name without the extension."""
        if self.pools_dir is None:
            hint = ""
            if self.control_plane_topology() is None:
                hint = f" ({self.standalone_because()})"
            raise MustGatherError(
                f"must-gather directory {str(self.root)!r} has no "
                f"{'/'.join(POOLS_SUFFIX)!r}{hint}; gather the cluster's MachineConfigPools too"
            )
        pools: dict[str, PoolView] = {}
        for path in _yaml_files(self.pools_dir):
            name = path.stem
            try:
                pools[name] = _validate("MachineConfigPool", _load_yaml(path), path)
            except MustGatherError as error:
                if name != "master":
                    raise
                logger.warning("ignoring the master MachineConfigPool: %s", error)
        return pools

    def infrastructure(self) -> InfrastructureView:
        return _validate(
            "Infrastructure", _load_yaml(self.infrastructure_file), self.infrastructure_file
        )

    def control_plane_topology(self) -> str | None:
        """The Infrastructure's ``status.controlPlaneTopology``; ``None`` when it is absent."""
        status = self.infrastructure().status
        return status.control_plane_topology if status is not None else None

    def is_hosted(self) -> bool:
        """True for a HyperShift (hosted control plane) cluster."""
        return self.control_plane_topology() == HOSTED_TOPOLOGY

    def standalone_because(self) -> str:
        """Why the must-gather is read as a standalone cluster, for error messages.

        An Infrastructure without ``status.controlPlaneTopology`` (as the Go binary does, read as
        standalone) is most likely a file cut short, so the message says so.
        """
        topology = self.control_plane_topology()
        if topology is None:
            return (
                f"its Infrastructure {str(self.infrastructure_file)!r} has no "
                "status.controlPlaneTopology (is the file cut short?), so it is read as a "
                f"standalone cluster; a hosted cluster's says {HOSTED_TOPOLOGY!r}"
            )
        return f"status.controlPlaneTopology is {topology!r}, not {HOSTED_TOPOLOGY!r}"

    def snapshot_of(self, node_name: str) -> Path:
        """Return the hardware snapshot of `node_name` (an archive or a directory)."""
        node_dir = self.snapshots_dir / node_name
        if "/" in node_name or node_name in ("", ".", ".."):
            raise MustGatherError(f"node name {node_name!r} is not a valid directory name")
        for name in _SNAPSHOT_NAMES:
            candidate = node_dir / name
            if candidate.exists():
                return candidate
        raise MustGatherError(
            f"node {node_name!r} has no hardware snapshot: expected "
            f"{str(node_dir / 'sysinfo.tgz')!r}; gather it again with the performance "
            "must-gather image"
        )


def _walk(root: Path) -> dict[tuple[str, ...], list[Path]]:
    """Return the paths below `root` whose trailing components match a wanted suffix.

    ``namespaces`` trees are skipped, and so is the inside of the per-node ``nodes`` directory
    (a snapshot directory there can hold thousands of files); symbolic links are not followed.
    """
    found: dict[tuple[str, ...], list[Path]] = {
        NODES_SUFFIX: [],
        POOLS_SUFFIX: [],
        INFRASTRUCTURE_SUFFIX: [],
        ("nodes",): [],
    }
    directory_of_file = INFRASTRUCTURE_SUFFIX[:-1]
    for top, dirs, files in os.walk(root, followlinks=False):
        parts = Path(top).relative_to(root).parts
        for suffix in (NODES_SUFFIX, POOLS_SUFFIX):
            if parts[-len(suffix) :] == suffix:
                found[suffix].append(Path(top))
        if parts[-len(directory_of_file) :] == directory_of_file and (
            INFRASTRUCTURE_SUFFIX[-1] in files
        ):
            found[INFRASTRUCTURE_SUFFIX].append(Path(top, INFRASTRUCTURE_SUFFIX[-1]))
        if parts and parts[-1] == "nodes" and "cluster-scoped-resources" not in parts:
            found[("nodes",)].append(Path(top))
            dirs.clear()
        dirs[:] = sorted(d for d in dirs if d != "namespaces")
    return found


@overload
def _only(
    root: Path, found: dict[tuple[str, ...], list[Path]], suffix: tuple[str, ...]
) -> Path: ...


@overload
def _only(
    root: Path,
    found: dict[tuple[str, ...], list[Path]],
    suffix: tuple[str, ...],
    *,
    required: bool,
) -> Path | None: ...


def _only(
    root: Path,
    found: dict[tuple[str, ...], list[Path]],
    suffix: tuple[str, ...],
    *,
    required: bool = True,
) -> Path | None:
    matches = found[suffix]
    wanted = "/".join(suffix)
    if not matches and not required:
        return None
    if not matches:
        raise MustGatherError(
            f"must-gather directory {str(root)!r} has no {wanted!r}; pass the directory of a "
            "must-gather made with the performance must-gather image"
        )
    if len(matches) > 1:
        listed = ", ".join(repr(str(m.relative_to(root))) for m in matches)
        raise MustGatherError(
            f"must-gather directory {str(root)!r} has {len(matches)} matches for {wanted!r} "
            f"({listed}); pass the directory of a single must-gather"
        )
    return matches[0]


def _yaml_files(directory: Path) -> list[Path]:
    return sorted(p for p in directory.iterdir() if p.suffix in _YAML_SUFFIXES and p.is_file())


def _load_yaml(path: Path) -> Any:
    try:
        size = path.stat().st_size
        if size > _MAX_YAML_BYTES:
            raise MustGatherError(f"{str(path)!r} is {size} bytes, over {_MAX_YAML_BYTES}")
        return safe_yaml.load(path.read_bytes())
    except OSError as error:
        raise MustGatherError(f"cannot read {str(path)!r}: {error}") from error
    except yaml.YAMLError as error:
        mark = getattr(error, "problem_mark", None)
        where = f" at line {mark.line + 1}, column {mark.column + 1}" if mark else ""
        problem = getattr(error, "problem", None) or error
        raise MustGatherError(f"{str(path)!r} is not valid YAML{where}: {problem}") from error


def _items(document: Any) -> list[Any]:
    """A document's objects: itself, or the items of a ``List`` kind."""
    if isinstance(document, dict) and str(document.get("kind", "")).endswith("List"):
        items = document.get("items") or []
        return list(items) if isinstance(items, list) else [items]
    return [document]


@overload
def _validate(kind: Literal["Node"], document: Any, path: Path) -> NodeView: ...
@overload
def _validate(kind: Literal["MachineConfigPool"], document: Any, path: Path) -> PoolView: ...
@overload
def _validate(kind: Literal["Infrastructure"], document: Any, path: Path) -> InfrastructureView: ...
def _validate(kind: str, document: Any, path: Path) -> Any:
    """The object, read by `nto_api.quickread` or else by the pydantic model, which accepts what
    the quick reader declined or names the first invalid field."""
    if document is None:
        raise MustGatherError(
            f"{str(path)!r} is empty: expected {_article(kind)} {kind} object; gather it again"
        )
    if not isinstance(document, dict):
        raise MustGatherError(
            f"{str(path)!r} holds {type(document).__name__}, not {_article(kind)} {kind} object"
        )
    quick = _QUICK_READERS[kind](document)
    if quick is not None:
        return quick
    from pydantic import ValidationError

    from nto_api.foreign import Infrastructure, MachineConfigPool, Node

    models: dict[str, type[Node | MachineConfigPool | Infrastructure]] = {
        "Node": Node,
        "MachineConfigPool": MachineConfigPool,
        "Infrastructure": Infrastructure,
    }
    try:
        return models[kind].model_validate(document)
    except ValidationError as error:
        first = error.errors()[0]
        where = ".".join(str(part) for part in first["loc"])
        raise MustGatherError(
            f"{str(path)!r} is not a valid {kind}: {where}: {first['msg']}"
        ) from error


def _article(kind: str) -> str:
    return "an" if kind[0] in "AEIOU" else "a"


_QUICK_READERS: dict[str, Callable[[object], Any]] = {
    "Node": quickread.read_node,
    "MachineConfigPool": quickread.read_pool,
    "Infrastructure": quickread.read_infrastructure,
}

"""Fixtures of the profile-creator tests: synthetic machines and the reference must-gathers."""

from __future__ import annotations

import io
import tarfile
from collections.abc import Callable, Iterable
from pathlib import Path
from typing import Any

import pytest
import yaml

from nto_performance.ppc.hardware import Hardware, sysfs_files

REFERENCE = Path(__file__).resolve().parents[4] / ".." / "shared" / "reference"
MUST_GATHER = REFERENCE / "must-gather"

MachineFactory = Callable[..., Hardware]


def machine_layout(
    *,
    sockets: int = 1,
    cores: int = 4,
    threads: int = 1,
    numa_per_socket: int = 1,
    interleave_sockets: bool = False,
) -> list[tuple[int, int, int, int]]:
    """Return ``(cpu, socket, core_id, numa_node)`` for a machine numbered like Linux on x86.

    CPU ids run over the first thread of every core, then over the second threads, and so on
    (siblings are ``cores * sockets`` apart). Sockets are contiguous, or alternate CPU by CPU with
    `interleave_sockets` (as on the reference's 80-CPU worker). Each socket's cores are split
    evenly over `numa_per_socket` NUMA nodes.
    """
    layout = []
    per_numa = cores // numa_per_socket
    total_cores = sockets * cores
    for thread in range(threads):
        for index in range(total_cores):
            if interleave_sockets:
                socket, core = index % sockets, index // sockets
            else:
                socket, core = divmod(index, cores)
            node = socket * numa_per_socket + min(core // per_numa, numa_per_socket - 1)
            layout.append((thread * total_cores + index, socket, core, node))
    return layout


def build_machine(
    layout: Iterable[tuple[int, int, int, int]] | None = None,
    *,
    offline: Iterable[int] = (),
    **shape: int | bool,
) -> Hardware:
    """Return the `Hardware` of a synthetic machine (a layout, or the shape of `machine_layout`)."""
    rows = list(layout) if layout is not None else machine_layout(**shape)  # type: ignore[arg-type]
    return Hardware.from_sysfs(sysfs_files(rows, offline=offline), source="synthetic")


@pytest.fixture
def make_machine() -> MachineFactory:
    return build_machine


@pytest.fixture
def layout() -> Callable[..., list[tuple[int, int, int, int]]]:
    return machine_layout


def _reference_snapshot(node: str) -> Path:
    matches = sorted(MUST_GATHER.glob(f"*/*/nodes/{node}/sysinfo.tgz"))
    if not matches:
        pytest.skip(f"reference must-gather with node {node!r} not found under {MUST_GATHER}")
    return matches[0]


@pytest.fixture
def reference_snapshot() -> Callable[[str], Path]:
    """Return a function giving a node's reference ``sysinfo.tgz``; it skips when data is absent."""
    return _reference_snapshot


@pytest.fixture
def reference_dir() -> Path:
    if not REFERENCE.is_dir():
        pytest.skip(f"reference data not found at {REFERENCE}")
    return REFERENCE


# --- synthetic must-gathers ------------------------------------------------------------------

GATHER_DIR = "quay-io-example-must-gather-sha256-0000"
CLUSTER = f"{GATHER_DIR}/cluster-scoped-resources"
NODES_DIR = f"{CLUSTER}/core/nodes"
POOLS_DIR = f"{CLUSTER}/machineconfiguration.openshift.io/machineconfigpools"
INFRA_FILE = f"{CLUSTER}/config.openshift.io/infrastructures/cluster.yaml"

DEFAULT_POOLS: dict[str, dict[str, Any]] = {
    "master": {
        "labels": {
            "machineconfiguration.openshift.io/mco-built-in": "",
            "pools.operator.machineconfiguration.openshift.io/master": "",
        },
        "selector": {"node-role.kubernetes.io/master": ""},
    },
    "worker": {
        "labels": {
            "machineconfiguration.openshift.io/mco-built-in": "",
            "pools.operator.machineconfiguration.openshift.io/worker": "",
        },
        "selector": {"node-role.kubernetes.io/worker": ""},
    },
    "worker-cnf": {
        "labels": {"machineconfiguration.openshift.io/role": "worker-cnf"},
        "selector": {"node-role.kubernetes.io/worker-cnf": ""},
    },
}

CNF_LABELS = {"node-role.kubernetes.io/worker": "", "node-role.kubernetes.io/worker-cnf": ""}


def write_tgz(path: Path, files: dict[str, str], *, links: dict[str, str] | None = None) -> Path:
    """Write `files` (and symbolic `links`, name -> target) as a gzipped tar at `path`."""
    path.parent.mkdir(parents=True, exist_ok=True)
    with tarfile.open(path, "w:gz") as archive:
        for name, text in files.items():
            data = text.encode()
            info = tarfile.TarInfo(name)
            info.size = len(data)
            archive.addfile(info, io.BytesIO(data))
        for name, target in (links or {}).items():
            info = tarfile.TarInfo(name)
            info.type = tarfile.SYMTYPE
            info.linkname = target
            archive.addfile(info)
    return path


def node_doc(name: str, labels: dict[str, str], **extra: Any) -> dict[str, Any]:
    taints = extra.pop("taints", None)
    arch = extra.pop("arch", "amd64")
    doc: dict[str, Any] = {
        "apiVersion": "v1",
        "kind": "Node",
        "metadata": {"name": name, "labels": {"kubernetes.io/hostname": name, **labels}},
        "spec": {"taints": taints} if taints else {},
        "status": {"nodeInfo": {"architecture": arch}},
    }
    return doc


def pool_doc(name: str, labels: dict[str, str], selector: dict[str, str] | None) -> dict[str, Any]:
    spec: dict[str, Any] = {"nodeSelector": {"matchLabels": selector}} if selector else {}
    return {
        "apiVersion": "machineconfiguration.openshift.io/v1",
        "kind": "MachineConfigPool",
        "metadata": {"name": name, "labels": labels},
        "spec": spec,
    }


def build_must_gather(
    root: Path,
    nodes: dict[str, dict[str, Any]],
    *,
    pools: dict[str, dict[str, Any]] | None = None,
    topology: str = "HighlyAvailable",
) -> Path:
    """Write a must-gather under `root` and return `root`.

    `nodes` maps node names to ``{"labels": {...}, "machine": {shape of machine_layout} or
    "layout": [...], "offline": [...], "taints": [...], "arch": ..., "snapshot": False}``.
    """

    def dump(relative: str, document: Any) -> None:
        path = root / relative
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text("---\n" + yaml.safe_dump(document))

    for name, spec in (DEFAULT_POOLS if pools is None else pools).items():
        dump(f"{POOLS_DIR}/{name}.yaml", pool_doc(name, spec["labels"], spec["selector"]))
    dump(
        INFRA_FILE,
        {
            "apiVersion": "config.openshift.io/v1",
            "kind": "Infrastructure",
            "metadata": {"name": "cluster"},
            "status": {"controlPlaneTopology": topology},
        },
    )
    (root / GATHER_DIR / "nodes").mkdir(parents=True, exist_ok=True)
    for name, spec in nodes.items():
        extra = {k: spec[k] for k in ("taints", "arch") if k in spec}
        dump(f"{NODES_DIR}/{name}.yaml", node_doc(name, spec.get("labels", {}), **extra))
        if spec.get("snapshot", True):
            rows = spec.get("layout") or machine_layout(**spec.get("machine", {}))
            files = sysfs_files(rows, offline=spec.get("offline", ()))
            write_tgz(root / GATHER_DIR / "nodes" / name / "sysinfo.tgz", files)
    return root


@pytest.fixture
def make_must_gather(tmp_path: Path) -> Callable[..., Path]:
    """Return a builder of must-gathers under a fresh temporary directory."""
    counter = iter(range(1000))

    def make(nodes: dict[str, dict[str, Any]], **options: Any) -> Path:
        return build_must_gather(tmp_path / f"mg{next(counter)}", nodes, **options)

    return make

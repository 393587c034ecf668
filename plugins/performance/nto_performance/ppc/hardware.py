"""The CPU topology of one node, built from the contents of its sysfs files.

Input is a mapping from paths relative to the machine's root (``sys/devices/system/cpu/cpu3/
topology/core_id``) to file contents, as `nto_performance.ppc.snapshot` reads them from a
``sysinfo.tgz`` or as a test writes them by hand (`sysfs_files` builds such a mapping from a
compact description). Output is a frozen `Hardware` value that `nto_performance.ppc.allocation`
and the profile creator's ``info`` command read. No I/O here.

Files used, per the kernel's sysfs layout:

- ``sys/devices/system/cpu/cpuN/online``: ``0`` means offline; a missing file means online (the
  boot CPU has none). ``sys/devices/system/cpu/offline`` lists offline CPUs too.
- ``sys/devices/system/cpu/cpuN/topology/{physical_package_id,core_id}``: socket and core of each
  online CPU (offline CPUs have no topology directory and take no part in the topology).
- ``sys/devices/system/node/nodeN/cpulist`` (or, when it is missing, the ``nodeN/cpuM`` entries):
  the NUMA node of each CPU. Without any node directory the machine is one NUMA node 0.

Two orderings of the same cores are kept, as the reference's creator uses both:

- by socket (`Hardware.sockets`): sockets by package id, cores by core id, CPUs ascending;
- by NUMA node (`Hardware.numa_nodes`): nodes by id, cores by their first CPU, CPUs ascending.

A core is identified by (package id, core id, NUMA node): core ids repeat across sockets.
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Mapping
from dataclasses import dataclass

from nto_api.cpuset import CPUSet, CPUSetError

__all__ = ["Core", "Hardware", "HardwareError", "NumaNode", "Socket", "sysfs_files"]

CPU_DIR = "sys/devices/system/cpu"
NODE_DIR = "sys/devices/system/node"
_CPU_FILE = re.compile(r"sys/devices/system/cpu/cpu([0-9]+)/(online|topology/[a-z_]+)")
_NODE_ENTRY = re.compile(r"sys/devices/system/node/node([0-9]+)/(cpulist|cpu([0-9]+))")


class HardwareError(ValueError):
    """The sysfs files of a node are missing, malformed or contradict each other."""


@dataclass(frozen=True, slots=True)
class Core:
    """One physical core: the online CPUs (hardware threads) that share it, ascending."""

    socket: int
    core_id: int
    numa_node: int
    cpus: tuple[int, ...]

    @property
    def first_cpu(self) -> int:
        return self.cpus[0]


@dataclass(frozen=True, slots=True)
class _CoreGroup:
    """Cores grouped under one id (a socket or a NUMA node)."""

    id: int
    cores: tuple[Core, ...]

    @property
    def cpus(self) -> CPUSet:
        return CPUSet.from_ids(cpu for core in self.cores for cpu in core.cpus)


@dataclass(frozen=True, slots=True)
class Socket(_CoreGroup):
    """One physical package; cores ordered by core id."""


@dataclass(frozen=True, slots=True)
class NumaNode(_CoreGroup):
    """One NUMA node; cores ordered by their first CPU."""


@dataclass(frozen=True, slots=True)
class Hardware:
    """The CPU topology of a node: online CPUs grouped by socket and by NUMA node."""

    sockets: tuple[Socket, ...]
    numa_nodes: tuple[NumaNode, ...]
    offline: CPUSet

    @property
    def cores(self) -> tuple[Core, ...]:
        """Every core, in socket order."""
        return tuple(core for socket in self.sockets for core in socket.cores)

    @property
    def online(self) -> CPUSet:
        return CPUSet.from_ids(cpu for core in self.cores for cpu in core.cpus)

    @property
    def cpu_count(self) -> int:
        """Online CPUs (hardware threads)."""
        return sum(len(core.cpus) for core in self.cores)

    @property
    def core_count(self) -> int:
        return len(self.cores)

    @property
    def ht_enabled(self) -> bool:
        """True when some core runs more than one online thread."""
        return self.core_count != self.cpu_count

    def without_siblings(self) -> Hardware:
        """Return the topology with only the first CPU of each core, as with SMT disabled."""
        first_only = {core: _first_only(core) for core in self.cores}
        return Hardware(
            sockets=tuple(
                Socket(s.id, tuple(first_only[c] for c in s.cores)) for s in self.sockets
            ),
            numa_nodes=tuple(
                NumaNode(n.id, tuple(first_only[c] for c in n.cores)) for n in self.numa_nodes
            ),
            offline=self.offline,
        )

    @classmethod
    def from_sysfs(cls, files: Mapping[str, str], *, source: str = "sysfs") -> Hardware:
        """Build the topology from sysfs file contents keyed by root-relative path.

        `source` names the origin (a node, an archive) in error messages.
        """
        cpu_files: dict[int, dict[str, str]] = {}
        for path, content in files.items():
            match = _CPU_FILE.fullmatch(path)
            if match:
                cpu_files.setdefault(int(match[1]), {})[match[2]] = content
        if not cpu_files:
            raise HardwareError(f"{source} has no {CPU_DIR}/cpuN entries; is it a sysfs snapshot?")
        offline = _read_cpulist(files, f"{CPU_DIR}/offline", source)
        offline |= CPUSet.from_ids(
            cpu for cpu, own in cpu_files.items() if own.get("online", "1").strip() == "0"
        )
        online = sorted(cpu for cpu in cpu_files if cpu not in offline)
        if not online:
            raise HardwareError(f"{source} has no online CPU")
        numa_of = _numa_of_cpus(files, online, source)
        cores: dict[tuple[int, int, int], list[int]] = {}
        for cpu in online:
            socket = _read_int(files, cpu_files[cpu], cpu, "topology/physical_package_id", source)
            core_id = _read_int(files, cpu_files[cpu], cpu, "topology/core_id", source)
            cores.setdefault((socket, core_id, numa_of[cpu]), []).append(cpu)
        return cls._assemble(cores, offline)

    @classmethod
    def _assemble(
        cls, groups: Mapping[tuple[int, int, int], list[int]], offline: CPUSet
    ) -> Hardware:
        cores = [Core(s, c, n, tuple(sorted(cpus))) for (s, c, n), cpus in groups.items()]
        sockets = tuple(
            Socket(s, tuple(sorted((c for c in cores if c.socket == s), key=_socket_order)))
            for s in sorted({core.socket for core in cores})
        )
        numa_nodes = tuple(
            NumaNode(n, tuple(sorted((c for c in cores if c.numa_node == n), key=_first_cpu)))
            for n in sorted({core.numa_node for core in cores})
        )
        return cls(sockets=sockets, numa_nodes=numa_nodes, offline=offline)


def _socket_order(core: Core) -> tuple[int, int]:
    return core.core_id, core.first_cpu


def _first_cpu(core: Core) -> int:
    return core.first_cpu


def _first_only(core: Core) -> Core:
    return Core(core.socket, core.core_id, core.numa_node, core.cpus[:1])


def _read_cpulist(files: Mapping[str, str], path: str, source: str) -> CPUSet:
    try:
        return CPUSet.parse(files.get(path, ""))
    except CPUSetError as error:
        raise HardwareError(f"{source}: {path}: {error}") from error


def _read_int(
    files: Mapping[str, str], own: Mapping[str, str], cpu: int, name: str, source: str
) -> int:
    path = f"{CPU_DIR}/cpu{cpu}/{name}"
    if name not in own:
        raise HardwareError(f"{source}: online CPU {cpu} has no {path}; the snapshot is incomplete")
    text = own[name].strip()
    if not (text.isascii() and text.lstrip("-").isdigit()):
        raise HardwareError(f"{source}: {path} holds {own[name]!r}; expected an integer")
    return int(text)


def _numa_of_cpus(files: Mapping[str, str], online: list[int], source: str) -> dict[int, int]:
    """Return the NUMA node of every online CPU; one node 0 when sysfs has no node dirs."""
    listed: dict[int, CPUSet] = {}
    linked: dict[int, set[int]] = {}
    for path in files:
        match = _NODE_ENTRY.fullmatch(path)
        if match and match[2] == "cpulist":
            listed[int(match[1])] = _read_cpulist(files, path, source)
        elif match:
            linked.setdefault(int(match[1]), set()).add(int(match[3]))
    members = {
        node: listed.get(node, CPUSet.from_ids(linked.get(node, ()))) for node in {*listed, *linked}
    }
    if not members:
        return dict.fromkeys(online, 0)
    numa_of: dict[int, int] = {}
    for node in sorted(members):
        for cpu in members[node]:
            if cpu in numa_of:
                raise HardwareError(
                    f"{source}: CPU {cpu} is listed in NUMA nodes {numa_of[cpu]} and {node}"
                )
            numa_of[cpu] = node
    missing = CPUSet.from_ids(cpu for cpu in online if cpu not in numa_of)
    if missing:
        raise HardwareError(
            f"{source}: online CPUs {missing} belong to no NUMA node under {NODE_DIR}"
        )
    return numa_of


def sysfs_files(
    topology: Iterable[tuple[int, int, int, int]],
    *,
    offline: Iterable[int] = (),
    with_numa_dirs: bool = True,
) -> dict[str, str]:
    """Return sysfs file contents for a synthetic machine, for tests and examples.

    `topology` holds one ``(cpu, socket, core_id, numa_node)`` tuple per CPU, online or not;
    CPUs in `offline` get ``online`` = 0 and no topology files.
    """
    down = set(offline)
    files: dict[str, str] = {}
    nodes: dict[int, list[int]] = {}
    for cpu, socket, core_id, node in topology:
        base = f"{CPU_DIR}/cpu{cpu}"
        nodes.setdefault(node, []).append(cpu)
        if cpu:
            files[f"{base}/online"] = "0\n" if cpu in down else "1\n"
        if cpu not in down:
            files[f"{base}/topology/physical_package_id"] = f"{socket}\n"
            files[f"{base}/topology/core_id"] = f"{core_id}\n"
    files[f"{CPU_DIR}/offline"] = f"{CPUSet.from_ids(down)}\n"
    if with_numa_dirs:
        for node, cpus in nodes.items():
            files[f"{NODE_DIR}/node{node}/cpulist"] = f"{CPUSet.from_ids(cpus)}\n"
    return files

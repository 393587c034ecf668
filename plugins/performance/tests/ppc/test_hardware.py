"""Tests of `nto_performance.ppc.hardware`: the topology built from sysfs file contents."""

from __future__ import annotations

import pytest

from nto_performance.ppc.hardware import Hardware, HardwareError, sysfs_files

CPU = "sys/devices/system/cpu"
NODE = "sys/devices/system/node"


@pytest.mark.parametrize(
    ("shape", "cpus", "cores", "ht", "numa"),
    [
        pytest.param({"cores": 4}, 4, 4, False, ["0-3"], id="1-socket-no-ht"),
        pytest.param({"cores": 4, "threads": 2}, 8, 4, True, ["0-7"], id="1-socket-ht"),
        pytest.param(
            {"sockets": 2, "cores": 4, "threads": 2},
            16,
            8,
            True,
            ["0-3,8-11", "4-7,12-15"],
            id="2-sockets-ht",
        ),
        pytest.param(
            {"sockets": 2, "cores": 4, "interleave_sockets": True},
            8,
            8,
            False,
            ["0,2,4,6", "1,3,5,7"],
            id="2-sockets-interleaved",
        ),
        pytest.param(
            {"sockets": 2, "cores": 4, "numa_per_socket": 2},
            8,
            8,
            False,
            ["0-1", "2-3", "4-5", "6-7"],
            id="4-numa",
        ),
        pytest.param(
            {"cores": 6, "threads": 2, "numa_per_socket": 2},
            12,
            6,
            True,
            ["0-2,6-8", "3-5,9-11"],
            id="1-socket-2-numa-ht",
        ),
    ],
)
def test_topology_counts(make_machine, shape, cpus, cores, ht, numa) -> None:
    hardware = make_machine(**shape)
    assert hardware.cpu_count == cpus
    assert hardware.core_count == cores
    assert hardware.ht_enabled is ht
    assert [str(node.cpus) for node in hardware.numa_nodes] == numa
    assert [node.id for node in hardware.numa_nodes] == list(range(len(numa)))
    assert str(hardware.online) == f"0-{cpus - 1}"
    assert not hardware.offline


def test_orderings(make_machine) -> None:
    """Sockets order cores by core id; NUMA nodes order them by first CPU."""
    layout = [(0, 0, 5, 0), (1, 0, 2, 0), (2, 1, 0, 0), (3, 0, 5, 0), (4, 0, 2, 0), (5, 1, 0, 0)]
    hardware = make_machine(layout)
    assert [s.id for s in hardware.sockets] == [0, 1]
    assert [c.cpus for c in hardware.sockets[0].cores] == [(1, 4), (0, 3)]
    assert [c.cpus for c in hardware.numa_nodes[0].cores] == [(0, 3), (1, 4), (2, 5)]
    assert [c.cpus for c in hardware.cores] == [(1, 4), (0, 3), (2, 5)]
    assert str(hardware.sockets[1].cpus) == "2,5"


def test_core_ids_repeat_across_sockets(make_machine) -> None:
    hardware = make_machine(sockets=2, cores=2)
    assert [(c.socket, c.core_id, c.cpus) for c in hardware.cores] == [
        (0, 0, (0,)),
        (0, 1, (1,)),
        (1, 0, (2,)),
        (1, 1, (3,)),
    ]
    assert not hardware.ht_enabled


def test_offline_cpus_are_left_out(make_machine) -> None:
    hardware = make_machine(cores=4, threads=2, offline=[5, 6])
    assert str(hardware.offline) == "5-6"
    assert str(hardware.online) == "0-4,7"
    assert [c.cpus for c in hardware.cores] == [(0, 4), (1,), (2,), (3, 7)]
    assert hardware.ht_enabled


def test_offline_file_alone_marks_cpus_offline() -> None:
    files = sysfs_files([(0, 0, 0, 0), (1, 0, 1, 0), (2, 0, 2, 0)])
    files[f"{CPU}/offline"] = "2\n"
    assert str(Hardware.from_sysfs(files).online) == "0-1"


def test_without_siblings(make_machine) -> None:
    hardware = make_machine(sockets=2, cores=2, threads=2).without_siblings()
    assert str(hardware.online) == "0-3"
    assert [str(n.cpus) for n in hardware.numa_nodes] == ["0-1", "2-3"]
    assert [str(s.cpus) for s in hardware.sockets] == ["0-1", "2-3"]
    assert not hardware.ht_enabled


def test_boot_cpu_without_online_file_is_online() -> None:
    files = sysfs_files([(0, 0, 0, 0), (1, 0, 1, 0)])
    assert f"{CPU}/cpu0/online" not in files
    assert Hardware.from_sysfs(files).cpu_count == 2


def test_no_numa_directories_means_one_node() -> None:
    files = sysfs_files([(0, 0, 0, 0), (1, 1, 0, 0)], with_numa_dirs=False)
    hardware = Hardware.from_sysfs(files)
    assert [(n.id, str(n.cpus)) for n in hardware.numa_nodes] == [(0, "0-1")]


def test_numa_from_cpu_links_without_cpulist() -> None:
    files = sysfs_files([(0, 0, 0, 0), (1, 0, 1, 0)], with_numa_dirs=False)
    files[f"{NODE}/node3/cpu0"] = "../../cpu/cpu0"
    files[f"{NODE}/node3/cpu1"] = "../../cpu/cpu1"
    assert [(n.id, str(n.cpus)) for n in Hardware.from_sysfs(files).numa_nodes] == [(3, "0-1")]


def _files_with(**changes: str | None) -> dict[str, str]:
    files = sysfs_files([(0, 0, 0, 0), (1, 0, 1, 0), (2, 0, 2, 1)])
    for key, value in changes.items():
        path = key.replace("__", "/").replace("CPU", CPU).replace("NODE", NODE)
        if value is None:
            del files[path]
        else:
            files[path] = value
    return files


@pytest.mark.parametrize(
    ("files", "message"),
    [
        pytest.param(
            {},
            "node-a has no sys/devices/system/cpu/cpuN entries; is it a sysfs snapshot?",
            id="empty",
        ),
        pytest.param(
            _files_with(CPU__cpu1__topology__core_id=None),
            "node-a: online CPU 1 has no sys/devices/system/cpu/cpu1/topology/core_id; "
            "the snapshot is incomplete",
            id="missing-core-id",
        ),
        pytest.param(
            _files_with(CPU__cpu2__topology__physical_package_id="x\n"),
            "node-a: sys/devices/system/cpu/cpu2/topology/physical_package_id holds 'x\\n'; "
            "expected an integer",
            id="garbage-package-id",
        ),
        pytest.param(
            _files_with(CPU__cpu1__topology__core_id="\u0663"),
            "node-a: sys/devices/system/cpu/cpu1/topology/core_id holds '\u0663'; "
            "expected an integer",
            id="unicode-digit-core-id",
        ),
        pytest.param(
            _files_with(NODE__node1__cpulist="1-2\n"),
            "node-a: CPU 1 is listed in NUMA nodes 0 and 1",
            id="cpu-in-two-nodes",
        ),
        pytest.param(
            _files_with(NODE__node1__cpulist="\n"),
            "node-a: online CPUs 2 belong to no NUMA node under sys/devices/system/node",
            id="cpu-in-no-node",
        ),
        pytest.param(
            _files_with(NODE__node1__cpulist="2-1\n"),
            "node-a: sys/devices/system/node/node1/cpulist: invalid cpulist '2-1\\n': "
            "range '2-1' ends before it starts; write it as '1-2'; "
            "expected comma-separated CPU ids and ranges such as '0-3,8,10-11'",
            id="bad-node-cpulist",
        ),
        pytest.param(
            _files_with(CPU__offline="0-2\n"),
            "node-a has no online CPU",
            id="all-offline",
        ),
    ],
)
def test_invalid_sysfs(files: dict[str, str], message: str) -> None:
    with pytest.raises(HardwareError) as caught:
        Hardware.from_sysfs(files, source="node-a")
    assert str(caught.value) == message

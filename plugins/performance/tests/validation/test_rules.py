"""One table per validation rule (spec section 2, in order): valid and invalid cases with the
exact messages, run against the rule function alone."""

from __future__ import annotations

from typing import Any

import pytest

from nto_performance.validation import ClusterData, NodeFacts, ProfileSelector, rules
from nto_performance.validation import hardware as hw

SELECTOR = {"node-role.kubernetes.io/worker-cnf": ""}
SEL = '{"node-role.kubernetes.io/worker-cnf": ""}'
HP_DOC = "see https://docs.kernel.org/mm/vmemmap_dedup.html"


def node(name: str, arch: str = "amd64", cpus: str = "8") -> NodeFacts:
    return NodeFacts(name=name, architecture=arch, cpu_capacity=cpus)


def on(*facts: NodeFacts) -> ClusterData:
    return ClusterData(nodes=facts)


def check(subject: Any, rule: Any, spec: dict[str, Any], cluster: Any, expected: list[str]) -> None:
    errors = rule(subject(cluster, **spec))
    assert [str(error) for error in errors] == expected


# --- 1. nodeSelector duplication -----------------------------------------------------------

OTHER_SAME = ProfileSelector("other", dict(SELECTOR))


@pytest.mark.parametrize(
    ("cluster", "expected"),
    [
        pytest.param(ClusterData(), [], id="no-other-profiles"),
        pytest.param(
            ClusterData(profiles=(ProfileSelector("manual", dict(SELECTOR)),)), [], id="itself"
        ),
        pytest.param(
            ClusterData(profiles=(ProfileSelector("other", {"node-role.kubernetes.io/x": ""}),)),
            [],
            id="different-selector",
        ),
        pytest.param(ClusterData(profiles=(ProfileSelector("nil", None),)), [], id="other-nil"),
        pytest.param(
            ClusterData(profiles=(OTHER_SAME,)),
            [
                f"spec.nodeSelector: Invalid value: {SEL}: the profile has the same node selector "
                "as the performance profile 'other'; give each profile a nodeSelector of its own"
            ],
            id="duplicate",
        ),
        pytest.param(
            ClusterData(profiles_error="connection refused"),
            [
                f"spec.nodeSelector: Invalid value: {SEL}: cannot check that no other "
                "PerformanceProfile has the same nodeSelector: connection refused"
            ],
            id="lookup-failed",
        ),
    ],
)
def test_node_selector_unique(subject, cluster, expected):
    check(subject, rules.node_selector_unique, {}, cluster, expected)


# --- 2. node listing -----------------------------------------------------------------------


@pytest.mark.parametrize(
    ("cluster", "expected"),
    [
        pytest.param(ClusterData(), [], id="listed"),
        pytest.param(
            ClusterData(nodes_error="forbidden"),
            [
                f"spec.nodeSelector: Invalid value: {SEL}: failed to list the nodes it selects: "
                "forbidden"
            ],
            id="failed",
        ),
    ],
)
def test_node_listing(subject, cluster, expected):
    check(subject, rules.node_listing, {}, cluster, expected)


# --- 3. CPUs -------------------------------------------------------------------------------

OVERLAP = (
    "spec.cpu: Forbidden: {a} and {b} CPUs overlap on CPUs {cpus}; each CPU may belong to one "
    "set only: remove them from spec.cpu.{a} or spec.cpu.{b}"
)


@pytest.mark.parametrize(
    ("cpu", "expected"),
    [
        pytest.param({}, [], id="valid"),
        pytest.param(
            {"offlined": "8-9", "shared": "10", "ovsDpdk": "11"}, [], id="all-five-disjoint"
        ),
        pytest.param(
            {"reserved": ""},
            [
                'spec.cpu.reserved: Invalid value: "": reserved CPUs can not be empty; '
                "list at least one CPU"
            ],
            id="reserved-empty",
        ),
        pytest.param(
            {"isolated": " "},
            [
                'spec.cpu.isolated: Invalid value: "": isolated CPUs can not be empty; '
                "list at least one CPU"
            ],
            id="isolated-blank",
        ),
        pytest.param(
            {"isolated": "1-7"},
            [OVERLAP.format(a="reserved", b="isolated", cpus="1")],
            id="reserved-isolated-once",
        ),
        pytest.param(
            {"offlined": "0,7", "ovsDpdk": "7"},
            [
                OVERLAP.format(a="reserved", b="offlined", cpus="0"),
                OVERLAP.format(a="isolated", b="offlined", cpus="7"),
                OVERLAP.format(a="isolated", b="ovsDpdk", cpus="7"),
                OVERLAP.format(a="offlined", b="ovsDpdk", cpus="7"),
            ],
            id="each-pair-once-in-order",
        ),
        pytest.param(
            {"reserved": "0-1x"},
            [
                "spec.cpu.reserved: Invalid value: \"0-1x\": invalid cpulist '0-1x': item "
                "'0-1x' is not a CPU id or a range of CPU ids; expected comma-separated CPU ids "
                "and ranges such as '0-3,8,10-11'"
            ],
            id="reserved-malformed",
        ),
        pytest.param(
            {"shared": "0-99999999"},
            [
                "spec.cpu.shared: Invalid value: \"0-99999999\": invalid cpulist '0-99999999': "
                "CPU id '99999999' in item '0-99999999' is above the maximum 4194303 (2**22 - 1); "
                "expected comma-separated CPU ids and ranges such as '0-3,8,10-11'"
            ],
            id="huge-range",
        ),
    ],
)
def test_cpus(subject, cpu, expected):
    check(subject, rules.cpus, {"cpu": cpu}, None, expected)


def test_cpus_overlap_of_huge_lists_is_shortened(subject):
    every_other = ",".join(str(i) for i in range(0, 20000, 2))
    errors = rules.cpus(subject(cpu={"reserved": every_other, "isolated": "0-19999"}))
    assert len(errors) == 1
    assert "... (10000 CPUs)" in errors[0].detail
    assert len(str(errors[0])) < 400


# --- 4. selectors --------------------------------------------------------------------------

SPLIT = (
    "spec.nodeSelector: Invalid value: {value}: machineConfigLabel or machineConfigPoolSelector "
    "is not set, and it cannot be derived because the nodeSelector label key {key} can't be "
    "split into domain/role; use a key such as 'node-role.kubernetes.io/<role>' or set both"
)
MCL = {"machineconfiguration.openshift.io/role": "worker-cnf"}


@pytest.mark.parametrize(
    ("spec", "expected"),
    [
        pytest.param({}, [], id="defaults-derivable"),
        pytest.param(
            {
                "nodeSelector": {"cnf": ""},
                "machineConfigLabel": MCL,
                "machineConfigPoolSelector": MCL,
            },
            [],
            id="plain-key-with-both-set",
        ),
        pytest.param(
            {"nodeSelector": {"cnf": ""}},
            [SPLIT.format(value='{"cnf": ""}', key="'cnf'")],
            id="plain-key",
        ),
        pytest.param(
            {"nodeSelector": {"a/b/c": ""}, "machineConfigLabel": MCL},
            [SPLIT.format(value='{"a/b/c": ""}', key="'a/b/c'")],
            id="three-parts-pool-selector-unset",
        ),
        pytest.param(
            {"nodeSelector": {}},
            [SPLIT.format(value="{}", key="''")],
            id="empty-selector",
        ),
        pytest.param(
            {"machineConfigLabel": {"a": "1", "b": "2"}},
            [
                'spec.machineConfigLabel: Invalid value: {"a": "1", "b": "2"}: you should provide '
                "only 1 MachineConfigLabel; keep one of the 2 labels"
            ],
            id="two-mc-labels",
        ),
        pytest.param(
            {"machineConfigPoolSelector": {"a": "1", "b": "2"}},
            [
                'spec.machineConfigPoolSelector: Invalid value: {"a": "1", "b": "2"}: you should '
                "provide only 1 MachineConfigPoolSelector; keep one of the 2 labels"
            ],
            id="two-pool-labels",
        ),
        pytest.param(
            {"nodeSelector": {"x/a": "", "x/b": ""}},
            [
                'spec.nodeSelector: Invalid value: {"x/a": "", "x/b": ""}: you should provide only '
                "1 NodeSelector; keep one of the 2 labels"
            ],
            id="two-node-labels",
        ),
    ],
)
def test_selectors(subject, spec, expected):
    check(subject, rules.selectors, spec, None, expected)


# --- 5, 6. same architecture and CPU capacity ----------------------------------------------


@pytest.mark.parametrize(
    ("cluster", "expected"),
    [
        pytest.param(ClusterData(), [], id="no-nodes"),
        pytest.param(on(node("a"), node("b")), [], id="same"),
        pytest.param(
            on(node("a"), node("b", arch="")),
            [
                f"spec.nodeSelector: Invalid value: {SEL}: failed to detect the architecture of "
                "node b (status.nodeInfo.architecture is empty)"
            ],
            id="unknown",
        ),
        pytest.param(
            on(node("a"), node("b", arch="arm64"), node("c", arch="s390x")),
            [
                f"spec.nodeSelector: Invalid value: {SEL}: the selected nodes differ in "
                "architecture: node a has 'amd64' but node b has 'arm64', c has 's390x'; select "
                "nodes of one architecture only"
            ],
            id="mismatch",
        ),
    ],
)
def test_same_architecture(subject, cluster, expected):
    check(subject, hw.same_architecture, {}, cluster, expected)


def test_many_mismatched_nodes_give_one_short_error(subject):
    cluster = on(node("a"), *(node(f"n{i}", arch="arm64") for i in range(500)))
    errors = hw.same_architecture(subject(cluster))
    assert len(errors) == 1
    assert "and 495 more" in errors[0].detail


@pytest.mark.parametrize(
    ("cluster", "expected"),
    [
        pytest.param(ClusterData(), [], id="no-nodes"),
        pytest.param(on(node("a", cpus="4"), node("b", cpus="4000m")), [], id="same-quantity"),
        pytest.param(
            on(node("a", cpus=""), node("b")),
            [
                f"spec.nodeSelector: Invalid value: {SEL}: failed to detect the CPU capacity of "
                "node a (status.capacity.cpu is empty)"
            ],
            id="unknown-first",
        ),
        pytest.param(
            on(node("a", cpus="4"), node("b", cpus="8")),
            [
                f"spec.nodeSelector: Invalid value: {SEL}: the selected nodes differ in CPU "
                "capacity: node a has '4' but node b has '8'; select nodes of one CPU capacity only"
            ],
            id="mismatch",
        ),
        pytest.param(on(node("a", cpus="x"), node("b", cpus="x")), [], id="unparsable-but-equal"),
    ],
)
def test_same_cpu_capacity(subject, cluster, expected):
    check(subject, hw.same_cpu_capacity, {}, cluster, expected)


# --- 7. kernelPageSize ---------------------------------------------------------------------

ARM = on(node("a", arch="arm64"))


@pytest.mark.parametrize(
    ("spec", "cluster", "expected"),
    [
        pytest.param({}, on(node("a")), [], id="unset"),
        pytest.param({"kernelPageSize": "4k"}, on(node("a")), [], id="x86-4k"),
        pytest.param(
            {"kernelPageSize": "64k"},
            on(node("a")),
            [
                "spec.kernelPageSize: Unsupported value: \"64k\": kernel page size '64k' is not "
                "supported on amd64 nodes; use 4k"
            ],
            id="x86-64k",
        ),
        pytest.param({"kernelPageSize": "64k"}, ARM, [], id="arm-64k"),
        pytest.param(
            {"kernelPageSize": "16k"},
            ARM,
            [
                "spec.kernelPageSize: Unsupported value: \"16k\": kernel page size '16k' is not "
                "supported on arm64 nodes; use 4k or 64k"
            ],
            id="arm-16k",
        ),
        pytest.param({"kernelPageSize": "16k"}, ClusterData(), [], id="no-nodes-no-check"),
        pytest.param(
            {"kernelPageSize": "64k", "realTimeKernel": {"enabled": True}},
            ARM,
            [
                "spec.kernelPageSize: Forbidden: 64k pages are not supported on ARM64 with a "
                "real-time kernel yet; use kernelPageSize 4k or disable spec.realTimeKernel"
            ],
            id="arm-64k-rt",
        ),
    ],
)
def test_kernel_page_size(subject, spec, cluster, expected):
    check(subject, hw.kernel_page_size, spec, cluster, expected)


# --- 8. hugepages --------------------------------------------------------------------------


def sizes_msg(field: str, value: str, page: str, sizes: str, arm: bool = False, default=False):
    which = "default huge page sizes" if default else "huge page sizes"
    text = (
        f'{field}: Unsupported value: "{value}": the compatible {which} for the selected kernel '
        f"page size {page} are: {sizes}; {HP_DOC}"
    )
    return text + (
        "; on ARM64 spec.kernelPageSize selects which sizes are available" if arm else ""
    )


PAGES = "spec.hugepages.pages"


@pytest.mark.parametrize(
    ("spec", "cluster", "expected"),
    [
        pytest.param({}, ClusterData(), [], id="unset"),
        pytest.param(
            {
                "hugepages": {
                    "defaultHugepagesSize": "1G",
                    "pages": [{"size": "1G", "count": 4}, {"size": "2M", "count": 8}],
                }
            },
            on(node("a")),
            [],
            id="x86-valid",
        ),
        pytest.param(
            {"hugepages": {"pages": [{"size": "1G", "count": 1}]}},
            ClusterData(),
            [
                "spec.hugepages.defaultHugepagesSize: Required value: defaultHugepagesSize must be "
                "specified when hugepages are configured"
            ],
            id="default-missing",
        ),
        pytest.param(
            {"hugepages": {"defaultHugepagesSize": "32M", "pages": [{"size": "64k"}]}},
            on(node("a")),
            [
                sizes_msg(
                    "spec.hugepages.defaultHugepagesSize", "32M", "4k", "2M, 1G", default=True
                ),
                sizes_msg(f"{PAGES}[0].size", "64k", "4k", "2M, 1G"),
            ],
            id="x86-arm-sizes",
        ),
        pytest.param({"hugepages": {"defaultHugepagesSize": "32M"}}, ARM, [], id="arm-4k-32M"),
        pytest.param(
            {"kernelPageSize": "64k", "hugepages": {"defaultHugepagesSize": "32M"}},
            ARM,
            [
                sizes_msg(
                    "spec.hugepages.defaultHugepagesSize",
                    "32M",
                    "64k",
                    "2M, 512M, 16G",
                    arm=True,
                    default=True,
                )
            ],
            id="arm-64k-32M",
        ),
        pytest.param(
            {"hugepages": {"defaultHugepagesSize": "16G"}}, ClusterData(), [], id="no-nodes-union"
        ),
        pytest.param(
            {"hugepages": {"defaultHugepagesSize": "2Mi"}},
            ClusterData(),
            [
                sizes_msg(
                    "spec.hugepages.defaultHugepagesSize",
                    "2Mi",
                    "4k",
                    "64k, 2M, 32M, 512M, 1G, 16G",
                    default=True,
                )
            ],
            id="no-nodes-bad-size",
        ),
        pytest.param(
            {"hugepages": {"defaultHugepagesSize": "1G", "pages": [{"count": 1}]}},
            ClusterData(),
            [
                f"{PAGES}[0].size: Required value: the huge page size is required; set it to one "
                "such as '2M' or '1G'"
            ],
            id="page-size-missing",
        ),
        pytest.param(
            {
                "hugepages": {
                    "defaultHugepagesSize": "1G",
                    "pages": [
                        {"size": "1G", "count": 1},
                        {"size": "1G", "count": 1, "node": 0},
                        {"size": "1G", "count": 2},
                        {"size": "1G", "node": 0},
                        {"size": "1G", "node": 1},
                        {"size": "1G"},
                    ],
                }
            },
            ClusterData(),
            [
                f"{PAGES}[2]: Duplicate value: \"1G\": the page with the size '1G' and without "
                "the specified NUMA node has duplication (pages[0], pages[2], pages[5]); list "
                "each size once per NUMA node and add up the counts",
                f"{PAGES}[3]: Duplicate value: \"1G\": the page with the size '1G' and with NUMA "
                "node 0 has duplication (pages[1], pages[3]); list each size once per NUMA node "
                "and add up the counts",
            ],
            id="duplicates-once-per-group",
        ),
    ],
)
def test_hugepages(subject, spec, cluster, expected):
    check(subject, hw.hugepages, spec, cluster, expected)


# --- 9 to 12 -------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("spec", "expected"),
    [
        pytest.param({}, [], id="unset"),
        *(
            pytest.param({"numa": {"topologyPolicy": p}}, [], id=p)
            for p in ("none", "best-effort", "restricted", "single-numa-node")
        ),
        pytest.param(
            {"numa": {"topologyPolicy": "best"}},
            [
                'spec.numa.topologyPolicy: Unsupported value: "best": unrecognized value for '
                "topologyPolicy; use one of none, best-effort, restricted, single-numa-node"
            ],
            id="unknown",
        ),
    ],
)
def test_numa(subject, spec, expected):
    check(subject, rules.numa, spec, None, expected)


DEV = "spec.net.devices[0]"
PCI = "should be represented as 0x<4 hexadecimal digits>, such as 0x8086"


@pytest.mark.parametrize(
    ("devices", "expected"),
    [
        pytest.param([], [], id="none"),
        pytest.param(
            [{"interfaceName": "ens*", "vendorID": "0x8086", "deviceID": "0x158B"}], [], id="valid"
        ),
        pytest.param([{"vendorID": "0x8086"}], [], id="vendor-only"),
        pytest.param(
            [{"interfaceName": ""}],
            [
                f'{DEV}.interfaceName: Invalid value: "": device name cannot be empty; give a name '
                "or pattern such as 'ens*', or drop it"
            ],
            id="empty-name",
        ),
        pytest.param(
            [{"vendorID": "8086", "deviceID": "0x12345"}],
            [
                f'{DEV}.vendorID: Invalid value: "8086": vendorID {PCI}',
                f'{DEV}.deviceID: Invalid value: "0x12345": deviceID {PCI}',
            ],
            id="bad-ids",
        ),
        pytest.param(
            [{"vendorID": "0x"}],
            [f'{DEV}.vendorID: Invalid value: "0x": vendorID {PCI}'],
            id="no-digits",
        ),
        pytest.param(
            [{"deviceID": "0x1583"}],
            [
                f"{DEV}.vendorID: Required value: deviceID '0x1583' is set without a vendorID; "
                "set the vendorID"
            ],
            id="device-without-vendor",
        ),
    ],
)
def test_net(subject, devices, expected):
    check(
        subject,
        rules.net,
        {"net": {"userLevelNetworking": True, "devices": devices}},
        None,
        expected,
    )


@pytest.mark.parametrize(
    ("spec", "expected"),
    [
        pytest.param({}, [], id="unset"),
        pytest.param({"realTimeKernel": {"enabled": True}}, [], id="rt-hint-default"),
        pytest.param(
            {"realTimeKernel": {"enabled": True}, "workloadHints": {"realTime": False}},
            [
                "spec.workloadHints.realTime: Forbidden: realtime kernel is enabled, but realtime "
                "workload hint is explicitly disabled; set workloadHints.realTime to true or "
                "disable spec.realTimeKernel"
            ],
            id="rt-kernel-hint-off",
        ),
        pytest.param(
            {"workloadHints": {"highPowerConsumption": True, "perPodPowerManagement": True}},
            [
                "spec.workloadHints: Forbidden: highPowerConsumption and perPodPowerManagement can "
                "not be both enabled; enable one of them"
            ],
            id="power-both",
        ),
        pytest.param(
            {"workloadHints": {"mixedCpus": True}, "cpu": {"shared": "8"}}, [], id="mixed-ok"
        ),
        *(
            pytest.param(
                {"workloadHints": {"mixedCpus": True}, "cpu": {"shared": shared}},
                [
                    "spec.cpu.shared: Required value: MixedCpus enabled but no shared CPUs were "
                    "specified; set spec.cpu.shared or disable workloadHints.mixedCpus"
                ],
                id=f"mixed-shared-{name}",
            )
            for name, shared in (("unset", None), ("empty", ""), ("blank", " "))
        ),
    ],
)
def test_workload_hints(subject, spec, expected):
    check(subject, rules.workload_hints, spec, None, expected)


@pytest.mark.parametrize(
    ("tuning", "expected"),
    [
        pytest.param(None, [], id="unset"),
        pytest.param({"isolatedCpuFreq": 2500000, "reservedCpuFreq": 2800000}, [], id="valid"),
        pytest.param(
            {"isolatedCpuFreq": 2500000},
            [
                "spec.hardwareTuning: Required value: both isolated and reserved cpu frequency "
                "must be declared; set isolatedCpuFreq and reservedCpuFreq (kHz)"
            ],
            id="one-missing",
        ),
        pytest.param(
            {"isolatedCpuFreq": 0, "reservedCpuFreq": -1},
            [
                "spec.hardwareTuning.isolatedCpuFreq: Invalid value: 0: the frequency must be "
                "above 0 kHz",
                "spec.hardwareTuning.reservedCpuFreq: Invalid value: -1: the frequency must be "
                "above 0 kHz",
            ],
            id="zero-and-negative",
        ),
    ],
)
def test_hardware_tuning(subject, tuning, expected):
    check(subject, rules.hardware_tuning, {"hardwareTuning": tuning}, None, expected)


def test_rules_table_is_in_spec_order():
    assert [name for name, _ in rules.RULES] == [
        "nodeSelector duplication",
        "node listing",
        "CPUs",
        "selectors",
        "same architecture",
        "same CPU capacity",
        "kernelPageSize",
        "hugepages",
        "NUMA",
        "net",
        "workloadHints",
        "hardwareTuning",
    ]

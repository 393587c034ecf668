#!/bin/bash
# Give OVS-DPDK its own exclusive CPUs (cgroup v2).
#
# Run by ovs-dpdk-cpus-configure.service once ovs-vswitchd runs, before the kubelet. It:
#   - enables the cpuset, cpu and pids controllers below ovs.slice/ovs-vswitchd.service;
#   - creates the threaded child cgroup ovsdpdk.slice for the poll-mode driver threads;
#   - makes OVS_DPDK_CPUS (a cpulist such as "4-5") exclusive on ovs.slice, ovs-vswitchd.service
#     and ovsdpdk.slice, and gives them to ovsdpdk.slice;
#   - turns ovsdpdk.slice into a partition of type OVS_DPDK_PARTITION: "member" (default, the
#     scheduler still balances load) or "isolated" (no load balancing).
# Running it again changes nothing.
#
# NTO_ROOT (default empty) prefixes every path, so tests can run it against a fake /sys.
set -euo pipefail

root="${NTO_ROOT:-}"
cpus="${OVS_DPDK_CPUS:-}"
partition="${OVS_DPDK_PARTITION:-member}"
slice="${root}/sys/fs/cgroup/ovs.slice"
service="${slice}/ovs-vswitchd.service"
dpdk="${service}/ovsdpdk.slice"

die() {
    echo "ovs-dpdk-cpus-configure: $*" >&2
    exit 1
}

[[ "${cpus}" =~ ^[0-9]+(-[0-9]+)?(,[0-9]+(-[0-9]+)?)*$ ]] || die "OVS_DPDK_CPUS '${cpus}' is not a cpulist such as '4-5' or '4,6'"
case "${partition}" in
member | isolated) ;;
*) die "OVS_DPDK_PARTITION '${partition}' must be 'member' or 'isolated'" ;;
esac
[[ -d "${service}" ]] || die "${service} does not exist; is ovs-vswitchd running in ovs.slice?"

echo "+cpuset +cpu +pids" >"${service}/cgroup.subtree_control"
mkdir -p "${dpdk}"
echo threaded >"${dpdk}/cgroup.type"
for group in "${slice}" "${service}" "${dpdk}"; do
    echo "${cpus}" >"${group}/cpuset.cpus.exclusive"
done
echo "${cpus}" >"${dpdk}/cpuset.cpus"
echo "${partition}" >"${dpdk}/cpuset.cpus.partition"

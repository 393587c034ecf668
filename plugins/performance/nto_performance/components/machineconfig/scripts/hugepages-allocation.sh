#!/bin/bash
# Allocate HUGEPAGES_COUNT huge pages of HUGEPAGES_SIZE kB on NUMA node NUMA_NODE.
#
# Run by the hugepages-allocation-<size>kB-NUMA<node>.service units of a PerformanceProfile's
# MachineConfig, before the kubelet starts. The kernel may not find enough free contiguous memory
# at once, so the count is written again every second until it reads back as requested or
# HUGEPAGES_TIMEOUT seconds (default 60) have passed. Running it again changes nothing.
#
# NTO_ROOT (default empty) prefixes every path, so tests can run it against a fake /sys.
set -euo pipefail

root="${NTO_ROOT:-}"
timeout="${HUGEPAGES_TIMEOUT:-60}"

die() {
    echo "hugepages-allocation: $*" >&2
    exit 1
}

require_number() {
    [[ "$2" =~ ^[0-9]+$ ]] || die "$1 must be a non-negative integer, got '$2'"
}

require_number HUGEPAGES_COUNT "${HUGEPAGES_COUNT:-}"
require_number HUGEPAGES_SIZE "${HUGEPAGES_SIZE:-}"
require_number NUMA_NODE "${NUMA_NODE:-}"
require_number HUGEPAGES_TIMEOUT "${timeout}"

file="${root}/sys/devices/system/node/node${NUMA_NODE}/hugepages/hugepages-${HUGEPAGES_SIZE}kB/nr_hugepages"
[[ -e "${file}" ]] || die "${file} does not exist: this machine has no NUMA node ${NUMA_NODE} or no ${HUGEPAGES_SIZE}kB huge pages; fix spec.hugepages.pages of the PerformanceProfile"

deadline=$((SECONDS + timeout))
while true; do
    echo "${HUGEPAGES_COUNT}" >"${file}" 2>/dev/null || true
    current="$(<"${file}")"
    if [[ "${current}" == "${HUGEPAGES_COUNT}" ]]; then
        echo "hugepages-allocation: ${current} pages of ${HUGEPAGES_SIZE}kB on NUMA node ${NUMA_NODE}"
        exit 0
    fi
    if ((SECONDS >= deadline)); then
        die "only '${current}' of ${HUGEPAGES_COUNT} pages of ${HUGEPAGES_SIZE}kB allocated on NUMA node ${NUMA_NODE} after ${timeout}s; free memory or lower the count"
    fi
    sleep 1
done

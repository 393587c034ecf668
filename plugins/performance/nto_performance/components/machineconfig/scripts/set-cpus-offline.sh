#!/bin/bash
# Take the CPUs listed in OFFLINE_CPUS (comma-separated ids, e.g. "2,3") offline.
#
# Run by set-cpus-offline.service (spec.cpu.offlined of a PerformanceProfile) before the kubelet
# starts. A CPU without an "online" file (usually cpu0, or an id the machine does not have) is
# reported and skipped; CPUs already offline are left alone, so running it again changes nothing.
#
# NTO_ROOT (default empty) prefixes every path, so tests can run it against a fake /sys.
set -euo pipefail

root="${NTO_ROOT:-}"
cpus="${OFFLINE_CPUS:-}"

die() {
    echo "set-cpus-offline: $*" >&2
    exit 1
}

[[ -n "${cpus}" ]] || die "OFFLINE_CPUS is empty; set it to comma-separated CPU ids such as '2,3'"
IFS=, read -r -a ids <<<"${cpus}"
for id in "${ids[@]}"; do
    [[ "${id}" =~ ^[0-9]+$ ]] || die "OFFLINE_CPUS item '${id}' is not a CPU id; use comma-separated ids such as '2,3'"
done

for id in "${ids[@]}"; do
    online="${root}/sys/devices/system/cpu/cpu${id}/online"
    if [[ ! -e "${online}" ]]; then
        echo "set-cpus-offline: cpu${id} cannot be taken offline (no ${online}); skipping" >&2
        continue
    fi
    if [[ "$(<"${online}")" != 0 ]]; then
        echo 0 >"${online}"
    fi
done

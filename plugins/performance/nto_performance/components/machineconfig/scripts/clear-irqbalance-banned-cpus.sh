#!/bin/bash
# Reset the CPUs irqbalance must not route interrupts to, early in the boot.
#
# Run by clear-irqbalance-banned-cpus.service before irqbalance and the kubelet start. CRI-O bans
# the CPUs of pods that opt out of IRQ load balancing at run time, starting from the value in
# /etc/sysconfig/orig_irq_banned_cpus; a stale ban from the previous boot must not survive. The
# value is OVS_DPDK_CPUS (a hex CPU mask such as "0000000c", set when the profile reserves CPUs for
# OVS-DPDK) or 0 (no CPU banned). Running it again changes nothing.
#
# NTO_ROOT (default empty) prefixes every path, so tests can run it against a fake /etc.
set -euo pipefail

root="${NTO_ROOT:-}"
value="${OVS_DPDK_CPUS:-0}"
conf="${root}/etc/sysconfig/irqbalance"
orig="${root}/etc/sysconfig/orig_irq_banned_cpus"
key="IRQBALANCE_BANNED_CPUS"

die() {
    echo "clear-irqbalance-banned-cpus: $*" >&2
    exit 1
}

[[ "${value}" =~ ^[0-9a-fA-F]+(,[0-9a-fA-F]+)*$ ]] || die "OVS_DPDK_CPUS '${value}' is not a hex CPU mask such as '0000000c' or '00000001,00000000'"

mkdir -p "$(dirname "${conf}")"
touch "${conf}"
if grep -Eq "^[[:space:]]*${key}=" "${conf}"; then
    sed -E -i "s/^[[:space:]]*${key}=.*/${key}=${value}/" "${conf}"
else
    echo "${key}=${value}" >>"${conf}"
fi
echo "${value}" >"${orig}"

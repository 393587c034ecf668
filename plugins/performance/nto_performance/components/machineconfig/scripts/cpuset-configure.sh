#!/bin/bash
# Confine system services to the reserved CPUs on cgroup v1; do nothing on cgroup v2.
#
# Run by cpuset-configure.service after CRI-O and before the kubelet. On cgroup v1 systemd does not
# manage the cpuset controller, so this script:
#   - turns off load balancing across the root cpuset (cpuset.sched_load_balance = 0);
#   - creates system.slice with the CPU affinity of systemd (PID 1, the reserved CPUs) and moves
#     every process of the root cpuset into it (kernel threads that cannot move stay);
#   - creates machine.slice, where the pods go, restricted to the same reserved CPUs;
#   - creates the OVS slice (OVS_SLICE_NAME, default ovs.slice) with all CPUs and moves
#     ovs-vswitchd and ovsdb-server into it.
# Running it again changes nothing.
#
# NTO_ROOT (default empty) prefixes every path, so tests can run it against a fake /sys and /proc.
set -euo pipefail

root="${NTO_ROOT:-}"
ovs_slice="${OVS_SLICE_NAME:-ovs.slice}"
cgroup="${root}/sys/fs/cgroup"
cpuset="${cgroup}/cpuset"

die() {
    echo "cpuset-configure: $*" >&2
    exit 1
}

if [[ -e "${cgroup}/cgroup.controllers" ]]; then
    echo "cpuset-configure: cgroup v2, nothing to do"
    exit 0
fi
[[ -d "${cpuset}" ]] || die "${cpuset} does not exist; the cpuset controller is not mounted"

affinity="$(awk '/^Cpus_allowed_list:/ { print $2 }' "${root}/proc/1/status")"
[[ -n "${affinity}" ]] || die "no Cpus_allowed_list in ${root}/proc/1/status"
all_cpus="$(<"${cpuset}/cpuset.cpus")"
mems="$(<"${cpuset}/cpuset.mems")"

make_cpuset() {
    mkdir -p "$1"
    echo "${mems}" >"$1/cpuset.mems"
    echo "$2" >"$1/cpuset.cpus"
}

move_pid() {
    echo "$1" >"$2/cgroup.procs" 2>/dev/null || true
}

echo 0 >"${cpuset}/cpuset.sched_load_balance"

make_cpuset "${cpuset}/system.slice" "${affinity}"
while read -r pid; do
    move_pid "${pid}" "${cpuset}/system.slice"
done <"${cpuset}/cgroup.procs"

make_cpuset "${cpuset}/machine.slice" "${affinity}"

make_cpuset "${cpuset}/${ovs_slice}" "${all_cpus}"
for comm in "${root}"/proc/[0-9]*/comm; do
    [[ -e "${comm}" ]] || continue
    case "$(<"${comm}")" in
    ovs-vswitchd | ovsdb-server)
        pid="$(basename "$(dirname "${comm}")")"
        move_pid "${pid}" "${cpuset}/${ovs_slice}"
        ;;
    esac
done

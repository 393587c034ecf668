#!/bin/bash
# Set the RPS (receive packet steering) CPU mask of network receive queues.
#
#   set-rps-mask.sh                  every receive queue of every virtual device gets the default
#                                    mask (/proc/sys/net/core/rps_default_mask)
#   set-rps-mask.sh DEVPATH [MASK]   DEVPATH is a sysfs device path without /sys, either of one
#                                    queue (/devices/.../queues/rx-0) or of a network device
#                                    (/devices/.../net/eth0: all its receive queues); MASK is a hex
#                                    CPU mask ("0" turns RPS off), default the default mask
#
# update-rps@.service runs it with the path of a physical queue and mask 0, from the udev rule
# /etc/udev/rules.d/99-netdev-physical-rps.rules. Running it again changes nothing.
#
# NTO_ROOT (default empty) prefixes every path, so tests can run it against a fake /sys and /proc.
set -euo pipefail

root="${NTO_ROOT:-}"

die() {
    echo "set-rps-mask: $*" >&2
    exit 1
}

default_mask() {
    local file="${root}/proc/sys/net/core/rps_default_mask"
    [[ -r "${file}" ]] || die "${file} is not readable; pass the mask as the second argument"
    cat "${file}"
}

write_mask() {
    local file="$1" mask="$2"
    [[ -e "${file}" ]] || die "${file} does not exist; the queue has no RPS support"
    echo "${mask}" >"${file}"
}

set_device() {
    local device="$1" mask="$2" queue found=0
    for queue in "${device}"/queues/rx-*; do
        [[ -e "${queue}/rps_cpus" ]] || continue
        write_mask "${queue}/rps_cpus" "${mask}"
        found=1
    done
    ((found)) || echo "set-rps-mask: ${device} has no receive queue with RPS support" >&2
}

if (($# > 2)); then
    die "expected at most 2 arguments (DEVPATH [MASK]), got $#"
fi

if (($# == 0)); then
    mask="$(default_mask)"
    for device in "${root}"/sys/devices/virtual/net/*; do
        [[ -d "${device}/queues" ]] || continue
        set_device "${device}" "${mask}"
    done
    exit 0
fi

devpath="$1"
mask="${2:-$(default_mask)}"
[[ "${mask}" =~ ^[0-9a-fA-F]+(,[0-9a-fA-F]+)*$ ]] || die "mask '${mask}' is not a hex CPU mask such as '00000001' or '0'"
case "${devpath}" in
/* ) ;;
* ) die "device path '${devpath}' must be absolute, e.g. /devices/pci0000:00/0000:00:03.0/net/eth0/queues/rx-0" ;;
esac
case "/${devpath}/" in
*/../* ) die "device path '${devpath}' must not contain '..'" ;;
esac

path="${root}/sys${devpath}"
if [[ "$(basename "${path}")" == rx-* ]]; then
    write_mask "${path}/rps_cpus" "${mask}"
elif [[ -d "${path}/queues" ]]; then
    set_device "${path}" "${mask}"
else
    die "${path} is neither a receive queue (.../queues/rx-N) nor a network device"
fi

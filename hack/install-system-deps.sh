#!/usr/bin/env bash
# Debian packages the test suite uses: a real TuneD (its profile loader checks our TuneD
# profiles), shellcheck (checks our node scripts), systemd (systemd-analyze verifies our units),
# openssl (s_client checks the TLS security profiles) and kubectl (kubernetes-client, the client of
# test/e2e/test_kubectl.py). Installed once; skipped when present or when not root (tests that
# need them then skip with a reason).
set -euo pipefail
want=()
[[ -x /usr/sbin/tuned || -x /usr/bin/tuned ]] || want+=(tuned)
command -v shellcheck >/dev/null || want+=(shellcheck)
command -v openssl >/dev/null || want+=(openssl)  # s_client checks the TLS security profiles
command -v kubectl >/dev/null || want+=(kubernetes-client)  # test/e2e/test_kubectl.py
command -v systemd-analyze >/dev/null || want+=(systemd)
# rt-tests: cyclictest, oslat and hwlatdetect for `nto latency-test --local` and its tests
command -v cyclictest >/dev/null || want+=(rt-tests)
# prometheus: its promtool lints our /metrics and the bundle's alert rules (test/e2e/test_promtool.py)
command -v promtool >/dev/null || want+=(prometheus)
((${#want[@]})) || exit 0
if [[ $(id -u) -ne 0 ]] || ! command -v apt-get >/dev/null; then
    echo "note: cannot install ${want[*]} (not root or no apt-get); tests needing them will skip" >&2
    exit 0
fi
export DEBIAN_FRONTEND=noninteractive
apt-get update -qq >/dev/null
# tuned's postinst may try to start a service; there is no systemd here, so policy-rc.d blocks it.
printf '#!/bin/sh\nexit 101\n' >/usr/sbin/policy-rc.d && chmod +x /usr/sbin/policy-rc.d
apt-get install -y -qq --no-install-recommends "${want[@]}" >/dev/null
rm -f /usr/sbin/policy-rc.d

#!/usr/bin/env bash
# Performance must-gather: collects what the performance-profile-creator and support need.
#
# Runs in the OpenShift must-gather image (oc is on PATH, the pod's service account is
# cluster-admin) and writes under BASE_COLLECTION_PATH (default /must-gather):
#   version                                  this collector's name and version
#   cluster-scoped-resources/..., namespaces/...   from `oc adm inspect`: nodes,
#       MachineConfigPools, MachineConfigs, KubeletConfigs, PerformanceProfiles, Tuneds,
#       RuntimeClasses, FeatureGates, the Infrastructure and the operator's namespace
#   nodes/<node>/                            per-node hardware data, read by a short-lived
#       privileged DaemonSet: sysinfo.tgz (+ sysinfo.log), lscpu, lspci, proc_cmdline, dmesg,
#       <node>_logs_kubelet.gz; nodes without a gather pod are listed in skipped_nodes.txt
# The DaemonSet and its namespace, service account and RBAC are deleted on exit, whatever
# happens. The per-node image must hold the nto-performance package (the NTO image does);
# set NODE_GATHER_IMAGE to choose it, otherwise the image of this pod is used.

set -o errexit -o nounset -o pipefail

readonly VERSION="0.1.0"
readonly BASE="${BASE_COLLECTION_PATH:-/must-gather}"
readonly OPERATOR_NAMESPACE="${OPERATOR_NAMESPACE:-openshift-cluster-node-tuning-operator}"
readonly GATHER_NAMESPACE="perf-node-gather"
readonly GATHER_NAME="perf-node-gather"
readonly DAEMONSET="perf-node-gather-daemonset"
readonly ROLLOUT_TIMEOUT="${ROLLOUT_TIMEOUT:-300s}"
readonly KUBELET_LOG_SINCE="${KUBELET_LOG_SINCE:--8h}"

log() {
    printf '%s gather: %s\n' "$(date -u +%H:%M:%S)" "$*" >&2
}

write_version() {
    mkdir -p "${BASE}"
    printf 'performance-must-gather %s\n' "${VERSION}" > "${BASE}/version"
}

inspect_resources() {
    local resources=(
        "namespace/${OPERATOR_NAMESPACE}"
        nodes
        machineconfigpools.machineconfiguration.openshift.io
        machineconfigs.machineconfiguration.openshift.io
        kubeletconfigs.machineconfiguration.openshift.io
        performanceprofiles.performance.openshift.io
        tuneds.tuned.openshift.io
        runtimeclasses.node.k8s.io
        featuregates.config.openshift.io
        infrastructures.config.openshift.io
    )
    local resource
    for resource in "${resources[@]}"; do
        log "inspecting ${resource}"
        oc adm inspect --dest-dir "${BASE}" --all-namespaces "${resource}" \
            > /dev/null 2>> "${BASE}/inspect.log" || log "could not inspect ${resource}"
    done
}

node_image() {
    if [[ -n "${NODE_GATHER_IMAGE:-}" ]]; then
        printf '%s\n' "${NODE_GATHER_IMAGE}"
        return
    fi
    oc get pods --all-namespaces --field-selector "metadata.name=${HOSTNAME}" \
        -o jsonpath='{.items[0].spec.containers[0].image}'
}

cleanup() {
    log "deleting the node gather resources"
    oc delete --ignore-not-found --wait=false "namespace/${GATHER_NAMESPACE}" > /dev/null 2>&1 || true
    oc delete --ignore-not-found "clusterrolebinding/${GATHER_NAME}" \
        "clusterrole/${GATHER_NAME}" > /dev/null 2>&1 || true
}

create_daemonset() {
    local image="$1"
    oc apply -f - > /dev/null <<YAML
apiVersion: v1
kind: Namespace
metadata:
  name: ${GATHER_NAMESPACE}
  labels:
    openshift.io/run-level: "0"
    pod-security.kubernetes.io/enforce: privileged
  annotations:
    workload.openshift.io/allowed: management
---
apiVersion: v1
kind: ServiceAccount
metadata:
  name: ${GATHER_NAME}
  namespace: ${GATHER_NAMESPACE}
---
apiVersion: rbac.authorization.k8s.io/v1
kind: ClusterRole
metadata:
  name: ${GATHER_NAME}
rules:
- apiGroups: [security.openshift.io]
  resources: [securitycontextconstraints]
  resourceNames: [privileged]
  verbs: [use]
---
apiVersion: rbac.authorization.k8s.io/v1
kind: ClusterRoleBinding
metadata:
  name: ${GATHER_NAME}
roleRef:
  apiGroup: rbac.authorization.k8s.io
  kind: ClusterRole
  name: ${GATHER_NAME}
subjects:
- kind: ServiceAccount
  name: ${GATHER_NAME}
  namespace: ${GATHER_NAMESPACE}
---
apiVersion: apps/v1
kind: DaemonSet
metadata:
  name: ${DAEMONSET}
  namespace: ${GATHER_NAMESPACE}
spec:
  selector:
    matchLabels:
      app: ${GATHER_NAME}
  template:
    metadata:
      labels:
        app: ${GATHER_NAME}
      annotations:
        target.workload.openshift.io/management: '{"effect": "PreferredDuringScheduling"}'
    spec:
      serviceAccountName: ${GATHER_NAME}
      hostPID: true
      terminationGracePeriodSeconds: 0
      tolerations:
      - operator: Exists
      containers:
      - name: node-gather
        image: ${image}
        command: [/bin/sleep, infinity]
        securityContext:
          privileged: true
        resources:
          requests:
            cpu: 100m
            memory: 256Mi
        volumeMounts:
        - {name: sys, mountPath: /host/sys, readOnly: true}
        - {name: proc, mountPath: /host/proc, readOnly: true}
        - {name: podresources, mountPath: /host/podresources, readOnly: true}
      volumes:
      - {name: sys, hostPath: {path: /sys, type: Directory}}
      - {name: proc, hostPath: {path: /proc, type: Directory}}
      - {name: podresources, hostPath: {path: /var/lib/kubelet/pod-resources, type: Directory}}
YAML
}

# run_in POD OUTPUT COMMAND...: run COMMAND in the gather pod, its stdout to OUTPUT.
run_in() {
    local pod="$1" output="$2"
    shift 2
    oc exec -n "${GATHER_NAMESPACE}" "${pod}" -- "$@" > "${output}" 2>> "${output}.err" \
        || log "pod ${pod}: '$*' failed (see ${output}.err)"
    [[ -s "${output}.err" ]] || rm -f "${output}.err"
}

gather_node() {
    local pod="$1" node="$2"
    local dir="${BASE}/nodes/${node}"
    mkdir -p "${dir}"
    log "gathering node ${node} through pod ${pod}"
    oc exec -n "${GATHER_NAMESPACE}" "${pod}" -- \
        python3 -m nto_performance.ppc.gather snapshot --root /host --output - \
        > "${dir}/sysinfo.tgz" 2> "${dir}/sysinfo.log" \
        || log "node ${node}: the hardware snapshot failed (see sysinfo.log)"
    run_in "${pod}" "${dir}/lscpu" lscpu -e
    run_in "${pod}" "${dir}/lspci" lspci -nvv
    run_in "${pod}" "${dir}/proc_cmdline" cat /host/proc/cmdline
    run_in "${pod}" "${dir}/dmesg" dmesg
    oc adm node-logs "${node}" -u kubelet --since="${KUBELET_LOG_SINCE}" 2> /dev/null \
        | gzip > "${dir}/${node}_logs_kubelet.gz" || log "node ${node}: no kubelet journal"
}

gather_nodes() {
    local image pods pod node
    image="$(node_image)"
    if [[ -z "${image}" ]]; then
        log "no image for the node gather pods; set NODE_GATHER_IMAGE"
        return 1
    fi
    trap cleanup EXIT
    create_daemonset "${image}"
    log "waiting up to ${ROLLOUT_TIMEOUT} for the node gather pods"
    oc rollout status -n "${GATHER_NAMESPACE}" "daemonset/${DAEMONSET}" \
        --timeout="${ROLLOUT_TIMEOUT}" > /dev/null 2>&1 \
        || log "not every node gather pod started; gathering from those that did"
    pods="$(oc get pods -n "${GATHER_NAMESPACE}" -l "app=${GATHER_NAME}" \
        --field-selector=status.phase=Running \
        -o jsonpath='{range .items[*]}{.metadata.name}{" "}{.spec.nodeName}{"\n"}{end}')"
    mkdir -p "${BASE}/nodes"
    : > "${BASE}/nodes/skipped_nodes.txt"
    while read -r node; do
        node="${node#node/}"
        awk -v node="${node}" '$2 == node { found = 1 } END { exit !found }' <<< "${pods}" \
            || printf '%s\n' "${node}" >> "${BASE}/nodes/skipped_nodes.txt"
    done < <(oc get nodes -o name)
    while read -r pod node; do
        [[ -n "${pod}" ]] || continue
        gather_node "${pod}" "${node}" &
    done <<< "${pods}"
    wait
}

main() {
    write_version
    inspect_resources
    gather_nodes || log "per-node data was not gathered"
    sync
}

main "$@"

"""The Tuned controller's pure logic: what the operator should write, computed from what it read.

No kopf, no Kubernetes client, no I/O, no clock: every function takes plain wire-format dicts (as
kopf hands them over; `nto_api` models are accepted where noted through `as_dict`) and returns
plain values. The kopf handlers in `nto.operator` read the cluster, call these functions and write
the differences.

Modules, one concept each:

- `names`: object names, annotation and label keys.
- `selectors`: Kubernetes label selectors over dicts; `pools`: MachineConfigPool membership.
- `conditions`: merging and comparing status conditions.
- `default_tuned`: our ``Tuned/default`` and its reset rule.
- `validation`: the ``Valid`` condition of each Tuned; conflicting duplicate profiles.
- `matching`: recommend ``match`` rules, compiled and evaluated without recursion.
- `calculator`: the profile calculator (`Calculator`), informer needs; `computed`: its inputs
  and result (`NodeFacts`, `ComputedProfile`).
- `profile_diff`: the desired Profile object and whether an existing one needs an update.
- `kargs`: kernel argument splitting, ``50-nto-<pool>`` MachineConfigs, pruning.
- `bootcmdline`: gating MCs on node reports, conflict tracking, the readiness signal.
- `daemonset`: the operand DaemonSet ``tuned`` and when to update it.
- `status`: the ClusterOperator ``node-tuning`` conditions, versions and related objects.
- `management`: what each ``managementState`` asks the reconciler to do.
"""

"""The PerformanceProfile controller in HyperShift mode (``HYPERSHIFT=true``).

The operator runs in the management cluster's hosted-control-plane namespace and tunes the
nodes of a hosted cluster. Profiles arrive as management ConfigMaps; what they render leaves
as management ConfigMaps (MachineConfig, KubeletConfig, Tuned, status), except the RuntimeClass,
which is written into the hosted cluster. Pure modules: :mod:`.names` (labels, keys, names),
:mod:`.decode` (profile ConfigMap in), :mod:`.wrap` (ConfigMaps out). I/O: :mod:`.reconciler`
(one reconcile and the finalizer) and :mod:`.controller` (wiring on the core's runtime).
The facts, with their sources, are in ``docs/hypershift-performance.md``.
"""

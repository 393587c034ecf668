"""The PerformanceProfile controller: kopf handlers, pure decisions and thin API writes.

Pure modules (no I/O): :mod:`.pools` (MachineConfigPool selection and validation),
:mod:`.derive` (render options from cluster state), :mod:`.diff` (owner references, real
differences, merges), :mod:`.status` (conditions, precedence, messages), :mod:`.mapping` (which
profiles an event concerns), :mod:`.workqueue` (per-profile scheduling).
I/O: :mod:`.apply` (ordered apply and deletion through a small writer), :mod:`.events`
(core/v1 Events), :mod:`.reconciler` (one reconcile), :mod:`.handlers` (kopf wiring),
:mod:`.metrics` (Prometheus). The plugin module (:mod:`nto_performance.plugin`) calls
:func:`.handlers.register`.
"""

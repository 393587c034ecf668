"""The PerformanceProfile controller: pure decisions and thin API writes on the core's runtime.

Pure modules (no I/O): :mod:`.pools` (MachineConfigPool selection and validation),
:mod:`.derive` (render options from cluster state), :mod:`.diff` (owner references, real
differences, merges), :mod:`.status` (conditions, precedence, messages), :mod:`.mapping` (which
profiles an event concerns), :mod:`.cache` (the stores it reads).
I/O: :mod:`.apply` (ordered apply and deletion through a small writer), :mod:`.events`
(core/v1 Events), :mod:`.reconciler` (one reconcile), :mod:`.handlers` (the per-operator
:class:`~.handlers.PerformanceController` on the core's controller runtime), :mod:`.metrics`
(Prometheus). The plugin module (:mod:`nto_performance.plugin`) builds the controller in hook
``nto_register_handlers`` and hands it to the core, which starts and stops it.
"""

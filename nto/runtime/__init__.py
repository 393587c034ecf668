"""The one controller runtime every controller of the operator runs on, core and plugins alike.

kopf watches; this package turns its events into typed caches and work queues:

- :mod:`.store`: :class:`~.store.Store`, the objects of one watched resource by name, and
  :class:`~.store.WatchEvent`, what a subscriber hears;
- :mod:`.queue`: :class:`~.queue.WorkQueue`, de-duplicated, delayed keys with one worker per key
  (or one batch worker), retries with backoff;
- :mod:`.errors`: :class:`~.errors.PermanentError` and :class:`~.errors.TemporaryError`, which
  steer the queue and map to kopf's own errors in kopf handlers;
- :mod:`.watch_health`: which watches keep failing, and when kopf re-listed;
- :mod:`.topology`: :class:`~.topology.Topology` and :class:`~.topology.Cluster`, which clusters
  the operator talks to (classic: one; HyperShift: the hosted and the management cluster);
- :mod:`.management`: the management cluster's own list and watch (kopf watches one cluster),
  feeding the same stores; :mod:`.selectors`: string label selectors for both;
- :mod:`.controllers`: :class:`~.controllers.ControllerRuntime`, built once per operator: one
  kopf handler per watched resource feeding every store, one shared API client, the start-up
  list, the re-list refresh, the controllers' queues and the per-operator plugin objects.

Plugins reach these names through :mod:`nto.plugins` only. Neighbours: :mod:`nto.operator.runtime`
(builds the runtime), :mod:`nto.reconciler` (the Tuned controller on top of it).
"""

"""The Tuned controller's I/O layer, on the one controller runtime (:mod:`nto.runtime`).

:mod:`.handlers` declares the controller's watches on the runtime, which fills a
:class:`.cache.ClusterCache` of stores; the runtime's batch queue runs
:class:`.controller.TunedController`, which reads the cache, calls the pure logic of
:mod:`nto.controller` and writes only differences through :class:`nto.kube.client.KubeClient`
(:mod:`.writes`). :mod:`.pods` runs the Pod watch only while some Tuned matches on pod labels.
"""

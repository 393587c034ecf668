"""The Tuned controller's I/O layer: kopf events in, API writes out.

kopf watches the objects (:mod:`.handlers`) and feeds a :class:`.cache.ClusterCache`; one
:class:`.controller.TunedController` loop reads the cache, calls the pure logic of
:mod:`nto.controller` and writes only differences through :class:`nto.kube.client.KubeClient`.
:mod:`.pods` runs the Pod watch only while some Tuned matches on pod labels.
"""

"""Change previews: what a PerformanceProfile or Tuned change does to the nodes, before it is made.

Pure core: :mod:`.plan` renders the object before and after with the components' renderers,
:mod:`.effects` compares the rendered objects, :mod:`.disruption` applies the Machine Config
Operator's node disruption rule, :mod:`.kargs` reads kernel arguments from TuneD profiles,
:mod:`.tuned` previews Tuned changes with the core's profile calculator, :mod:`.texts` writes
the admission warnings. Command ``nto preview``: :mod:`.command`, :mod:`.inputs`,
:mod:`.sources`, :mod:`.report`, :mod:`.errors`. The admission webhook
(:mod:`nto_performance.webhooks.admission`) sends :mod:`.texts` as warnings. Importing this
package imports nothing else.
"""

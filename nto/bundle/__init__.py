"""CVO manifests generated from code and the plugins' hooks (``nto bundle``, ``make bundle``).

One module per group of objects, each a pure function returning manifests: :mod:`.namespace`,
:mod:`.crds`, :mod:`.monitoring` and :mod:`.alerts`, :mod:`.rbac`,
:mod:`.operator_deployment`, :mod:`.network_policy`, :mod:`.clusteroperator`; names in
:mod:`.names`, CVO annotations in :mod:`.cvo`. :mod:`.generate` assembles them with the plugins'
contributions and writes or checks the directory.
"""

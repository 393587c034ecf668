"""The offline ``render`` command: PerformanceProfile manifests in, node-tuning manifests out.

The installer runs ``cluster-node-tuning-operator render`` at bootstrap, before any API server
exists (spec section 4). Modules: :mod:`.command` (flags, environment, exit codes), :mod:`.inputs`
(reading multi-document YAML/JSON), :mod:`.assets` (pools, pinning, owners: what to write),
:mod:`.writer` (serialization and the all-or-nothing write), :mod:`.errors`. The rendering itself
is :mod:`nto_performance.components.manifestset`. Nothing here imports kopf or the kubernetes
client; this package's own import is cheap, the heavy modules load inside :func:`.command.run`.
"""

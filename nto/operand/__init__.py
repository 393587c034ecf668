"""The per-node operand ``ocp-tuned``: drives TuneD on one node from that node's Profile.

Modules, one concept each (pure ones first):

- `paths`: every file the operand reads or writes, under a configurable root prefix.
- `files`: profile-name validation, atomic writes, unpacking profiles, the recommend file.
- `fingerprint`: the deferred-update fingerprint of a profile set.
- `parser`: the small TuneD profile reader (``include=`` and built-in functions) for dependencies.
- `logparse`: TuneD log lines to a `TunedReport`.
- `status`: a `TunedReport` to the Profile's ``Applied``/``Degraded`` conditions.
- `change`: a Profile object to a `Change`; deferred-mode parsing.
- `deferred`: the pending-profile files and reboot-vs-restart recovery.
- `tuned_process`: starting, reloading, restarting and stopping TuneD.
- `prepare`: ``/etc/tuned`` preparation and ``tuned-main.conf`` edits.
- `daemon`: the watch/reconcile loop (``ocp-tuned --in-cluster``).
- `oneshot`: ``ocp-tuned --in-cluster=false --one-shot=true``.
- `bootcmd`: ``render-bootcmd-mc``; `_tuned_cmdline` runs under the system Python with TuneD.
"""

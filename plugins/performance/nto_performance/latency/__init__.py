"""``nto latency-test``: the opinionated latency suite (oslat, cyclictest, hwlatdetect).

PAO's latency measurement as a user-facing command: the same environment variables as the
reference's e2e suite ``4_latency``, one Guaranteed pod per tool on a node of a
PerformanceProfile (or ``--local``), and results that compare across runs (table, JSON, JUnit
XML, a histogram picture).

Modules, leaves first: `settings` (variables and flags, validated), `tools` (the command lines),
`parse` (tool output to `results`), `results` (per-CPU numbers, percentiles, verdicts),
`report` (table, JSON, JUnit XML), `picture` (SVG histogram), `local` (runs here),
`cluster` (runs in pods), `main` (the command), `command` (its cheap registration). Only
`command` is imported when the CLI starts.
"""

"""``cluster-node-tuning-operator latency-test``: the command's flags and its lazy entry point.

Registered by `nto_performance.plugin` through the ``nto_cli_commands`` hook. The CLI builds every
command's parser on each start, so this module imports only argparse and the core's flag helpers;
the suite itself (`nto_performance.latency.main`) is imported when the command runs.
"""

from __future__ import annotations

import argparse

from nto.plugins.cli import BoolFlag

__all__ = ["HELP", "NAME", "configure", "run"]

NAME = "latency-test"
HELP = "measure latency with oslat, cyclictest and hwlatdetect on a PerformanceProfile's node"
DESCRIPTION = f"""\
{HELP}.

Runs each tool in a Guaranteed pod on a node of --profile (its runtime class, exclusive CPUs,
CPU and IRQ load balancing and CPU quota disabled for the pod), or with --local on this machine;
prints per tool and CPU the maximum, percentiles and pass/fail against the thresholds, and writes
JSON, JUnit XML and a histogram picture to --artifacts-dir.

Every setting also comes from the reference's environment variable named in its help; a flag
wins over its variable. LATENCY_TEST_RUN=false skips the run (exit 0); unset, the command runs.
Latencies are in microseconds; without a threshold a tool is measured and reported only.
Exit code: 0 when nothing failed, 1 when a tool went above its threshold or could not measure.
"""

OUTPUTS = ("table", "json", "junit", "raw")


def configure(parser: argparse.ArgumentParser) -> None:
    parser.description = DESCRIPTION
    parser.formatter_class = argparse.RawDescriptionHelpFormatter
    where = parser.add_argument_group("where to run")
    where.add_argument("--local", action=BoolFlag, default=False, help="run on this machine")
    where.add_argument("--profile", default="", help="PerformanceProfile whose node to test")
    where.add_argument("--node", default="", help="node to test (default: the first, by name)")
    where.add_argument(
        "--namespace",
        default="",
        help="existing namespace for the test pods (default: a new one, deleted afterwards)",
    )
    where.add_argument(
        "--image",
        default="",
        help="image with nto and rt-tests (default: the image of the operand DaemonSet 'tuned')",
    )
    what = parser.add_argument_group("what to run (flags win over the variables)")
    what.add_argument("--tools", default=None, help="comma-separated tools (default: all three)")
    what.add_argument("--run", action=BoolFlag, default=None, help="LATENCY_TEST_RUN")
    what.add_argument(
        "--runtime", default=None, metavar="SECONDS", help="LATENCY_TEST_RUNTIME (default 300)"
    )
    what.add_argument(
        "--delay", default=None, metavar="SECONDS", help="LATENCY_TEST_DELAY (default 0)"
    )
    what.add_argument(
        "--cpus",
        default=None,
        metavar="N",
        help="LATENCY_TEST_CPUS (default: isolated CPUs - 1 in a pod, all CPUs with --local)",
    )
    what.add_argument(
        "--memory", default=None, metavar="QUANTITY", help="LATENCY_TEST_MEMORY (default 1Gi)"
    )
    what.add_argument(
        "--timeout-buffer",
        default=None,
        metavar="SECONDS",
        help="LATENCY_TEST_TIMEOUT_BUFFER (default 150)",
    )
    limits = parser.add_argument_group("thresholds in microseconds (unset: report only)")
    limits.add_argument(
        "--maximum-latency", default=None, metavar="US", help="MAXIMUM_LATENCY (all tools)"
    )
    for tool in ("oslat", "cyclictest", "hwlatdetect"):
        limits.add_argument(
            f"--{tool}-maximum-latency",
            default=None,
            metavar="US",
            help=f"{tool.upper()}_MAXIMUM_LATENCY",
        )
    out = parser.add_argument_group("output")
    out.add_argument(
        "-o",
        "--output",
        default="table",
        choices=OUTPUTS,
        help="what to print: table, json, junit, or raw tool output (default table)",
    )
    out.add_argument(
        "--artifacts-dir",
        default="latency-test-results",
        metavar="DIR",
        help="where to write results.json, junit.xml, latency.svg and the raw output "
        "('' writes nothing; default latency-test-results)",
    )


def run(args: argparse.Namespace) -> int:
    from nto_performance.latency import main

    return main.run(args)

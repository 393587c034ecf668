"""Load rendered TuneD profiles with the real TuneD and print what they resolve to, as JSON.

Run with the interpreter that has TuneD (Debian: ``/usr/bin/python3``), not the project venv:

    /usr/bin/python3 tuned_cmdline.py < cases.json

Input: ``{"cases": [{"id", "root", "profiles": {name: tuned.conf text}, "lscpu", "uname_r",
"pmu_name"}]}``. For each case the profiles are written to a fresh directory that the TuneD
``Locator`` searches after ``/usr/lib/tuned`` (so they win on a name clash), the tree under
``root`` is loaded and merged by TuneD's own ``Loader``/``Factory``/``Merger``/``Variables``, and
the ``[bootloader]`` ``cmdline*`` keys are joined by TuneD's bootloader plugin logic and expanded.
Nothing is applied to the host: no plugin instance is created, no daemon runs. Variable expansion
does run the profile functions, which read this machine's CPU topology; cpu-partitioning's
``${f:exec:mktemp:-d}`` creates a directory under ``$TMPDIR`` (the caller points it at a
temporary directory).

Output: ``{"results": [{"id", "cmdline", "bootloader", "sysctl", "cpu", "cpu_enabled",
"units", "error", "log"}]}``
where ``log`` holds what TuneD logged at ERROR level while loading.

TuneD 2.20 (Debian) predates two functions the generated profiles call; stand-ins are registered
for the run: ``lscpu_check`` (regex/value pairs tested against the case's ``lscpu`` text, first
match wins, an odd last argument is the fallback) and ``intel_recommended_pstate`` (``disable``
for the case's ``pmu_name`` when it names a pre-Ice Lake generation or is empty, else
``active``). ``exec`` answers ``uname -r`` with the case's ``uname_r`` so the real-time child can
be tested on any kernel. Neighbour: ``test_tuned_real.py`` (the caller).
"""

from __future__ import annotations

import json
import logging
import os
import re
import sys
import tempfile
from typing import Any

from tuned.plugins.plugin_bootloader import BootloaderPlugin
from tuned.profiles.factory import Factory
from tuned.profiles.functions import base
from tuned.profiles.loader import Loader
from tuned.profiles.locator import Locator
from tuned.profiles.merger import Merger
from tuned.profiles.variables import Variables

SYSTEM_PROFILES = "/usr/lib/tuned"
_OLD_INTEL_PMUS = frozenset({"sandybridge", "ivybridge", "haswell", "broadwell", "skylake"})


class _LscpuCheck(base.Function):  # type: ignore[misc]
    def __init__(self, lscpu: str) -> None:
        super().__init__("lscpu_check", 0, 2)
        self._lscpu = lscpu

    def execute(self, args: list[str]) -> str | None:
        if not super().execute(args):
            return None
        for regex, value in zip(args[0::2], args[1::2], strict=False):
            if re.search(regex, self._lscpu, re.MULTILINE):
                return str(value)
        return str(args[-1]) if len(args) % 2 else ""


class _IntelRecommendedPstate(base.Function):  # type: ignore[misc]
    def __init__(self, pmu_name: str) -> None:
        super().__init__("intel_recommended_pstate", 0)
        self._pmu_name = pmu_name

    def execute(self, args: list[str]) -> str | None:
        if not super().execute(args):
            return None
        return "disable" if self._pmu_name in _OLD_INTEL_PMUS | {""} else "active"


class _Exec(base.Function):  # type: ignore[misc]
    def __init__(self, real: Any, uname_r: str) -> None:
        super().__init__("exec", 0, 1)
        self._real = real
        self._uname_r = uname_r

    def execute(self, args: list[str]) -> str | None:
        if args == ["uname", "-r"]:
            return self._uname_r
        return self._real.execute(args)  # type: ignore[no-any-return]


def _variables(case: dict[str, Any]) -> Variables:
    variables = Variables()
    # The function repository is private TuneD state; registering instances under a name makes
    # ``${f:name:...}`` call them instead of importing a module that 2.20 does not have.
    registry = variables._functions._repository
    real_exec = registry.load_func("exec")
    registry._functions.update(
        lscpu_check=_LscpuCheck(case["lscpu"]),
        intel_recommended_pstate=_IntelRecommendedPstate(case.get("pmu_name", "")),
        exec=_Exec(real_exec, case["uname_r"]),
    )
    return variables


def _resolve(case: dict[str, Any]) -> dict[str, Any]:
    variables = _variables(case)
    with tempfile.TemporaryDirectory(prefix="tuned-profiles-") as directory:
        for name, data in case["profiles"].items():
            os.makedirs(os.path.join(directory, name))
            with open(os.path.join(directory, name, "tuned.conf"), "w") as handle:
                handle.write(data)
        locator = Locator([SYSTEM_PROFILES, directory])
        loader = Loader(locator, Factory(), Merger(), None, variables)
        profile = loader.load([case["root"]])
    units = profile.units
    bootloader = dict(units["bootloader"].options) if "bootloader" in units else {}
    joined = BootloaderPlugin._get_effective_options(BootloaderPlugin, bootloader)["cmdline"]
    return {
        "id": case["id"],
        "cmdline": variables.expand(joined) if joined else "",
        "bootloader": {key: variables.expand(value) for key, value in bootloader.items()},
        "sysctl": dict(units["sysctl"].options) if "sysctl" in units else {},
        "cpu": dict(units["cpu"].options) if "cpu" in units else {},
        "cpu_enabled": units["cpu"].enabled if "cpu" in units else None,
        "units": sorted(units),
        "error": None,
    }


class _Collect(logging.Handler):
    """Keeps the messages TuneD logs at ERROR and above, for the test to check."""

    def __init__(self) -> None:
        super().__init__(logging.ERROR)
        self.messages: list[str] = []

    def emit(self, record: logging.LogRecord) -> None:
        self.messages.append(record.getMessage())


def main() -> int:
    tuned_logger = logging.getLogger("tuned")
    tuned_logger.propagate = False
    for handler in list(tuned_logger.handlers):
        tuned_logger.removeHandler(handler)
    request = json.load(sys.stdin)
    results = []
    for case in request["cases"]:
        collect = _Collect()
        tuned_logger.addHandler(collect)
        try:
            result = _resolve(case)
        except Exception as error:  # report per case; the test shows it
            result = {"id": case["id"], "error": f"{type(error).__name__}: {error}"}
        finally:
            tuned_logger.removeHandler(collect)
        results.append({**result, "log": collect.messages})
    json.dump({"results": results}, sys.stdout)
    return 0


if __name__ == "__main__":
    sys.exit(main())

"""Compute TuneD's kernel command line for a profile without tuning anything (bootstrap helper).

Runs under the system Python that has TuneD installed (``/usr/bin/python3`` with Debian's
``tuned``), not in the operator's virtualenv, so it imports nothing from ``nto``. It uses TuneD's
own loader (locator, factory, merger, variables) and the bootloader plugin's option merging, then
expands the result with TuneD's variables and functions. ``--cpus`` supplies the online CPU list
that functions such as ``cpulist_invert`` would read from sysfs; ``mktemp`` calls made by profile
variables land in a private temporary directory that is removed afterwards.

Usage: ``python3 _tuned_cmdline.py --profile-dir DIR... --profile NAME --output FILE [--cpus L]``
Writes ``TUNED_BOOT_CMDLINE="<value>"`` to FILE like TuneD writes ``/etc/tuned/bootcmdline``.
Neighbour: `bootcmd` runs it.
"""

from __future__ import annotations

import argparse
import os
import re
import shutil
import sys
import tempfile


def _cpu_set(text: str) -> set[int]:
    cpus: set[int] = set()
    for raw in text.split(","):
        part = raw.strip()
        if not part:
            continue
        low, _, high = part.partition("-")
        cpus.update(range(int(low), int(high or low) + 1))
    return cpus


def _supply_cpus(cpus: str) -> None:
    from tuned.utils.commands import commands

    online = _cpu_set(cpus)
    original = commands.read_file
    per_cpu = re.compile(r"^/sys/devices/system/cpu/cpu(\d+)/online$")

    def read_file(self, f, err_ret="", no_error=False):  # type: ignore[no-untyped-def]
        if f == "/sys/devices/system/cpu/online":
            return cpus + "\n"
        match = per_cpu.match(str(f))
        if match:
            return "1\n" if int(match.group(1)) in online else "0\n"
        return original(self, f, err_ret, no_error)

    commands.read_file = read_file


def compute(profile_dirs: list[str], profile: str) -> str:
    from tuned.plugins.plugin_bootloader import BootloaderPlugin
    from tuned.profiles.factory import Factory
    from tuned.profiles.loader import Loader
    from tuned.profiles.locator import Locator
    from tuned.profiles.merger import Merger
    from tuned.profiles.variables import Variables
    from tuned.utils.commands import commands
    from tuned.utils.global_config import GlobalConfig

    variables = Variables()
    loader = Loader(Locator(profile_dirs), Factory(), Merger(), GlobalConfig(), variables)
    merged = loader.load([profile])
    plugin = object.__new__(BootloaderPlugin)
    values = []
    for unit in merged.units.values():
        if unit.type != "bootloader" or not unit.enabled:
            continue
        effective = plugin._get_effective_options(unit.options)
        if effective.get("cmdline"):
            values.append(variables.expand(commands().unquote(effective["cmdline"])))
    return " ".join(v.strip() for v in values if v.strip())


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--profile-dir", action="append", required=True)
    parser.add_argument("--profile", required=True)
    parser.add_argument("--output", required=True)
    parser.add_argument("--cpus", default="")
    args = parser.parse_args()
    scratch = tempfile.mkdtemp(prefix="nto-bootcmd-")
    os.environ["TMPDIR"] = scratch
    try:
        if args.cpus:
            _supply_cpus(args.cpus)
        value = compute(args.profile_dir, args.profile)
    except Exception as exc:
        sys.stderr.write(f"cannot compute the kernel command line of {args.profile!r}: {exc}\n")
        return 1
    finally:
        shutil.rmtree(scratch, ignore_errors=True)
    with open(args.output, "w") as file:
        file.write(f'TUNED_BOOT_CMDLINE="{value}"\n')
    return 0


if __name__ == "__main__":
    sys.exit(main())

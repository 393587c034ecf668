"""``render-bootcmd-mc``: the kernel-arguments MachineConfig of one pool, at install bootstrap.

Reads PerformanceProfile, MachineConfigPool, MachineConfig and Tuned manifests from the input
directories, adds our ``Tuned/default``, picks the top-priority recommend **without matching**
(Tuneds sorted by name, recommends flattened in that order, lowest priority number wins, first
one on ties), unpacks every profile into a temporary root and asks TuneD's own loader for the
kernel command line (`_tuned_cmdline`, run by the system Python; ``NTO_TUNED_BOOTCMD_BIN``
replaces that command, e.g. with a fake in tests). The result is ``50-nto-<pool>`` in
``kernelcmdargs_machineconfig_kargs.yaml``, labelled with the pool's
``machineConfigSelector.matchLabels``; kernel arguments of an input MachineConfig of that name
come first and the new ones are appended when missing.

Tuneds derived from other manifests (the performance plugin renders one per PerformanceProfile)
come from plugins through the ``bootstrap_tuneds`` callable (hook ``nto_bootstrap_tuneds``);
the core never imports a plugin. The CPU list given to TuneD comes from
``NTO_BOOTCMD_CPUS`` when set, else from the bootstrap machine, like the reference.
Neighbours: `files` (name checks), `nto.controller.default_tuned`, `nto.cli.commands.bootcmd`.
"""

from __future__ import annotations

import logging
import os
import subprocess
import tempfile
from collections.abc import Callable, Iterable, Mapping
from pathlib import Path
from typing import Any, Final

import yaml

from nto.controller.default_tuned import default_tuned
from nto.operand.files import (
    InvalidProfileError,
    atomic_write,
    check_profiles,
    read_bootcmdline,
    unpack_profiles,
)
from nto.operand.paths import SYSTEM_PROFILES_DIR
from nto_api import safe_yaml
from nto_api.names import MACHINECONFIG_V1
from nto_api.objects import JSONDict, get_map, name_of

logger = logging.getLogger(__name__)

OUTPUT_FILE: Final = "kernelcmdargs_machineconfig_kargs.yaml"
BOOTCMD_BIN_ENV: Final = "NTO_TUNED_BOOTCMD_BIN"
CPUS_ENV: Final = "NTO_BOOTCMD_CPUS"
SYSTEM_PYTHON: Final = "/usr/bin/python3"
HELPER: Final = Path(__file__).with_name("_tuned_cmdline.py")
TIMEOUT: Final = 120.0


class RenderError(Exception):
    """The inputs cannot produce the MachineConfig; the message names the input and the fix."""


def read_manifests(directories: Iterable[Path]) -> dict[str, list[JSONDict]]:
    """Objects of the input directories grouped by kind (YAML or JSON, multi-document)."""
    found: dict[str, list[JSONDict]] = {}
    for directory in directories:
        if not directory.is_dir():
            raise RenderError(f"--asset-input-dir {str(directory)!r} is not a directory")
        for path in sorted(directory.iterdir()):
            if path.suffix not in {".yaml", ".yml", ".json"} or not path.is_file():
                continue
            try:
                documents = safe_yaml.load_all(path.read_text())
            except yaml.YAMLError as exc:
                raise RenderError(f"manifest {str(path)!r} is not valid YAML: {exc}") from exc
            for document in documents:
                if isinstance(document, dict) and isinstance(document.get("kind"), str):
                    found.setdefault(document["kind"], []).append(document)
    return found


def top_recommend(tuneds: list[JSONDict]) -> str:
    """The recommended profile with the lowest priority number, without evaluating matches."""
    best: tuple[int, str] | None = None
    for tuned in sorted(tuneds, key=name_of):
        for item in get_map(tuned, "spec").get("recommend") or []:
            if not isinstance(item, Mapping) or not isinstance(item.get("profile"), str):
                continue
            priority = item.get("priority")
            if not isinstance(priority, int):
                continue
            if best is None or priority < best[0]:
                best = (priority, item["profile"])
    if best is None:
        raise RenderError("no Tuned has a recommend entry with a profile and a priority")
    return best[1]


def all_profiles(tuneds: list[JSONDict]) -> dict[str, str]:
    """Every profile of every Tuned (first by Tuned name wins), names and sizes checked."""
    result: dict[str, str] = {}
    for tuned in sorted(tuneds, key=name_of):
        try:
            checked = check_profiles(get_map(tuned, "spec").get("profile") or [])
        except InvalidProfileError as exc:
            raise RenderError(f"Tuned {name_of(tuned)!r}: {exc}") from exc
        for name, data in checked.items():
            result.setdefault(name, data)
    return result


def _command(environ: Mapping[str, str]) -> list[str]:
    override = environ.get(BOOTCMD_BIN_ENV)
    return [override] if override else [SYSTEM_PYTHON, str(HELPER)]


def compute_cmdline(
    profiles: Mapping[str, str],
    recommended: str,
    *,
    environ: Mapping[str, str],
) -> str:
    """TuneD's kernel command line for `recommended`, from a scratch copy of the profiles."""
    with tempfile.TemporaryDirectory(prefix="nto-render-bootcmd-") as scratch:
        custom = Path(scratch) / "profiles"
        unpack_profiles(custom, profiles)
        output = Path(scratch) / "bootcmdline"
        system = environ.get("NTO_TUNED_PROFILES_DIR") or SYSTEM_PROFILES_DIR
        argv = [
            *_command(environ),
            "--profile-dir",
            system,
            "--profile-dir",
            str(custom),
            "--profile",
            recommended,
            "--output",
            str(output),
        ]
        cpus = environ.get(CPUS_ENV)
        if cpus:
            argv += ["--cpus", cpus]
        try:
            done = subprocess.run(
                argv, capture_output=True, text=True, timeout=TIMEOUT, check=False
            )
        except (OSError, subprocess.TimeoutExpired) as exc:
            raise RenderError(f"cannot run TuneD ({argv[0]!r}): {exc}") from exc
        if done.returncode != 0 or not output.exists():
            detail = (done.stderr or done.stdout).strip().splitlines()[-1:] or ["no output"]
            raise RenderError(
                f"TuneD could not compute the kernel command line of profile {recommended!r}: "
                f"{detail[0]}"
            )
        return read_bootcmdline(output)


def machine_config(
    pool: Mapping[str, Any],
    kargs: list[str],
    existing: Mapping[str, Any] | None,
) -> JSONDict:
    """``50-nto-<pool>``: the pool's selector labels and the (union-appended) kernel arguments."""
    selector = get_map(pool, "spec").get("machineConfigSelector") or {}
    labels = dict(selector.get("matchLabels") or {}) if isinstance(selector, Mapping) else {}
    merged = [str(a) for a in (get_map(existing, "spec").get("kernelArguments") or [])]
    merged += [arg for arg in kargs if arg not in merged]
    return {
        "apiVersion": MACHINECONFIG_V1,
        "kind": "MachineConfig",
        "metadata": {"name": f"50-nto-{name_of(pool)}", "labels": labels},
        "spec": {"kernelArguments": merged},
    }


def render_bootcmd_mc(
    input_dirs: Iterable[Path],
    output_dir: Path,
    pool_name: str,
    *,
    environ: Mapping[str, str] | None = None,
    bootstrap_tuneds: Callable[[dict[str, list[JSONDict]]], list[JSONDict]] | None = None,
) -> Path:
    """Write the MachineConfig and return its path."""
    env = os.environ if environ is None else environ
    manifests = read_manifests(input_dirs)
    pools = [p for p in manifests.get("MachineConfigPool", []) if name_of(p) == pool_name]
    if not pools:
        raise RenderError(
            f"MachineConfigPool {pool_name!r} not found in --asset-input-dir; "
            "add its manifest or fix --mcp-name"
        )
    tuneds = [t for t in manifests.get("Tuned", []) if name_of(t) != "default"]
    tuneds.append(default_tuned())
    if bootstrap_tuneds is not None:
        tuneds.extend(bootstrap_tuneds(manifests))
    elif manifests.get("PerformanceProfile"):
        logger.warning(
            "%d PerformanceProfile(s) found but no plugin renders their Tuneds",
            len(manifests["PerformanceProfile"]),
        )
    recommended = top_recommend(tuneds)
    cmdline = compute_cmdline(all_profiles(tuneds), recommended, environ=env)
    name = f"50-nto-{pool_name}"
    existing = next((m for m in manifests.get("MachineConfig", []) if name_of(m) == name), None)
    config = machine_config(pools[0], cmdline.split(), existing)
    target = output_dir / OUTPUT_FILE
    atomic_write(target, yaml.safe_dump(config, sort_keys=False))
    logger.info("wrote %s for pool %r (profile %r): %s", target, pool_name, recommended, cmdline)
    return target

#!/usr/bin/env python3
"""A fake ``tuned --no-dbus [--debug] [--no-daemon]`` for the operand's tests.

It reads the recommend file and the profile tree under ``$NTO_OPERAND_ROOT`` like the real TuneD
would under ``/``, prints TuneD-formatted log lines to stderr, writes ``/etc/tuned/active_profile``
and ``/etc/tuned/bootcmdline``, reloads on SIGHUP and exits on SIGTERM. Every action is appended to
``<root>/run/fake-tuned.events`` (``start debug=0``, ``apply <profile>``, ``reload``, ``term``).

A ``[fake]`` section anywhere in the loaded profile chain steers it:
``warning=<text>``, ``error=<text>``, ``sysctl_override=<key>``, ``crash=<exit code>`` (exit right
after applying), ``ignore_sigterm=1``, ``delay=<seconds>`` before applying.

Bootcmd mode (``--output FILE --profile NAME --profile-dir DIR...``) mimics the render helper:
it writes ``TUNED_BOOT_CMDLINE=`` for the merged ``[bootloader] cmdline*`` options.
"""

from __future__ import annotations

import argparse
import configparser
import datetime
import os
import signal
import sys
import time
from pathlib import Path

ROOT = Path(os.environ.get("NTO_OPERAND_ROOT") or "/")
FLAGS = {"hup": False, "term": False}


def log(level: str, logger: str, message: str) -> None:
    now = datetime.datetime.now()
    stamp = now.strftime("%Y-%m-%d %H:%M:%S") + f",{now.microsecond // 1000:03d}"
    sys.stderr.write(f"{stamp} {level:<8} {logger}: {message}\n")
    sys.stderr.flush()


def event(text: str) -> None:
    path = ROOT / "run" / "fake-tuned.events"
    path.parent.mkdir(parents=True, exist_ok=True)
    with path.open("a") as file:
        file.write(text + "\n")


class LoadError(Exception):
    pass


def locate(name: str, dirs: list[Path]) -> Path | None:
    for directory in reversed(dirs):
        candidate = directory / name / "tuned.conf"
        if candidate.is_file():
            return candidate
    return None


def load(name: str, dirs: list[Path], seen: set[Path]) -> list[configparser.ConfigParser]:
    """The profile chain, parents first (like TuneD's loader, a file is loaded once)."""
    path = locate(name, [d for d in dirs if d / name / "tuned.conf" not in seen])
    if path is None and locate(name, dirs) is not None:
        return []  # already loaded: TuneD skips it, which also breaks include cycles
    if path is None:
        raise LoadError(f"Cannot find profile '{name}' in '{[str(d) for d in dirs]}'.")
    seen.add(path)
    config = configparser.ConfigParser(strict=False, interpolation=None)
    try:
        config.read_string(path.read_text())
    except configparser.Error as exc:
        raise LoadError(f"Cannot parse '{path}': {exc}".replace("\n", " ")) from exc
    chain: list[configparser.ConfigParser] = []
    for raw in config.get("main", "include", fallback="").split(","):
        optional = raw.strip().startswith("-")
        item = raw.strip().lstrip("-").strip()
        if not item or "${" in item:
            continue
        try:
            chain.extend(load(item, dirs, seen))
        except LoadError:
            if not optional:
                raise
    chain.append(config)
    return chain


def merged(chain: list[configparser.ConfigParser], section: str) -> dict[str, str]:
    values: dict[str, str] = {}
    for config in chain:
        if config.has_section(section):
            values.update(config.items(section))
    return values


def cmdline(chain: list[configparser.ConfigParser]) -> str:
    result = ""
    for key, value in merged(chain, "bootloader").items():
        if not key.startswith("cmdline") or not value:
            continue
        if value[0] == "+":
            result += " " + value[1:].strip()
        elif value[0] == "-":
            for word in value[1:].split():
                result = " ".join(w for w in result.split() if w != word)
        else:
            result += " " + value
    return result.strip()


def profile_dirs() -> list[Path]:
    return [ROOT / "usr/lib/tuned", ROOT / "var/lib/ocp-tuned/profiles"]


def recommended() -> str:
    path = ROOT / "var/lib/ocp-tuned/recommend.d/50-openshift.conf"
    try:
        for line in path.read_text().splitlines():
            if line.strip().startswith("["):
                return line.strip()[1:-1]
    except OSError:
        pass
    return ""


def apply(reload: bool) -> dict[str, str]:
    name = recommended()
    event(f"apply {name}")
    failure = "tuned.daemon.controller" if reload else "tuned.daemon.daemon"
    prefix = (
        "Failed to reload TuneD: "
        if reload
        else ("Cannot set initial profile. No tunings will be enabled: ")
    )
    if not name or locate(name, profile_dirs()) is None:
        log("ERROR", failure, prefix + f"Requested profile '{name}' doesn't exist.")
        return {}
    try:
        chain = load(name, profile_dirs(), set())
    except LoadError as exc:
        log("ERROR", failure, prefix + f"Cannot load profile(s) '{name}': {exc}")
        return {}
    fake = merged(chain, "fake")
    time.sleep(float(fake.get("delay", "0")))
    log("INFO", "tuned.daemon.daemon", f"starting tuning of profile '{name}'")
    if fake.get("warning"):
        log("WARNING", "tuned.plugins.base", fake["warning"])
    if fake.get("sysctl_override"):
        log(
            "INFO",
            "tuned.plugins.plugin_sysctl",
            f"Overriding sysctl parameter '{fake['sysctl_override']}' from '1' to '2'",
        )
    if fake.get("error"):
        log("ERROR", "tuned.plugins.base", fake["error"])
    etc = ROOT / "etc/tuned"
    etc.mkdir(parents=True, exist_ok=True)
    (etc / "bootcmdline").write_text(f'TUNED_BOOT_CMDLINE="{cmdline(chain)}"\n')
    (etc / "active_profile").write_text(name + "\n")
    log("INFO", "tuned.daemon.daemon", f"static tuning from profile '{name}' applied")
    return fake


def bootcmd(args: argparse.Namespace) -> int:
    try:
        chain = load(args.profile, [Path(d) for d in args.profile_dir], set())
    except LoadError as exc:
        log("ERROR", "tuned.profiles.loader", str(exc))
        return 1
    Path(args.output).write_text(f'TUNED_BOOT_CMDLINE="{cmdline(chain)}"\n')
    return 0


def on_signal(number: int, _frame: object) -> None:
    FLAGS["hup" if number == signal.SIGHUP else "term"] = True


def main() -> int:
    parser = argparse.ArgumentParser()
    parser.add_argument("--no-dbus", action="store_true")
    parser.add_argument("--debug", action="store_true")
    parser.add_argument("--no-daemon", action="store_true")
    parser.add_argument("--profile")
    parser.add_argument("--profile-dir", action="append", default=[])
    parser.add_argument("--cpus", default="")
    parser.add_argument("--output")
    args = parser.parse_args()
    if args.output:
        return bootcmd(args)
    signal.signal(signal.SIGHUP, on_signal)
    signal.signal(signal.SIGTERM, on_signal)
    event(f"start debug={int(args.debug)} pid={os.getpid()}")
    log("INFO", "tuned.daemon.application", "TuneD: 2.20.0 (fake), kernel: fake")
    main_conf = ROOT / "etc/tuned/tuned-main.conf"
    one_shot = args.no_daemon or "daemon = 0" in (
        main_conf.read_text() if main_conf.exists() else ""
    )
    fake = apply(reload=False)
    if "crash" in fake:
        return int(fake["crash"])
    if one_shot:
        return 0
    while True:
        time.sleep(0.02)
        if FLAGS["term"]:
            FLAGS["term"] = False
            event("term")
            if fake.get("ignore_sigterm") != "1":
                log("INFO", "tuned.daemon.daemon", "terminating TuneD")
                return 0
        if FLAGS["hup"]:
            FLAGS["hup"] = False
            event("reload")
            fake = apply(reload=True)
            if "crash" in fake:
                return int(fake["crash"])


if __name__ == "__main__":
    sys.exit(main())

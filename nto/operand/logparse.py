"""TuneD's log lines to a `TunedReport`: applied, warning, error, sysctl override, reload end.

Only the lines the reference looks for matter (TuneD's format is
``<date> <time> <LEVEL padded to 8> <logger>: <message>``):

- ``tuned.daemon.daemon: static tuning from profile '<p>' applied``: the profile is applied and a
  reload has ended;
- `` WARNING ``: warning, message from the level on (unless an error was already seen);
- `` ERROR ``: error, message from the level on;
- ``tuned.plugins.plugin_sysctl: Overriding sysctl parameter '<k>' from '<a>' to '<b>'`` with
  a != b: sysctl override, message ``<k>``;
- ``Failed to reload TuneD:`` and ``Cannot set initial profile. No tunings will be enabled:``: a
  reload ended without applying. The reference only accepts the latter with "Requested profile
  ... doesn't exist"; we accept every cause (a missing include, a malformed profile), otherwise
  the operand would wait forever for a reload that already failed.

Pure: no I/O. Neighbours: `tuned_process` feeds lines, `status` turns the report into conditions.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from typing import Final

APPLIED_MARK: Final = " tuned.daemon.daemon: static tuning from profile "
RELOAD_FAILED_MARK: Final = " tuned.daemon.controller: Failed to reload TuneD: "
NO_PROFILE_MARK: Final = "Cannot set initial profile. No tunings will be enabled: "
_SYSCTL_OVERRIDE: Final = re.compile(
    r"tuned\.plugins\.plugin_sysctl: Overriding sysctl parameter '([^']*)' "
    r"from '([^']*)' to '([^']*)'"
)


@dataclass
class TunedReport:
    """What the operand knows about TuneD's last (re)load, as bits plus one message."""

    applied: bool = False
    warning: bool = False
    error: bool = False
    sysctl_override: bool = False
    deferred: bool = False
    reloading: bool = False
    unknown: bool = False
    message: str = ""

    def reset_for_reload(self) -> None:
        """Forget the previous load's outcome; TuneD is about to (re)apply a profile."""
        self.applied = self.warning = self.error = self.sysctl_override = False
        self.unknown = False
        self.message = ""
        self.reloading = True


def feed_line(report: TunedReport, line: str) -> bool:
    """Update `report` from one TuneD log line; True when the line ends a reload."""
    ended = False
    if APPLIED_MARK in line and " applied" in line:
        report.applied = True
        ended = True
    index = line.find(" WARNING ")
    if index >= 0:
        report.warning = True
        if not report.error:
            report.message = line[index + 1 :].strip()
    index = line.find(" ERROR ")
    if index >= 0:
        report.error = True
        report.message = line[index + 1 :].strip()
    match = _SYSCTL_OVERRIDE.search(line)
    if match and match.group(2) != match.group(3):
        report.sysctl_override = True
        if not report.error:
            report.message = match.group(1)
    if RELOAD_FAILED_MARK in line or NO_PROFILE_MARK in line:
        ended = True
    if ended:
        report.reloading = False
    return ended

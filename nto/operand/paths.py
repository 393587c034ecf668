"""Where the operand reads and writes on the node, all under one root prefix.

Production uses ``/``; tests set ``NTO_OPERAND_ROOT`` to a temporary directory so every file lands
inside it. The absolute paths are the reference's: other components (the PerformanceProfile's
one-shot service, TuneD's own configuration) depend on them. Neighbours: `files`, `deferred`,
`prepare`, `daemon`.
"""

from __future__ import annotations

import os
from collections.abc import Mapping
from dataclasses import dataclass
from pathlib import Path
from typing import Final

ROOT_ENV: Final = "NTO_OPERAND_ROOT"

PROFILES_DIR: Final = "/var/lib/ocp-tuned/profiles"
RECOMMEND_DIR: Final = "/var/lib/ocp-tuned/recommend.d"
PROVIDER_FILE: Final = "/var/lib/ocp-tuned/provider"
IMAGE_ENV_FILE: Final = "/var/lib/ocp-tuned/image.env"
PERSISTENT_PENDING_FILE: Final = "/var/lib/ocp-tuned/pending_profile"
RUN_DIR: Final = "/run/ocp-tuned"
EPHEMERAL_PENDING_FILE: Final = "/run/ocp-tuned/pending_profile"
TUNED_ETC_DIR: Final = "/etc/tuned"
TUNED_ETC_ORIG_DIR: Final = "/etc/tuned.orig"
TUNED_RECOMMEND_LINK: Final = "/etc/tuned/recommend.d"
RECOMMEND_FILE_NAME: Final = "50-openshift.conf"
TUNED_MAIN_CONF: Final = "/etc/tuned/tuned-main.conf"
BOOTCMDLINE_FILE: Final = "/etc/tuned/bootcmdline"
ACTIVE_PROFILE_FILE: Final = "/etc/tuned/active_profile"
SYSTEM_PROFILES_DIR: Final = "/usr/lib/tuned"


@dataclass(frozen=True)
class OperandPaths:
    """The operand's files, resolved under `root`."""

    root: Path = Path("/")

    @classmethod
    def from_env(cls, environ: Mapping[str, str] | None = None) -> OperandPaths:
        """Paths under ``$NTO_OPERAND_ROOT`` (default ``/``)."""
        env = os.environ if environ is None else environ
        return cls(Path(env.get(ROOT_ENV) or "/"))

    def at(self, absolute: str) -> Path:
        """`absolute` (a node path such as ``/etc/tuned``) under the root prefix."""
        return self.root / absolute.lstrip("/")

    @property
    def profiles_dir(self) -> Path:
        return self.at(PROFILES_DIR)

    @property
    def recommend_dir(self) -> Path:
        return self.at(RECOMMEND_DIR)

    @property
    def recommend_file(self) -> Path:
        """``50-openshift.conf``; ``/etc/tuned/recommend.d`` links to its directory."""
        return self.recommend_dir / RECOMMEND_FILE_NAME

    @property
    def provider_file(self) -> Path:
        return self.at(PROVIDER_FILE)

    @property
    def image_env_file(self) -> Path:
        return self.at(IMAGE_ENV_FILE)

    @property
    def persistent_pending_file(self) -> Path:
        return self.at(PERSISTENT_PENDING_FILE)

    @property
    def run_dir(self) -> Path:
        return self.at(RUN_DIR)

    @property
    def ephemeral_pending_file(self) -> Path:
        return self.at(EPHEMERAL_PENDING_FILE)

    @property
    def tuned_etc_dir(self) -> Path:
        return self.at(TUNED_ETC_DIR)

    @property
    def tuned_etc_orig_dir(self) -> Path:
        return self.at(TUNED_ETC_ORIG_DIR)

    @property
    def recommend_link(self) -> Path:
        return self.at(TUNED_RECOMMEND_LINK)

    @property
    def tuned_main_conf(self) -> Path:
        return self.at(TUNED_MAIN_CONF)

    @property
    def bootcmdline_file(self) -> Path:
        return self.at(BOOTCMDLINE_FILE)

    @property
    def active_profile_file(self) -> Path:
        return self.at(ACTIVE_PROFILE_FILE)

    @property
    def system_profiles_dir(self) -> Path:
        return self.at(SYSTEM_PROFILES_DIR)

"""Upgrade from the standalone, OLM-installed Performance Addon Operator (issue 7 item 7).

A standalone PAO is an OLM ClusterServiceVersion (not a copy: no ``olm.copiedFrom`` label)
whose install strategy deploys ``performance-operator``. Two modes, chosen by the environment
variable ``NTO_PAO_STANDALONE``:

- ``remove`` (default, the reference's former behaviour): on start, delete each Subscription
  whose ``status.installedCSV`` names such a CSV in the same namespace, then the CSV. The CRDs,
  OperatorGroups and PerformanceProfiles are never touched, so user profiles survive and this
  operator takes them over.
- ``stand-down``: remove nothing; while a standalone PAO is present the performance controller
  does not reconcile and the ClusterOperator status says so (hook ``nto_status_messages``);
  presence is checked every ``NTO_PAO_CHECK_SECONDS`` (default 60) and the controller resumes
  once the PAO is gone.

Pure parts: :func:`mode_from_env`, :func:`is_standalone_pao`, :func:`subscriptions_of`.
Neighbours: :mod:`nto_performance.plugin` (hooks ``nto_startup``, ``nto_status_messages``),
:mod:`nto_performance.controller.handlers` (the stand-down check loop).
"""

from __future__ import annotations

import logging
import os
from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from typing import Any, Final, Literal

from nto.plugins import KubeClient, NotFoundError
from nto_api.objects import labels_of, name_of, namespace_of

__all__ = [
    "CHECK_INTERVAL_ENV",
    "COPIED_FROM_LABEL",
    "MODE_ENV",
    "PAO_DEPLOYMENT",
    "Mode",
    "StandDown",
    "check_interval_from_env",
    "find_standalone",
    "is_standalone_pao",
    "mode_from_env",
    "remove_standalone",
    "subscriptions_of",
]

logger = logging.getLogger(__name__)

MODE_ENV: Final = "NTO_PAO_STANDALONE"
CHECK_INTERVAL_ENV: Final = "NTO_PAO_CHECK_SECONDS"
PAO_DEPLOYMENT: Final = "performance-operator"
COPIED_FROM_LABEL: Final = "olm.copiedFrom"
OLM: Final = "operators.coreos.com/v1alpha1"
_DEFAULT_INTERVAL: Final = 60.0

Mode = Literal["remove", "stand-down"]
_MODES: Final[tuple[Mode, ...]] = ("remove", "stand-down")


def mode_from_env(environ: Mapping[str, str] | None = None) -> Mode:
    """The mode named by ``NTO_PAO_STANDALONE``; unknown values warn and mean ``remove``."""
    value = (os.environ if environ is None else environ).get(MODE_ENV, "remove").strip()
    for mode in _MODES:
        if value == mode:
            return mode
    logger.warning(
        "%s=%r is not one of %s; using 'remove'", MODE_ENV, value, ", ".join(map(repr, _MODES))
    )
    return "remove"


def check_interval_from_env(environ: Mapping[str, str] | None = None) -> float:
    """Seconds between presence checks in stand-down mode (``NTO_PAO_CHECK_SECONDS``)."""
    value = (os.environ if environ is None else environ).get(CHECK_INTERVAL_ENV, "")
    try:
        seconds = float(value) if value else _DEFAULT_INTERVAL
    except ValueError:
        seconds = -1.0
    if not 0 < seconds <= 3600:
        logger.warning(
            "%s=%r is not a number of seconds in (0, 3600]; using %s",
            CHECK_INTERVAL_ENV,
            value,
            _DEFAULT_INTERVAL,
        )
        return _DEFAULT_INTERVAL
    return seconds


def is_standalone_pao(csv: Mapping[str, Any]) -> bool:
    """Whether `csv` is an original (not copied) CSV deploying ``performance-operator``."""
    if COPIED_FROM_LABEL in labels_of(csv):
        return False
    install = (csv.get("spec") or {}).get("install") or {}
    if not isinstance(install, Mapping):
        return False
    deployments = (install.get("spec") or {}).get("deployments") or []
    return isinstance(deployments, list) and any(
        isinstance(d, Mapping) and d.get("name") == PAO_DEPLOYMENT for d in deployments
    )


def subscriptions_of(
    csv: Mapping[str, Any],
    subscriptions: Iterable[Mapping[str, Any]],
) -> list[str]:
    """Names of the Subscriptions in the CSV's namespace whose installedCSV is the CSV."""
    name, namespace = name_of(csv), namespace_of(csv)
    return sorted(
        name_of(sub)
        for sub in subscriptions
        if namespace_of(sub) == namespace
        and ((sub.get("status") or {}).get("installedCSV") == name)
    )


def describe(csv: Mapping[str, Any]) -> str:
    return f"{namespace_of(csv)}/{name_of(csv)}"


async def find_standalone(client: KubeClient) -> list[dict[str, Any]]:
    """Every standalone PAO CSV in the cluster (none when OLM is not installed)."""
    try:
        csvs = await client.list(
            OLM, "clusterserviceversions", label_selector=f"!{COPIED_FROM_LABEL}"
        )
    except NotFoundError:
        return []
    return [csv for csv in csvs if is_standalone_pao(csv)]


async def remove_standalone(client: KubeClient) -> list[str]:
    """Delete every standalone PAO (its Subscriptions, then its CSV); return what was deleted
    as ``kind namespace/name``."""
    removed: list[str] = []
    for csv in await find_standalone(client):
        namespace = namespace_of(csv)
        subscriptions = await client.list(OLM, "subscriptions", namespace)
        for name in subscriptions_of(csv, subscriptions):
            if await client.delete(OLM, "subscriptions", name, namespace):
                removed.append(f"Subscription {namespace}/{name}")
        if await client.delete(OLM, "clusterserviceversions", name_of(csv), namespace):
            removed.append(f"ClusterServiceVersion {describe(csv)}")
    for item in removed:
        logger.info("Removed the standalone Performance Addon Operator's %s", item)
    return removed


@dataclass
class StandDown:
    """Stand-down state: the standalone PAO CSVs last seen (empty: the controller runs)."""

    present: tuple[str, ...] = ()

    @property
    def active(self) -> bool:
        return bool(self.present)

    def message(self) -> str | None:
        """The ClusterOperator message while standing down."""
        if not self.present:
            return None
        return (
            "a standalone Performance Addon Operator is installed (ClusterServiceVersion "
            f"{', '.join(self.present)}); the PerformanceProfile controller stands down until "
            f"it is uninstalled ({MODE_ENV}=stand-down)"
        )

    async def refresh(self, client: KubeClient) -> bool:
        """Re-check presence; True when the state changed."""
        present = tuple(sorted(describe(csv) for csv in await find_standalone(client)))
        changed = present != self.present
        self.present = present
        return changed


async def remove_standalone_with_new_client() -> list[str]:
    """:func:`remove_standalone` with a client of its own (hook ``nto_startup``); API errors
    are logged, not raised: the operator must start anyway and retries on the next start."""
    from nto.plugins import ApiError, load_connection

    try:
        async with KubeClient(load_connection()) as client:
            return await remove_standalone(client)
    except (ApiError, OSError, TimeoutError) as exc:
        logger.warning("Removing the standalone Performance Addon Operator failed: %s", exc)
        return []

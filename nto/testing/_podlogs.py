"""Pod logs for the emulated API server: the ``pods/NAME/log`` subresource and finished pods.

An emulated cluster runs no containers, so tests say what a pod's containers printed and how
they ended (:meth:`EmulatedCluster.complete_pod`); ``GET .../pods/NAME/log`` then answers that
text as ``text/plain``, like a real API server relaying the kubelet: 404 for a missing pod, 400
when a pod of several containers is asked without ``container``, or while the container waits to
start. ``container``, ``tailLines`` and ``limitBytes`` work; ``follow``, ``previous``,
``timestamps``, ``sinceSeconds`` and ``sinceTime`` are refused with a clear 400 (listed in
``docs/testing.md``). Logs are kept per pod UID, so a new pod of the same name starts empty.
Neighbours: :mod:`nto.testing._handler` (routes here), :mod:`nto.testing._cluster`.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from aiohttp import web

from nto.testing._errors import ApiError

__all__ = ["PodLogs", "finished_status"]

UNSUPPORTED = ("follow", "previous", "timestamps", "sinceSeconds", "sinceTime")


class PodLogs:
    """Container output by ``(pod uid, container name)``."""

    def __init__(self) -> None:
        self._logs: dict[tuple[str, str], str] = {}

    def set(self, uid: str, container: str, text: str) -> None:
        self._logs[(uid, container)] = text

    def serve(self, pod: Mapping[str, Any], query: Mapping[str, str]) -> web.Response:
        """The log of one container of ``pod`` as a real server answers ``GET pods/NAME/log``."""
        name = pod["metadata"]["name"]
        for parameter in UNSUPPORTED:
            if query.get(parameter) not in (None, "", "false"):
                raise ApiError(
                    400,
                    f"{parameter}={query[parameter]!r} is not supported by the emulated API server "
                    "(nto.testing) on pods/log: its logs are fixed text; read them without it",
                    reason="BadRequest",
                )
        names = [c.get("name", "") for c in (pod.get("spec") or {}).get("containers") or []]
        container = query.get("container") or ""
        if not container:
            if len(names) != 1:
                raise ApiError(
                    400,
                    f"a container name must be specified for pod {name}, choose one of: "
                    f"[{' '.join(names)}]",
                    reason="BadRequest",
                )
            container = names[0]
        if container not in names:
            raise ApiError(
                400, f"container {container} is not valid for pod {name}", reason="BadRequest"
            )
        text = self._logs.get((pod["metadata"].get("uid", ""), container))
        if text is None:
            phase = (pod.get("status") or {}).get("phase") or "Pending"
            if phase == "Pending":
                raise ApiError(
                    400,
                    f'container "{container}" in pod "{name}" is waiting to start: '
                    "ContainerCreating",
                    reason="BadRequest",
                )
            text = ""
        data = text.encode()
        tail = _count(query, "tailLines", minimum=0)
        if tail is not None:
            lines = data.splitlines(keepends=True)
            data = b"".join(lines[len(lines) - tail :] if tail else [])
        limit = _count(query, "limitBytes", minimum=1)
        if limit is not None:
            data = data[:limit]
        return web.Response(body=data, content_type="text/plain", charset="utf-8")


def _count(query: Mapping[str, str], parameter: str, *, minimum: int) -> int | None:
    raw = query.get(parameter)
    if raw is None:
        return None
    if not raw.isdigit() or int(raw) < minimum:
        raise ApiError(
            422,
            f'PodLogOptions "" is invalid: {parameter}: Invalid value: {raw!r}: must be '
            f"{'greater than 0' if minimum else 'greater than or equal to 0'}",
            reason="Invalid",
        )
    return int(raw)


def finished_status(pod: Mapping[str, Any], *, phase: str, exit_code: int) -> dict[str, Any]:
    """The ``status`` a kubelet reports for a pod whose containers all ended with ``exit_code``."""
    now = "2026-01-01T00:00:00Z"
    containers = (pod.get("spec") or {}).get("containers") or []
    return {
        "phase": phase,
        "startTime": now,
        "conditions": [{"type": "Ready", "status": "False", "reason": "PodCompleted"}],
        "containerStatuses": [
            {
                "name": container.get("name", ""),
                "image": container.get("image", ""),
                "imageID": "",
                "ready": False,
                "restartCount": 0,
                "started": False,
                "state": {
                    "terminated": {
                        "exitCode": exit_code,
                        "reason": "Completed" if exit_code == 0 else "Error",
                        "startedAt": now,
                        "finishedAt": now,
                    }
                },
            }
            for container in containers
        ],
    }

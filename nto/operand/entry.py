"""Process-level entry of ``ocp-tuned``: environment, clients, signals, then `daemon` or `oneshot`.

Environment: ``OCP_NODE_NAME`` (required in-cluster), ``CLUSTER_NODE_TUNED_IMAGE``,
``NTO_OPERAND_ROOT`` (root prefix, default ``/``), ``NTO_TUNED_BIN`` (TuneD executable),
``NTO_TUNED_STOP_GRACE`` (seconds between SIGTERM and SIGKILL, default 10) and
``NTO_OPERAND_RETRY_DELAY`` (first watch-retry delay, default 10). Node updates use the kubelet's
kubeconfig when present, like the reference. SIGINT/SIGTERM stop gracefully; a second one exits 1.
Neighbours: `nto.cli.commands.operand` calls `run_operand`.
"""

from __future__ import annotations

import asyncio
import contextlib
import logging
import os
import signal
from collections.abc import AsyncIterator, Mapping
from typing import Final

from nto.kube.client import KubeClient
from nto.kube.config import from_kubeconfig, load_connection
from nto.operand.daemon import Operand, OperandSettings
from nto.operand.oneshot import run_one_shot
from nto.operand.paths import OperandPaths
from nto.operand.prepare import ensure_host_state_dirs, prepare_tuned_dir, write_image_env
from nto.operand.tuned_process import tuned_executable
from nto_api.names import OPERATOR_NAMESPACE

logger = logging.getLogger(__name__)

DEFAULT_IMAGE: Final = "registry.svc.ci.openshift.org/openshift/origin-v4.0:cluster-node-tuned"
KUBELET_KUBECONFIGS: Final = ("/var/lib/kubelet/kubeconfig", "/etc/kubernetes/kubelet-kubeconfig")
HOST_TUNED_DISABLE: Final = ("systemctl", "disable", "tuned", "--now")


def _float_env(env: Mapping[str, str], key: str, default: float) -> float:
    try:
        return float(env.get(key, default))
    except ValueError:
        logger.warning("ignoring %s=%r: not a number; using %g", key, env.get(key), default)
        return default


def settings_from_env(env: Mapping[str, str], paths: OperandPaths) -> OperandSettings:
    node = env.get("OCP_NODE_NAME", "")
    if not node:
        raise RuntimeError("environment variable OCP_NODE_NAME is not set; it names this node")
    production = paths.root == OperandPaths().root
    return OperandSettings(
        node_name=node,
        namespace=OPERATOR_NAMESPACE,
        tuned_executable=tuned_executable(env),
        stop_grace=_float_env(env, "NTO_TUNED_STOP_GRACE", 10.0),
        retry_delay=_float_env(env, "NTO_OPERAND_RETRY_DELAY", 10.0),
        disable_host_tuned=HOST_TUNED_DISABLE if production else (),
    )


@contextlib.asynccontextmanager
async def _node_client(paths: OperandPaths, main: KubeClient) -> AsyncIterator[KubeClient]:
    for candidate in KUBELET_KUBECONFIGS:
        path = paths.at(candidate)
        if path.is_file():
            async with KubeClient(from_kubeconfig(path)) as client:
                yield client
            return
    yield main


async def run_in_cluster(env: Mapping[str, str], paths: OperandPaths) -> None:
    """Prepare the node and run the daemon until SIGINT/SIGTERM."""
    settings = settings_from_env(env, paths)
    ensure_host_state_dirs(paths)
    prepare_tuned_dir(paths)
    write_image_env(paths, env.get("CLUSTER_NODE_TUNED_IMAGE") or DEFAULT_IMAGE)
    paths.run_dir.mkdir(parents=True, exist_ok=True)
    stop = asyncio.Event()
    async with KubeClient(load_connection(env)) as client, _node_client(paths, client) as nodes:
        operand = Operand(settings, client=client, node_client=nodes, paths=paths)
        _install_signals(stop, operand)
        await operand.run(stop)


def _install_signals(stop: asyncio.Event, operand: Operand) -> None:
    loop = asyncio.get_running_loop()

    def handle(number: int) -> None:
        if stop.is_set():
            logger.warning("second signal %d: exiting now", number)
            operand.tuned.kill_now()
            os._exit(1)
        logger.info("signal %d: stopping TuneD and exiting", number)
        stop.set()

    for number in (signal.SIGINT, signal.SIGTERM):
        loop.add_signal_handler(number, handle, number)


def run_operand(*, in_cluster: bool, one_shot: bool, environ: Mapping[str, str]) -> int:
    """The ``ocp-tuned`` command body (flags already checked)."""
    paths = OperandPaths.from_env(environ)
    if one_shot and not in_cluster:
        run_one_shot(paths, tuned_executable(environ))
        return 0
    asyncio.run(run_in_cluster(environ, paths))
    return 0

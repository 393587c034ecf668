"""Running the latency tools in a cluster: a Guaranteed pod per tool on a PerformanceProfile's node.

Each pod runs this same command with ``--local --output=raw`` in the operator's image (which
ships rt-tests), so the pod measures on the exclusive CPUs the CPU manager gives it and logs the
tools' raw output; this side reads the log and judges it. The pod gets what a latency-sensitive
workload gets: the profile's runtime class, CPU requests equal to limits (Guaranteed QoS, whole
CPUs), and the CRI-O annotations that take its CPUs out of load balancing, CPU quota and IRQ
balancing. Everything created (the pods, and the namespace unless ``--namespace`` names one) is
deleted at the end, also on Ctrl-C or a timeout. It talks to the API with the user's
kubeconfig (``user_client``), never as the operator: the operator's RBAC grants none of this.
Neighbours: `nto_performance.latency.main`,
`.parse` (reads the logs), `nto.kube.client` (the API).
"""

from __future__ import annotations

import asyncio
import secrets
import time
from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any

from nto.plugins import ApiError, KubeClient, load_connection, resource_path
from nto_performance.latency.local import Progress
from nto_performance.latency.parse import Section, parse_sections
from nto_performance.latency.settings import Settings
from nto_performance.latency.tools import MIN_CPUS

__all__ = [
    "CRIO_ANNOTATIONS",
    "ClusterError",
    "ClusterTarget",
    "pod_manifest",
    "run_in_cluster",
]

CRIO_ANNOTATIONS = {
    "cpu-load-balancing.crio.io": "disable",
    "cpu-quota.crio.io": "disable",
    "irq-load-balancing.crio.io": "disable",
}
CONTAINER = "latency-test"
LABEL_APP = "app.kubernetes.io/name"
LABEL_TOOL = "tuned.openshift.io/latency-tool"
LABEL_RUN = "tuned.openshift.io/latency-run"
"""Labels every pod of one run, so cleanup finds a pod whose creation was interrupted."""
OPERAND_NAMESPACE = "openshift-cluster-node-tuning-operator"
OPERAND_DAEMONSET = "tuned"
PROFILE_API = "performance.openshift.io/v2"
POLL_SECONDS = 1.0
PROGRESS_EVERY_SECONDS = 30.0
LOG_LIMIT_BYTES = 16 * 1024 * 1024


class ClusterError(RuntimeError):
    """The cluster lacks what the test needs (profile, node, image); the message says what."""


@dataclass(frozen=True, slots=True, kw_only=True)
class ClusterTarget:
    """Where the pods run and how they are dressed."""

    profile: str
    node: str
    runtime_class: str
    image: str
    cpus: int
    isolated: int


def pod_manifest(
    tool: str, target: ClusterTarget, settings: Settings, namespace: str, *, run_id: str = ""
) -> dict[str, Any]:
    """The test pod of one tool (Guaranteed QoS: requests equal limits, whole CPUs)."""
    resources = {"cpu": str(target.cpus), "memory": settings.memory}
    command = [
        "nto",
        "latency-test",
        "--local",
        f"--tools={tool}",
        f"--runtime={settings.runtime}",
        f"--delay={settings.delay}",
        f"--timeout-buffer={settings.timeout_buffer}",
        "--output=raw",
        "--artifacts-dir=",
    ]
    return {
        "apiVersion": "v1",
        "kind": "Pod",
        "metadata": {
            "generateName": f"latency-test-{tool}-",
            "namespace": namespace,
            "labels": {LABEL_APP: "nto-latency-test", LABEL_TOOL: tool, LABEL_RUN: run_id},
            "annotations": dict(CRIO_ANNOTATIONS),
        },
        "spec": {
            "restartPolicy": "Never",
            "runtimeClassName": target.runtime_class,
            "nodeSelector": {"kubernetes.io/hostname": target.node},
            "terminationGracePeriodSeconds": 5,
            "containers": [
                {
                    "name": CONTAINER,
                    "image": target.image,
                    "command": command,
                    "resources": {"requests": dict(resources), "limits": dict(resources)},
                    "securityContext": {"privileged": True},
                }
            ],
        },
    }


def _namespace_manifest() -> dict[str, Any]:
    return {
        "apiVersion": "v1",
        "kind": "Namespace",
        "metadata": {
            "generateName": "nto-latency-test-",
            "labels": {
                LABEL_APP: "nto-latency-test",
                "pod-security.kubernetes.io/enforce": "privileged",
                "pod-security.kubernetes.io/audit": "privileged",
                "pod-security.kubernetes.io/warn": "privileged",
                "security.openshift.io/scc.podSecurityLabelSync": "false",
            },
        },
    }


def _selector(labels: dict[str, str]) -> str:
    return ",".join(f"{key}={value}" if value else key for key, value in sorted(labels.items()))


async def _target(
    user_client: KubeClient, settings: Settings, *, profile: str, node: str, image: str
) -> ClusterTarget:
    from nto_api.cpuset import CPUSet, CPUSetError
    from nto_performance.components.names import runtime_class_name

    found = await user_client.get(PROFILE_API, "performanceprofiles", profile)
    if found is None:
        raise ClusterError(
            f"PerformanceProfile {profile!r} not found; list them with "
            "'oc get performanceprofiles' and pass one with --profile"
        )
    spec = found.get("spec") or {}
    try:
        isolated = len(CPUSet.parse(str((spec.get("cpu") or {}).get("isolated") or "")))
    except CPUSetError as error:
        raise ClusterError(f"PerformanceProfile {profile!r} spec.cpu.isolated: {error}") from error
    selector = spec.get("nodeSelector") or {}
    nodes = sorted(
        item["metadata"]["name"]
        for item in await user_client.list(
            "v1", "nodes", label_selector=_selector(selector) or None
        )
    )
    if node and node not in nodes:
        raise ClusterError(
            f"node {node!r} does not match spec.nodeSelector {selector} of PerformanceProfile "
            f"{profile!r}; choose one of {', '.join(nodes) or '(none)'}"
        )
    if not nodes:
        raise ClusterError(
            f"no node matches spec.nodeSelector {selector} of PerformanceProfile {profile!r}"
        )
    cpus = settings.cpus if settings.cpus is not None else isolated - 1
    if settings.cpus is not None and settings.cpus > isolated:
        raise ClusterError(
            f"LATENCY_TEST_CPUS (--cpus) is {settings.cpus}, more than the {isolated} isolated "
            f"CPUs of PerformanceProfile {profile!r}; lower it"
        )
    runtime_class = str((found.get("status") or {}).get("runtimeClass") or "")
    return ClusterTarget(
        profile=profile,
        node=node or nodes[0],
        runtime_class=runtime_class or runtime_class_name(profile),
        image=image or await _operand_image(user_client),
        cpus=cpus,
        isolated=isolated,
    )


async def _operand_image(user_client: KubeClient) -> str:
    daemonset = await user_client.get("apps/v1", "daemonsets", OPERAND_DAEMONSET, OPERAND_NAMESPACE)
    containers = (((daemonset or {}).get("spec") or {}).get("template") or {}).get("spec") or {}
    for container in containers.get("containers") or []:
        if container.get("image"):
            return str(container["image"])
    raise ClusterError(
        f"cannot find the operator image (no DaemonSet {OPERAND_NAMESPACE}/{OPERAND_DAEMONSET}); "
        "pass the image that holds nto and rt-tests with --image"
    )


def _state(pod: dict[str, Any]) -> str:
    status = pod.get("status") or {}
    phase = str(status.get("phase") or "Pending")
    for container in status.get("containerStatuses") or []:
        waiting = (container.get("state") or {}).get("waiting") or {}
        if waiting.get("reason"):
            return f"{phase} ({waiting['reason']})"
    return phase


async def _wait(
    user_client: KubeClient,
    tool: str,
    pod: dict[str, Any],
    timeout: int,
    progress: Progress,
) -> tuple[str, int | None]:
    """Wait for the pod to end; returns its phase (or 'Timeout') and its container's exit code."""
    namespace, name = pod["metadata"]["namespace"], pod["metadata"]["name"]
    started = time.monotonic()
    shown, shown_at = "", 0.0
    while True:
        current = await user_client.get("v1", "pods", name, namespace)
        if current is None:
            raise ClusterError(f"pod {namespace}/{name} disappeared while {tool} was running")
        state = _state(current)
        elapsed = time.monotonic() - started
        if state != shown or elapsed - shown_at >= PROGRESS_EVERY_SECONDS:
            progress(f"{tool}: pod {namespace}/{name}: {state}, {int(elapsed)}s of {timeout}s")
            shown, shown_at = state, elapsed
        phase = (current.get("status") or {}).get("phase")
        if phase in ("Succeeded", "Failed"):
            return str(phase), _exit_code(current)
        if elapsed >= timeout:
            return "Timeout", None
        await asyncio.sleep(POLL_SECONDS)


def _exit_code(pod: dict[str, Any]) -> int | None:
    for container in (pod.get("status") or {}).get("containerStatuses") or []:
        terminated = (container.get("state") or {}).get("terminated") or {}
        if "exitCode" in terminated:
            return int(terminated["exitCode"])
    return None


async def _log(user_client: KubeClient, pod: dict[str, Any]) -> str:
    path = resource_path(
        "v1",
        "pods",
        namespace=pod["metadata"]["namespace"],
        name=pod["metadata"]["name"],
        subresource="log",
    )
    try:
        return await user_client.read_text(
            path,
            params={"container": CONTAINER, "limitBytes": str(LOG_LIMIT_BYTES)},
            limit=LOG_LIMIT_BYTES,
        )
    except ApiError as error:
        return f"(no log: {error})"


async def _run_tool(
    user_client: KubeClient,
    tool: str,
    *,
    target: ClusterTarget,
    settings: Settings,
    namespace: str,
    run_id: str,
    progress: Progress,
) -> Section:
    if target.cpus < MIN_CPUS[tool]:
        source = (
            "LATENCY_TEST_CPUS"
            if settings.cpus is not None
            else f"the {target.isolated} isolated CPUs of PerformanceProfile {target.profile!r} "
            "minus one left to the node's other containers"
        )
        return Section(
            tool=tool,
            cpus=(),
            exit_code=None,
            text="",
            reason=f"{tool} needs at least {MIN_CPUS[tool]} CPUs; the pod gets {target.cpus} "
            f"({source})",
        )
    manifest = pod_manifest(tool, target, settings, namespace, run_id=run_id)
    pod = await user_client.create("v1", "pods", manifest, namespace)
    name = pod["metadata"]["name"]
    try:
        phase, exit_code = await _wait(user_client, tool, pod, settings.pod_timeout, progress)
        text = await _log(user_client, pod)
    finally:
        progress(f"{tool}: deleting pod {namespace}/{name}")
        await user_client.delete("v1", "pods", name, namespace)
    for section in parse_sections(text):
        if section.tool == tool:
            return section
    note = (
        f"the pod did not finish within {settings.pod_timeout}s (LATENCY_TEST_DELAY + "
        "LATENCY_TEST_RUNTIME + LATENCY_TEST_TIMEOUT_BUFFER); raise LATENCY_TEST_TIMEOUT_BUFFER"
        if phase == "Timeout"
        else f"the pod ended {phase} (exit code {exit_code}) without {tool}'s output"
    )
    return Section(tool=tool, cpus=(), exit_code=exit_code, text=text, failure=note)


async def _delete_leftovers(
    user_client: KubeClient, namespace: str, run_id: str, progress: Progress
) -> None:
    """Delete this run's pods still there (one whose creation Ctrl-C cut short)."""
    for pod in await user_client.list(
        "v1", "pods", namespace, label_selector=f"{LABEL_RUN}={run_id}"
    ):
        name = pod["metadata"]["name"]
        progress(f"deleting pod {namespace}/{name}")
        await user_client.delete("v1", "pods", name, namespace)


async def _run(
    settings: Settings,
    *,
    profile: str,
    node: str,
    namespace: str,
    image: str,
    progress: Progress,
) -> tuple[ClusterTarget, list[Section]]:
    async with KubeClient(load_connection()) as user_client:
        target = await _target(user_client, settings, profile=profile, node=node, image=image)
        progress(
            f"testing node {target.node} of PerformanceProfile {profile!r} with {target.cpus} "
            f"CPUs, runtime class {target.runtime_class!r}, image {target.image}"
        )
        created, run_id = "", secrets.token_hex(6)
        if not namespace:
            made = await user_client.create("v1", "namespaces", _namespace_manifest())
            namespace = created = made["metadata"]["name"]
            progress(f"created namespace {namespace}")
        try:
            sections = [
                await _run_tool(
                    user_client,
                    tool,
                    target=target,
                    settings=settings,
                    namespace=namespace,
                    run_id=run_id,
                    progress=progress,
                )
                for tool in settings.tools
            ]
        finally:
            await _delete_leftovers(user_client, namespace, run_id, progress)
            if created:
                progress(f"deleting namespace {created}")
                await user_client.delete("v1", "namespaces", created)
        return target, sections


def run_in_cluster(
    settings: Settings,
    *,
    profile: str,
    node: str = "",
    namespace: str = "",
    image: str = "",
    progress: Progress,
) -> tuple[ClusterTarget, Sequence[Section]]:
    """Run the selected tools in pods; Ctrl-C deletes what was created, then raises."""
    return asyncio.run(
        _run(
            settings,
            profile=profile,
            node=node,
            namespace=namespace,
            image=image,
            progress=progress,
        )
    )

"""``EmulatedCluster``: the emulated API server on loopback, in a thread with its own event loop.

It wires the parts together (registry, store with garbage collection, CRD controller, admission,
conversion, faults, router) and serves them with aiohttp on ``127.0.0.1`` and a free port, so
sync tests, the ``kubernetes`` client, kopf in another loop and subprocesses can all use it. The
direct helpers (``apply``, ``get``, ``list``, ``delete``) run on the server loop and skip
admission, which makes them the tool for seeding state, such as Node status. The pytest fixtures
are in :mod:`nto.testing.pytest_plugin`; the standalone command in :mod:`nto.testing.__main__`.
"""

from __future__ import annotations

import asyncio
import builtins
import concurrent.futures
import copy
import functools
import json
import os
import pathlib
import tempfile
import threading
from collections.abc import Callable, Coroutine, Iterable, Mapping
from types import TracebackType
from typing import Any, Self, TypeVar

from aiohttp import web

from nto.testing._admission import Admission
from nto.testing._crds import CRD_KEY, Converter, CrdController
from nto.testing._errors import ApiError
from nto.testing._events import convert_builtin
from nto.testing._faults import Access, Fault, Faults
from nto.testing._gc import CollectingStore
from nto.testing._handler import Router
from nto.testing._pipeline import Api
from nto.testing._podlogs import PodLogs, finished_status
from nto.testing._resources import Registry, ResourceInfo
from nto.testing._service_ca import CaBundleInjector, ServiceRoutes

T = TypeVar("T")
DEFAULT_NAMESPACES = ("default", "kube-system", "kube-public", "kube-node-lease")


def _documents(source: Mapping[str, Any] | str | os.PathLike[str]) -> builtins.list[dict[str, Any]]:
    """Objects from a dict, a YAML/JSON file, or every *.yaml/*.yml/*.json file in a directory."""
    if isinstance(source, Mapping):
        return [dict(source)]
    path = pathlib.Path(source)
    if path.is_dir():
        files = sorted(p for p in path.iterdir() if p.suffix in (".yaml", ".yml", ".json"))
        return [doc for file in files for doc in _documents(file)]
    import yaml

    docs = [doc for doc in yaml.safe_load_all(path.read_text()) if doc]
    result: builtins.list[dict[str, Any]] = []
    for doc in docs:
        result += doc.get("items") or [] if str(doc.get("kind", "")).endswith("List") else [doc]
    return result


class EmulatedCluster:
    """An emulated Kubernetes API server; use as a context manager or ``start()``/``stop()``."""

    def __init__(self, *, port: int = 0, history: int = 10_000) -> None:
        self.registry = Registry()
        self.store = CollectingStore(self.registry, history=history)
        self.crds = CrdController(self.store, self.registry)
        self.routes: ServiceRoutes = ServiceRoutes()
        self.faults = Faults()
        self.access = Access()
        self.pod_logs = PodLogs()
        self.api = Api(
            self.registry,
            self.store,
            Converter(self.routes),
            Admission(self.store, self.registry, self.routes),
        )
        self._port = port
        self._loop: asyncio.AbstractEventLoop | None = None
        self._thread: threading.Thread | None = None
        self._runner: web.BaseRunner | None = None
        self._stopping: asyncio.Event | None = None
        self._tmpdir: tempfile.TemporaryDirectory[str] | None = None
        self.kubeconfig_path: pathlib.Path | None = None
        self.url = ""
        for name in DEFAULT_NAMESPACES:
            self.store.create(self._info("v1", "Namespace"), {"metadata": {"name": name}})

    # --- lifecycle ----------------------------------------------------------------------------

    def start(self) -> Self:
        """Serve on 127.0.0.1 in a background thread and write a kubeconfig; idempotent."""
        if self._thread is not None:
            return self
        ready: concurrent.futures.Future[str] = concurrent.futures.Future()
        self._thread = threading.Thread(
            target=self._serve, args=(ready,), daemon=True, name="nto-emulated-apiserver"
        )
        self._thread.start()
        self.url = ready.result(timeout=30)
        self._tmpdir = tempfile.TemporaryDirectory(prefix="nto-emulated-")
        self.kubeconfig_path = self.write_kubeconfig(pathlib.Path(self._tmpdir.name) / "kubeconfig")
        return self

    def _serve(self, ready: concurrent.futures.Future[str]) -> None:
        loop = asyncio.new_event_loop()
        self._loop = loop
        try:
            loop.run_until_complete(self._main(ready))
        except BaseException as exc:
            if not ready.done():
                ready.set_exception(exc)
            raise
        finally:
            loop.close()

    async def _main(self, ready: concurrent.futures.Future[str]) -> None:
        stopping = self._stopping = asyncio.Event()
        await self._startup(ready)
        await stopping.wait()
        await self._shutdown()

    async def _startup(self, ready: concurrent.futures.Future[str]) -> None:
        router = Router(self.registry, self.api, self.faults, self.access, self.pod_logs)
        server = web.Server(router, handler_cancellation=True)
        runner = web.ServerRunner(server, shutdown_timeout=1)
        self._runner = runner
        await runner.setup()
        site = web.TCPSite(runner, "127.0.0.1", self._port)
        await site.start()
        host, port = runner.addresses[0][:2]
        ready.set_result(f"http://{host}:{port}")

    async def _shutdown(self) -> None:
        self.store.break_watches()
        if self._runner is not None:
            await self._runner.cleanup()

    def stop(self) -> None:
        """Close every watch, stop serving and join the thread; idempotent."""
        if self._thread is None or self._loop is None or self._stopping is None:
            return
        self._loop.call_soon_threadsafe(self._stopping.set)
        self._thread.join(timeout=30)
        self._thread = None
        self._loop = None
        if self._tmpdir is not None:
            self._tmpdir.cleanup()
            self._tmpdir = None

    def __enter__(self) -> Self:
        return self.start()

    def __exit__(
        self,
        exc_type: type[BaseException] | None,
        exc: BaseException | None,
        tb: TracebackType | None,
    ) -> None:
        self.stop()

    def write_kubeconfig(self, path: str | os.PathLike[str]) -> pathlib.Path:
        """Write a kubeconfig (JSON, which is YAML) pointing at this server; returns the path."""
        if not self.url:
            raise RuntimeError("start the EmulatedCluster before writing its kubeconfig")
        config = {
            "apiVersion": "v1",
            "kind": "Config",
            "clusters": [{"name": "emulated", "cluster": {"server": self.url}}],
            "users": [{"name": "admin", "user": {"token": "emulated"}}],
            "contexts": [
                {
                    "name": "emulated",
                    "context": {"cluster": "emulated", "user": "admin", "namespace": "default"},
                }
            ],
            "current-context": "emulated",
        }
        target = pathlib.Path(path)
        target.write_text(json.dumps(config, indent=2) + "\n")
        return target

    # --- running on the server loop -----------------------------------------------------------

    def _call(self, func: Callable[[], T]) -> T:
        """Run ``func`` on the server loop (or directly when the server is not running)."""
        if self._loop is None or not self._loop.is_running():
            return func()

        async def wrapper() -> T:
            return func()

        return self._run(wrapper())

    def _run(self, coro: Coroutine[Any, Any, T]) -> T:
        if self._loop is None:
            return asyncio.run(coro)
        return asyncio.run_coroutine_threadsafe(coro, self._loop).result(timeout=60)

    def _info(self, api_version: str, kind: str) -> ResourceInfo:
        info = self.registry.by_kind(api_version, kind)
        if info is None:
            raise ApiError(
                404, f"no resource serves {kind!r} in {api_version!r}; load its CRD first"
            )
        return info

    # --- direct store access for tests --------------------------------------------------------

    def apply(
        self,
        objects: Mapping[str, Any] | Iterable[Mapping[str, Any]],
    ) -> builtins.list[dict[str, Any]]:
        """Create or replace objects (status included), skipping admission; returns them stored."""
        items = [objects] if isinstance(objects, Mapping) else list(objects)
        return [self._call(functools.partial(self._apply_one, obj)) for obj in items]

    def _apply_one(self, obj: Mapping[str, Any]) -> dict[str, Any]:
        info = self._info(obj.get("apiVersion", ""), obj.get("kind", ""))
        body = copy.deepcopy(dict(obj))
        body = convert_builtin(info.key, body, info.storage_api_version) or {
            **body,
            "apiVersion": info.storage_api_version,
        }
        meta = body.setdefault("metadata", {})
        if info.namespaced:
            meta.setdefault("namespace", "default")
        existing = self.store.get(info, meta.get("namespace", ""), meta.get("name", ""))
        if existing is None:
            return copy.deepcopy(self.store.create(info, body, keep_status=True))
        meta.pop("resourceVersion", None)
        return copy.deepcopy(self.store.update(info, body, keep_status=True))

    def get(
        self, api_version: str, kind: str, name: str, namespace: str = ""
    ) -> dict[str, Any] | None:
        """The stored object (a copy) or None."""
        info = self._info(api_version, kind)
        found = self._call(lambda: self.store.get(info, namespace, name))
        return copy.deepcopy(found) if found is not None else None

    def list(
        self, api_version: str, kind: str, namespace: str | None = None
    ) -> builtins.list[dict[str, Any]]:
        """Copies of every stored object of a kind, optionally in one namespace."""
        info = self._info(api_version, kind)
        return copy.deepcopy(self._call(lambda: self.store.list(info, namespace)))

    def delete(self, api_version: str, kind: str, name: str, namespace: str = "") -> None:
        """Delete like the API does (finalizers and garbage collection apply), minus admission."""
        info = self._info(api_version, kind)
        self._call(lambda: self.store.delete(info, namespace, name))

    def load_crds(
        self, sources: Iterable[Mapping[str, Any] | str | os.PathLike[str]]
    ) -> builtins.list[str]:
        """Install CRDs from dicts, files or directories; returns the CRD names."""
        docs = [doc for source in sources for doc in _documents(source)]
        crds = [doc for doc in docs if doc.get("kind") == "CustomResourceDefinition"]
        info = self.registry.get(*CRD_KEY)
        assert info is not None
        self.apply(crds)
        return [crd["metadata"]["name"] for crd in crds]

    # --- test controls ------------------------------------------------------------------------

    def route_service(
        self,
        namespace: str,
        name: str,
        port: int,
        host: str,
        local_port: int,
        *,
        scheme: str = "https",
    ) -> None:
        """Send webhook calls for service ``namespace/name:port`` to ``host:local_port``."""
        self.routes[(namespace, name, port)] = f"{scheme}://{host}:{local_port}"

    def route_all_services(self, base_url: str | None) -> None:
        """Send webhook calls for every service without its own route to ``base_url``."""
        self.routes.fallback = base_url

    def inject_service_ca(self, ca_pem: bytes) -> None:
        """Fill ``caBundle`` of objects annotated for service-ca injection, as OpenShift does."""
        self._call(lambda: CaBundleInjector(self.store, ca_pem))

    def inject_fault(
        self,
        status: int | None = 500,
        *,
        count: int = 1,
        method: str | None = None,
        path_contains: str | None = None,
        resource: str | None = None,
        delay: float = 0.0,
        message: str = "",
        watch_event: bool = False,
    ) -> Fault:
        """Fail (and/or delay) the next ``count`` requests matching every given filter.

        With ``watch_event``, a matching watch is answered 200 with the error as an ``ERROR``
        event, as a real server reports a failure once the stream has started.
        """
        return self.faults.add(
            Fault(
                status=status,
                count=count,
                method=method,
                path_contains=path_contains,
                resource=resource,
                delay=delay,
                message=message,
                watch_event=watch_event,
            )
        )

    def complete_pod(
        self,
        name: str,
        namespace: str = "default",
        *,
        logs: str | Mapping[str, str] = "",
        exit_code: int = 0,
    ) -> dict[str, Any]:
        """End a pod as its kubelet would: every container terminated with ``exit_code``.

        ``logs`` (one text for every container, or by container name) is what
        ``GET pods/NAME/log`` then answers; the phase is Succeeded for exit code 0, else Failed.
        Returns the stored pod.
        """
        pod = self.get("v1", "Pod", name, namespace)
        if pod is None:
            raise ApiError(404, f'pods "{name}" not found')
        uid = pod["metadata"].get("uid", "")
        for container in pod["spec"].get("containers") or []:
            text = logs if isinstance(logs, str) else logs.get(container["name"], "")
            self._call(functools.partial(self.pod_logs.set, uid, container["name"], text))
        phase = "Succeeded" if exit_code == 0 else "Failed"
        pod["status"] = finished_status(pod, phase=phase, exit_code=exit_code)
        return self.apply(pod)[0]

    def accept_tokens(self, *tokens: str) -> None:
        """Answer 401 to any request without one of these bearer tokens (none: serve anyone).

        Open watches go on, as on a real server, which checks credentials per request.
        """
        self.access.tokens = frozenset(tokens)

    def record_requests(self) -> builtins.list[tuple[str, str]]:
        """Start recording ``(method, raw path)`` of every request; returns the live list."""
        self.access.recording = True
        return self.access.requests

    def break_watches(self) -> int:
        """End every open watch stream now; returns how many there were."""
        return self._call(self.store.break_watches)

    def expire_history(self) -> None:
        """Forget the event history: every watch from an older resourceVersion gets 410 Gone."""
        self._call(self.store.history.compact)

    @property
    def resources(self) -> builtins.list[ResourceInfo]:
        return list(self.registry)

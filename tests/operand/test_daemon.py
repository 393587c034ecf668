"""The daemon loop against the emulated API server and the fake TuneD."""

from __future__ import annotations

import asyncio
import contextlib
import time
from typing import Any

import pytest

from nto.kube.client import KubeClient
from nto.kube.config import from_kubeconfig
from nto.operand.daemon import Operand, OperandError, OperandSettings
from nto_api.crds import load_crds

from .conftest import NAMESPACE, kinds, make_profile

NODE = "worker-0"
TUNED = "tuned.openshift.io/v1"


@pytest.fixture
def emulated_cluster_crds() -> list[Any]:
    return load_crds()


@pytest.fixture
def cluster(emulated_cluster):
    emulated_cluster.apply(
        [
            {"apiVersion": "v1", "kind": "Namespace", "metadata": {"name": NAMESPACE}},
            {"apiVersion": "v1", "kind": "Node", "metadata": {"name": NODE}},
        ]
    )
    return emulated_cluster


class Running:
    """An Operand running as a task of the test's loop."""

    def __init__(self, cluster, fake_tuned, paths, **overrides):
        self.cluster, self.paths = cluster, paths
        settings = {
            "node_name": NODE,
            "namespace": NAMESPACE,
            "tuned_executable": fake_tuned,
            "stop_grace": 1.0,
            "retry_delay": 0.05,
            "crash_backoff": 0.2,
        }
        settings.update(overrides)
        self.settings = OperandSettings(**settings)
        self.stop = asyncio.Event()

    async def __aenter__(self):
        self.client = await KubeClient(from_kubeconfig(self.cluster.kubeconfig_path)).__aenter__()
        self.operand = Operand(self.settings, client=self.client, paths=self.paths)
        self.task = asyncio.create_task(self.operand.run(self.stop))
        return self

    async def __aexit__(self, *exc):
        self.stop.set()
        with contextlib.suppress(OperandError):
            await asyncio.wait_for(self.task, 10)
        await self.client.__aexit__(None, None, None)

    def profile(self):
        return self.cluster.get(TUNED, "Profile", NODE, NAMESPACE)

    def conditions(self):
        status = (self.profile() or {}).get("status") or {}
        return {c["type"]: (c["status"], c["reason"]) for c in status.get("conditions") or []}

    def annotations(self):
        return self.cluster.get("v1", "Node", NODE)["metadata"].get("annotations") or {}


async def until(predicate, timeout=8.0, message=""):
    deadline = time.monotonic() + timeout
    while True:
        result = predicate()
        if result:
            return result
        assert time.monotonic() < deadline, f"timed out waiting for {message or predicate}"
        await asyncio.sleep(0.05)


def applied(run, profile="openshift-node"):
    def check():
        status = (run.profile() or {}).get("status") or {}
        return status.get("tunedProfile") == profile and run.conditions().get("Applied") == (
            "True",
            "AsExpected",
        )

    return check


def edit(cluster, **kwargs):
    cluster.apply(make_profile(NODE, **kwargs))


BOOT = "[main]\nsummary=t\n[bootloader]\ncmdline_a=+foo=1 bar\n"


async def test_profile_applied_files_status_and_node_annotations(cluster, fake_tuned, paths):
    deps = {"tuned.openshift.io/bootcmdline-deps": "4.20.0,default:1"}
    edit(cluster, profiles={"openshift-node": BOOT, "spare": "[main]\n"}, annotations=deps)
    async with Running(cluster, fake_tuned, paths) as run:
        await until(applied(run), message="Applied=True")
        assert run.conditions()["Degraded"] == ("False", "AsExpected")
        status = run.profile()["status"]
        assert status["observedGeneration"] == run.profile()["metadata"]["generation"]
        await until(lambda: run.annotations().get("tuned.openshift.io/bootcmdline") == "foo=1 bar")
        assert run.annotations()["tuned.openshift.io/bootcmdline-deps"] == "4.20.0,default:1"
        assert (paths.profiles_dir / "openshift-node" / "tuned.conf").read_text() == BOOT
        assert paths.recommend_file.read_text() == "[openshift-node]\n"
        assert kinds(paths) == ["start", "apply"]

        edit(cluster, profiles={"openshift-node": BOOT.replace("bar", "baz")}, annotations=deps)
        await until(lambda: "reload" in kinds(paths), message="reload on data change")
        await until(lambda: run.annotations()["tuned.openshift.io/bootcmdline"] == "foo=1 baz")
        assert not (paths.profiles_dir / "spare").exists()

        edit(cluster, profiles={"openshift-node": BOOT.replace("bar", "baz")}, debug=True)
        await until(lambda: "term" in kinds(paths), message="restart on debug change")
        await until(lambda: kinds(paths).count("start") == 2)
        assert "start debug=1" in (paths.root / "run/fake-tuned.events").read_text()
    assert kinds(paths)[-1] == "term"


async def test_status_is_written_only_on_change(cluster, fake_tuned, paths):
    edit(cluster)
    async with Running(cluster, fake_tuned, paths) as run:
        await until(applied(run))
        version = run.profile()["metadata"]["resourceVersion"]
        steps = run.operand.steps
        run.operand._status_dirty = True
        run.operand._wake.set()
        await until(lambda: run.operand.steps > steps and run.operand.settled, message="a pass")
        assert run.profile()["metadata"]["resourceVersion"] == version


@pytest.mark.parametrize(
    ("data", "degraded"),
    [
        ("[main]\n[fake]\nwarning=careful\n", ("False", "TunedWarning")),
        ("[main]\n[fake]\nerror=broken\n", ("True", "TunedError")),
        ("[main]\n[fake]\nsysctl_override=vm.swappiness\n", ("True", "TunedSysctlOverride")),
        ("[main]\ninclude=does-not-exist\n", ("True", "TunedError")),
        ("[main\ninclude=\n", ("True", "TunedError")),
        ("[main]\ninclude=loop-b\n", ("False", "AsExpected")),
    ],
    ids=["warning", "error", "sysctl", "missing-include", "malformed-ini", "include-cycle"],
)
async def test_tuned_output_to_degraded(cluster, fake_tuned, paths, data, degraded):
    profiles = {"openshift-node": data, "loop-b": "[main]\ninclude=openshift-node\n"}
    edit(cluster, profiles=profiles)
    async with Running(cluster, fake_tuned, paths) as run:
        await until(lambda: run.conditions().get("Degraded") == degraded, message=str(degraded))


@pytest.mark.parametrize(
    ("overrides", "fragment"),
    [
        ({"profiles": {"../escape": "[main]\n"}}, "spec.profile[0].name '../escape'"),
        ({"recommended": "/etc/passwd"}, "spec.config.tunedProfile '/etc/passwd'"),
        # 600 Ki characters (under the CRD's 1 MiB of text), 1.2 MB of UTF-8: over the operand's
        # 1 MiB, yet storable (etcd takes 1.5 MiB)
        ({"profiles": {"big": "\u00e9" * (600 * 1024)}}, "bytes; keep TuneD profiles under"),
    ],
    ids=["traversal", "absolute-recommended", "1.2MB-data"],
)
async def test_bad_profile_is_degraded_and_writes_nothing(
    cluster, fake_tuned, paths, overrides, fragment
):
    edit(cluster, **overrides)
    async with Running(cluster, fake_tuned, paths) as run:
        await until(lambda: run.conditions().get("Degraded") == ("True", "InvalidProfile"))
        message = next(
            c["message"] for c in run.profile()["status"]["conditions"] if c["type"] == "Degraded"
        )
        assert fragment in message
        assert f"Profile '{NODE}'" in message
    assert not paths.profiles_dir.exists()
    assert not paths.recommend_file.exists()
    assert kinds(paths) == []


async def test_profile_of_another_node_is_ignored(cluster, fake_tuned, paths):
    cluster.apply(make_profile("worker-1"))
    async with Running(cluster, fake_tuned, paths) as run:
        await until(lambda: run.operand.lists >= 1, message="the Profile list")
        steps = run.operand.steps
        await until(lambda: run.operand.steps > steps, message="a pass after the list")
        assert run.operand.profile is None
    assert not paths.profiles_dir.exists()
    assert kinds(paths) == []
    assert "status" not in cluster.get(TUNED, "Profile", "worker-1", NAMESPACE)


async def test_provider_change_reloads(cluster, fake_tuned, paths):
    edit(cluster, providerName="aws")
    async with Running(cluster, fake_tuned, paths) as run:
        await until(applied(run))
        assert paths.provider_file.read_text() == "aws"
        edit(cluster, providerName="gcp")
        await until(lambda: "reload" in kinds(paths))
        assert paths.provider_file.read_text() == "gcp"


def crash_reported(run: Running, *, code: int) -> bool:
    """Degraded=True TunedError naming the exit code, read from one Profile status."""
    status = (run.profile() or {}).get("status") or {}
    degraded = [c for c in status.get("conditions") or [] if c.get("type") == "Degraded"]
    return any(
        (c.get("status"), c.get("reason")) == ("True", "TunedError")
        and f"exited unexpectedly with code {code}" in (c.get("message") or "")
        for c in degraded
    )


async def test_crash_loop_backs_off_and_degrades(cluster, fake_tuned, paths):
    edit(cluster, profiles={"openshift-node": "[main]\n[fake]\ncrash=2\n"})
    async with Running(cluster, fake_tuned, paths) as run:
        # the status follows the loop: each restarted TuneD applies the profile (clean) and then
        # crashes again (TunedError), so wait for the crash report instead of reading it once
        await until(lambda: crash_reported(run, code=2), 30, "Degraded names the crash")
        await until(lambda: len(run.operand.restarts_after_crash) >= 3, message="3 restarts")
        first, second, third = run.operand.restarts_after_crash[:3]
        # Each restart waits at least crash_backoff (0.2 s): no busy loop. (The delay doubles
        # only while TuneD never reports an applied profile, so no upper bound is asserted.)
        assert second - first >= 0.2
        assert third - second >= 0.2
        edit(cluster, profiles={"openshift-node": "[main]\n"})
        await until(applied(run), message="recovers after the profile is fixed")


async def test_watch_breaks_and_expired_history_are_survived(cluster, fake_tuned, paths):
    edit(cluster)
    async with Running(cluster, fake_tuned, paths) as run:
        await until(applied(run))
        cluster.break_watches()
        edit(cluster, providerName="one")
        await until(lambda: paths.provider_file.read_text() == "one")
        cluster.expire_history()
        cluster.break_watches()
        edit(cluster, providerName="two")
        await until(lambda: paths.provider_file.read_text() == "two")


async def test_api_errors_back_off_then_give_up(cluster, fake_tuned, paths):
    cluster.inject_fault(500, count=100, resource="profiles")
    async with Running(cluster, fake_tuned, paths, retry_delay=0.01) as run:
        with pytest.raises(OperandError, match="failed 5 times"):
            await asyncio.wait_for(run.task, 5)


DEFERRED = {"tuned.openshift.io/deferred": "always"}
SWAP = "[main]\n[sysctl]\nvm.swappiness=41\n"


async def test_deferred_across_daemon_restart_and_reboot(cluster, fake_tuned, paths):
    edit(cluster)
    async with Running(cluster, fake_tuned, paths) as run:
        await until(applied(run))
        edit(cluster, profiles={"openshift-node": SWAP}, annotations=DEFERRED)
        await until(lambda: run.conditions().get("Applied") == ("False", "Deferred"))
        assert run.conditions()["Degraded"] == ("True", "TunedDeferredUpdate")
        assert "reload" not in kinds(paths)
        assert paths.persistent_pending_file.exists()
    starts = kinds(paths).count("start")

    async with Running(cluster, fake_tuned, paths) as run:  # tuned pod restart
        await until(lambda: run.operand.settled, message="the Profile processed")
        assert run.conditions().get("Applied") == ("False", "Deferred")
        assert kinds(paths).count("start") == starts

    paths.ephemeral_pending_file.unlink()  # node reboot: /run is empty again
    async with Running(cluster, fake_tuned, paths) as run:
        await until(lambda: kinds(paths).count("start") == starts + 1)
        await until(applied(run))
        assert not paths.persistent_pending_file.exists()

"""Upgrade from the standalone PAO: which CSVs and Subscriptions, the mode setting, removal."""

from __future__ import annotations

from typing import Any

import pytest

from nto.kube.client import NotFoundError
from nto_performance import upgrade


def csv(
    name: str = "pao.v4.11", ns: str = "pao", deployment: Any = "performance-operator", **labels
):
    deployments = [{"name": deployment}] if isinstance(deployment, str) else deployment
    return {
        "metadata": {"name": name, "namespace": ns, "labels": labels},
        "spec": {"install": {"strategy": "deployment", "spec": {"deployments": deployments}}},
    }


@pytest.mark.parametrize(
    ("body", "expected"),
    [
        pytest.param(csv(), True, id="standalone"),
        pytest.param(csv(**{"olm.copiedFrom": "pao"}), False, id="copied"),
        pytest.param(csv(deployment="sriov-operator"), False, id="other-operator"),
        pytest.param(
            csv(deployment=[{"name": "x"}, {"name": "performance-operator"}]), True, id="second"
        ),
        pytest.param({"metadata": {}, "spec": {"install": "junk"}}, False, id="junk-install"),
        pytest.param(
            csv(deployment="junk-list") | {"spec": {"install": {"spec": {"deployments": "x"}}}},
            False,
            id="junk-deployments",
        ),
        pytest.param({}, False, id="empty"),
    ],
)
def test_is_standalone_pao(body, expected):
    assert upgrade.is_standalone_pao(body) is expected


def test_subscriptions_of():
    subs = [
        {"metadata": {"name": "b", "namespace": "pao"}, "status": {"installedCSV": "pao.v4.11"}},
        {"metadata": {"name": "a", "namespace": "pao"}, "status": {"installedCSV": "pao.v4.11"}},
        {"metadata": {"name": "c", "namespace": "other"}, "status": {"installedCSV": "pao.v4.11"}},
        {"metadata": {"name": "d", "namespace": "pao"}, "status": {"installedCSV": "x"}},
        {"metadata": {"name": "e", "namespace": "pao"}},
    ]
    assert upgrade.subscriptions_of(csv(), subs) == ["a", "b"]


@pytest.mark.parametrize(
    ("env", "mode"),
    [
        pytest.param({}, "remove", id="default"),
        pytest.param({"NTO_PAO_STANDALONE": "stand-down"}, "stand-down", id="stand-down"),
        pytest.param({"NTO_PAO_STANDALONE": " remove "}, "remove", id="spaces"),
        pytest.param({"NTO_PAO_STANDALONE": "standdown"}, "remove", id="typo-warns"),
    ],
)
def test_mode_from_env(env, mode, caplog):
    assert upgrade.mode_from_env(env) == mode
    assert ("is not one of" in caplog.text) is (env.get("NTO_PAO_STANDALONE") == "standdown")


@pytest.mark.parametrize(
    ("value", "seconds"),
    [("", 60.0), ("0.5", 0.5), ("soon", 60.0), ("-1", 60.0), ("99999", 60.0)],
)
def test_check_interval(value, seconds):
    assert upgrade.check_interval_from_env({"NTO_PAO_CHECK_SECONDS": value}) == seconds


class FakeClient:
    def __init__(self, objects: dict[str, list[dict]], *, olm: bool = True) -> None:
        self.objects = objects
        self.olm = olm
        self.deleted: list[tuple[str, str, str]] = []
        self.selectors: list[str | None] = []

    async def list(self, api_version, plural, namespace=None, *, label_selector=None, **_):
        if not self.olm:
            raise NotFoundError(404, "NotFound", "no OLM")
        self.selectors.append(label_selector)
        return [
            o
            for o in self.objects[plural]
            if namespace is None or o["metadata"]["namespace"] == namespace
        ]

    async def delete(self, api_version, plural, name, namespace=None):
        self.deleted.append((plural, namespace, name))
        return True


async def test_remove_standalone_deletes_subscription_then_csv():
    client = FakeClient(
        {
            "clusterserviceversions": [csv(), csv("sriov", deployment="sriov")],
            "subscriptions": [
                {
                    "metadata": {"name": "pao-sub", "namespace": "pao"},
                    "status": {"installedCSV": "pao.v4.11"},
                },
                {
                    "metadata": {"name": "sriov-sub", "namespace": "pao"},
                    "status": {"installedCSV": "sriov"},
                },
            ],
        }
    )
    removed = await upgrade.remove_standalone(client)  # type: ignore[arg-type]
    assert client.deleted == [
        ("subscriptions", "pao", "pao-sub"),
        ("clusterserviceversions", "pao", "pao.v4.11"),
    ]
    assert removed == ["Subscription pao/pao-sub", "ClusterServiceVersion pao/pao.v4.11"]
    assert client.selectors[0] == "!olm.copiedFrom"


async def test_no_olm_means_nothing_to_do():
    client = FakeClient({}, olm=False)
    assert await upgrade.remove_standalone(client) == []  # type: ignore[arg-type]
    state = upgrade.StandDown()
    assert not await state.refresh(client)  # type: ignore[arg-type]
    assert state.message() is None


async def test_stand_down_state():
    client = FakeClient({"clusterserviceversions": [csv()], "subscriptions": []})
    state = upgrade.StandDown()
    assert await state.refresh(client)  # type: ignore[arg-type]
    assert state.active
    assert "ClusterServiceVersion pao/pao.v4.11" in (state.message() or "")
    assert "NTO_PAO_STANDALONE=stand-down" in (state.message() or "")
    assert not await state.refresh(client)  # type: ignore[arg-type]
    client.objects["clusterserviceversions"] = []
    assert await state.refresh(client)  # type: ignore[arg-type]
    assert not state.active

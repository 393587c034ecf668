"""kopf retries API errors forever with a capped, jittered backoff; one settings object for all."""

from __future__ import annotations

import itertools
from collections.abc import Sized

from nto.operator import kopf_config
from nto.operator.runtime import build_operator
from nto.operator.settings import OperatorSettings
from nto.plugins.host import build_plugin_host


def test_backoff_is_endless_capped_and_jittered():
    low = kopf_config.Backoff(first=0.8, cap=30.0, jitter=0.2, random=lambda: 0.0)
    assert list(itertools.islice(low, 8)) == [0.8, 1.6, 3.2, 6.4, 12.8, 25.6, 30.0, 30.0]
    high = kopf_config.Backoff(first=0.8, cap=30.0, jitter=0.2, random=lambda: 1.0)
    assert max(itertools.islice(high, 100)) == 36.0
    assert not isinstance(low, Sized), "kopf gives up after len(backoffs) retries"


def test_each_iteration_starts_over():
    backoff = kopf_config.Backoff(first=1.0, cap=4.0, random=lambda: 0.0)
    first = iter(backoff)
    assert [next(first) for _ in range(4)] == [1.0, 2.0, 4.0, 4.0]
    assert next(iter(backoff)) == 1.0


def test_every_plugin_watch_shares_the_endless_backoff():
    """The performance plugin registers on the same registry, run by one kopf operator."""
    host = build_plugin_host()
    settings = OperatorSettings(metrics_insecure=True, api_retry_backoff=(0.05, 0.2))
    operator = build_operator(settings, host)
    backoffs = operator.kopf_settings.networking.error_backoffs
    assert backoffs == kopf_config.Backoff(first=0.05, cap=0.2)
    resources = {
        handler.selector.any_name
        for handler in operator.registry._watching.get_all_handlers()
        if handler.selector is not None
    }
    assert {"tuneds", "profiles", "performanceprofiles"} <= resources


def test_retry_backoff_from_the_environment(caplog):
    assert OperatorSettings.from_env({}).api_retry_backoff == (0.8, 30.0)
    parsed = OperatorSettings.from_env({"NTO_API_RETRY_BACKOFF": "0.1,2"})
    assert parsed.api_retry_backoff == (0.1, 2.0)
    assert OperatorSettings.from_env({"NTO_API_RETRY_BACKOFF": "5,1"}).api_retry_backoff == (
        0.8,
        30.0,
    )
    assert "NTO_API_RETRY_BACKOFF='5,1'" in caplog.text

"""The webhook's render cache: a profile version is rendered once per view of the cluster."""

from __future__ import annotations

from nto_performance.preview.plan import ClusterFacts, RenderCache

from .conftest import PROFILE, pool


def test_render_cache_serves_a_render_only_for_the_same_facts() -> None:
    cache = RenderCache()
    with_pool = ClusterFacts.build(pools=[pool("worker-cnf")])
    first = cache.render(PROFILE, with_pool)
    assert cache.render(PROFILE, with_pool) is first
    without = ClusterFacts.build()
    again = cache.render(PROFILE, without)
    assert again is not first  # new facts (the cached view refreshed): rendered again
    assert cache.render(PROFILE, without) is again

"""Profile text form (``---``, sorted keys, comments, HyperShift ConfigMap) and import costs."""

from __future__ import annotations

import subprocess
import sys

import pytest
import yaml

import nto_api
from nto_api.cpuset import CPUSet
from nto_performance.ppc.allocation import Allocation
from nto_performance.ppc.hints import workload_hints
from nto_performance.ppc.profile import (
    DIFFERENT_CORE_IDS_COMMENT,
    HARDWARE_TUNING_COMMENT,
    ProfileError,
    ProfileRequest,
    build_profile,
    render_output,
)

ALLOCATION = Allocation(
    reserved=CPUSet.parse("0"),
    isolated=CPUSet.parse("2-3"),
    offlined=CPUSet.parse("1"),
    ht_enabled=False,
    additional_kernel_args=(),
    warnings=(),
)


def request(**overrides: object) -> ProfileRequest:
    values: dict[str, object] = {
        "name": "p",
        "node_selector": {"node-role.kubernetes.io/worker-cnf": ""},
        "pool_selector": {"machineconfiguration.openshift.io/role": "worker-cnf"},
        "rt_kernel": True,
        "topology_policy": "best-effort",
        "user_level_networking": True,
        "hints": workload_hints(mode="low-latency", rt_kernel=True, per_pod_power_management=False),
    }
    values.update(overrides)
    return ProfileRequest(**values)  # type: ignore[arg-type]


def test_sorted_keys_and_separator() -> None:
    out = render_output(build_profile(request(), ALLOCATION))
    assert out.startswith(
        "---\napiVersion: performance.openshift.io/v2\nkind: PerformanceProfile\n"
    )
    spec = out[out.index("spec:\n") :].splitlines()[1:]
    spec_keys = [line.strip().rstrip(":") for line in spec if line[2] != " "]
    assert spec_keys == sorted(spec_keys)
    assert yaml.safe_load(out)["spec"]["cpu"] == {
        "isolated": "2-3",
        "offlined": "1",
        "reserved": "0",
    }
    assert "reserved: '0'" in out or 'reserved: "0"' in out


@pytest.mark.parametrize(
    ("tuning", "core_ids", "tail"),
    [
        (True, False, HARDWARE_TUNING_COMMENT),
        (False, True, DIFFERENT_CORE_IDS_COMMENT),
        (True, True, HARDWARE_TUNING_COMMENT + DIFFERENT_CORE_IDS_COMMENT),
    ],
    ids=["tuning", "core-ids", "both"],
)
def test_comment_blocks(tuning: bool, core_ids: bool, tail: str) -> None:
    out = render_output(
        build_profile(request(), ALLOCATION), hardware_tuning=tuning, different_core_ids=core_ids
    )
    assert out.endswith(tail)
    assert all(line.startswith("#") for line in tail.splitlines())
    assert yaml.safe_load(out) == yaml.safe_load(out.removesuffix(tail))


def test_hosted_config_map_holds_the_profile() -> None:
    profile = build_profile(request(pool_selector=None), ALLOCATION)
    out = render_output(profile, hosted=True)
    config_map = yaml.safe_load(out)
    assert config_map["metadata"] == {"name": "p", "namespace": "clusters"}
    assert yaml.safe_load(config_map["data"]["tuning"]) == profile


def test_invalid_profile_is_refused() -> None:
    with pytest.raises(ProfileError, match="not a valid v2 PerformanceProfile"):
        build_profile(request(topology_policy=3), ALLOCATION)


def _modules_after(code: str) -> set[str]:
    result = subprocess.run(
        [sys.executable, "-c", f"{code}\nimport sys\nprint(' '.join(sys.modules))"],
        capture_output=True,
        text=True,
        check=True,
        timeout=60,
    )
    return set(result.stdout.split())


@pytest.mark.parametrize(
    "code",
    [
        "import nto_api",
        "import nto_api.cpuset",
        "import nto_performance.ppc.cli",
        "import nto_performance.ppc.command",
        "import nto_performance.ppc.gather",
    ],
)
def test_light_imports_skip_pydantic(code: str) -> None:
    assert "pydantic" not in _modules_after(code)


def test_lazy_api_surface() -> None:
    assert set(nto_api.__all__) <= set(dir(nto_api))
    assert nto_api.CPUSet is CPUSet
    with pytest.raises(AttributeError, match="has no attribute 'Nope'"):
        nto_api.Nope  # noqa: B018

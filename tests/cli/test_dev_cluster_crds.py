"""``nto dev-cluster`` installs the core's CRDs and only the enabled plugins' ones (``nto_crds``).

The PerformanceProfile CRD ships with the performance plugin: with the plugin disabled the
emulated cluster does not serve the kind, as a cluster without the plugin would not.
"""

from __future__ import annotations

import os
import subprocess
import sys

import pytest

PP_CRD = "performanceprofiles.performance.openshift.io"
CORE_CRDS = {"profiles.tuned.openshift.io", "tuneds.tuned.openshift.io"}


def installed_crds(tmp_path, disabled: str) -> set[str]:
    """Start ``nto dev-cluster``, read the CRD names it reports, stop it."""
    env = {**os.environ, "NTO_DISABLED_PLUGINS": disabled, "PYTHONUNBUFFERED": "1"}
    command = [sys.executable, "-m", "nto", "dev-cluster", "--kubeconfig", str(tmp_path / "kc")]
    with subprocess.Popen(
        command, stdout=subprocess.PIPE, stderr=subprocess.DEVNULL, text=True, env=env
    ) as process:
        try:
            assert process.stdout is not None
            for line in process.stdout:
                if line.startswith("CRDs installed: "):
                    return set(line.removeprefix("CRDs installed: ").strip().split(", "))
            pytest.fail(f"nto dev-cluster exited ({process.wait()}) without installing CRDs")
        finally:
            process.terminate()
            process.wait(timeout=30)


@pytest.mark.timeout(90)
@pytest.mark.parametrize(
    ("disabled", "expected"),
    [
        pytest.param("", CORE_CRDS | {PP_CRD}, id="plugin-enabled"),
        pytest.param("performance", CORE_CRDS, id="plugin-disabled"),
    ],
)
def test_dev_cluster_loads_the_crds_of_enabled_plugins_only(tmp_path, disabled, expected):
    assert installed_crds(tmp_path, disabled) == expected

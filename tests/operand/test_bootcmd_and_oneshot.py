"""``render-bootcmd-mc`` (fake and real TuneD) and the one-shot mode."""

from __future__ import annotations

import os
import shutil
import subprocess
import sys
from pathlib import Path

import pytest
import yaml

from nto.cli.main import main
from nto.operand.bootcmd import RenderError, machine_config, render_bootcmd_mc, top_recommend
from nto.operand.oneshot import run_one_shot
from nto.operand.prepare import read_main_option
from nto.testing import run_limited

from .conftest import events

POOL = {
    "apiVersion": "machineconfiguration.openshift.io/v1",
    "kind": "MachineConfigPool",
    "metadata": {"name": "worker-cnf"},
    "spec": {"machineConfigSelector": {"matchLabels": {"pools.example/worker-cnf": ""}}},
}
CPU_PART = "[main]\ninclude=cpu-partitioning\n[variables]\nisolated_cores=2-5\n"


def tuned(name, profiles, priority=10):
    return {
        "apiVersion": "tuned.openshift.io/v1",
        "kind": "Tuned",
        "metadata": {"name": name, "namespace": "openshift-cluster-node-tuning-operator"},
        "spec": {
            "profile": [{"name": n, "data": d} for n, d in profiles.items()],
            "recommend": [{"profile": next(iter(profiles)), "priority": priority}],
        },
    }


def write_inputs(directory: Path, *objects, name="inputs.yaml") -> Path:
    directory.mkdir(parents=True, exist_ok=True)
    (directory / name).write_text(yaml.safe_dump_all(objects))
    return directory


def fake_env(fake_tuned):
    return {"NTO_TUNED_BOOTCMD_BIN": fake_tuned, "NTO_TUNED_PROFILES_DIR": "/nonexistent"}


def test_top_recommend_ignores_matching_and_breaks_ties_by_tuned_name():
    tuneds = [tuned("b", {"pb": ""}, 5), tuned("a", {"pa": ""}, 5), tuned("c", {"pc": ""}, 50)]
    assert top_recommend(tuneds) == "pa"
    with pytest.raises(RenderError, match="no Tuned has a recommend"):
        top_recommend([{"metadata": {"name": "x"}, "spec": {"recommend": [{"profile": "p"}]}}])


def test_machine_config_union_appends():
    existing = {"spec": {"kernelArguments": ["a=1", "keep"]}}
    config = machine_config(POOL, ["keep", "b=2"], existing)
    assert config["metadata"] == {
        "name": "50-nto-worker-cnf",
        "labels": {"pools.example/worker-cnf": ""},
    }
    assert config["spec"]["kernelArguments"] == ["a=1", "keep", "b=2"]


def test_render_with_fake_tuned(tmp_path, fake_tuned):
    one = write_inputs(tmp_path / "in1", POOL)
    mine = tuned("rt", {"rt-profile": "[main]\n[bootloader]\ncmdline_rt=+nohz=on isolcpus=2\n"})
    existing = {
        "apiVersion": "machineconfiguration.openshift.io/v1",
        "kind": "MachineConfig",
        "metadata": {"name": "50-nto-worker-cnf"},
        "spec": {"kernelArguments": ["isolcpus=2", "user=1"]},
    }
    two = write_inputs(tmp_path / "in2", mine, existing)
    out = render_bootcmd_mc([one, two], tmp_path, "worker-cnf", environ=fake_env(fake_tuned))
    assert out.name == "kernelcmdargs_machineconfig_kargs.yaml"
    config = yaml.safe_load(out.read_text())
    assert config["spec"]["kernelArguments"] == ["isolcpus=2", "user=1", "nohz=on"]
    assert config["metadata"]["labels"] == {"pools.example/worker-cnf": ""}


@pytest.mark.parametrize(
    ("objects", "pool", "fragment"),
    [
        ([POOL], "master", "MachineConfigPool 'master' not found"),
        ([POOL, tuned("bad", {"../x": ""}, 1)], "worker-cnf", "not a valid TuneD profile name"),
        (
            [POOL, tuned("miss", {"m": "[main]\ninclude=nowhere\n"}, 1)],
            "worker-cnf",
            "could not compute the kernel command line of profile 'm'",
        ),
    ],
    ids=["unknown-pool", "hostile-name", "missing-include"],
)
def test_render_errors(tmp_path, fake_tuned, objects, pool, fragment):
    inputs = write_inputs(tmp_path / "in", *objects)
    with pytest.raises(RenderError, match=fragment):
        render_bootcmd_mc([inputs], tmp_path / "out", pool, environ=fake_env(fake_tuned))
    assert not (tmp_path / "out").exists()


def test_render_rejects_malformed_yaml(tmp_path):
    inputs = tmp_path / "in"
    inputs.mkdir()
    (inputs / "broken.yaml").write_text("kind: [unclosed\n")
    with pytest.raises(RenderError, match="is not valid YAML"):
        render_bootcmd_mc([inputs], tmp_path, "worker-cnf", environ={})


def alias_bomb_tuned(levels: int) -> str:
    lines = ["apiVersion: tuned.openshift.io/v1", "kind: Tuned", "metadata: {name: bomb}"]
    lines += ["spec:", "  unknownField:", '    l0: &l0 "lol"']
    for level in range(1, levels + 1):
        lines.append(f"    l{level}: &l{level} [" + ", ".join([f"*l{level - 1}"] * 9) + "]")
    return "\n".join(lines) + "\n"


@pytest.mark.parametrize("levels", [6, 10])
def test_render_refuses_alias_bombs_fast(tmp_path, levels):
    inputs = write_inputs(tmp_path / "in", POOL)
    (inputs / "bomb.yaml").write_text(alias_bomb_tuned(levels))
    out = tmp_path / "out"
    args = ["--asset-input-dir", str(inputs), "--asset-output-dir", str(out)]
    done = run_limited(
        ["-m", "nto", "render-bootcmd-mc", *args, "--mcp-name", "worker-cnf"],
        env={"CLUSTER_NODE_TUNED_BOOTSTRAP_SAFE_ENV": "1"},
        memory_bytes=1024 * 1024 * 1024,
        cpu_seconds=30,
    )
    assert done.returncode == 255, done.stderr[-2000:]  # klog.Fatal, as the Go binary
    assert "bomb.yaml' is not valid YAML" in done.stderr
    assert "excessive aliasing" in done.stderr
    assert "Traceback" not in done.stderr
    assert not out.exists()


@pytest.mark.skipif(
    not Path("/usr/lib/tuned/cpu-partitioning/tuned.conf").exists()
    or subprocess.run(["/usr/bin/python3", "-c", "import tuned"], check=False).returncode != 0,
    reason="needs Debian's tuned (system python3 with the tuned package and its profiles)",
)
def test_render_with_real_tuned_cpu_partitioning(tmp_path):
    inputs = write_inputs(tmp_path / "in", POOL, tuned("cnf", {"cnf-profile": CPU_PART}, 20))
    environ = {"NTO_BOOTCMD_CPUS": "0-7"}
    out = render_bootcmd_mc([inputs], tmp_path, "worker-cnf", environ=environ)
    kargs = yaml.safe_load(out.read_text())["spec"]["kernelArguments"]
    # What TuneD 2.20 computes: network-latency's skew_tick, then cpu-partitioning's list with
    # the housekeeping CPUs 0,1,6,7 as the hex mask 000000c3.
    assert kargs == [
        "skew_tick=1",
        "nohz=on",
        "nohz_full=2-5",
        "rcu_nocbs=2-5",
        "tuned.non_isolcpus=000000c3",
        "intel_pstate=disable",
        "nosoftlockup",
    ]


def test_cli_needs_the_bootstrap_env(tmp_path, monkeypatch, capsys):
    monkeypatch.delenv("CLUSTER_NODE_TUNED_BOOTSTRAP_SAFE_ENV", raising=False)
    argv = [
        "render-bootcmd-mc",
        "--asset-input-dir",
        str(tmp_path),
        "--asset-output-dir",
        str(tmp_path),
        "--mcp-name",
        "worker",
    ]
    assert main(argv) == 255  # klog.Fatal in the reference
    assert "CLUSTER_NODE_TUNED_BOOTSTRAP_SAFE_ENV" in capsys.readouterr().err
    monkeypatch.setenv("CLUSTER_NODE_TUNED_BOOTSTRAP_SAFE_ENV", "1")
    assert main(argv) == 255
    assert "MachineConfigPool 'worker' not found" in capsys.readouterr().err


# --- one-shot ------------------------------------------------------------------------------


def test_one_shot_applies_once_and_restores_main_conf(paths, fake_tuned):
    (paths.tuned_etc_orig_dir).mkdir(parents=True)
    (paths.tuned_etc_orig_dir / "tuned-main.conf").write_text("daemon = 1\nreapply_sysctl = 1\n")
    (paths.profiles_dir / "p").mkdir(parents=True)
    (paths.profiles_dir / "p" / "tuned.conf").write_text("[main]\n")
    paths.recommend_dir.mkdir(parents=True)
    (paths.recommend_dir / "50-openshift.conf").write_text("[p]\n")
    assert run_one_shot(paths, fake_tuned, timeout=10) == 0
    assert [line.split()[0] for line in events(paths)] == ["start", "apply"]
    assert paths.active_profile_file.read_text() == "p\n"
    assert read_main_option(paths, "daemon") == "1"


def test_one_shot_errors_are_only_logged(paths, tmp_path):
    assert run_one_shot(paths, str(tmp_path / "missing-tuned"), timeout=5) == -1
    assert not paths.tuned_main_conf.exists()


def test_one_shot_via_the_cli(paths, fake_tuned, monkeypatch):
    monkeypatch.setenv("NTO_TUNED_BIN", fake_tuned)
    env = {**os.environ, "NTO_TUNED_BIN": fake_tuned}
    done = subprocess.run(
        [sys.executable, "-m", "nto", "ocp-tuned", "--in-cluster=false", "--one-shot=true"],
        env=env,
        capture_output=True,
        text=True,
        timeout=60,
        check=False,
    )
    assert done.returncode == 0, done.stderr
    assert "Requested profile '' doesn't exist" in done.stderr
    assert paths.recommend_link.is_symlink()


def test_in_cluster_without_node_name_fails_fast(monkeypatch, capsys):
    monkeypatch.delenv("OCP_NODE_NAME", raising=False)
    assert main(["ocp-tuned"]) == 255  # klog.Fatal in the reference
    assert "OCP_NODE_NAME is not set" in capsys.readouterr().err


def test_fake_tuned_is_found():
    assert shutil.which(sys.executable)


def test_plugins_contribute_bootstrap_tuneds(tmp_path, fake_tuned, monkeypatch):
    """Hook ``nto_bootstrap_tuneds`` adds Tuneds (e.g. rendered from PerformanceProfiles)."""
    from nto.cli import main as cli_main
    from nto.plugins import hookimpl
    from nto.plugins.host import build_plugin_host

    seen: list[list[str]] = []

    class Bootstrap:
        @hookimpl
        def nto_bootstrap_tuneds(self, manifests):
            seen.append(sorted(manifests))
            return [
                tuned(
                    "from-plugin", {"plugin-rt": "[main]\n[bootloader]\ncmdline_x=+plugin=1\n"}, 1
                )
            ]

    monkeypatch.setattr(
        cli_main,
        "build_plugin_host",
        lambda **_: build_plugin_host(
            load_entry_points=False, plugins=[("bootstrap", Bootstrap())]
        ),
    )
    for key, value in {
        **fake_env(fake_tuned),
        "CLUSTER_NODE_TUNED_BOOTSTRAP_SAFE_ENV": "1",
    }.items():
        monkeypatch.setenv(key, value)
    inputs = write_inputs(tmp_path / "in", POOL)
    argv = [
        "render-bootcmd-mc",
        "--asset-input-dir",
        str(inputs),
        "--asset-output-dir",
        str(tmp_path),
    ]
    assert main([*argv, "--mcp-name", "worker-cnf"]) == 0
    assert seen == [["MachineConfigPool"]]
    config = yaml.safe_load((tmp_path / "kernelcmdargs_machineconfig_kargs.yaml").read_text())
    assert config["spec"]["kernelArguments"] == ["plugin=1"]

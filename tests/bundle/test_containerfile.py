"""The Containerfile (not buildable here: no container engine) has what the manifests rely on.

Parsed, not built: instructions after line continuations are joined; the last stage is the
image. Checks the entry points the Deployment and the DaemonSet call, TuneD, the three
distributions, ``/manifests`` with the bundle and image-references, the reference's image
environment and a non-root user for the operator.
"""

from __future__ import annotations

import re
import shlex
from pathlib import Path

import pytest

from nto.bundle import generate
from nto.controller.daemonset import OPERAND_COMMAND

ROOT = Path(__file__).resolve().parents[2]
CONTAINERFILE = ROOT / "Containerfile"


def instructions(text: str) -> list[tuple[str, str]]:
    """``(INSTRUCTION, arguments)`` pairs, comments dropped and continuations joined."""
    lines = [line for line in text.splitlines() if not line.lstrip().startswith("#")]
    joined = re.sub(r"\\\n", " ", "\n".join(lines))
    pairs = []
    for line in joined.splitlines():
        if line.strip():
            keyword, _, rest = line.strip().partition(" ")
            pairs.append((keyword.upper(), " ".join(rest.split())))
    return pairs


@pytest.fixture(scope="module")
def stages() -> list[list[tuple[str, str]]]:
    result: list[list[tuple[str, str]]] = []
    for keyword, rest in instructions(CONTAINERFILE.read_text()):
        if keyword == "FROM":
            result.append([])
        assert result, f"{keyword} before the first FROM"
        result[-1].append((keyword, rest))
    return result


def _args(stage, keyword: str) -> list[str]:
    return [rest for key, rest in stage if key == keyword]


def _env(stage) -> dict[str, str]:
    env = {}
    for rest in _args(stage, "ENV"):
        for item in shlex.split(rest):
            key, _, value = item.partition("=")
            env[key] = value
    return env


def test_parser_joins_continuations_and_drops_comments():
    text = "# c\nFROM a AS b\nRUN x \\\n  && y\n# d\nENV A=1 \\\n    B=2\n"
    assert instructions(text) == [("FROM", "a AS b"), ("RUN", "x && y"), ("ENV", "A=1 B=2")]


def test_image_environment(stages):
    env = _env(stages[-1])
    assert env["HOME"] == "/run/ocp-tuned"
    assert env["SYSTEMD_IGNORE_CHROOT"] == "1"
    assert env["ASSETS_DIR"] == "/root/assets"


def test_tuned_and_our_distributions_are_installed(stages):
    runs = " ".join(_args(stages[-1], "RUN"))
    assert re.search(r"apt-get install [^&]*\btuned\b", runs)
    assert re.search(r"pip install [^&]*\bnto nto-api nto-performance\b", runs)
    assert "python3" in runs
    assert "enable_unix_socket = 1" in runs
    assert "rollback = not_on_exit" in runs


def test_entry_points_the_manifests_call_exist(stages, bundle):
    runs = " ".join(_args(stages[-1], "RUN"))
    links = {link: target for target, link in re.findall(r"ln -s (\S+) (\S+)", runs)}
    assert OPERAND_COMMAND[0] in links, "the DaemonSet runs this path"
    assert "/usr/bin/nto" in links
    (deployment,) = bundle["50-operator.yaml"]
    (container,) = deployment["spec"]["template"]["spec"]["containers"]
    assert f"/usr/bin/{container['command'][0]}" in links
    (entrypoint,) = _args(stages[-1], "ENTRYPOINT")
    assert entrypoint == '["/usr/bin/cluster-node-tuning-operator"]'


def test_manifests_and_release_label(stages, bundle):
    copies = _args(stages[-1], "COPY")
    assert "bundle/ /manifests/" in copies
    assert generate.IMAGE_REFERENCES in bundle
    assert (ROOT / "bundle" / generate.IMAGE_REFERENCES).is_file(), "run 'make bundle'"
    labels = " ".join(_args(stages[-1], "LABEL"))
    assert 'io.openshift.release.operator="true"' in labels


def test_operator_user_is_numeric_and_not_root(stages):
    (user,) = _args(stages[-1], "USER")
    assert user.isdigit(), "runAsNonRoot needs a numeric user"
    assert int(user) != 0


def test_copied_sources_exist(stages):
    for stage in stages:
        for rest in _args(stage, "COPY"):
            if rest.startswith("--from="):
                continue
            *sources, _ = rest.split()
            for source in sources:
                assert (ROOT / source).exists(), f"COPY source {source!r} is missing"
    assert re.match(r"\S+:\S+", _args(stages[0], "FROM")[0]), "base images are pinned to a tag"

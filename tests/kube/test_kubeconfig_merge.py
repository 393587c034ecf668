"""KUBECONFIG with several paths is merged as kubectl merges it; --kubeconfig wins over it."""

from __future__ import annotations

import base64
import os
import shutil
import subprocess
from pathlib import Path
from typing import Any

import pytest
import yaml

from nto.kube.config import KubeConfigError, load_connection
from nto.kube.kubeconfig import kubeconfig_paths, merge_kubeconfigs


def write(path: Path, **document: Any) -> Path:
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(yaml.safe_dump(document))
    return path


def cluster(name: str, server: str, **extra: Any) -> dict[str, Any]:
    return {"name": name, "cluster": {"server": server, **extra}}


def user(name: str, **fields: Any) -> dict[str, Any]:
    return {"name": name, "user": fields}


def context(name: str, cluster_name: str, user_name: str) -> dict[str, Any]:
    return {"name": name, "context": {"cluster": cluster_name, "user": user_name}}


@pytest.fixture
def two_files(tmp_path: Path) -> tuple[Path, Path]:
    """The first file has users only; the second has the cluster, context and current-context."""
    first = write(
        tmp_path / "a" / "config",
        users=[user("me", token="first-token-value", **{"client-key": "key.pem"})],
        contexts=[context("shared", "first-cluster", "me")],
    )
    second = write(
        tmp_path / "b" / "config",
        clusters=[
            cluster("c", "https://second:6443", **{"certificate-authority": "ca.crt"}),
            cluster("first-cluster", "https://unused:1"),
        ],
        users=[user("me", token="second-token-value")],
        contexts=[context("ctx", "c", "me"), context("shared", "c", "me")],
        **{"current-context": "ctx"},
    )
    return first, second


def test_every_path_is_used_and_the_first_definition_wins(two_files: tuple[Path, Path]) -> None:
    first, second = two_files
    connection = load_connection({"KUBECONFIG": f"{first}{os.pathsep}{second}"})
    assert connection.server == "https://second:6443"  # cluster and context from file two
    assert connection.token == "first-token-value"  # user 'me' from file one
    assert connection.ca_path == str(second.parent / "ca.crt")  # relative to its own file
    assert connection.private_key_path == str(first.parent / "key.pem")


def test_current_context_comes_from_the_first_file_that_sets_one(tmp_path: Path) -> None:
    one = write(
        tmp_path / "1",
        clusters=[cluster("x", "https://x:1"), cluster("y", "https://y:1")],
        contexts=[context("cx", "x", "u"), context("cy", "y", "u")],
        users=[user("u")],
        **{"current-context": "cy"},
    )
    two = write(tmp_path / "2", **{"current-context": "cx"})
    assert load_connection({"KUBECONFIG": f"{two}:{one}"}).server == "https://x:1"
    assert load_connection({"KUBECONFIG": f"{one}:{two}"}).server == "https://y:1"


def test_missing_and_empty_entries_are_skipped(
    two_files: tuple[Path, Path], tmp_path: Path
) -> None:
    _, second = two_files
    value = f"::{tmp_path / 'nope'}:{second}:{second}"
    assert kubeconfig_paths(value) == [tmp_path / "nope", second]
    document, used = merge_kubeconfigs(kubeconfig_paths(value))
    assert used == [second]
    assert document["current-context"] == "ctx"


def test_no_existing_file_is_a_clear_error(tmp_path: Path) -> None:
    with pytest.raises(KubeConfigError, match=r"no kubeconfig found: '.*nope' .* does not exist"):
        load_connection({"KUBECONFIG": str(tmp_path / "nope")})


def test_an_unparsable_file_in_the_list_is_named(tmp_path: Path) -> None:
    good = write(tmp_path / "good", clusters=[cluster("c", "https://c:1")])
    bad = tmp_path / "bad"
    bad.write_text("clusters: [\n")
    with pytest.raises(KubeConfigError, match="bad' is not valid YAML"):
        load_connection({"KUBECONFIG": f"{good}:{bad}"})


@pytest.mark.skipif(not shutil.which("kubectl"), reason="needs kubectl to compare with")
def test_merge_agrees_with_kubectl(two_files: tuple[Path, Path]) -> None:
    first, second = two_files
    (second.parent / "ca.crt").write_text("ca of b\n")
    (first.parent / "key.pem").write_text("key of a\n")
    value = f"{first}:{second}"
    result = subprocess.run(
        ["kubectl", "config", "view", "--raw", "--minify", "--flatten", "-o", "yaml"],
        env={"KUBECONFIG": value, "PATH": os.environ["PATH"], "HOME": str(first.parent)},
        capture_output=True,
        text=True,
        check=True,
        timeout=60,
    )
    theirs = yaml.safe_load(result.stdout)
    ours = load_connection({"KUBECONFIG": value})
    assert theirs["clusters"][0]["cluster"]["server"] == ours.server
    assert theirs["users"][0]["user"]["token"] == ours.token
    cluster_data = theirs["clusters"][0]["cluster"]["certificate-authority-data"]
    assert base64.b64decode(cluster_data) == Path(str(ours.ca_path)).read_bytes()
    key_data = theirs["users"][0]["user"]["client-key-data"]
    assert base64.b64decode(key_data) == Path(str(ours.private_key_path)).read_bytes()

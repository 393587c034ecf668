"""The operand's state reaches the node: the image's links into ``/host`` and the startup steps.

The DaemonSet's root filesystem is read-only and the node is mounted at ``/host``; the image links
``/var/lib/ocp-tuned`` and ``/var/lib/tuned`` there (Containerfile), and the operand creates the
link targets before it writes. Without both, ``image.env`` never reaches the node and the
PerformanceProfile's ``ocp-tuned-one-shot.service`` (conditioned on it) never runs.
"""

from __future__ import annotations

import re
from pathlib import Path

import pytest

from nto.operand.paths import OperandPaths
from nto.operand.prepare import ensure_host_state_dirs, prepare_tuned_dir, write_image_env

CONTAINERFILE = Path(__file__).resolve().parents[2] / "Containerfile"
STATE_LINKS = ("/var/lib/ocp-tuned", "/var/lib/tuned")


def image_links() -> dict[str, str]:
    """``ln -s TARGET LINK`` of the Containerfile: link -> target."""
    text = CONTAINERFILE.read_text()
    return {link: target for target, link in re.findall(r"ln -s (\S+) (\S+)", text)}


def image_root(paths: OperandPaths) -> None:
    """A node root laid out like the image: the state links, as the Containerfile makes them."""
    links = image_links()
    for link in STATE_LINKS:
        assert link in links, f"the Containerfile does not link {link} into /host"
        target = links[link]
        assert not target.startswith("/"), f"{link} -> {target}: keep the link relative"
        resolved = (Path(link).parent / target).resolve()
        assert str(resolved) == f"/host{link}", f"{link} -> {target} is not /host{link}"
        path = paths.at(link)
        path.parent.mkdir(parents=True, exist_ok=True)
        path.symlink_to(target)


def test_image_env_and_profiles_land_on_the_node(paths: OperandPaths) -> None:
    image_root(paths)
    ensure_host_state_dirs(paths)
    prepare_tuned_dir(paths)
    write_image_env(paths, "quay.io/example/nto:1")
    host = paths.at("/host/var/lib/ocp-tuned")
    assert (host / "image.env").read_text() == "NTO_IMAGE=quay.io/example/nto:1\n"
    assert (host / "profiles").is_dir()
    assert (host / "recommend.d").is_dir()
    assert paths.at("/host/var/lib/tuned").is_dir()


def test_without_the_host_dirs_nothing_can_be_written(paths: OperandPaths) -> None:
    image_root(paths)
    with pytest.raises(FileExistsError):
        prepare_tuned_dir(paths)

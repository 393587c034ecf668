"""Reading the input directories: multi-document YAML and JSON, kinds kept, bad input named."""

from __future__ import annotations

from pathlib import Path

import pytest

from nto_performance.render.errors import InputError
from nto_performance.render.inputs import iter_input_files, load_documents, read_inputs

PROFILE = (
    "apiVersion: performance.openshift.io/{v}\nkind: PerformanceProfile\nmetadata: {{name: {n}}}\n"
    'spec: {{cpu: {{reserved: "0", isolated: "1"}}, nodeSelector: {{a/b: ""}}}}\n'
)


def write(directory: Path, files: dict[str, str]) -> Path:
    for name, text in files.items():
        path = directory / name
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(text)
    return directory


@pytest.mark.parametrize(
    ("text", "count"),
    [
        pytest.param("a: 1\n---\nb: 2\n", 2, id="two-docs"),
        pytest.param("---\n---\na: 1\n...\n", 1, id="empty-docs-dropped"),
        pytest.param('{"a": 1}', 1, id="json"),
        pytest.param('{\n\t"a": 1\n}', 1, id="json-with-tabs"),
        pytest.param("{a: 1}", 1, id="yaml-flow"),
        pytest.param("", 0, id="empty-file"),
    ],
)
def test_load_documents(tmp_path: Path, text: str, count: int) -> None:
    path = tmp_path / "f.yaml"
    path.write_text(text)
    assert len(load_documents(path)) == count


def test_timestamps_stay_text(tmp_path: Path) -> None:
    path = tmp_path / "f.yaml"
    path.write_text("metadata: {creationTimestamp: 2024-01-02T03:04:05Z}\n")
    assert load_documents(path) == [{"metadata": {"creationTimestamp": "2024-01-02T03:04:05Z"}}]


@pytest.mark.parametrize(
    ("text", "needle"),
    [
        pytest.param("a: 1\nb: [1, 2\nc: 3\n", "line 3", id="unclosed-flow"),
        pytest.param("a: 1\n  b: 2\n", "line 2", id="bad-indent"),
        pytest.param("a: *nowhere\n", "line 1", id="unknown-alias"),
        pytest.param("a: !!python/object:os.system x\n", "line 1", id="hostile-tag"),
    ],
)
def test_unparsable_yaml_names_file_and_line(tmp_path: Path, text: str, needle: str) -> None:
    path = tmp_path / "broken.yaml"
    path.write_text(text)
    with pytest.raises(InputError, match=r"broken\.yaml") as info:
        load_documents(path)
    assert needle in str(info.value)


def test_binary_file_is_an_input_error(tmp_path: Path) -> None:
    path = tmp_path / "blob.bin"
    path.write_bytes(b"\xff\xfe\x00binary")
    with pytest.raises(InputError, match=r"cannot read input file .*blob\.bin"):
        load_documents(path)


def test_walk_is_recursive_sorted_and_comma_list(tmp_path: Path) -> None:
    a = write(tmp_path / "a", {"z.yaml": "", "sub/b.yaml": "", "sub/deeper/c.json": ""})
    b = write(tmp_path / "b", {"x.yaml": ""})
    found = [p.relative_to(tmp_path).as_posix() for p in iter_input_files([b, a])]
    assert found == ["b/x.yaml", "a/z.yaml", "a/sub/b.yaml", "a/sub/deeper/c.json"]


def test_kinds_are_sorted_out(tmp_path: Path) -> None:
    write(
        tmp_path,
        {
            "p.yaml": PROFILE.format(v="v2", n="new")
            + "---\n"
            + PROFILE.format(v="v1", n="old")
            + "---\n"
            + PROFILE.format(v="v1alpha1", n="older"),
            "pool.yaml": "apiVersion: machineconfiguration.openshift.io/v1\n"
            "kind: MachineConfigPool\nmetadata: {name: rt}\n",
            "mc.yaml": "apiVersion: machineconfiguration.openshift.io/v1\n"
            "kind: MachineConfig\nmetadata: {name: m}\n",
            "infra.yaml": "apiVersion: config.openshift.io/v1\nkind: Infrastructure\n"
            "metadata: {name: cluster}\nstatus: {cpuPartitioning: AllNodes}\n",
            "other-infra.yaml": "apiVersion: config.openshift.io/v1\nkind: Infrastructure\n"
            "metadata: {name: other}\n",
            "misc.yaml": "apiVersion: v1\nkind: ConfigMap\nmetadata: {name: c}\n---\n- a list\n"
            "---\njust text\n---\nkind: PerformanceProfile\n",
        },
    )
    inputs = read_inputs([tmp_path])
    assert [p.metadata.name for _, p in inputs.profiles] == ["new"]
    assert str(inputs.profiles[0][0]).endswith("p.yaml (document 1)")
    assert [p.metadata.name for p in inputs.pools] == ["rt"]
    assert len(inputs.machine_configs) == 1
    assert inputs.infrastructure is not None
    assert inputs.infrastructure.metadata.name == "cluster"
    assert len(inputs.skipped) == 2
    assert "'old'" in inputs.skipped[0]
    assert "this one is performance.openshift.io/v1;" in inputs.skipped[0]
    assert "'older'" in inputs.skipped[1]


@pytest.mark.parametrize(
    ("text", "needle"),
    [
        pytest.param(
            PROFILE.format(v="v2", n="x").replace("reserved", "reservd"), "spec.cpu.reservd"
        ),
        pytest.param(
            PROFILE.format(v="v2", n="x").replace('"0"', "0"), "spec.cpu.reserved", id="int-cpulist"
        ),
        pytest.param(
            "apiVersion: machineconfiguration.openshift.io/v1\nkind: MachineConfigPool\n"
            "metadata: {name: p}\nspec: {nodeSelector: [1]}\n",
            "MachineConfigPool 'p'",
            id="pool",
        ),
    ],
)
def test_invalid_objects_name_file_and_field(tmp_path: Path, text: str, needle: str) -> None:
    write(tmp_path, {"obj.yaml": "---\n" + text})
    with pytest.raises(InputError, match=r"obj\.yaml") as info:
        read_inputs([tmp_path])
    assert needle in str(info.value)
    assert "(document 1)" in str(info.value)

"""The one loader for user YAML: alias bombs, deep nesting and huge scalars are refused before
anything is built, and validation errors quote a bounded excerpt of what they were given."""

from __future__ import annotations

from typing import Any

import pytest
import yaml

from nto_api import parse, safe_yaml
from nto_api.errors import InvalidObjectError


def alias_bomb(levels: int, width: int = 9) -> str:
    lines = ['l0: &l0 "lol"']
    for level in range(1, levels + 1):
        lines.append(f"l{level}: &l{level} [" + ", ".join([f"*l{level - 1}"] * width) + "]")
    return "\n".join(lines) + "\n"


class CountingLoader(yaml.SafeLoader):
    """Counts the nodes the constructor builds: an expanded bomb would count billions."""

    built = 0

    def construct_object(self, node: Any, deep: bool = False) -> Any:
        CountingLoader.built += 1
        return super().construct_object(node, deep)


@pytest.mark.parametrize("levels", [5, 7, 10, 30])
def test_billion_laughs_is_refused_before_construction(levels: int) -> None:
    CountingLoader.built = 0
    with pytest.raises(safe_yaml.UnsafeYAMLError, match="excessive aliasing") as caught:
        safe_yaml.load(alias_bomb(levels), loader=CountingLoader)
    assert CountingLoader.built == 0
    assert "write the values out" in str(caught.value)
    assert len(str(caught.value)) < 400


def test_a_few_aliases_are_fine() -> None:
    assert safe_yaml.load(alias_bomb(3)) == yaml.safe_load(alias_bomb(3))
    assert safe_yaml.load_all("a: &x {b: 1}\nc: *x\n---\n---\nd: 2\n") == [
        {"a": {"b": 1}, "c": {"b": 1}},
        None,
        {"d": 2},
    ]


def test_anchors_do_not_leak_between_documents() -> None:
    small = "a: &x [1, 2]\nb: *x\n"
    assert safe_yaml.load_all(small * 1 + "---\n" + small) == [{"a": [1, 2], "b": [1, 2]}] * 2


def test_many_documents_each_under_the_limit_are_fine() -> None:
    text = "---\n".join(alias_bomb(4) for _ in range(20))
    assert len(safe_yaml.load_all(text)) == 20


@pytest.mark.parametrize("style", ["block", "flow"])
def test_deep_nesting_is_refused(style: str) -> None:
    depth = 5000
    text = "- " * depth + "x\n" if style == "block" else "[" * depth + "]" * depth
    with pytest.raises(yaml.YAMLError, match=r"(levels deep|nesting depth)"):
        safe_yaml.load(text)


def test_huge_scalar_is_refused_with_the_limit() -> None:
    with pytest.raises(safe_yaml.UnsafeYAMLError, match="limit is 3145728") as caught:
        safe_yaml.load("data: " + "x" * (safe_yaml.MAX_SCALAR_CHARS + 1))
    assert len(str(caught.value)) < 300


def test_syntax_errors_keep_their_position() -> None:
    with pytest.raises(yaml.MarkedYAMLError):
        safe_yaml.load("a: [unclosed\nb: 1\n")


class Leaf:
    """Counts repr() calls; fails after a few hundred (a full walk of a bomb calls it billions)."""

    calls = 0

    def __repr__(self) -> str:
        Leaf.calls += 1
        assert Leaf.calls < 500, "an error message formatted the whole value"
        return "leaf"


def test_validation_errors_quote_a_bounded_excerpt() -> None:
    value: Any = [Leaf()] * 9
    for _ in range(12):  # 9**13 leaves reachable, shared: cheap to build, huge to walk
        value = [value] * 9
    Leaf.calls = 0
    profile = {
        "apiVersion": "performance.openshift.io/v2",
        "kind": "PerformanceProfile",
        "metadata": {"name": "bomb"},
        "spec": {
            "cpu": {"reserved": "0", "isolated": "1"},
            "nodeSelector": {"a": ""},
            "unknownField": value,
        },
    }
    with pytest.raises(InvalidObjectError) as caught:
        parse(profile)
    assert "spec.unknownField" in str(caught.value)
    assert len(str(caught.value)) < 400

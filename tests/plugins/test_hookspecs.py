"""Every hook is documented in the same shape and exercised by a test of its own."""

from __future__ import annotations

import inspect
import pathlib

import pytest

from nto.plugins import hookspecs

HOOKS = sorted(name for name in dir(hookspecs) if name.startswith("nto_"))
TESTS = pathlib.Path(__file__).resolve().parents[1]


def test_there_are_hooks():
    assert len(HOOKS) >= 11


@pytest.mark.parametrize("hook", HOOKS)
def test_hook_docstring_shape(hook):
    doc = inspect.getdoc(getattr(hookspecs, hook)) or ""
    summary, _, rest = doc.partition("\n\n")
    assert summary, f"{hook}: no summary"
    assert summary.endswith("."), f"{hook}: the summary must be one sentence ending with '.'"
    for section in ("Parameters:", "Returns:", "Since:"):
        assert section in rest, f"{hook}: docstring lacks {section!r}"


@pytest.mark.parametrize("hook", HOOKS)
def test_hook_has_a_test(hook):
    own = pathlib.Path(__file__).resolve()
    users = [
        path
        for path in TESTS.rglob("test_*.py")
        if path.resolve() != own and hook in path.read_text()
    ]
    assert users, f"no test under {TESTS} calls or implements {hook}"


@pytest.mark.parametrize("hook", HOOKS)
def test_hooks_take_keyword_arguments_only_by_name(hook):
    signature = inspect.signature(getattr(hookspecs, hook))
    kinds = {parameter.kind for parameter in signature.parameters.values()}
    assert kinds <= {inspect.Parameter.POSITIONAL_OR_KEYWORD, inspect.Parameter.KEYWORD_ONLY}

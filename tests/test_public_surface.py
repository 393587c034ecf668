"""Public surfaces stay explicit: sorted __all__ lists, and an errors module per distribution
that names every exception class the distribution defines (so the drawn tree cannot drift)."""

from __future__ import annotations

import ast
import importlib
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[1]


def isort_order(name: str) -> tuple[int, str]:
    """ruff's RUF022 order: CONSTANTS, then Classes, then functions."""
    kind = 0 if name.isupper() else 1 if name[:1].isupper() else 2
    return kind, name


@pytest.mark.parametrize(
    ("module", "expected"),
    [
        ("nto", ["__version__"]),
        ("nto_performance", []),
        ("nto.plugins", None),
        ("nto.testing", None),
        ("nto.errors", None),
        ("nto_performance.errors", None),
    ],
)
def test_all_is_sorted_and_importable(module, expected):
    imported = importlib.import_module(module)
    names = list(imported.__all__)
    assert names == sorted(names, key=isort_order)
    if expected is not None:
        assert names == expected
    for name in names:
        assert getattr(imported, name) is not None


def defined_exceptions(package: Path, skip: tuple[str, ...] = ()) -> set[str]:
    names = set()
    for path in package.rglob("*.py"):
        if any(part in skip for part in path.parts):
            continue
        for node in ast.walk(ast.parse(path.read_text())):
            if isinstance(node, ast.ClassDef):
                bases = {ast.unparse(base) for base in node.bases}
                if any(b.endswith(("Error", "Exception")) or b == "BadReview" for b in bases):
                    names.add(node.name)
    return names


@pytest.mark.parametrize(
    ("errors_module", "package", "skip"),
    [
        ("nto.errors", ROOT / "nto", ("testing",)),
        ("nto_performance.errors", ROOT / "plugins" / "performance" / "nto_performance", ()),
    ],
)
def test_errors_module_names_every_exception(errors_module, package, skip):
    module = importlib.import_module(errors_module)
    exported = {getattr(module, name).__name__ for name in module.__all__}
    missing = defined_exceptions(package, skip) - exported
    assert not missing, f"add {sorted(missing)} to {errors_module} and its drawn tree"
    for name in module.__all__:
        assert issubclass(getattr(module, name), Exception)
        assert name in (module.__doc__ or "") or getattr(module, name).__name__ in module.__doc__

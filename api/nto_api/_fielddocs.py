"""Field descriptions for CRD schemas, read from attribute docstrings in the models' source.

A model documents a field with a string right below it, as PEP 257 attribute docstrings do.
Pydantic can collect these itself (``use_attribute_docstrings``), but it then parses the source of
every model class at import time, which every short command-line tool would pay for. Only CRD
generation needs the text, so `_schemagen` asks this module, which parses a class once, on demand.
"""

from __future__ import annotations

import ast
import functools
import inspect
import itertools
import textwrap

__all__ = ["field_doc"]


def field_doc(model: type, name: str) -> str | None:
    """The attribute docstring of field ``name`` from the class in ``model``'s MRO declaring it."""
    for cls in model.__mro__:
        if name in inspect.get_annotations(cls):
            return _class_docs(cls).get(name)
    return None


@functools.cache
def _class_docs(cls: type) -> dict[str, str]:
    try:
        source = textwrap.dedent(inspect.getsource(cls))
    except (OSError, TypeError):  # defined where no source is kept (REPL, exec)
        return {}
    body = next(
        (node.body for node in ast.parse(source).body if isinstance(node, ast.ClassDef)), []
    )
    docs: dict[str, str] = {}
    for statement, following in itertools.pairwise(body):
        if (
            isinstance(statement, ast.AnnAssign)
            and isinstance(statement.target, ast.Name)
            and isinstance(following, ast.Expr)
            and isinstance(following.value, ast.Constant)
            and isinstance(following.value.value, str)
        ):
            docs[statement.target.id] = following.value.value
    return docs

"""Write ``docs/plugins.md``: the plugin guide with a hook reference from the hookspecs.

The guide's prose lives in ``docs/plugins.md.in``; the marker line ``@@HOOKS@@`` is replaced by
one section per hook, built from :mod:`nto.plugins.hookspecs` (signature and docstring), in the
module's lifecycle order. ``--check`` exits 1 when the committed file differs.
"""

from __future__ import annotations

import argparse
import inspect
import sys
from pathlib import Path

from nto.plugins import hookspecs

ROOT = Path(__file__).resolve().parents[1]
TEMPLATE = ROOT / "docs" / "plugins.md.in"
OUTPUT = ROOT / "docs" / "plugins.md"
MARKER = "@@HOOKS@@"


def hook_reference() -> str:
    """Markdown sections for every hook, in source order."""
    functions = [
        (name, fn)
        for name, fn in vars(hookspecs).items()
        if name.startswith("nto_") and inspect.isfunction(fn)
    ]
    functions.sort(key=lambda item: inspect.getsourcelines(item[1])[1])
    sections = []
    for name, fn in functions:
        signature = str(inspect.signature(fn)).replace("'", "")
        doc = inspect.getdoc(fn) or ""
        sections.append(f"### `{name}`\n\n```python\ndef {name}{signature}\n```\n\n{doc}\n")
    return "\n".join(sections)


def render() -> str:
    return TEMPLATE.read_text().replace(MARKER, hook_reference().rstrip() + "\n")


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--check", action="store_true")
    args = parser.parse_args()
    text = render()
    if args.check:
        if not OUTPUT.exists() or OUTPUT.read_text() != text:
            print("docs/plugins.md is stale: run hack/gen_plugin_docs.py", file=sys.stderr)
            return 1
        return 0
    OUTPUT.write_text(text)
    return 0


if __name__ == "__main__":
    raise SystemExit(main())

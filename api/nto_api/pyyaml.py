"""PyYAML, imported without its slowest line: ``from nto_api.pyyaml import yaml``.

``import yaml`` compiles, in ``yaml.reader``, a regular expression for the characters YAML does
not allow, spelled as the complement of the allowed ones. Python's regular-expression compiler
walks the ~63,000 characters of its ranges one by one: 3-5 ms, a tenth of a short command's
whole start-up, for a pattern only the pure-Python reader uses (the C loader never does). Before
importing PyYAML this module puts, in ``re``'s cache under PyYAML's spelling, the same class
spelled directly (the 60-odd characters that are not allowed, plus the surrogates; ~0.3 ms).
A test checks that both spellings match exactly the same code points. When ``re`` keeps no such
cache or PyYAML spells the pattern otherwise, the seed is simply never used, and when PyYAML is
already imported it is not planted at all. Import PyYAML through here where the first import
may happen on a short command's path (``render``, the YAML safety module).
"""

from __future__ import annotations

import re
import sys
from typing import Final

__all__ = ["NON_PRINTABLE", "PYYAML_NON_PRINTABLE", "yaml"]

PYYAML_NON_PRINTABLE: Final = (
    "[^\x09\x0a\x0d\x20-\x7e\x85\xa0-\ud7ff\ue000-\ufffd\U00010000-\U0010ffff]"
)
"""``yaml.reader.Reader.NON_PRINTABLE`` as PyYAML spells it."""
NON_PRINTABLE: Final = "[\x00-\x08\x0b\x0c\x0e-\x1f\x7f-\x84\x86-\x9f\ud800-\udfff\ufffe\uffff]"
"""The same characters, spelled as themselves."""


def _plant_seed() -> None:
    cache = getattr(re, "_cache", None)
    if "yaml" not in sys.modules and isinstance(cache, dict):
        cache.setdefault((str, PYYAML_NON_PRINTABLE, 0), re.compile(NON_PRINTABLE))


_plant_seed()

import yaml  # noqa: E402  (after the seed, on purpose)

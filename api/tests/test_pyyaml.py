"""`nto_api.pyyaml`: PyYAML imported with its non-printable pattern compiled the cheap way."""

from __future__ import annotations

import re
import subprocess
import sys

from nto_api.pyyaml import NON_PRINTABLE, PYYAML_NON_PRINTABLE


def test_both_spellings_match_the_same_code_points() -> None:
    everything = "".join(map(chr, range(sys.maxunicode + 1)))
    theirs, ours = re.compile(PYYAML_NON_PRINTABLE), re.compile(NON_PRINTABLE)
    assert theirs.findall(everything) == ours.findall(everything)
    assert len(ours.findall(everything)) == 61 + 2048 + 2  # controls, surrogates, U+FFFE/FFFF


PROBE = """
import sys
from nto_api.pyyaml import NON_PRINTABLE, yaml
import yaml.reader
print(yaml.reader.Reader.NON_PRINTABLE.pattern == NON_PRINTABLE)
"""


def test_pyyaml_compiles_the_seed_instead_of_its_own_spelling() -> None:
    """Fails when PyYAML changes its spelling: then update PYYAML_NON_PRINTABLE."""
    done = subprocess.run(
        [sys.executable, "-c", PROBE], capture_output=True, text=True, check=True, timeout=60
    )
    assert done.stdout.strip() == "True"


def test_the_pure_python_reader_still_refuses_non_printable_characters() -> None:
    import pytest

    from nto_api.pyyaml import yaml

    with pytest.raises(yaml.reader.ReaderError, match="special characters are not allowed"):
        yaml.load("a: \x07", Loader=yaml.SafeLoader)
    assert yaml.load("a: \u00e9\U0001f600", Loader=yaml.SafeLoader) == {"a": "\u00e9\U0001f600"}

"""The performance plugin's must-gather step (``gather.sh``), contributed to the core's
composed must-gather script through hook ``nto_must_gather_steps``."""

from __future__ import annotations

from importlib import resources


def gather_script() -> str:
    """The bash text of the performance collection step."""
    return resources.files(__name__).joinpath("gather.sh").read_text()

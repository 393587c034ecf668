"""Make the shared script runner (``_scriptrun``) importable by the script test modules."""

import sys
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))

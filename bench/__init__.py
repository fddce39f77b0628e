"""Benchmarks: `make bench` runs them all and writes docs/benchmarks.md."""

from __future__ import annotations

import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
SHARED_LAYER = ROOT / "layers" / "shared"

# The in-process benchmark imports the layer and the tests' helpers the way pytest's
# `pythonpath` setting does, whatever directory `python -m bench` is started from.
for _path in (str(ROOT), str(SHARED_LAYER)):
    if _path not in sys.path:
        sys.path.insert(0, _path)

"""Loads a function's handler module by path, the way Lambda does (each folder is its own root)."""

from __future__ import annotations

import importlib.util
import sys
from pathlib import Path
from types import ModuleType

ROOT = Path(__file__).resolve().parents[2]
FUNCTIONS = ROOT / "functions"


def load_handler_module(function_dir: str, module: str = "app") -> ModuleType:
    path = FUNCTIONS / function_dir / f"{module}.py"
    name = f"function_{function_dir}_{module}"
    spec = importlib.util.spec_from_file_location(name, path)
    loaded = importlib.util.module_from_spec(spec)
    sys.modules[name] = loaded
    spec.loader.exec_module(loaded)
    return loaded

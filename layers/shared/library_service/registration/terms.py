"""The terms of use a patron agrees to before registering: `terms.txt`, edited by operators."""

from __future__ import annotations

from functools import cache
from importlib import resources


@cache
def terms_of_use() -> str:
    return resources.files(__package__).joinpath("terms.txt").read_text(encoding="utf-8").strip()

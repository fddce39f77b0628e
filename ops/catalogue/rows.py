"""What a reader yields for each catalogue row: an entry, or the reason it was rejected."""

from __future__ import annotations

import re
from dataclasses import dataclass

from library_service.catalogue.records import CatalogueEntry


class RowError(ValueError):
    """A row that cannot be imported; the message is the reason shown to the operator."""


@dataclass(frozen=True)
class Parsed:
    line: int  # 1-based line of the file where the row starts (the header is line 1)
    entry: CatalogueEntry
    rows: int = 1  # source rows merged into this entry (Aozora has one per person)


@dataclass(frozen=True)
class Rejected:
    line: int
    reason: str


_YEAR = re.compile(r"(1[0-9]{3}|20[0-9]{2})")


def parse_year(text: str) -> int | None:
    """The first plausible year in text such as 「2010（平成22）年2月23日第31刷」."""
    match = _YEAR.search(text or "")
    return int(match.group(1)) if match else None


def check_isbn(isbn: str) -> str:
    """ISBN-10 or ISBN-13 without hyphens; RowError when its check digit is wrong."""
    digits = isbn.replace("-", "").replace(" ", "").upper()
    if not digits:
        return ""
    if len(digits) == 13 and digits.isdigit():
        total = sum(int(d) * (1 if i % 2 == 0 else 3) for i, d in enumerate(digits[:12]))
        if (10 - total % 10) % 10 == int(digits[12]):
            return digits
    elif len(digits) == 10 and digits[:9].isdigit() and (digits[9].isdigit() or digits[9] == "X"):
        total = sum((10 - i) * int(d) for i, d in enumerate(digits[:9]))
        check = (11 - total % 11) % 11
        if ("X" if check == 10 else str(check)) == digits[9]:
            return digits
    raise RowError(f"isbn {isbn!r} is not a valid ISBN-10 or ISBN-13")

"""Aozora Bunko's 「公開中　作家別作品一覧」 list: one row per (person, work).

A work with a translator or a co-author has one row per person; the rows are merged into one
record per 作品ID. A person named in 翻訳者名等 is that work's translator (訳), anyone else
its author (著). The list has no readings, copies or ISBNs.
"""

from __future__ import annotations

import csv
from collections.abc import Callable, Iterator
from pathlib import Path

from library_service.catalogue.records import Author, CatalogueEntry, Copy, Record

from .rows import Parsed, Rejected, parse_year

RECORD_PREFIX = "aozora-"
COLUMNS = ("人物ID", "著者名", "作品ID", "作品名", "翻訳者名等", "出版社名", "入力に使用した版")


def _names(field: str) -> set[str]:
    return {name.strip() for name in field.replace("，", "、").split("、") if name.strip()}


def read_aozora(
    path: Path, copies_for: Callable[[str], tuple[Copy, ...]] | None = None
) -> Iterator[Parsed | Rejected]:
    with path.open(encoding="utf-8-sig", newline="") as file:
        reader = csv.DictReader(file)
        missing = [column for column in COLUMNS if column not in (reader.fieldnames or [])]
        if missing:
            yield Rejected(1, f"not an Aozora list: no column {', '.join(missing)}")
            return
        works: dict[str, list[tuple[int, dict]]] = {}
        for row in reader:
            line = reader.line_num
            work_id = (row.get("作品ID") or "").strip()
            if not work_id.isdigit():
                yield Rejected(line, f"作品ID {work_id!r} is not a number")
                continue
            if not (row.get("作品名") or "").strip():
                yield Rejected(line, "作品名 is empty")
                continue
            works.setdefault(work_id, []).append((line, row))
    for work_id, rows in works.items():
        yield Parsed(rows[0][0], _entry(work_id, [row for _, row in rows], copies_for), len(rows))


def _entry(work_id: str, rows: list[dict], copies_for) -> CatalogueEntry:
    first = rows[0]
    translators = set().union(*(_names(row.get("翻訳者名等") or "") for row in rows))
    authors, translated = [], []
    for row in rows:
        name = (row.get("著者名") or "").strip()
        if not name or any(a.name == name for a in authors + translated):
            continue
        (translated if name in translators else authors).append(
            Author(name, "訳" if name in translators else "著")
        )
    record_id = RECORD_PREFIX + work_id
    record = Record(
        record_id=record_id,
        title=first["作品名"].strip(),
        authors=tuple(authors + translated),
        publisher=(first.get("出版社名") or "").strip(),
        year=parse_year(first.get("入力に使用した版") or ""),
    )
    return CatalogueEntry(record, copies_for(record_id) if copies_for else ())

"""The generic catalogue format: one record a row, CSV or TSV (by the file's extension).

UTF-8 (a BOM is fine), a header row, columns in any order (docs/catalogue.md):

    record_id      required; stable: a re-import with the same ID replaces the record
    title          required
    subtitle, title_reading, publisher, year, isbn, classification   optional
    authors        「name:role」 pairs separated by 「;」 — 「夏目 漱石:著;高垣 松雄:訳」
    copies         「barcode@library[:status]」 separated by 「;」
                   — 「10001@central;10002@yoyogi:on_loan」
"""

from __future__ import annotations

import csv
from collections.abc import Iterable, Iterator
from pathlib import Path

from library_service.catalogue.libraries import Libraries
from library_service.catalogue.records import Author, CatalogueEntry, Copy, CopyStatus, Record

from .rows import Parsed, Rejected, RowError, check_isbn

COLUMNS = (
    "record_id",
    "title",
    "subtitle",
    "title_reading",
    "authors",
    "publisher",
    "year",
    "isbn",
    "classification",
    "copies",
)
REQUIRED = ("record_id", "title")
LIST_SEPARATOR = ";"


def _dialect(path: Path) -> dict:
    return {"delimiter": "\t"} if path.suffix.lower() == ".tsv" else {}


def read_generic(path: Path, libraries: Libraries) -> Iterator[Parsed | Rejected]:
    seen: dict[str, int] = {}
    barcodes: dict[str, int] = {}
    with path.open(encoding="utf-8-sig", newline="") as file:
        reader = csv.DictReader(file, **_dialect(path))
        missing = [column for column in REQUIRED if column not in (reader.fieldnames or [])]
        if missing:
            yield Rejected(1, f"header has no column {', '.join(missing)}")
            return
        line = 1
        for row in reader:
            line_start, line = line + 1, reader.line_num
            try:
                entry = _entry(row, libraries)
                record_id = entry.record.record_id
                if record_id in seen:
                    raise RowError(f"record_id {record_id} is already on line {seen[record_id]}")
                for copy in entry.copies:
                    if copy.barcode in barcodes:
                        raise RowError(
                            f"barcode {copy.barcode} is already on line {barcodes[copy.barcode]}"
                        )
            except RowError as error:
                yield Rejected(line_start, str(error))
                continue
            seen[record_id] = line_start
            barcodes.update((copy.barcode, line_start) for copy in entry.copies)
            yield Parsed(line_start, entry)


def _text(row: dict, column: str) -> str:
    return (row.get(column) or "").strip()


def _entry(row: dict, libraries: Libraries) -> CatalogueEntry:
    if None in row:
        raise RowError("more fields than the header has columns")
    record_id, title = _text(row, "record_id"), _text(row, "title")
    if not record_id:
        raise RowError("record_id is empty")
    if not title:
        raise RowError("title is empty")
    year_text = _text(row, "year")
    if year_text and not (year_text.isdigit() and len(year_text) == 4):
        raise RowError(f"year {year_text!r} is not a four-digit year")
    record = Record(
        record_id=record_id,
        title=title,
        subtitle=_text(row, "subtitle"),
        title_reading=_text(row, "title_reading"),
        authors=tuple(_authors(_text(row, "authors"))),
        publisher=_text(row, "publisher"),
        year=int(year_text) if year_text else None,
        isbn=check_isbn(_text(row, "isbn")),
        classification=_text(row, "classification"),
    )
    return CatalogueEntry(record, tuple(_copies(record_id, _text(row, "copies"), libraries)))


def _authors(field: str) -> Iterator[Author]:
    for part in filter(None, (p.strip() for p in field.split(LIST_SEPARATOR))):
        name, _, role = part.rpartition(":") if ":" in part else (part, "", "著")
        if not name.strip():
            raise RowError(f"author {part!r} has no name")
        yield Author(name.strip(), role.strip() or "著")


def _copies(record_id: str, field: str, libraries: Libraries) -> Iterator[Copy]:
    statuses = {status.value for status in CopyStatus}
    for part in filter(None, (p.strip() for p in field.split(LIST_SEPARATOR))):
        barcode, at, rest = part.partition("@")
        library_id, _, status = rest.partition(":")
        if not at or not barcode.strip():
            raise RowError(f"copy {part!r} is not barcode@library[:status]")
        if library_id not in libraries:
            raise RowError(f"copy {part!r}: no library with id {library_id!r}")
        status = status or CopyStatus.ON_SHELF.value
        if status not in statuses:
            raise RowError(f"copy {part!r}: status must be one of {', '.join(sorted(statuses))}")
        yield Copy(record_id, barcode.strip(), library_id, CopyStatus(status))


def write_generic(entries: Iterable[CatalogueEntry], path: Path) -> int:
    """Write entries in this format (the demo catalogue is made this way); returns the count."""
    count = 0
    with path.open("w", encoding="utf-8", newline="") as file:
        writer = csv.DictWriter(file, COLUMNS, **_dialect(path), lineterminator="\n")
        writer.writeheader()
        for entry in entries:
            record = entry.record
            writer.writerow(
                {
                    "record_id": record.record_id,
                    "title": record.title,
                    "subtitle": record.subtitle,
                    "title_reading": record.title_reading,
                    "authors": LIST_SEPARATOR.join(f"{a.name}:{a.role}" for a in record.authors),
                    "publisher": record.publisher,
                    "year": record.year or "",
                    "isbn": record.isbn,
                    "classification": record.classification,
                    "copies": LIST_SEPARATOR.join(
                        f"{c.barcode}@{c.library_id}:{c.status.value}" for c in entry.copies
                    ),
                }
            )
            count += 1
    return count

"""Feeds parsed rows to the catalogue in batches and counts what happened."""

from __future__ import annotations

from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from typing import Protocol

from library_service.catalogue.records import CatalogueEntry

from .rows import Parsed, Rejected

BATCH = 100


class CatalogueWriter(Protocol):
    def save(self, entries: list[CatalogueEntry]) -> None: ...


@dataclass
class Summary:
    rows_read: int = 0
    records_written: int = 0
    rejected: list[Rejected] = field(default_factory=list)

    def report(self) -> str:
        lines = [
            f"rows read: {self.rows_read}",
            f"records written: {self.records_written}",
            f"rows rejected: {len(self.rejected)}",
        ]
        lines += [f"  line {r.line}: {r.reason}" for r in self.rejected]
        return "\n".join(lines)


def import_rows(
    rows: Iterable[Parsed | Rejected],
    writer: CatalogueWriter,
    on_progress: Callable[[int], None] = lambda _rows: None,
) -> Summary:
    """Write every parsed row; a rejected row is counted and reported, never stops the rest."""
    summary = Summary()
    batch: list[Parsed] = []

    def flush() -> None:
        writer.save([parsed.entry for parsed in batch])
        summary.records_written += len(batch)
        done = sum(parsed.rows for parsed in batch)
        summary.rows_read += done
        on_progress(done)
        batch.clear()

    for row in rows:
        if isinstance(row, Rejected):
            summary.rejected.append(row)
            summary.rows_read += 1
            on_progress(1)
            continue
        batch.append(row)
        if len(batch) >= BATCH:
            flush()
    if batch:
        flush()
    return summary

"""What the catalogue holds: bibliographic records and the copies (items) libraries lend."""

from __future__ import annotations

from dataclasses import dataclass, field
from enum import StrEnum


class CopyStatus(StrEnum):
    ON_SHELF = "on_shelf"
    ON_LOAN = "on_loan"
    IN_TRANSIT = "in_transit"
    ON_HOLD_SHELF = "on_hold_shelf"


@dataclass(frozen=True)
class Author:
    name: str
    role: str = "著"  # as a catalogue card prints it: 著, 訳, 編, 文, 絵 …


@dataclass(frozen=True)
class Record:
    record_id: str
    title: str
    authors: tuple[Author, ...] = ()
    subtitle: str = ""
    title_reading: str = ""  # kana reading when the source has one
    publisher: str = ""
    year: int | None = None
    isbn: str = ""
    classification: str = ""  # NDC number when known

    def author_line(self) -> str:
        """「夏目 漱石 著 / 高垣 松雄 訳」: names with their roles, as a patron reads them."""
        return " / ".join(f"{a.name} {a.role}".strip() for a in self.authors)


@dataclass(frozen=True)
class Copy:
    record_id: str
    barcode: str
    library_id: str  # where the copy is now (or is going, while in transit)
    status: CopyStatus = CopyStatus.ON_SHELF
    held_for: str | None = None  # the hold it is trapped for (in transit or on the hold shelf)
    loaned_to: str | None = None  # the patron who has it (on loan)


@dataclass(frozen=True)
class CatalogueEntry:
    """A record with its copies, as the importer writes it and search reads it."""

    record: Record
    copies: tuple[Copy, ...] = field(default=())

"""Title and author search: confirm, rank and page the postings of a query.

Knows nothing of DynamoDB: it reads postings and entries through the two small interfaces
below, which `storage.catalogue` implements and tests can fill from memory.
"""

from __future__ import annotations

import base64
import binascii
import json
from collections.abc import Iterable
from dataclasses import dataclass
from typing import Protocol

from .index import Field, IndexKey, normalised_query, query_key
from .libraries import Libraries
from .records import CatalogueEntry, CopyStatus, Record

PAGE_SIZE = 10

EXACT, PREFIX, SUBSTRING = 0, 1, 2


@dataclass(frozen=True)
class Posting:
    record_id: str
    values: tuple[str, ...]  # the record's normalised values for the field
    order: str  # tie-break key: normalised title reading or title


class PostingSource(Protocol):
    def postings(self, key: IndexKey) -> Iterable[Posting]: ...


class EntrySource(Protocol):
    def entries(self, record_ids: list[str]) -> dict[str, CatalogueEntry]: ...


class RecordSource(Protocol):
    """Bibliographic records alone, for callers that need a title and not the copies."""

    def records(self, record_ids: list[str]) -> dict[str, Record]: ...


@dataclass(frozen=True)
class Availability:
    copies: int
    on_shelf_at: tuple[str, ...]  # library names with a copy on the shelf now, in file order

    @property
    def all_out(self) -> bool:
        return self.copies > 0 and not self.on_shelf_at


@dataclass(frozen=True)
class Hit:
    record: Record
    availability: Availability


@dataclass(frozen=True)
class SearchPage:
    field: Field
    query: str  # normalised
    hits: list[Hit]
    total: int
    offset: int  # of the first hit, from 0
    next_cursor: str | None


class InvalidCursor(ValueError):
    """A cursor this code did not make, or from an older format."""


def _rank(query: str, values: tuple[str, ...]) -> int | None:
    if query in values:
        return EXACT
    if any(value.startswith(query) for value in values):
        return PREFIX
    if any(query in value for value in values):
        return SUBSTRING
    return None  # the bigram matched, but not the whole query


def encode_cursor(field: Field, query: str, offset: int) -> str:
    raw = json.dumps({"f": field.value, "q": query, "o": offset}, ensure_ascii=False)
    return base64.urlsafe_b64encode(raw.encode()).decode().rstrip("=")


def decode_cursor(cursor: str) -> tuple[Field, str, int]:
    try:
        padded = cursor + "=" * (-len(cursor) % 4)
        data = json.loads(base64.urlsafe_b64decode(padded.encode()))
        field, query, offset = Field(data["f"]), str(data["q"]), int(data["o"])
    except (binascii.Error, ValueError, KeyError, TypeError, AttributeError) as error:
        raise InvalidCursor(cursor) from error
    if offset < 0 or not query:
        raise InvalidCursor(cursor)
    return field, query, offset


class CatalogueSearch:
    def __init__(
        self,
        postings: PostingSource,
        entries: EntrySource,
        libraries: Libraries,
        page_size: int = PAGE_SIZE,
    ) -> None:
        self._postings = postings
        self._entries = entries
        self._libraries = libraries
        self._page_size = page_size

    def search(self, field: Field, text: str) -> SearchPage:
        """The first page for what the patron typed; an empty query finds nothing."""
        return self._page(field, normalised_query(text), 0)

    def next_page(self, cursor: str) -> SearchPage:
        return self._page(*decode_cursor(cursor))

    def _page(self, field: Field, query: str, offset: int) -> SearchPage:
        ranked = self._ranked(field, query) if query else []
        window = ranked[offset : offset + self._page_size]
        entries = self._entries.entries(window)
        hits = [self._hit(entries[rid]) for rid in window if rid in entries]
        end = offset + len(window)
        more = end < len(ranked)
        return SearchPage(
            field=field,
            query=query,
            hits=hits,
            total=len(ranked),
            offset=offset,
            next_cursor=encode_cursor(field, query, end) if more else None,
        )

    def _ranked(self, field: Field, query: str) -> list[str]:
        best: dict[str, tuple[int, str, str]] = {}
        for posting in self._postings.postings(query_key(field, query)):
            rank = _rank(query, posting.values)
            if rank is None:
                continue
            candidate = (rank, posting.order, posting.record_id)
            if posting.record_id not in best or candidate < best[posting.record_id]:
                best[posting.record_id] = candidate
        return [record_id for *_, record_id in sorted(best.values())]

    def _hit(self, entry: CatalogueEntry) -> Hit:
        on_shelf = {c.library_id for c in entry.copies if c.status is CopyStatus.ON_SHELF}
        names = tuple(lib.name for lib in self._libraries if lib.library_id in on_shelf)
        return Hit(entry.record, Availability(copies=len(entry.copies), on_shelf_at=names))

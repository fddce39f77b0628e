"""The catalogue and its search index in DynamoDB.

CatalogueTable holds, under each record's ID, the record itself (entry "record") and its copies
(entry "copy#<barcode>"), so one query gives a hit with its availability. SearchIndexTable
holds the postings described in `catalogue.index`.
"""

from __future__ import annotations

from collections.abc import Iterable, Iterator

from pynamodb.attributes import (
    DiscriminatorAttribute,
    ListAttribute,
    MapAttribute,
    NumberAttribute,
    UnicodeAttribute,
    UnicodeSetAttribute,
)
from pynamodb.indexes import AllProjection, GlobalSecondaryIndex
from pynamodb.models import Model

from ..catalogue.index import SEPARATOR, Field, IndexKey, indexed_values, keys_for_values, order_key
from ..catalogue.records import Author, CatalogueEntry, Copy, CopyStatus, Record
from ..catalogue.search import Posting
from .binding import bind_model

RECORD_ENTRY = "record"
COPY_ENTRY_PREFIX = "copy#"
VALUE_SEPARATOR = "\n"  # never in a normalised value: white space is removed
BATCH_GET_LIMIT = 100


class AuthorAttribute(MapAttribute):
    name = UnicodeAttribute()
    role = UnicodeAttribute(default="著")


class CatalogueItem(Model):
    class Meta:
        table_name = "unbound"  # set by bind_catalogue from the settings

    record_id = UnicodeAttribute(hash_key=True, attr_name="recordId")
    entry = UnicodeAttribute(range_key=True)
    kind = DiscriminatorAttribute()


class RecordItem(CatalogueItem, discriminator="record"):
    title = UnicodeAttribute()
    subtitle = UnicodeAttribute(null=True)
    title_reading = UnicodeAttribute(null=True, attr_name="titleReading")
    authors = ListAttribute(of=AuthorAttribute, default=list)
    publisher = UnicodeAttribute(null=True)
    year = NumberAttribute(null=True)
    isbn = UnicodeAttribute(null=True)
    classification = UnicodeAttribute(null=True)
    # What this record was last filed under and which copies it has, so that a re-import can
    # remove what is no longer true without scanning anything.
    index_keys = UnicodeSetAttribute(null=True, attr_name="indexKeys")
    barcodes = UnicodeSetAttribute(null=True)

    def to_record(self) -> Record:
        return Record(
            record_id=self.record_id,
            title=self.title,
            subtitle=self.subtitle or "",
            title_reading=self.title_reading or "",
            authors=tuple(Author(a.name, a.role) for a in self.authors or []),
            publisher=self.publisher or "",
            year=int(self.year) if self.year is not None else None,
            isbn=self.isbn or "",
            classification=self.classification or "",
        )


class ByBarcode(GlobalSecondaryIndex):
    """What the desk scans: a copy's barcode finds its record (only copies have `barcode`)."""

    class Meta:
        index_name = "byBarcode"
        projection = AllProjection()

    barcode = UnicodeAttribute(hash_key=True)


class CopyItem(CatalogueItem, discriminator="copy"):
    barcode = UnicodeAttribute()
    library_id = UnicodeAttribute(attr_name="libraryId")
    status = UnicodeAttribute(default=CopyStatus.ON_SHELF.value)
    held_for = UnicodeAttribute(null=True, attr_name="heldFor")
    loaned_to = UnicodeAttribute(null=True, attr_name="loanedTo")
    by_barcode = ByBarcode()

    def to_copy(self) -> Copy:
        return Copy(
            self.record_id,
            self.barcode,
            self.library_id,
            CopyStatus(self.status),
            held_for=self.held_for,
            loaned_to=self.loaned_to,
        )


class PostingItem(Model):
    class Meta:
        table_name = "unbound"  # set by bind_catalogue from the settings

    key = UnicodeAttribute(hash_key=True)
    ref = UnicodeAttribute(range_key=True)
    values = UnicodeAttribute(attr_name="v")
    order = UnicodeAttribute(attr_name="o")


def bind_catalogue(catalogue_table: str, search_index_table: str, region: str) -> None:
    for model in (CatalogueItem, RecordItem, CopyItem):
        bind_model(model, catalogue_table, region)
    bind_model(PostingItem, search_index_table, region)


def _stored_key(key: IndexKey) -> str:
    """Index key as kept on the record: partition and follower, which rebuild the posting."""
    return f"{key.partition}{VALUE_SEPARATOR}{key.follower}"


def _posting_address(stored: str, record_id: str) -> tuple[str, str]:
    partition, follower = stored.split(VALUE_SEPARATOR, 1)
    return partition, f"{follower}{SEPARATOR}{record_id}"


def copy_entry(barcode: str) -> str:
    return COPY_ENTRY_PREFIX + barcode


class DynamoCatalogue:
    """Reads postings and entries for search; writes entries with their postings."""

    # -- reading -------------------------------------------------------------------------
    def postings(self, key: IndexKey) -> Iterator[Posting]:
        condition = None
        if key.sort_prefix is not None:
            condition = PostingItem.ref.startswith(key.sort_prefix)
        for item in PostingItem.query(key.partition, range_key_condition=condition):
            yield Posting(
                record_id=item.ref.split(SEPARATOR, 1)[1],
                values=tuple(item.values.split(VALUE_SEPARATOR)),
                order=item.order,
            )

    def records(self, record_ids: list[str]) -> dict[str, Record]:
        """Records without their copies: one batch read."""
        return {rid: item.to_record() for rid, item in self._record_items(record_ids).items()}

    def _record_items(self, record_ids: list[str]) -> dict[str, RecordItem]:
        keys = [(rid, RECORD_ENTRY) for rid in dict.fromkeys(record_ids)]
        return {item.record_id: item for item in _batch_get(RecordItem, keys)}

    def entries(self, record_ids: list[str]) -> dict[str, CatalogueEntry]:
        """Records with their copies in two batch reads, whatever the page's size."""
        records = self._record_items(record_ids)
        copy_keys = [
            (rid, copy_entry(barcode))
            for rid, item in records.items()
            for barcode in sorted(item.barcodes or ())
        ]
        copies: dict[str, list[Copy]] = {}
        for item in _batch_get(CopyItem, copy_keys):
            copies.setdefault(item.record_id, []).append(item.to_copy())
        return {
            rid: CatalogueEntry(
                item.to_record(),
                tuple(sorted(copies.get(rid, []), key=lambda copy: copy.barcode)),
            )
            for rid, item in records.items()
        }

    def copy_by_barcode(self, barcode: str) -> Copy | None:
        """The copy with this barcode, read again consistently (the index may lag a write)."""
        for found in CopyItem.by_barcode.query(barcode, limit=1):
            return CopyItem.get(found.record_id, found.entry, consistent_read=True).to_copy()
        return None

    # -- writing -------------------------------------------------------------------------
    def save(self, entries: list[CatalogueEntry]) -> None:
        """Write records, copies and postings; replaces what an earlier import wrote.

        New postings are written before the record that lists them and stale ones removed
        after, so an interrupted import leaves every record findable; running it again
        finishes the clean-up. A copy that already exists keeps its circulation status: after
        the first import the circulation desk, not the catalogue file, owns it.
        """
        previous = self._previous(entry.record.record_id for entry in entries)
        stale_postings: list[tuple[str, str]] = []
        stale_copies: list[tuple[str, str]] = []
        records, new_copies = [], []
        with PostingItem.batch_write() as postings:
            for entry in entries:
                record = entry.record
                keys = {}
                order = order_key(record)
                for field in Field:
                    values = indexed_values(record, field)
                    joined = VALUE_SEPARATOR.join(values)
                    for key in keys_for_values(field, values):
                        keys[_stored_key(key)] = key
                        postings.save(
                            PostingItem(
                                key.partition,
                                key.sort_key(record.record_id),
                                values=joined,
                                order=order,
                            )
                        )
                old = previous.get(record.record_id)
                old_keys = set(old.index_keys or ()) if old else set()
                old_barcodes = set(old.barcodes or ()) if old else set()
                stale_postings += [
                    _posting_address(stored, record.record_id) for stored in old_keys - set(keys)
                ]
                barcodes = {copy.barcode for copy in entry.copies}
                stale_copies += [(record.record_id, copy_entry(b)) for b in old_barcodes - barcodes]
                new_copies += [c for c in entry.copies if c.barcode not in old_barcodes]
                records.append(_record_item(record, set(keys), barcodes))
        with CatalogueItem.batch_write() as catalogue:
            for copy in new_copies:
                catalogue.save(
                    CopyItem(
                        copy.record_id,
                        copy_entry(copy.barcode),
                        barcode=copy.barcode,
                        library_id=copy.library_id,
                        status=copy.status.value,
                    )
                )
            for item in records:
                catalogue.save(item)
            for record_id, entry_key in stale_copies:
                catalogue.delete(CopyItem(record_id, entry_key))
        with PostingItem.batch_write() as postings:
            for partition, sort_key in stale_postings:
                postings.delete(PostingItem(partition, sort_key))

    def _previous(self, record_ids: Iterable[str]) -> dict[str, RecordItem]:
        keys = [(record_id, RECORD_ENTRY) for record_id in dict.fromkeys(record_ids)]
        attributes = ["recordId", "entry", "kind", "indexKeys", "barcodes"]
        return {item.record_id: item for item in _batch_get(RecordItem, keys, attributes)}


def _batch_get(model, keys: list[tuple[str, str]], attributes: list[str] | None = None):
    for start in range(0, len(keys), BATCH_GET_LIMIT):
        yield from model.batch_get(
            keys[start : start + BATCH_GET_LIMIT], attributes_to_get=attributes
        )


def _record_item(record: Record, index_keys: set[str], barcodes: set[str]) -> RecordItem:
    return RecordItem(
        record.record_id,
        RECORD_ENTRY,
        title=record.title,
        subtitle=record.subtitle or None,
        title_reading=record.title_reading or None,
        authors=[AuthorAttribute(name=a.name, role=a.role) for a in record.authors],
        publisher=record.publisher or None,
        year=record.year,
        isbn=record.isbn or None,
        classification=record.classification or None,
        index_keys=index_keys or None,
        barcodes=barcodes or None,
    )

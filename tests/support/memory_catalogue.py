"""The catalogue's two reading interfaces over a dict: search logic tested at full scale
(all of Aozora's list) without DynamoDB. The DynamoDB adapter is tested against moto."""

from __future__ import annotations

from library_service.catalogue.index import (
    Field,
    IndexKey,
    indexed_values,
    keys_for_values,
    order_key,
)
from library_service.catalogue.records import CatalogueEntry, Record
from library_service.catalogue.search import Posting


class MemoryCatalogue:
    def __init__(self, entries=()) -> None:
        self._entries: dict[str, CatalogueEntry] = {}
        self._postings: dict[tuple[Field, str], dict[tuple[str, str], Posting]] = {}
        self.reads: list[IndexKey] = []
        self.save(list(entries))

    def save(self, entries: list[CatalogueEntry]) -> None:
        for entry in entries:
            record = entry.record
            self._entries[record.record_id] = entry
            for field in Field:
                values = tuple(indexed_values(record, field))
                posting = Posting(record.record_id, values, order_key(record))
                for key in keys_for_values(field, list(values)):
                    partition = self._postings.setdefault((field, key.lead), {})
                    partition[(key.follower, record.record_id)] = posting

    def postings(self, key: IndexKey):
        self.reads.append(key)
        partition = self._postings.get((key.field, key.lead), {})
        for (follower, _record_id), posting in sorted(partition.items()):
            if key.follower is None or follower == key.follower:
                yield posting

    def records(self, record_ids: list[str]) -> dict[str, Record]:
        return {rid: entry.record for rid, entry in self.entries(record_ids).items()}

    def entries(self, record_ids: list[str]) -> dict[str, CatalogueEntry]:
        return {rid: self._entries[rid] for rid in record_ids if rid in self._entries}

"""Two ways moto's DynamoDB differs from DynamoDB that matter here, made right for local runs.

1. **Query reads the whole table.** moto 5 answers every Query by sorting all items of the
   table (`Table.all_items`) and then filtering them by partition key, so one query costs
   O(n log n) in the table's size: with the search index (tens of thousands of postings) a chat
   answer took seconds locally, and a benchmark on 100,000 titles would measure moto's sort
   rather than our reads. While a Query on a table's own key runs, `all_items` is handed just
   that partition's items; the results, their order and pagination are unchanged, because
   `query` sorts the partition by range key itself. Index queries and scans are left alone.
2. **Requests run concurrently without isolation.** moto's server handles each request in its
   own thread, and `transact_write_items` checks conditions and writes with no lock, then on
   failure restores a copy of the whole table taken when it began — undoing any write another
   thread made meanwhile. DynamoDB makes each conditional write and each transaction atomic.
   Serving one DynamoDB request at a time gives that (and costs nothing that matters locally),
   so concurrency tests exercise our conditions, not moto's races.
"""

from __future__ import annotations

import threading

from moto.dynamodb.models.table import Table
from moto.dynamodb.responses import DynamoHandler

_querying = threading.local()
_original_query = Table.query
_original_all_items = Table.all_items
_original_call_action = DynamoHandler.call_action
_one_request_at_a_time = threading.RLock()


def _all_items(self: Table):
    partition = getattr(_querying, "partition", None)
    if partition is not None and partition[0] is self:
        items = self.items.get(partition[1])
        if items is None:
            return []
        return list(items.values()) if self.range_key_attr else [items]
    return _original_all_items(self)


def _query(self: Table, hash_key, *args, **kwargs):
    index_name = args[6] if len(args) > 6 else kwargs.get("index_name")
    if index_name is not None or hash_key is None:
        return _original_query(self, hash_key, *args, **kwargs)
    _querying.partition = (self, hash_key)
    try:
        return _original_query(self, hash_key, *args, **kwargs)
    finally:
        _querying.partition = None


def _call_action(self: DynamoHandler):
    with _one_request_at_a_time:
        return _original_call_action(self)


def install() -> None:
    """Idempotent; affects moto in this process (in-process mocks and ThreadedMotoServer)."""
    Table.query = _query
    Table.all_items = _all_items
    DynamoHandler.call_action = _call_action

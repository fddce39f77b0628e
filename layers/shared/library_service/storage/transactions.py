"""TransactWriteItems with the retry DynamoDB asks for when transactions conflict."""

from __future__ import annotations

import time
from collections.abc import Callable

from pynamodb.connection import Connection
from pynamodb.exceptions import TransactWriteError
from pynamodb.transactions import TransactWrite

ATTEMPTS = 5


def cancellation_codes(error: TransactWriteError) -> list[str | None]:
    """One code per transaction item, None where that item was not why it was cancelled."""
    return [reason.code if reason else None for reason in error.cancellation_reasons]


def failed_condition(error: TransactWriteError, index: int) -> bool:
    codes = cancellation_codes(error)
    return index < len(codes) and codes[index] == "ConditionalCheckFailed"


class Transactions:
    def __init__(self, region: Callable[[], str]) -> None:
        self._region = region  # read at first use: models are bound after construction
        self._connection: Connection | None = None

    def run(self, write: Callable[[TransactWrite], None]) -> None:
        """All of `write`'s items or none; a conflict with a concurrent transaction is retried,
        a failed condition raises TransactWriteError for the caller to explain."""
        if self._connection is None:
            self._connection = Connection(region=self._region())
        for attempt in range(1, ATTEMPTS + 1):
            try:
                with TransactWrite(connection=self._connection) as transaction:
                    write(transaction)
                return
            except TransactWriteError as error:
                if "TransactionConflict" not in cancellation_codes(error) or attempt == ATTEMPTS:
                    raise
                time.sleep(0.05 * attempt)

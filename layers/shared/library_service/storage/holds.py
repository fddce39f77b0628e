"""Holds in DynamoDB, with every rule that spans records enforced by one transaction.

HoldsTable, under each title's record ID:
  hold#<holdId>         a hold; holdIds sort in placement order, so the queue is one Query
  patron#<patronId>     present while that patron holds the title: a title is held once
and under patron#<patronId> / open-holds, the patron's count of open holds, kept below the limit
by a condition. Placing, cancelling, trapping and finishing a hold change these items (and
the copy in CatalogueTable when one is involved) together or not at all.
"""

from __future__ import annotations

from dataclasses import replace
from datetime import UTC, date

from pynamodb.attributes import NumberAttribute, UnicodeAttribute, UTCDateTimeAttribute
from pynamodb.exceptions import TransactWriteError
from pynamodb.indexes import AllProjection, GlobalSecondaryIndex
from pynamodb.models import Model

from ..holds.model import AlreadyHeld, Hold, HoldLimitReached, HoldNotCancellable, HoldStatus
from .binding import bind_model
from .transactions import Transactions, failed_condition

HOLD_PREFIX = "hold#"
HOLDER_PREFIX = "patron#"
COUNTER_ENTRY = "open-holds"


class ByPatron(GlobalSecondaryIndex):
    class Meta:
        index_name = "byPatron"
        projection = AllProjection()

    patron_id = UnicodeAttribute(hash_key=True, attr_name="patronId")
    hold_id = UnicodeAttribute(range_key=True, attr_name="holdId")


class ByShelfDeadline(GlobalSecondaryIndex):
    """Sparse: only ready holds carry `shelf`, so this lists the hold shelf by deadline."""

    class Meta:
        index_name = "byShelfDeadline"
        projection = AllProjection()

    shelf = UnicodeAttribute(hash_key=True)
    pickup_deadline = UnicodeAttribute(range_key=True, attr_name="pickupDeadline")


READY_SHELF = "ready"


class HoldItem(Model):
    class Meta:
        table_name = "unbound"  # set by bind_holds from the settings

    record_id = UnicodeAttribute(hash_key=True, attr_name="recordId")
    entry = UnicodeAttribute(range_key=True)
    hold_id = UnicodeAttribute(attr_name="holdId")
    patron_id = UnicodeAttribute(attr_name="patronId")
    pickup_library_id = UnicodeAttribute(attr_name="pickupLibraryId")
    status = UnicodeAttribute()
    placed_at = UTCDateTimeAttribute(attr_name="placedAt")
    title = UnicodeAttribute(default="")
    barcode = UnicodeAttribute(null=True)
    pickup_deadline = UnicodeAttribute(null=True, attr_name="pickupDeadline")
    shelf = UnicodeAttribute(null=True)
    by_patron = ByPatron()
    by_shelf_deadline = ByShelfDeadline()

    def to_hold(self) -> Hold:
        return Hold(
            hold_id=self.hold_id,
            record_id=self.record_id,
            patron_id=self.patron_id,
            pickup_library_id=self.pickup_library_id,
            status=HoldStatus(self.status),
            placed_at=self.placed_at,
            barcode=self.barcode,
            pickup_deadline=date.fromisoformat(self.pickup_deadline)
            if self.pickup_deadline
            else None,
            title=self.title,
        )


class HolderItem(Model):
    """The patron-holds-this-title marker; no patronId attribute, so it stays out of byPatron."""

    class Meta:
        table_name = "unbound"

    record_id = UnicodeAttribute(hash_key=True, attr_name="recordId")
    entry = UnicodeAttribute(range_key=True)
    hold_id = UnicodeAttribute(attr_name="holdId")


class CounterItem(Model):
    class Meta:
        table_name = "unbound"

    key = UnicodeAttribute(hash_key=True, attr_name="recordId")
    entry = UnicodeAttribute(range_key=True)
    count = NumberAttribute(default=0)


def bind_holds(holds_table: str, region: str) -> None:
    for model in (HoldItem, HolderItem, CounterItem):
        bind_model(model, holds_table, region)


class DynamoHolds:
    def __init__(self) -> None:
        self._transactions = Transactions(lambda: HoldItem.Meta.region)

    # -- reading -------------------------------------------------------------------------
    def queue(self, record_id: str) -> list[Hold]:
        """Every hold on the title, oldest first (read consistently: the queue is decided here)."""
        return [
            item.to_hold()
            for item in HoldItem.query(
                record_id, HoldItem.entry.startswith(HOLD_PREFIX), consistent_read=True
            )
        ]

    def of_patron(self, patron_id: str) -> list[Hold]:
        return [item.to_hold() for item in HoldItem.by_patron.query(patron_id)]

    def ready_until(self, last_day: date) -> list[Hold]:
        """Holds on the hold shelf whose pickup deadline is `last_day` or earlier."""
        found = HoldItem.by_shelf_deadline.query(
            READY_SHELF, HoldItem.pickup_deadline <= last_day.isoformat()
        )
        return [item.to_hold() for item in found]

    def get(self, record_id: str, hold_id: str) -> Hold | None:
        try:
            return HoldItem.get(record_id, HOLD_PREFIX + hold_id, consistent_read=True).to_hold()
        except HoldItem.DoesNotExist:
            return None

    def holder(self, record_id: str, patron_id: str) -> Hold | None:
        try:
            marker = HolderItem.get(record_id, HOLDER_PREFIX + patron_id, consistent_read=True)
        except HolderItem.DoesNotExist:
            return None
        return self.get(record_id, marker.hold_id)

    # -- placing and cancelling ----------------------------------------------------------
    def place(self, hold: Hold, limit: int) -> Hold:
        """Store a new hold: AlreadyHeld if the patron holds the title, HoldLimitReached if the
        patron has `limit` open holds. Nothing is written unless everything is."""

        def write(transaction) -> None:
            transaction.save(_hold_item(hold), condition=HoldItem.entry.does_not_exist())
            transaction.save(
                HolderItem(hold.record_id, HOLDER_PREFIX + hold.patron_id, hold_id=hold.hold_id),
                condition=HolderItem.entry.does_not_exist(),
            )
            transaction.update(
                CounterItem(HOLDER_PREFIX + hold.patron_id, COUNTER_ENTRY),
                actions=[CounterItem.count.add(1)],
                condition=CounterItem.count.does_not_exist() | (CounterItem.count < limit),
            )

        try:
            self._transactions.run(write)
        except TransactWriteError as error:
            existing = self.holder(hold.record_id, hold.patron_id)
            if failed_condition(error, 1) and existing is not None:
                raise AlreadyHeld(existing) from error
            if failed_condition(error, 2):
                raise HoldLimitReached(limit) from error
            raise
        return hold

    def cancel(self, hold: Hold) -> Hold:
        """Cancel a waiting hold of this patron; HoldNotCancellable once trapped or finished."""
        try:
            self._transactions.run(
                lambda t: close_hold(t, hold, HoldStatus.CANCELLED, (HoldStatus.PLACED,))
            )
        except TransactWriteError as error:
            raise HoldNotCancellable(self.get(hold.record_id, hold.hold_id)) from error
        return replace(hold, status=HoldStatus.CANCELLED)


def close_hold(transaction, hold: Hold, status: HoldStatus, allowed) -> None:
    """Finish a hold: its status, its holder marker and the patron's open count, together."""
    transaction.update(
        HoldItem(hold.record_id, HOLD_PREFIX + hold.hold_id),
        actions=[HoldItem.status.set(status.value), HoldItem.shelf.remove()],
        condition=HoldItem.status.is_in(*[s.value for s in allowed])
        & (HoldItem.patron_id == hold.patron_id),
    )
    transaction.delete(
        HolderItem(hold.record_id, HOLDER_PREFIX + hold.patron_id),
        condition=HolderItem.hold_id == hold.hold_id,
    )
    transaction.update(
        CounterItem(HOLDER_PREFIX + hold.patron_id, COUNTER_ENTRY),
        actions=[CounterItem.count.add(-1)],
    )


def _hold_item(hold: Hold) -> HoldItem:
    return HoldItem(
        hold.record_id,
        HOLD_PREFIX + hold.hold_id,
        hold_id=hold.hold_id,
        patron_id=hold.patron_id,
        pickup_library_id=hold.pickup_library_id,
        status=hold.status.value,
        placed_at=hold.placed_at.astimezone(UTC),
        title=hold.title,
        barcode=hold.barcode,
        pickup_deadline=hold.pickup_deadline.isoformat() if hold.pickup_deadline else None,
    )

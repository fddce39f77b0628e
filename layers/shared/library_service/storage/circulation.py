"""The desk's changes, each one transaction over the hold, the copy and the loan it touches,
each conditioned on what the desk saw: a copy or hold changed meanwhile cancels it whole."""

from __future__ import annotations

from datetime import date

from pynamodb.exceptions import TransactWriteError

from ..catalogue.records import Copy, CopyStatus
from ..holds.model import ConcurrentChange, Hold, HoldStatus, Loan
from .catalogue import CopyItem, copy_entry
from .holds import HOLD_PREFIX, READY_SHELF, HoldItem, close_hold
from .loans import LoanItem
from .transactions import Transactions


def _unchanged(copy: Copy):
    """The copy is as the desk read it: same status, trapped for the same hold (or none)."""
    condition = CopyItem.status == copy.status.value
    if copy.held_for is None:
        return condition & CopyItem.held_for.does_not_exist()
    return condition & (CopyItem.held_for == copy.held_for)


def _copy_changes(**changes) -> list:
    return [
        getattr(CopyItem, name).remove() if value is None else getattr(CopyItem, name).set(value)
        for name, value in changes.items()
    ]


class DynamoCirculation:
    def __init__(self) -> None:
        self._transactions = Transactions(lambda: CopyItem.Meta.region)

    def _run(self, write) -> None:
        try:
            self._transactions.run(write)
        except TransactWriteError as error:
            raise ConcurrentChange(str(error)) from error

    def _update_copy(self, transaction, copy: Copy, **changes) -> None:
        transaction.update(
            CopyItem(copy.record_id, copy_entry(copy.barcode)),
            actions=_copy_changes(**changes),
            condition=_unchanged(copy),
        )
        if copy.loaned_to and "loaned_to" in changes:  # it came back: the loan ends
            transaction.delete(LoanItem(copy.loaned_to, copy.barcode))

    def _trap_hold(self, transaction, hold: Hold, copy: Copy, status: HoldStatus, deadline):
        actions = [HoldItem.status.set(status.value), HoldItem.barcode.set(copy.barcode)]
        if status is HoldStatus.READY:
            actions += [
                HoldItem.pickup_deadline.set(deadline.isoformat()),
                HoldItem.shelf.set(READY_SHELF),
            ]
        transaction.update(
            HoldItem(hold.record_id, HOLD_PREFIX + hold.hold_id),
            actions=actions,
            condition=HoldItem.status == HoldStatus.PLACED.value,
        )
        self._update_copy(
            transaction,
            copy,
            status=(
                CopyStatus.ON_HOLD_SHELF if status is HoldStatus.READY else CopyStatus.IN_TRANSIT
            ).value,
            held_for=hold.hold_id,
            library_id=hold.pickup_library_id if status is HoldStatus.READY else copy.library_id,
            loaned_to=None,
        )

    def trap(self, hold: Hold, copy: Copy, status: HoldStatus, deadline: date | None) -> None:
        """Set `copy` aside for the waiting `hold`: ready at its pickup library, or in transit."""
        self._run(lambda t: self._trap_hold(t, hold, copy, status, deadline))

    def shelve(self, copy: Copy, library_id: str) -> None:
        self._run(
            lambda t: self._update_copy(
                t,
                copy,
                status=CopyStatus.ON_SHELF.value,
                library_id=library_id,
                held_for=None,
                loaned_to=None,
            )
        )

    def arrive(self, hold: Hold, copy: Copy, deadline: date) -> None:
        """A copy in transit reached the hold's pickup library: the hold is ready."""

        def write(transaction) -> None:
            transaction.update(
                HoldItem(hold.record_id, HOLD_PREFIX + hold.hold_id),
                actions=[
                    HoldItem.status.set(HoldStatus.READY.value),
                    HoldItem.pickup_deadline.set(deadline.isoformat()),
                    HoldItem.shelf.set(READY_SHELF),
                ],
                condition=HoldItem.status == HoldStatus.IN_TRANSIT.value,
            )
            self._update_copy(
                transaction,
                copy,
                status=CopyStatus.ON_HOLD_SHELF.value,
                library_id=hold.pickup_library_id,
            )

        self._run(write)

    def lend(self, copy: Copy, loan: Loan, hold: Hold | None = None) -> None:
        """Check `copy` out; when it was on the hold shelf for `hold`, that hold is collected."""

        def write(transaction) -> None:
            if hold is not None:
                close_hold(transaction, hold, HoldStatus.COLLECTED, (HoldStatus.READY,))
            self._update_copy(
                transaction,
                copy,
                status=CopyStatus.ON_LOAN.value,
                loaned_to=loan.patron_id,
                held_for=None,
            )
            transaction.save(LoanItem.of(loan), condition=LoanItem.barcode.does_not_exist())

        self._run(write)

    def expire(
        self,
        hold: Hold,
        copy: Copy,
        next_hold: Hold | None,
        next_status: HoldStatus | None,
        deadline: date | None,
    ) -> None:
        """An uncollected hold expires; its copy goes to the next in line, or to the shelf."""

        def write(transaction) -> None:
            close_hold(transaction, hold, HoldStatus.EXPIRED, (HoldStatus.READY,))
            if next_hold is None:
                self._update_copy(
                    transaction, copy, status=CopyStatus.ON_SHELF.value, held_for=None
                )
            else:
                self._trap_hold(transaction, next_hold, copy, next_status, deadline)

        self._run(write)

"""Loans: which patron has which copy until when. LoansTable, under the patron's ID, one item
per copy on loan (removed when it comes back), with how many times it was renewed; byDue lists
the loans due on a day."""

from __future__ import annotations

from dataclasses import replace
from datetime import date

from pynamodb.attributes import NumberAttribute, UnicodeAttribute, UTCDateTimeAttribute
from pynamodb.exceptions import TransactWriteError
from pynamodb.indexes import AllProjection, GlobalSecondaryIndex
from pynamodb.models import Model

from ..holds.model import ConcurrentChange, Loan
from ..holds.renewal import HOLD_WAITING, NOT_FOUND, RenewalRefused
from ..holds.service import positions
from .binding import bind_model
from .holds import DynamoHolds
from .transactions import Transactions


class ByDue(GlobalSecondaryIndex):
    class Meta:
        index_name = "byDue"
        projection = AllProjection()

    due_on = UnicodeAttribute(hash_key=True, attr_name="dueOn")
    barcode = UnicodeAttribute(range_key=True)


class LoanItem(Model):
    class Meta:
        table_name = "unbound"  # set by bind_loans from the settings

    patron_id = UnicodeAttribute(hash_key=True, attr_name="patronId")
    barcode = UnicodeAttribute(range_key=True)
    record_id = UnicodeAttribute(attr_name="recordId")
    title = UnicodeAttribute(default="")
    due_on = UnicodeAttribute(attr_name="dueOn")
    loaned_at = UTCDateTimeAttribute(attr_name="loanedAt")
    renewals = NumberAttribute(default=0)  # absent on loans stored before renewals: 0
    by_due = ByDue()

    def to_loan(self) -> Loan:
        return Loan(
            patron_id=self.patron_id,
            barcode=self.barcode,
            record_id=self.record_id,
            title=self.title,
            due_on=date.fromisoformat(self.due_on),
            loaned_at=self.loaned_at,
            renewals=int(self.renewals),
        )

    @classmethod
    def of(cls, loan: Loan) -> LoanItem:
        return cls(
            loan.patron_id,
            loan.barcode,
            record_id=loan.record_id,
            title=loan.title,
            due_on=loan.due_on.isoformat(),
            loaned_at=loan.loaned_at,
            renewals=loan.renewals,
        )


def bind_loans(table: str, region: str) -> None:
    bind_model(LoanItem, table, region)


class DynamoLoans:
    def __init__(self, holds: DynamoHolds | None = None) -> None:
        self._holds = holds or DynamoHolds()  # renewing reads the title's queue
        self._transactions = Transactions(lambda: LoanItem.Meta.region)

    def of_patron(self, patron_id: str) -> list[Loan]:
        """Read consistently: My Page shows a renewal it just made, and renewing decides on it."""
        return [item.to_loan() for item in LoanItem.query(patron_id, consistent_read=True)]

    def due_on(self, day: date) -> list[Loan]:
        return [item.to_loan() for item in LoanItem.by_due.query(day.isoformat())]

    def renew(self, loan: Loan, new_due_on: date, expected_renewals: int) -> Loan:
        """Move the due date to `new_due_on` and count the renewal, if the loan is still as read
        (same due date, `expected_renewals` renewals) and nobody waits for a copy of the title.
        RenewalRefused when it came back or a hold waits; ConcurrentChange when it was renewed
        meanwhile, for the caller to decide again."""
        # No single ConditionCheck can say "nobody waits for this title": under the title,
        # HoldsTable keeps one item per hold and one holder marker per patron, and its only
        # counter is per patron (storage/holds.py), so a hold placed from now on lands in items
        # this transaction cannot name. The queue is therefore read, consistently, just before
        # the write. A hold placed in that gap is ordered after the renewal, as if placed a
        # moment later (placing reads nothing of the loan), and waits for the new due date.
        # A per-title count of waiting holds, kept by placing, cancelling and trapping, would
        # let this read become a ConditionCheck in the transaction below.
        if self._waiting(loan.record_id):
            raise RenewalRefused(HOLD_WAITING)
        renewals = LoanItem.renewals == expected_renewals
        if expected_renewals == 0:
            renewals = renewals | LoanItem.renewals.does_not_exist()

        def write(transaction) -> None:
            transaction.update(
                LoanItem(loan.patron_id, loan.barcode),
                actions=[LoanItem.due_on.set(new_due_on.isoformat()), LoanItem.renewals.add(1)],
                condition=LoanItem.barcode.exists()
                & (LoanItem.due_on == loan.due_on.isoformat())
                & renewals,
            )

        try:
            self._transactions.run(write)
        except TransactWriteError as error:
            if self._get(loan.patron_id, loan.barcode) is None:
                raise RenewalRefused(NOT_FOUND) from error  # returned meanwhile
            raise ConcurrentChange(str(error)) from error
        return replace(loan, due_on=new_due_on, renewals=expected_renewals + 1)

    def _waiting(self, record_id: str) -> bool:
        """Someone waits for a copy of the title: a hold still placed, not yet trapped."""
        return bool(positions(self._holds.queue(record_id)))

    def _get(self, patron_id: str, barcode: str) -> Loan | None:
        try:
            return LoanItem.get(patron_id, barcode, consistent_read=True).to_loan()
        except LoanItem.DoesNotExist:
            return None

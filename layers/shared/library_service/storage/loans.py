"""Loans: which patron has which copy until when. LoansTable, under the patron's ID, one item
per copy on loan (removed when it comes back); byDue lists the loans due on a day."""

from __future__ import annotations

from datetime import date

from pynamodb.attributes import UnicodeAttribute, UTCDateTimeAttribute
from pynamodb.indexes import AllProjection, GlobalSecondaryIndex
from pynamodb.models import Model

from ..holds.model import Loan
from .binding import bind_model


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
    by_due = ByDue()

    def to_loan(self) -> Loan:
        return Loan(
            patron_id=self.patron_id,
            barcode=self.barcode,
            record_id=self.record_id,
            title=self.title,
            due_on=date.fromisoformat(self.due_on),
            loaned_at=self.loaned_at,
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
        )


def bind_loans(table: str, region: str) -> None:
    bind_model(LoanItem, table, region)


class DynamoLoans:
    def of_patron(self, patron_id: str) -> list[Loan]:
        return [item.to_loan() for item in LoanItem.query(patron_id)]

    def due_on(self, day: date) -> list[Loan]:
        return [item.to_loan() for item in LoanItem.by_due.query(day.isoformat())]

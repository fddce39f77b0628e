"""Renewing a loan (貸出延長) from My Page: the rules, with storage behind a small interface.

A loan may be renewed while nobody waits for a copy of its title, it is not overdue, and it
has been renewed fewer than `RenewalRules.limit` times. The new due date is `loan_days` from
today, never earlier than the current one. Storage makes the write conditional on the loan
being as read here (same due date, same renewal count), so two renewals of one loan at once
cannot both count; the one that loses decides again on fresh reads.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from datetime import date, datetime, timedelta
from typing import Protocol

from .calendar import JST
from .model import ConcurrentChange, HoldError, Loan

ATTEMPTS = 3

HOLD_WAITING, OVERDUE, LIMIT, NOT_FOUND = "hold_waiting", "overdue", "limit", "not_found"


class RenewalRefused(HoldError):
    """A renewal the rules do not allow: `reason` is a code, `message` says why to the patron."""

    HOLD_WAITING, OVERDUE, LIMIT, NOT_FOUND = HOLD_WAITING, OVERDUE, LIMIT, NOT_FOUND
    MESSAGES = {
        HOLD_WAITING: "予約している方がいるため延長できません。",
        OVERDUE: "返却期限を過ぎているため延長できません。",
        LIMIT: "延長できる回数を超えています。",
        NOT_FOUND: "この貸出は見つかりませんでした。",
    }

    def __init__(self, reason: str) -> None:
        super().__init__(reason)
        self.reason = reason
        self.message = self.MESSAGES[reason]


@dataclass(frozen=True)
class RenewalRules:
    limit: int = 1  # renewals per loan; 0 turns renewal off
    loan_days: int = 14


@dataclass(frozen=True)
class LoanView:
    """A loan as My Page shows it: `refusal` is the reason code when it cannot be renewed."""

    loan: Loan
    overdue: bool
    renewable: bool
    refusal: str | None


class LoanStore(Protocol):
    def of_patron(self, patron_id: str) -> list[Loan]: ...
    def renew(self, loan: Loan, new_due_on: date, expected_renewals: int) -> Loan: ...


class WaitingHolds(Protocol):
    def waiting(self, record_id: str) -> int: ...  # HoldService.waiting: holds still placed


def today_in_japan() -> date:
    return datetime.now(JST).date()


class Renewals:
    def __init__(
        self,
        loans: LoanStore,
        holds: WaitingHolds,
        rules: RenewalRules,
        today: Callable[[], date] = today_in_japan,
    ) -> None:
        self._loans = loans
        self._holds = holds
        self._rules = rules
        self._today = today

    def loans_of(self, patron_id: str) -> list[LoanView]:
        """The patron's loans, soonest due first (then by title), each saying if it renews."""
        today = self._today()
        waiting: dict[str, bool] = {}  # one queue read per title, however many copies
        views = []
        for loan in self._loans.of_patron(patron_id):
            refusal = self._refusal(loan, today, waiting)
            views.append(LoanView(loan, today > loan.due_on, refusal is None, refusal))
        return sorted(views, key=lambda view: (view.loan.due_on, view.loan.title))

    def renew(self, patron_id: str, barcode: str) -> Loan:
        """Put the due date back to `loan_days` from today; RenewalRefused says why not."""
        for _ in range(ATTEMPTS - 1):
            try:
                return self._renew_once(patron_id, barcode)
            except ConcurrentChange:
                continue  # renewed or returned meanwhile: decide again on fresh reads
        return self._renew_once(patron_id, barcode)

    def _renew_once(self, patron_id: str, barcode: str) -> Loan:
        loan = next((x for x in self._loans.of_patron(patron_id) if x.barcode == barcode), None)
        if loan is None:
            raise RenewalRefused(NOT_FOUND)
        today = self._today()
        refusal = self._refusal(loan, today, {})
        if refusal is not None:
            raise RenewalRefused(refusal)
        new_due_on = max(today + timedelta(days=self._rules.loan_days), loan.due_on)
        return self._loans.renew(loan, new_due_on, loan.renewals)

    def _refusal(self, loan: Loan, today: date, waiting: dict[str, bool]) -> str | None:
        """Why `loan` cannot be renewed today, cheapest check first; None when it can."""
        if today > loan.due_on:
            return OVERDUE
        if loan.renewals >= self._rules.limit:
            return LIMIT
        if loan.record_id not in waiting:
            waiting[loan.record_id] = self._holds.waiting(loan.record_id) > 0
        return HOLD_WAITING if waiting[loan.record_id] else None

"""Renewing loans (貸出延長): who may renew what, the new due date, the limit setting and the
order My Page lists loans in, with in-memory loans and holds."""

from __future__ import annotations

from dataclasses import replace
from datetime import UTC, date, datetime

import pytest

from library_service.holds import renewal
from library_service.holds.model import ConcurrentChange, Loan
from library_service.holds.renewal import (
    HOLD_WAITING,
    LIMIT,
    NOT_FOUND,
    OVERDUE,
    LoanView,
    RenewalRefused,
    RenewalRules,
    Renewals,
    today_in_japan,
)

TODAY = date(2026, 12, 10)
PATRON = "P0001"


def loan(barcode: str, due_on: date, title: str = "こころ", **overrides) -> Loan:
    return Loan(
        patron_id=overrides.pop("patron_id", PATRON),
        barcode=barcode,
        record_id=overrides.pop("record_id", f"r-{barcode}"),
        title=title,
        due_on=due_on,
        loaned_at=datetime(2026, 11, 26, tzinfo=UTC),
        **overrides,
    )


class MemoryLoans:
    """Loans by (patron, barcode); `renew` checks what storage's conditions check."""

    def __init__(self, *loans: Loan) -> None:
        self.loans = {(x.patron_id, x.barcode): x for x in loans}
        self.renewed: list[tuple[Loan, date, int]] = []
        self.before_write = lambda: None  # a chance to change things between read and write

    def of_patron(self, patron_id: str) -> list[Loan]:
        return [x for (who, _), x in self.loans.items() if who == patron_id]

    def renew(self, loan: Loan, new_due_on: date, expected_renewals: int) -> Loan:
        self.before_write()
        self.renewed.append((loan, new_due_on, expected_renewals))
        current = self.loans.get((loan.patron_id, loan.barcode))
        if current is None:
            raise RenewalRefused(NOT_FOUND)
        if current.renewals != expected_renewals or current.due_on != loan.due_on:
            raise ConcurrentChange(loan.barcode)
        renewed = replace(current, due_on=new_due_on, renewals=expected_renewals + 1)
        self.loans[(loan.patron_id, loan.barcode)] = renewed
        return renewed


class MemoryHolds:
    def __init__(self, **waiting: int) -> None:
        self.counts = waiting
        self.asked: list[str] = []

    def waiting(self, record_id: str) -> int:
        self.asked.append(record_id)
        return self.counts.get(record_id, 0)


def renewals(
    *loans: Loan, holds: MemoryHolds | None = None, today: date = TODAY, **rules
) -> tuple[Renewals, MemoryLoans]:
    store = MemoryLoans(*loans)
    return Renewals(store, holds or MemoryHolds(), RenewalRules(**rules), lambda: today), store


# -- renewing ----------------------------------------------------------------------------------
def test_a_renewal_puts_the_due_date_loan_days_from_today_and_counts_itself():
    service, store = renewals(loan("77300", date(2026, 12, 15)))
    renewed = service.renew(PATRON, "77300")
    assert renewed.due_on == date(2026, 12, 24) and renewed.renewals == 1
    assert store.loans[(PATRON, "77300")] == renewed
    ((asked, new_due_on, expected),) = store.renewed
    assert asked.due_on == date(2026, 12, 15) and new_due_on == date(2026, 12, 24)
    assert expected == 0


def test_the_due_date_never_moves_earlier():
    # Lent for longer than loan_days (a long-loan copy): renewing keeps the later date.
    service, _ = renewals(loan("77300", date(2027, 1, 20)), loan_days=14)
    assert service.renew(PATRON, "77300").due_on == date(2027, 1, 20)


def test_loan_days_comes_from_the_rules():
    service, _ = renewals(loan("77300", date(2026, 12, 15)), loan_days=7)
    assert service.renew(PATRON, "77300").due_on == date(2026, 12, 17)


def test_on_the_due_date_itself_it_may_still_be_renewed():
    service, _ = renewals(loan("77300", TODAY))
    assert service.renew(PATRON, "77300").due_on == date(2026, 12, 24)


@pytest.mark.parametrize(
    "reason, message",
    [
        (HOLD_WAITING, "予約している方がいるため延長できません。"),
        (OVERDUE, "返却期限を過ぎているため延長できません。"),
        (LIMIT, "延長できる回数を超えています。"),
        (NOT_FOUND, "この貸出は見つかりませんでした。"),
    ],
)
def test_each_refusal_has_a_code_and_words_for_the_patron(reason, message):
    refused = RenewalRefused(reason)
    assert refused.reason == reason and refused.message == message
    assert RenewalRefused.MESSAGES[reason] == message


def test_a_hold_waiting_for_the_title_refuses_and_writes_nothing():
    service, store = renewals(
        loan("77300", date(2026, 12, 15), record_id="aozora-000773"),
        holds=MemoryHolds(**{"aozora-000773": 1}),
    )
    with pytest.raises(RenewalRefused) as refused:
        service.renew(PATRON, "77300")
    assert refused.value.reason == HOLD_WAITING
    assert store.renewed == [] and store.loans[(PATRON, "77300")].renewals == 0


def test_an_overdue_loan_is_refused_before_the_queue_is_read():
    holds = MemoryHolds()
    service, store = renewals(loan("77300", date(2026, 12, 9)), holds=holds)
    with pytest.raises(RenewalRefused) as refused:
        service.renew(PATRON, "77300")
    assert refused.value.reason == OVERDUE and store.renewed == [] and holds.asked == []


def test_the_second_renewal_is_refused_at_the_default_limit_of_one():
    service, store = renewals(loan("77300", date(2026, 12, 15)))
    service.renew(PATRON, "77300")
    with pytest.raises(RenewalRefused) as refused:
        service.renew(PATRON, "77300")
    assert refused.value.reason == LIMIT and len(store.renewed) == 1


def test_a_limit_of_zero_turns_renewal_off():
    service, store = renewals(loan("77300", date(2026, 12, 15)), limit=0)
    with pytest.raises(RenewalRefused) as refused:
        service.renew(PATRON, "77300")
    assert refused.value.reason == LIMIT and store.renewed == []
    (view,) = service.loans_of(PATRON)
    assert (view.renewable, view.refusal) == (False, LIMIT)


def test_a_limit_of_two_allows_two_renewals():
    service, _ = renewals(loan("77300", date(2026, 12, 15)), limit=2)
    assert service.renew(PATRON, "77300").renewals == 1
    assert service.renew(PATRON, "77300").renewals == 2
    with pytest.raises(RenewalRefused) as refused:
        service.renew(PATRON, "77300")
    assert refused.value.reason == LIMIT


def test_a_loan_stored_with_renewals_counts_them():
    service, _ = renewals(loan("77300", date(2026, 12, 15), renewals=1), limit=2)
    assert service.renew(PATRON, "77300").renewals == 2


def test_someone_elses_loan_or_an_unknown_barcode_is_not_found():
    service, store = renewals(loan("77300", date(2026, 12, 15), patron_id="P0002"))
    for barcode in ("77300", "00000"):
        with pytest.raises(RenewalRefused) as refused:
            service.renew(PATRON, barcode)
        assert refused.value.reason == NOT_FOUND
    assert store.renewed == []


def test_a_renewal_that_lost_a_race_decides_again_on_fresh_reads():
    """Another request renewed the loan between this one's read and its write."""
    service, store = renewals(loan("77300", date(2026, 12, 15)))
    key = (PATRON, "77300")

    def renewed_meanwhile() -> None:
        store.before_write = lambda: None
        store.loans[key] = replace(store.loans[key], due_on=date(2026, 12, 24), renewals=1)

    store.before_write = renewed_meanwhile
    with pytest.raises(RenewalRefused) as refused:
        service.renew(PATRON, "77300")
    assert refused.value.reason == LIMIT  # the other request used the one renewal
    assert store.loans[key].renewals == 1 and len(store.renewed) == 1


def test_a_loan_returned_between_the_read_and_the_write_is_not_found():
    service, store = renewals(loan("77300", date(2026, 12, 15)))
    store.before_write = lambda: store.loans.clear()
    with pytest.raises(RenewalRefused) as refused:
        service.renew(PATRON, "77300")
    assert refused.value.reason == NOT_FOUND


def test_a_store_that_keeps_changing_gives_up_after_a_few_tries():
    class Restless(MemoryLoans):
        def renew(self, loan, new_due_on, expected_renewals):
            self.renewed.append((loan, new_due_on, expected_renewals))
            raise ConcurrentChange(loan.barcode)

    store = Restless(loan("77300", date(2026, 12, 15)))
    service = Renewals(store, MemoryHolds(), RenewalRules(), lambda: TODAY)
    with pytest.raises(ConcurrentChange):
        service.renew(PATRON, "77300")
    assert len(store.renewed) == 3


# -- My Page's list ----------------------------------------------------------------------------
def test_loans_are_listed_by_due_date_then_title_each_saying_whether_it_renews():
    service, _ = renewals(
        loan("3", date(2026, 12, 20), "羅生門", record_id="held"),
        loan("1", date(2026, 12, 20), "こころ"),
        loan("4", date(2026, 12, 9), "走れメロス"),
        loan("2", date(2026, 12, 12), "坊っちゃん", renewals=1),
        loan("5", TODAY, "山椒大夫"),
        holds=MemoryHolds(held=2),
    )
    views = service.loans_of(PATRON)
    assert [(v.loan.barcode, v.overdue, v.renewable, v.refusal) for v in views] == [
        ("4", True, False, OVERDUE),
        ("5", False, True, None),
        ("2", False, False, LIMIT),
        ("1", False, True, None),  # こころ before 羅生門 on the same day
        ("3", False, False, HOLD_WAITING),
    ]
    assert all(isinstance(v, LoanView) for v in views)


def test_the_list_reads_each_titles_queue_once_and_only_when_it_matters():
    holds = MemoryHolds()
    service, _ = renewals(
        loan("1", date(2026, 12, 20), record_id="same"),
        loan("2", date(2026, 12, 21), record_id="same"),
        loan("3", date(2026, 12, 1), record_id="overdue"),
        holds=holds,
    )
    service.loans_of(PATRON)
    assert holds.asked == ["same"]


def test_no_loans_no_list():
    service, _ = renewals()
    assert service.loans_of(PATRON) == []


def test_today_is_japans_day(monkeypatch):
    class Clock(datetime):
        @classmethod
        def now(cls, tz=None):
            return datetime(2026, 12, 9, 20, 0, tzinfo=UTC).astimezone(tz)  # the 10th in Japan

    monkeypatch.setattr(renewal, "datetime", Clock)
    assert today_in_japan() == date(2026, 12, 10)

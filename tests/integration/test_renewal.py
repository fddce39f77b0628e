"""Renewing loans on moto: a real check-out at the desk, then renewals that persist, refusals
for the limit, a waiting hold, an overdue or returned loan, and concurrent renewals."""

from __future__ import annotations

import threading
from datetime import UTC, date, datetime, timedelta

import boto3
import pytest
from moto.server import ThreadedMotoServer

from devstack import moto_dynamodb
from devstack.provision import ClientFactory, provision
from devstack.template import Stack, load_template
from library_service.catalogue.libraries import default_libraries
from library_service.catalogue.records import Author, CatalogueEntry, Copy, CopyStatus, Record
from library_service.holds.calendar import JST
from library_service.holds.circulation import CirculationDesk, DeskRules
from library_service.holds.model import ConcurrentChange, HoldStatus
from library_service.holds.renewal import (
    HOLD_WAITING,
    LIMIT,
    NOT_FOUND,
    OVERDUE,
    RenewalRefused,
    RenewalRules,
    Renewals,
)
from library_service.holds.service import HoldRules, HoldService
from library_service.storage.catalogue import DynamoCatalogue, bind_catalogue
from library_service.storage.circulation import DynamoCirculation
from library_service.storage.holds import DynamoHolds, bind_holds
from library_service.storage.loans import DynamoLoans, LoanItem, bind_loans
from tests.integration.test_holds import patron

REGION = "ap-northeast-1"
RECORD = "aozora-000773"
KOKORO = CatalogueEntry(
    Record(RECORD, "こころ", (Author("夏目 漱石"),)),
    (
        Copy(RECORD, "77300", "central", CopyStatus.ON_LOAN),
        Copy(RECORD, "77301", "yoyogi", CopyStatus.ON_SHELF),
    ),
)
BORROWER = "P0003"
# Tuesday 2026-12-01 09:00 in Japan: a loan made now is due Tuesday 12/15.
NOW = datetime(2026, 12, 1, 0, 0, tzinfo=UTC)


class Clock:
    """A millisecond later at every reading (holds sort by placement time)."""

    def __init__(self) -> None:
        self.now = NOW

    def __call__(self) -> datetime:
        self.now += timedelta(milliseconds=1)
        return self.now

    def today(self) -> date:
        return self.now.astimezone(JST).date()


class NoEvents:
    def hold_ready(self, hold) -> None:
        pass

    def pickup_reminder(self, hold) -> None:
        pass

    def due_reminder(self, loan) -> None:
        pass


class Library:
    """The desk, holds and renewals over the same tables, on one clock."""

    def __init__(self, region: str, limit: int = 1) -> None:
        self.clock = Clock()
        self.desk = CirculationDesk(
            DynamoCatalogue(),
            DynamoHolds(),
            DynamoCirculation(),
            NoEvents(),
            default_libraries(),
            DeskRules(pickup_open_days=7, loan_days=14),
            now=self.clock,
        )
        self.holds = HoldService(
            DynamoHolds(), DynamoCatalogue(), default_libraries(), HoldRules(), self.clock
        )
        self.loans = DynamoLoans()
        self.renewals = Renewals(
            self.loans, self.holds, RenewalRules(limit=limit, loan_days=14), self.clock.today
        )

    def on(self, day: int) -> None:
        self.clock.now = datetime(2026, 12, day, 0, 0, tzinfo=UTC)  # 09:00 in Japan


def bind(stack, region: str = REGION) -> None:
    bind_catalogue(stack.ref("CatalogueTable"), stack.ref("SearchIndexTable"), region)
    bind_holds(stack.ref("HoldsTable"), region)
    bind_loans(stack.ref("LoansTable"), region)
    DynamoCatalogue().save([KOKORO])


@pytest.fixture
def library(stack) -> Library:
    bind(stack)
    library = Library(stack.region)
    library.desk.check_out("77301", BORROWER, title="こころ")  # due Tue 12/15
    return library


def stored(barcode: str = "77301") -> LoanItem:
    return LoanItem.get(BORROWER, barcode, consistent_read=True)


def refusal(renewals: Renewals, barcode: str = "77301") -> str:
    with pytest.raises(RenewalRefused) as refused:
        renewals.renew(BORROWER, barcode)
    return refused.value.reason


def test_a_renewal_persists_the_new_due_date_and_the_count(library):
    assert stored().due_on == "2026-12-15" and int(stored().renewals) == 0
    library.on(5)
    renewed = library.renewals.renew(BORROWER, "77301")
    assert renewed.due_on == date(2026, 12, 19) and renewed.renewals == 1
    item = stored()
    assert item.due_on == "2026-12-19" and int(item.renewals) == 1
    assert library.loans.of_patron(BORROWER) == [renewed]
    # The due-date reminder follows: byDue lists it under the new day only.
    assert [x.barcode for x in library.loans.due_on(date(2026, 12, 19))] == ["77301"]
    assert library.loans.due_on(date(2026, 12, 15)) == []
    (view,) = library.renewals.loans_of(BORROWER)
    assert (view.loan, view.overdue, view.renewable, view.refusal) == (renewed, False, False, LIMIT)


def test_the_second_renewal_is_refused_at_a_limit_of_one_and_changes_nothing(library):
    library.on(5)
    library.renewals.renew(BORROWER, "77301")
    library.on(10)
    assert refusal(library.renewals) == LIMIT
    assert stored().due_on == "2026-12-19" and int(stored().renewals) == 1


def test_a_limit_of_two_counts_both_in_storage(library):
    twice = Renewals(library.loans, library.holds, RenewalRules(limit=2), library.clock.today)
    library.on(5)
    twice.renew(BORROWER, "77301")
    library.on(12)
    assert twice.renew(BORROWER, "77301").due_on == date(2026, 12, 26)
    assert stored().due_on == "2026-12-26" and int(stored().renewals) == 2
    assert refusal(twice) == LIMIT


def test_a_hold_waiting_for_the_title_refuses_until_a_copy_is_trapped_for_it(library):
    library.holds.place(patron(1), RECORD, "central")
    library.on(5)
    assert refusal(library.renewals) == HOLD_WAITING
    assert stored().due_on == "2026-12-15" and int(stored().renewals) == 0
    (view,) = library.renewals.loans_of(BORROWER)
    assert (view.renewable, view.refusal) == (False, HOLD_WAITING)
    # The other copy comes back and goes to that hold: nobody waits for this one now.
    library.desk.check_in("77300", "central")
    assert library.renewals.renew(BORROWER, "77301").due_on == date(2026, 12, 19)


def test_an_overdue_loan_is_refused(library):
    library.on(16)  # the day after the due date
    assert refusal(library.renewals) == OVERDUE
    (view,) = library.renewals.loans_of(BORROWER)
    assert (view.overdue, view.renewable, view.refusal) == (True, False, OVERDUE)
    assert stored().due_on == "2026-12-15"


def test_a_returned_loan_or_anothers_is_not_found(library):
    library.on(5)
    with pytest.raises(RenewalRefused) as refused:
        library.renewals.renew("P0001", "77301")
    assert refused.value.reason == NOT_FOUND
    loan = library.loans.of_patron(BORROWER)[0]
    library.desk.check_in("77301", "yoyogi")  # it comes back: the loan ends
    assert refusal(library.renewals) == NOT_FOUND
    with pytest.raises(RenewalRefused) as refused:  # storage says so too, from a stale read
        library.loans.renew(loan, date(2026, 12, 19), 0)
    assert refused.value.reason == NOT_FOUND


def test_storage_refuses_a_stale_read_of_the_loan(library):
    library.on(5)
    stale = library.loans.of_patron(BORROWER)[0]
    library.renewals.renew(BORROWER, "77301")
    with pytest.raises(ConcurrentChange):  # the count moved on
        library.loans.renew(stale, date(2026, 12, 19), 0)
    with pytest.raises(ConcurrentChange):  # the due date moved on
        library.loans.renew(stale, date(2026, 12, 19), 1)
    assert stored().due_on == "2026-12-19" and int(stored().renewals) == 1


def test_a_loan_stored_before_renewals_were_counted_renews(library):
    boto3.client("dynamodb", region_name=REGION).update_item(
        TableName=LoanItem.Meta.table_name,
        Key={"patronId": {"S": BORROWER}, "barcode": {"S": "77301"}},
        UpdateExpression="REMOVE renewals",
    )
    (loan,) = library.loans.of_patron(BORROWER)
    assert loan.renewals == 0
    library.on(5)
    assert library.renewals.renew(BORROWER, "77301").renewals == 1
    assert int(stored().renewals) == 1


def test_a_hold_placed_after_my_pages_check_still_blocks_the_write(library):
    """The page's check and the write are apart; storage reads the queue again just before
    writing, so a hold placed after the page looked still refuses the renewal."""

    class SawNobody:
        def waiting(self, record_id: str) -> int:
            library.holds.place(patron(1), RECORD, "central")  # placed just after the look
            return 0

    page = Renewals(library.loans, SawNobody(), RenewalRules(), library.clock.today)
    library.on(5)
    assert refusal(page) == HOLD_WAITING
    assert stored().due_on == "2026-12-15" and int(stored().renewals) == 0


def test_a_hold_placed_between_storages_read_and_its_write_is_ordered_after_the_renewal(
    library, monkeypatch
):
    """What storage cannot do: HoldsTable has no per-title item a hold's placement writes, so
    the transaction cannot check the queue (storage/loans.py, DynamoLoans.renew). A hold placed
    in the gap after storage's read comes after the renewal, as if placed a moment later: it
    keeps its place and blocks the next renewal."""
    real_waiting = library.loans._waiting

    def read_then_a_hold_arrives(record_id: str) -> bool:
        seen = real_waiting(record_id)
        library.holds.place(patron(1), RECORD, "central")
        return seen

    monkeypatch.setattr(library.loans, "_waiting", read_then_a_hold_arrives)
    twice = Renewals(library.loans, library.holds, RenewalRules(limit=2), library.clock.today)
    library.on(5)
    assert twice.renew(BORROWER, "77301").due_on == date(2026, 12, 19)
    monkeypatch.setattr(library.loans, "_waiting", real_waiting)
    (waiting,) = library.holds.open_holds(patron(1))
    assert waiting.position == 1 and waiting.hold.status is HoldStatus.PLACED
    assert refusal(twice) == HOLD_WAITING


def test_four_renewals_of_one_loan_at_once_count_once(monkeypatch):
    """Against moto's threaded server, as My Page's function reaches it in the devstack."""
    moto_dynamodb.install()
    server = ThreadedMotoServer("127.0.0.1", 0, verbose=False)
    server.start()
    try:
        host, port = server.get_host_and_port()
        url = f"http://{host}:{port}"
        for key, value in {
            "AWS_ENDPOINT_URL": url,
            "AWS_ACCESS_KEY_ID": "x",
            "AWS_SECRET_ACCESS_KEY": "x",
            "AWS_REGION": REGION,
        }.items():
            monkeypatch.setenv(key, value)
        stack = provision(
            Stack(load_template(), region=REGION, parameter_overrides={"Stage": "renewals"}),
            ClientFactory(REGION, url),
        )
        bind(stack)
        library = Library(REGION)
        library.desk.check_out("77301", BORROWER, title="こころ")
        library.on(5)
        outcomes: list[str] = []
        start = threading.Barrier(4)
        write = library.loans.renew

        def renew_in_storage(*args):
            try:
                return write(*args)
            except ConcurrentChange:
                outcomes.append("lost the race")
                raise

        monkeypatch.setattr(library.loans, "renew", renew_in_storage)

        def renew() -> None:
            start.wait()
            try:
                library.renewals.renew(BORROWER, "77301")
                outcomes.append("renewed")
            except RenewalRefused as refused:
                outcomes.append(refused.reason)

        threads = [threading.Thread(target=renew) for _ in range(4)]
        for thread in threads:
            thread.start()
        for thread in threads:
            thread.join(timeout=60)

        assert "lost the race" in outcomes  # they really wrote at once
        assert sorted(o for o in outcomes if o != "lost the race") == ["limit"] * 3 + ["renewed"]
        assert stored().due_on == "2026-12-19" and int(stored().renewals) == 1
    finally:
        server.stop()

"""The circulation desk on moto: trapping holds at check-in, transit, pickup, expiry, loans,
and HoldReady on a real (moto) EventBridge bus."""

from __future__ import annotations

import json
from datetime import UTC, date, datetime, timedelta

import boto3
import pytest

from library_service.catalogue.libraries import default_libraries
from library_service.catalogue.records import Author, CatalogueEntry, Copy, CopyStatus, Record
from library_service.eventbus import EventBridgeHoldEvents
from library_service.holds.circulation import (
    COLLECTED,
    EXPIRED,
    IN_TRANSIT,
    LOANED,
    READY,
    SHELVED,
    CirculationDesk,
    DeskError,
    DeskRules,
)
from library_service.holds.model import HoldStatus
from library_service.holds.service import HoldRules, HoldService
from library_service.storage.catalogue import DynamoCatalogue, bind_catalogue
from library_service.storage.circulation import DynamoCirculation
from library_service.storage.holds import DynamoHolds, bind_holds
from library_service.storage.loans import DynamoLoans, bind_loans
from tests.integration.test_holds import patron

BUS = "circulation-test-bus"
RECORD = "aozora-000773"
KOKORO = CatalogueEntry(
    Record(RECORD, "こころ", (Author("夏目 漱石"),)),
    (
        Copy(RECORD, "77300", "central", CopyStatus.ON_LOAN),
        Copy(RECORD, "77301", "yoyogi", CopyStatus.ON_SHELF),
    ),
)
# Tuesday 2026-12-01 09:00 in Japan; libraries are closed on Mondays (libraries.toml).
NOW = datetime(2026, 12, 1, 0, 0, tzinfo=UTC)


class Clock:
    """Japan's morning of `now`, a millisecond later at every reading (holds sort by time)."""

    def __init__(self) -> None:
        self.now = NOW

    def __call__(self) -> datetime:
        self.now += timedelta(milliseconds=1)
        return self.now


@pytest.fixture
def bus(stack):
    events, sqs = (
        boto3.client("events", region_name=stack.region),
        boto3.client("sqs", region_name=stack.region),
    )
    events.create_event_bus(Name=BUS)
    queue_url = sqs.create_queue(QueueName="hold-ready-seen")["QueueUrl"]
    queue_arn = sqs.get_queue_attributes(QueueUrl=queue_url, AttributeNames=["QueueArn"])[
        "Attributes"
    ]["QueueArn"]
    events.put_rule(
        Name="seen", EventBusName=BUS, EventPattern=json.dumps({"source": ["library.circulation"]})
    )
    events.put_targets(Rule="seen", EventBusName=BUS, Targets=[{"Id": "q", "Arn": queue_arn}])

    def seen() -> list[dict]:
        messages = sqs.receive_message(QueueUrl=queue_url, MaxNumberOfMessages=10).get(
            "Messages", []
        )
        return [json.loads(m["Body"]) for m in messages]

    return seen


@pytest.fixture
def clock() -> Clock:
    return Clock()


@pytest.fixture
def desk(stack, bus, clock):
    bind_catalogue(stack.ref("CatalogueTable"), stack.ref("SearchIndexTable"), stack.region)
    bind_holds(stack.ref("HoldsTable"), stack.region)
    bind_loans(stack.ref("LoansTable"), stack.region)
    DynamoCatalogue().save([KOKORO])
    return CirculationDesk(
        DynamoCatalogue(),
        DynamoHolds(),
        DynamoCirculation(),
        EventBridgeHoldEvents(BUS, stack.region),
        default_libraries(),
        DeskRules(pickup_open_days=7, loan_days=14),
        now=clock,
    )


@pytest.fixture
def holds(desk, clock) -> HoldService:
    return HoldService(DynamoHolds(), DynamoCatalogue(), default_libraries(), HoldRules(), clock)


def copy(barcode: str) -> Copy:
    return DynamoCatalogue().copy_by_barcode(barcode)


def test_check_in_at_the_pickup_library_makes_the_first_hold_ready_and_says_so(desk, holds, bus):
    first = holds.place(patron(1), RECORD, "central").hold
    holds.place(patron(2), RECORD, "central")

    outcome = desk.check_in("77300", "central")  # the copy on loan comes back
    assert outcome.action == READY and outcome.hold.hold_id == first.hold_id
    # Seven open days after Tue 12/1, skipping Monday 12/7: Wed 2 … Sun 6, Tue 8, Wed 9.
    assert outcome.hold.pickup_deadline == date(2026, 12, 9)
    stored = DynamoHolds().get(RECORD, first.hold_id)
    assert stored.status is HoldStatus.READY and stored.barcode == "77300"
    trapped = copy("77300")
    assert trapped.status is CopyStatus.ON_HOLD_SHELF and trapped.held_for == first.hold_id
    (event,) = bus()
    assert event["source"] == "library.circulation" and event["detail-type"] == "HoldReady"
    assert event["detail"] == {
        "holdId": first.hold_id,
        "recordId": RECORD,
        "patronId": "P0001",
        "pickupLibraryId": "central",
        "pickupDeadline": "2026-12-09",
        "title": "こころ",
    }
    (waiting,) = [q for q in holds.open_holds(patron(2))]
    assert waiting.position == 1  # the next in line


def test_check_in_elsewhere_sends_the_copy_in_transit_then_arrival_makes_it_ready(desk, holds, bus):
    placed = holds.place(patron(1), RECORD, "central").hold
    outcome = desk.check_in("77301", "yoyogi")
    assert outcome.action == IN_TRANSIT
    assert copy("77301").status is CopyStatus.IN_TRANSIT
    assert bus() == []  # not ready yet: nothing to tell the patron
    with pytest.raises(DeskError, match="goes to 中央図書館"):
        desk.arrive("77301", "nishihara")
    outcome = desk.arrive("77301", "central")
    assert outcome.action == READY and outcome.hold.hold_id == placed.hold_id
    assert copy("77301").library_id == "central"
    assert [e["detail"]["holdId"] for e in bus()] == [placed.hold_id]
    # Checking it in again changes nothing: it already waits on the hold shelf.
    assert desk.check_in("77301", "central").action == READY
    assert bus() == []


def test_check_out_collects_the_patrons_ready_hold_and_refuses_anyone_else(desk, holds):
    placed = holds.place(patron(1), RECORD, "central").hold
    desk.check_in("77300", "central")
    with pytest.raises(DeskError, match="another patron"):
        desk.check_out("77300", "P0002")
    outcome = desk.check_out("77300", "P0001")
    assert outcome.action == COLLECTED and outcome.loan.due_on == date(2026, 12, 15)
    assert DynamoHolds().get(RECORD, placed.hold_id).status is HoldStatus.COLLECTED
    assert holds.open_holds(patron(1)) == []
    assert copy("77300").status is CopyStatus.ON_LOAN
    assert [loan.barcode for loan in DynamoLoans().of_patron("P0001")] == ["77300"]
    assert holds.place(patron(1), RECORD, "central").position == 1  # may hold it again


def test_a_copy_with_no_one_waiting_goes_back_on_the_shelf_and_its_loan_ends(desk):
    assert desk.check_out("77301", "P0003", title="こころ").action == LOANED
    assert desk.check_in("77301", "nishihara").action == SHELVED
    shelved = copy("77301")
    assert shelved.status is CopyStatus.ON_SHELF and shelved.library_id == "nishihara"
    assert DynamoLoans().of_patron("P0003") == []
    with pytest.raises(DeskError, match="no copy"):
        desk.check_in("00000", "central")


def test_an_uncollected_hold_expires_and_the_copy_goes_to_the_next_patron(desk, holds, bus, clock):
    first = holds.place(patron(1), RECORD, "central").hold
    second = holds.place(patron(2), RECORD, "central").hold
    desk.check_in("77300", "central")
    bus()  # the first patron's notice
    clock.now = NOW + timedelta(days=8)  # Wed 12/9 was the last day
    assert desk.expire_uncollected() == []
    clock.now = NOW + timedelta(days=9)
    (outcome,) = desk.expire_uncollected()
    assert outcome.action == EXPIRED and outcome.hold.hold_id == first.hold_id
    assert DynamoHolds().get(RECORD, first.hold_id).status is HoldStatus.EXPIRED
    now_ready = DynamoHolds().get(RECORD, second.hold_id)
    assert now_ready.status is HoldStatus.READY and now_ready.barcode == "77300"
    assert copy("77300").held_for == second.hold_id
    assert [e["detail"]["holdId"] for e in bus()] == [second.hold_id]
    assert holds.open_holds(patron(1)) == []


def test_reminders_the_day_before_the_last_day(desk, holds, bus, clock):
    holds.place(patron(1), RECORD, "central")
    desk.check_in("77300", "central")  # ready until Wed 12/9
    desk.check_out("77301", "P0002", title="こころ")  # due Tue 12/15
    bus()
    clock.now = NOW + timedelta(days=6)  # Mon 12/7: too early for either
    assert desk.send_reminders(DynamoLoans()) == (0, 0)
    clock.now = NOW + timedelta(days=7)  # Tue 12/8
    assert desk.send_reminders(DynamoLoans()) == (1, 0)
    (reminder,) = bus()
    assert reminder["detail-type"] == "HoldPickupReminder"
    assert reminder["detail"]["pickupDeadline"] == "2026-12-09"
    clock.now = NOW + timedelta(days=13)  # Mon 12/14
    assert desk.send_reminders(DynamoLoans()) == (0, 1)
    (due,) = bus()
    assert due["detail-type"] == "LoanDueReminder"
    assert due["detail"] == {
        "patronId": "P0002",
        "barcode": "77301",
        "recordId": RECORD,
        "dueOn": "2026-12-15",
        "title": "こころ",
    }

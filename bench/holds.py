"""DynamoDB requests per hold placement and per check-in, with short and long queues.

Counted where moto serves them (every DynamoDB API call of the process, by operation), on
in-process moto with the template's tables, through HoldService and CirculationDesk as the
conversation and circulation functions use them.
"""

from __future__ import annotations

from collections import Counter
from datetime import UTC, date, datetime

from moto import mock_aws
from moto.dynamodb.responses import DynamoHandler

from devstack.provision import ClientFactory, provision
from devstack.template import Stack, load_template
from library_service.catalogue.libraries import default_libraries
from library_service.catalogue.records import Author, CatalogueEntry, Copy, CopyStatus, Record
from library_service.eventbus import EventBridgeHoldEvents
from library_service.holds.circulation import CirculationDesk, DeskRules
from library_service.holds.service import HoldRules, HoldService
from library_service.patrons.model import Patron, PatronStatus
from library_service.storage.catalogue import DynamoCatalogue, bind_catalogue
from library_service.storage.circulation import DynamoCirculation
from library_service.storage.holds import DynamoHolds, bind_holds
from library_service.storage.loans import bind_loans

from . import use_in_process_moto
from .report import Section

REGION = "ap-northeast-1"
QUEUE_LENGTHS = (0, 10, 100)


class ServedRequests:
    """Counts the DynamoDB operations moto handles while installed."""

    def __init__(self) -> None:
        self.operations: Counter = Counter()
        self._original = DynamoHandler.call_action

    def __enter__(self) -> ServedRequests:
        counter, original = self, self._original

        def counted(handler: DynamoHandler):
            target = handler.headers.get("X-Amz-Target", "")
            counter.operations[target.rsplit(".", 1)[-1]] += 1
            return original(handler)

        DynamoHandler.call_action = counted
        return self

    def __exit__(self, *exc) -> None:
        DynamoHandler.call_action = self._original

    def take(self) -> Counter:
        taken, self.operations = self.operations, Counter()
        return taken


def patron(number: int) -> Patron:
    return Patron(
        f"P{number:05d}",
        "図書 花子",
        date(1992, 5, 16),
        "03-0000-0000",
        PatronStatus.ACTIVE,
        None,
        "-",
        True,
        datetime(2026, 1, 1, tzinfo=UTC),
        "counter",
    )


def _describe(operations: Counter) -> str:
    return ", ".join(f"{name} {count}" for name, count in sorted(operations.items()))


def run() -> Section:
    use_in_process_moto(REGION)
    rows = []
    with mock_aws():
        stack = provision(
            Stack(load_template(), region=REGION, parameter_overrides={"Stage": "benchholds"}),
            ClientFactory(REGION),
        )
        bind_catalogue(stack.ref("CatalogueTable"), stack.ref("SearchIndexTable"), REGION)
        bind_holds(stack.ref("HoldsTable"), REGION)
        bind_loans(stack.ref("LoansTable"), REGION)
        ClientFactory(REGION)("events").create_event_bus(Name="bench-bus")
        holds = HoldService(DynamoHolds(), DynamoCatalogue(), default_libraries(), HoldRules())
        desk = CirculationDesk(
            DynamoCatalogue(),
            DynamoHolds(),
            DynamoCirculation(),
            EventBridgeHoldEvents("bench-bus", REGION),
            default_libraries(),
            DeskRules(),
        )
        for length in QUEUE_LENGTHS:
            record_id = f"title-{length}"
            copies = (Copy(record_id, f"{length}-1", "central", CopyStatus.ON_LOAN),)
            DynamoCatalogue().save(
                [CatalogueEntry(Record(record_id, "本", (Author("著者"),)), copies)]
            )
            for number in range(length):
                holds.place(patron(number), record_id, "central")
            with ServedRequests() as served:
                holds.place(patron(length), record_id, "yoyogi")
                placement = served.take()
                desk.check_in(f"{length}-1", "central")
                check_in = served.take()
            rows.append(
                [
                    str(length),
                    f"{sum(placement.values())} ({_describe(placement)})",
                    f"{sum(check_in.values())} ({_describe(check_in)})",
                ]
            )
    return Section(
        title="(e) DynamoDB requests per hold placement and per check-in",
        intro=(
            "Counted where moto serves them, through `HoldService.place` (a new hold behind "
            "*n* waiting ones) and `CirculationDesk.check_in` of a copy on loan at the first "
            "patron's pickup library (the hold becomes ready; HoldReady goes to EventBridge, "
            "not counted here)."
        ),
        headers=["Holds already waiting", "Placement: requests", "Check-in: requests"],
        rows=rows,
        notes=[
            "Placement: the record (one BatchGetItem, for its title), one TransactWriteItems "
            "(hold, holder marker, the patron's open-hold count), and the title's queue "
            "(Query) for the position. "
            "Check-in: the copy by barcode (index Query, then a consistent GetItem), the queue "
            "(Query) and one TransactWriteItems (hold and copy, the loan ended). Neither grows "
            "with the queue until a title's holds pass 1 MB in one Query page.",
        ],
    )

"""Holds on moto: placement rules, the queue, cancellation, and concurrent patrons."""

from __future__ import annotations

import threading
from datetime import UTC, date, datetime

import pytest
from moto.server import ThreadedMotoServer

from devstack import moto_dynamodb
from devstack.provision import ClientFactory, provision
from devstack.template import Stack, load_template
from library_service.catalogue.libraries import default_libraries
from library_service.catalogue.records import Author, CatalogueEntry, Record
from library_service.holds.model import (
    AlreadyHeld,
    HoldLimitReached,
    HoldNotCancellable,
    HoldStatus,
    NotAllowedToReserve,
    NotAPickupPoint,
    UnknownTitle,
)
from library_service.holds.service import HoldRules, HoldService
from library_service.patrons.model import Patron, PatronStatus
from library_service.storage.catalogue import DynamoCatalogue, bind_catalogue
from library_service.storage.holds import CounterItem, DynamoHolds, bind_holds

REGION = "ap-northeast-1"
TITLES = [
    CatalogueEntry(Record("t1", "こころ", (Author("夏目 漱石"),))),
    CatalogueEntry(Record("t2", "羅生門", (Author("芥川 竜之介"),))),
    CatalogueEntry(Record("t3", "走れメロス", (Author("太宰 治"),))),
]


def patron(number: int, status: PatronStatus = PatronStatus.ACTIVE) -> Patron:
    return Patron(
        patron_id=f"P{number:04d}",
        name="図書 花子",
        birth_date=date(1992, 5, 16),
        contact="03-0000-0000",
        status=status,
        line_user_id=None,
        password_hash="-",
        password_is_initial=True,
        registered_at=datetime(2026, 1, 1, tzinfo=UTC),
        registered_via="counter",
    )


def bind(stack) -> None:
    bind_catalogue(stack.ref("CatalogueTable"), stack.ref("SearchIndexTable"), REGION)
    bind_holds(stack.ref("HoldsTable"), REGION)
    DynamoCatalogue().save(TITLES)


SMALL_LIMIT = HoldRules(max_open_holds=2)


def service(rules: HoldRules = SMALL_LIMIT) -> HoldService:
    return HoldService(DynamoHolds(), DynamoCatalogue(), default_libraries(), rules)


@pytest.fixture
def holds(stack):
    bind(stack)
    return service()


def open_count(patron_id: str) -> int:
    return int(CounterItem.get(f"patron#{patron_id}", "open-holds").count)


def test_the_queue_numbers_waiting_patrons_in_placement_order(holds):
    first = holds.place(patron(1), "t1", "central")
    second = holds.place(patron(2), "t1", "yoyogi")
    assert (first.position, second.position) == (1, 2)
    assert first.hold.title == "こころ" and first.hold.status is HoldStatus.PLACED
    assert holds.waiting("t1") == 2

    holds.cancel(patron(1), "t1", first.hold.hold_id)
    (still,) = holds.open_holds(patron(2))
    assert still.position == 1  # moved up
    assert holds.waiting("t1") == 1 and open_count("P0001") == 0


def test_a_patron_holds_a_title_once(holds):
    placed = holds.place(patron(1), "t1", "central")
    with pytest.raises(AlreadyHeld) as refused:
        holds.place(patron(1), "t1", "yoyogi")
    assert refused.value.existing.hold_id == placed.hold.hold_id
    assert open_count("P0001") == 1 and len(holds.open_holds(patron(1))) == 1


def test_the_open_hold_limit_is_kept_and_a_refusal_writes_nothing(holds):
    holds.place(patron(1), "t1", "central")
    holds.place(patron(1), "t2", "central")
    with pytest.raises(HoldLimitReached):
        holds.place(patron(1), "t3", "central")
    assert open_count("P0001") == 2
    assert [h.hold_id for h in DynamoHolds().queue("t3")] == []
    first = holds.open_holds(patron(1))[0]
    holds.cancel(patron(1), first.hold.record_id, first.hold.hold_id)
    assert holds.place(patron(1), "t3", "central").position == 1  # room again


def test_only_the_holder_may_cancel_and_only_while_waiting(holds):
    placed = holds.place(patron(1), "t1", "central").hold
    with pytest.raises(HoldNotCancellable):
        holds.cancel(patron(2), "t1", placed.hold_id)
    holds.cancel(patron(1), "t1", placed.hold_id)
    with pytest.raises(HoldNotCancellable):
        holds.cancel(patron(1), "t1", placed.hold_id)  # already cancelled: counted once
    assert open_count("P0001") == 0


def test_who_may_reserve_what_and_where(stack):
    bind(stack)
    strict = service(HoldRules(provisional_may_reserve=False))
    with pytest.raises(NotAllowedToReserve):
        strict.place(patron(1, PatronStatus.PROVISIONAL), "t1", "central")
    with pytest.raises(NotAllowedToReserve):
        service().place(patron(2, PatronStatus.SUSPENDED), "t1", "central")
    assert service().place(patron(3, PatronStatus.PROVISIONAL), "t1", "central").position == 1
    with pytest.raises(NotAPickupPoint):
        service().place(patron(4), "t1", "nowhere")
    with pytest.raises(UnknownTitle):
        service().place(patron(4), "no-such-title", "central")


def test_many_patrons_placing_and_cancelling_at_once_leave_a_consistent_queue(monkeypatch):
    """Against moto's threaded server, as the functions reach it in the devstack."""
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
            Stack(load_template(), region=REGION, parameter_overrides={"Stage": "race"}),
            ClientFactory(REGION, url),
        )
        bind(stack)
        holds = service(HoldRules(max_open_holds=2))
        patrons = [patron(n) for n in range(12)]
        outcomes: list[str] = []
        start = threading.Barrier(len(patrons) * 2)

        def reserve_twice_and_maybe_cancel(who: Patron, second_try: bool) -> None:
            start.wait()
            for title in ("t1", "t2", "t3"):
                try:
                    placed = holds.place(who, title, "central")
                    outcomes.append("placed")
                    if second_try and title == "t2":
                        holds.cancel(who, title, placed.hold.hold_id)
                        outcomes.append("cancelled")
                except (AlreadyHeld, HoldLimitReached, HoldNotCancellable) as refused:
                    outcomes.append(type(refused).__name__)

        threads = [
            threading.Thread(target=reserve_twice_and_maybe_cancel, args=(who, second))
            for who in patrons
            for second in (False, True)
        ]
        for thread in threads:
            thread.start()
        for thread in threads:
            thread.join(timeout=120)

        assert "AlreadyHeld" in outcomes  # the duplicates really raced
        for who in patrons:
            mine = [h for h in DynamoHolds().of_patron(who.patron_id) if h.status.is_open]
            assert len(mine) <= 2
            assert len({h.record_id for h in mine}) == len(mine)  # no title held twice
            assert open_count(who.patron_id) == len(mine)
        for title in ("t1", "t2", "t3"):
            queue = DynamoHolds().queue(title)
            waiting = [h for h in queue if h.status is HoldStatus.PLACED]
            assert len({h.patron_id for h in waiting}) == len(waiting)
            by_id = {p.patron_id: p for p in patrons}
            numbers = [holds.get(by_id[h.patron_id], title, h.hold_id).position for h in waiting]
            assert numbers == list(range(1, len(waiting) + 1))
    finally:
        server.stop()

"""Placing, cancelling and listing holds: the rules, with storage behind a small interface."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from datetime import UTC, datetime
from typing import Protocol

from ..catalogue.libraries import Libraries
from ..catalogue.search import RecordSource
from ..patrons.model import Patron, PatronStatus
from .model import (
    Hold,
    HoldNotCancellable,
    HoldStatus,
    NotAllowedToReserve,
    NotAPickupPoint,
    QueuedHold,
    UnknownTitle,
    new_hold_id,
)


class HoldStore(Protocol):
    def queue(self, record_id: str) -> list[Hold]: ...
    def of_patron(self, patron_id: str) -> list[Hold]: ...
    def get(self, record_id: str, hold_id: str) -> Hold | None: ...
    def place(self, hold: Hold, limit: int) -> Hold: ...
    def cancel(self, hold: Hold) -> Hold: ...


@dataclass(frozen=True)
class HoldRules:
    max_open_holds: int = 10
    provisional_may_reserve: bool = True


def positions(queue: list[Hold]) -> dict[str, int]:
    """Waiting holds numbered 1..n in placement order; trapped and finished ones have none."""
    waiting = [hold for hold in queue if hold.status is HoldStatus.PLACED]
    return {hold.hold_id: number for number, hold in enumerate(waiting, start=1)}


class HoldService:
    def __init__(
        self,
        store: HoldStore,
        titles: RecordSource,
        libraries: Libraries,
        rules: HoldRules,
        now: Callable[[], datetime] = lambda: datetime.now(UTC),
        new_id: Callable[[datetime], str] = new_hold_id,
    ) -> None:
        self._store = store
        self._titles = titles
        self._libraries = libraries
        self._rules = rules
        self._now = now
        self._new_id = new_id

    def waiting(self, record_id: str) -> int:
        """How many patrons wait for this title: a new hold would come after them."""
        return len(positions(self._store.queue(record_id)))

    def place(self, patron: Patron, record_id: str, pickup_library_id: str) -> QueuedHold:
        if patron.status is PatronStatus.SUSPENDED or (
            patron.status is PatronStatus.PROVISIONAL and not self._rules.provisional_may_reserve
        ):
            raise NotAllowedToReserve(patron.status)
        library = self._libraries.get(pickup_library_id)
        if library is None or not library.pickup:
            raise NotAPickupPoint(pickup_library_id)
        record = self._titles.records([record_id]).get(record_id)
        if record is None:
            raise UnknownTitle(record_id)
        now = self._now()
        hold = self._store.place(
            Hold(
                hold_id=self._new_id(now),
                record_id=record_id,
                patron_id=patron.patron_id,
                pickup_library_id=pickup_library_id,
                status=HoldStatus.PLACED,
                placed_at=now,
                title=record.title,
            ),
            self._rules.max_open_holds,
        )
        return QueuedHold(hold, positions(self._store.queue(record_id)).get(hold.hold_id))

    def cancel(self, patron: Patron, record_id: str, hold_id: str) -> Hold:
        hold = self._store.get(record_id, hold_id)
        if (
            hold is None
            or hold.patron_id != patron.patron_id
            or hold.status is not HoldStatus.PLACED
        ):
            raise HoldNotCancellable(hold)
        return self._store.cancel(hold)

    def open_holds(self, patron: Patron) -> list[QueuedHold]:
        """The patron's open holds, oldest first, each with its place in its title's queue."""
        holds = sorted(
            (h for h in self._store.of_patron(patron.patron_id) if h.status.is_open),
            key=lambda h: h.hold_id,
        )
        queued = []
        for hold in holds:
            number = positions(self._store.queue(hold.record_id)).get(hold.hold_id)
            queued.append(QueuedHold(hold, number))
        return queued

    def get(self, patron: Patron, record_id: str, hold_id: str) -> QueuedHold | None:
        hold = self._store.get(record_id, hold_id)
        if hold is None or hold.patron_id != patron.patron_id:
            return None
        return QueuedHold(hold, positions(self._store.queue(record_id)).get(hold.hold_id))

"""The circulation desk: what check-in, arrival, check-out and the daily expiry do to holds.

Staff (or the library system) scan a barcode; the desk reads the copy and the title's queue,
decides, and hands one transaction to storage. If someone else changed the copy or the hold
in between (a patron cancelled, another desk scanned), the transaction fails as a whole and
the desk decides again on fresh reads.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, replace
from datetime import UTC, date, datetime, timedelta
from typing import Protocol

from ..catalogue.libraries import Libraries
from ..catalogue.records import Copy, CopyStatus
from .calendar import JST, pickup_deadline
from .model import ConcurrentChange, Hold, HoldStatus, Loan

ATTEMPTS = 3


class CopyLookup(Protocol):
    def copy_by_barcode(self, barcode: str) -> Copy | None: ...
    def records(self, record_ids: list[str]) -> dict: ...  # record ID → catalogue Record


class Queues(Protocol):
    def queue(self, record_id: str) -> list[Hold]: ...
    def get(self, record_id: str, hold_id: str) -> Hold | None: ...
    def ready_until(self, last_day: date) -> list[Hold]: ...


class Changes(Protocol):
    """Storage's transactions (storage.circulation.DynamoCirculation)."""

    def trap(self, hold: Hold, copy: Copy, status: HoldStatus, deadline: date | None): ...
    def shelve(self, copy: Copy, library_id: str): ...
    def arrive(self, hold: Hold, copy: Copy, deadline: date): ...
    def lend(self, copy: Copy, loan: Loan, hold: Hold | None = None): ...
    def expire(self, hold, copy, next_hold, next_status, deadline): ...


class HoldEvents(Protocol):
    def hold_ready(self, hold: Hold) -> None: ...
    def pickup_reminder(self, hold: Hold) -> None: ...
    def due_reminder(self, loan: Loan) -> None: ...


class LoansDue(Protocol):
    def due_on(self, day: date) -> list[Loan]: ...


class DeskError(Exception):
    """Something staff must sort out by hand; the message says what, in plain words."""


@dataclass(frozen=True)
class DeskRules:
    pickup_open_days: int = 7
    loan_days: int = 14


@dataclass(frozen=True)
class Outcome:
    """What happened to the scanned copy: `action` is one of the constants below."""

    action: str
    copy: Copy
    hold: Hold | None = None
    loan: Loan | None = None


SHELVED, IN_TRANSIT, READY, LOANED, COLLECTED, EXPIRED = (
    "shelved",
    "in_transit",
    "ready",
    "loaned",
    "collected",
    "expired",
)


class CirculationDesk:
    def __init__(
        self,
        copies: CopyLookup,
        queues: Queues,
        changes: Changes,
        events: HoldEvents,
        libraries: Libraries,
        rules: DeskRules,
        now: Callable[[], datetime] = lambda: datetime.now(UTC),
    ) -> None:
        self._copies = copies
        self._queues = queues
        self._changes = changes
        self._events = events
        self._libraries = libraries
        self._rules = rules
        self._now = now

    def _today(self) -> date:
        return self._now().astimezone(JST).date()

    def _copy(self, barcode: str) -> Copy:
        copy = self._copies.copy_by_barcode(barcode)
        if copy is None:
            raise DeskError(f"no copy has barcode {barcode}")
        return copy

    def _library(self, library_id: str) -> None:
        if library_id not in self._libraries:
            raise DeskError(f"no library with id {library_id}")

    def _deadline(self, hold: Hold) -> date:
        return pickup_deadline(
            self._libraries, hold.pickup_library_id, self._today(), self._rules.pickup_open_days
        )

    def _first_waiting(self, record_id: str) -> Hold | None:
        return next(
            (h for h in self._queues.queue(record_id) if h.status is HoldStatus.PLACED), None
        )

    def _retrying(self, attempt_once: Callable[[], Outcome]) -> Outcome:
        for _ in range(ATTEMPTS - 1):
            try:
                return attempt_once()
            except ConcurrentChange:
                continue  # decide again on fresh reads
        return attempt_once()

    # -- check-in ------------------------------------------------------------------------
    def check_in(self, barcode: str, library_id: str) -> Outcome:
        """A copy comes back (or is found) at `library_id`: the first waiting hold gets it —
        ready if this is its pickup library, in transit otherwise — else it goes on the shelf."""
        self._library(library_id)

        def once() -> Outcome:
            copy = self._copy(barcode)
            if copy.status is CopyStatus.IN_TRANSIT:
                return self._arrive(copy, library_id)
            if copy.status is CopyStatus.ON_HOLD_SHELF:
                hold = self._queues.get(copy.record_id, copy.held_for or "")
                return Outcome(READY, copy, hold)  # already waiting for its patron
            hold = self._first_waiting(copy.record_id)
            if hold is None:
                self._changes.shelve(copy, library_id)
                return Outcome(SHELVED, copy)
            if hold.pickup_library_id == library_id:
                deadline = self._deadline(hold)
                self._changes.trap(hold, copy, HoldStatus.READY, deadline)
                ready = _ready(hold, copy, deadline)
                self._events.hold_ready(ready)
                return Outcome(READY, copy, ready)
            self._changes.trap(hold, copy, HoldStatus.IN_TRANSIT, None)
            return Outcome(IN_TRANSIT, copy, hold)

        return self._retrying(once)

    def arrive(self, barcode: str, library_id: str) -> Outcome:
        """A copy in transit is unpacked at `library_id`."""
        self._library(library_id)
        return self._retrying(lambda: self._arrive(self._copy(barcode), library_id))

    def _arrive(self, copy: Copy, library_id: str) -> Outcome:
        if copy.status is not CopyStatus.IN_TRANSIT:
            raise DeskError(f"copy {copy.barcode} is not in transit ({copy.status})")
        hold = self._queues.get(copy.record_id, copy.held_for or "")
        if hold is None or hold.status is not HoldStatus.IN_TRANSIT:
            raise DeskError(f"copy {copy.barcode} is in transit for a hold that is gone")
        if hold.pickup_library_id != library_id:
            pickup = self._libraries.name(hold.pickup_library_id)
            raise DeskError(f"copy {copy.barcode} goes to {pickup}, not here")
        deadline = self._deadline(hold)
        self._changes.arrive(hold, copy, deadline)
        ready = _ready(hold, copy, deadline)
        self._events.hold_ready(ready)
        return Outcome(READY, copy, ready)

    # -- check-out -----------------------------------------------------------------------
    def _title(self, record_id: str) -> str:
        record = self._copies.records([record_id]).get(record_id)
        return record.title if record else ""

    def check_out(self, barcode: str, patron_id: str, title: str = "") -> Outcome:
        """Lend the copy; if it waits on the hold shelf for this patron, the hold is collected.
        A copy set aside for someone else, or already out, is refused. The loan keeps the
        title (the hold's, `title`, or the record's) for My Page and the due-date reminder."""

        def once() -> Outcome:
            copy = self._copy(barcode)
            hold = None
            if copy.status is CopyStatus.ON_HOLD_SHELF:
                hold = self._queues.get(copy.record_id, copy.held_for or "")
                if hold is not None and hold.patron_id != patron_id:
                    raise DeskError(f"copy {barcode} is on the hold shelf for another patron")
            elif copy.status is not CopyStatus.ON_SHELF:
                raise DeskError(f"copy {barcode} cannot be lent now ({copy.status})")
            now = self._now()
            loan = Loan(
                patron_id=patron_id,
                barcode=barcode,
                record_id=copy.record_id,
                title=hold.title if hold else (title or self._title(copy.record_id)),
                due_on=self._today() + timedelta(days=self._rules.loan_days),
                loaned_at=now,
            )
            self._changes.lend(copy, loan, hold)
            return Outcome(COLLECTED if hold else LOANED, copy, hold, loan)

        return self._retrying(once)

    # -- daily ---------------------------------------------------------------------------
    def send_reminders(self, loans: LoansDue) -> tuple[int, int]:
        """Tomorrow is the last day: to collect a ready hold, or to return a loan. Returns how
        many of each were announced."""
        tomorrow = self._today() + timedelta(days=1)
        holds = [h for h in self._queues.ready_until(tomorrow) if h.pickup_deadline == tomorrow]
        for hold in holds:
            self._events.pickup_reminder(hold)
        due = loans.due_on(tomorrow)
        for loan in due:
            self._events.due_reminder(loan)
        return len(holds), len(due)

    def expire_uncollected(self) -> list[Outcome]:
        """Holds whose pickup deadline has passed expire; each copy goes to the next in line."""
        outcomes = []
        for hold in self._queues.ready_until(self._today() - timedelta(days=1)):
            outcomes.append(self._retrying(lambda hold=hold: self._expire(hold)))
        return outcomes

    def _expire(self, hold: Hold) -> Outcome:
        copy = self._copy(hold.barcode or "")
        following = self._first_waiting(hold.record_id)
        if following is None:
            self._changes.expire(hold, copy, None, None, None)
            return Outcome(EXPIRED, copy, hold)
        here = copy.library_id == following.pickup_library_id
        status = HoldStatus.READY if here else HoldStatus.IN_TRANSIT
        deadline = self._deadline(following) if here else None
        self._changes.expire(hold, copy, following, status, deadline)
        if here:
            self._events.hold_ready(_ready(following, copy, deadline))
        return Outcome(EXPIRED, copy, hold)


def _ready(hold: Hold, copy: Copy, deadline: date) -> Hold:
    return replace(hold, status=HoldStatus.READY, barcode=copy.barcode, pickup_deadline=deadline)

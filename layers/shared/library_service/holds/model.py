"""A hold and the states it goes through (ARCHITECTURE §5; Koha reserves, FOLIO requests).

placed (waiting in the title's queue) → in_transit (a copy is on its way to the pickup
library) → ready (on the hold shelf until the deadline) → collected (checked out).
Side exits: cancelled (by the patron while waiting, or by staff), expired (not collected).
"""

from __future__ import annotations

import uuid
from dataclasses import dataclass
from datetime import date, datetime
from enum import StrEnum


class HoldStatus(StrEnum):
    PLACED = "placed"
    IN_TRANSIT = "in_transit"
    READY = "ready"
    COLLECTED = "collected"
    CANCELLED = "cancelled"
    EXPIRED = "expired"

    @property
    def is_open(self) -> bool:
        return self in OPEN

    @property
    def is_trapped(self) -> bool:
        """A copy is set aside for it: only staff may change it now."""
        return self in (HoldStatus.IN_TRANSIT, HoldStatus.READY)


OPEN = frozenset({HoldStatus.PLACED, HoldStatus.IN_TRANSIT, HoldStatus.READY})


def new_hold_id(now: datetime) -> str:
    """Time first, so a title's holds sort in placement order; random after, so two holds
    placed in the same microsecond still get distinct IDs (and some order)."""
    return f"{now.strftime('%Y%m%dT%H%M%S%f')}-{uuid.uuid4().hex[:8]}"


@dataclass(frozen=True)
class Hold:
    hold_id: str  # sorts in placement order within a title
    record_id: str
    patron_id: str
    pickup_library_id: str
    status: HoldStatus
    placed_at: datetime
    barcode: str | None = None  # the copy trapped for it
    pickup_deadline: date | None = None
    title: str = ""  # copied from the record at placement, for lists and notices


@dataclass(frozen=True)
class Loan:
    patron_id: str
    barcode: str
    record_id: str
    title: str
    due_on: date
    loaned_at: datetime
    renewals: int = 0  # how many times the due date was put back (holds/renewal.py)


@dataclass(frozen=True)
class QueuedHold:
    """A hold with its place in the title's queue: 1 is next; None once a copy is trapped."""

    hold: Hold
    position: int | None


class ConcurrentChange(Exception):
    """Someone changed the copy or hold between reading and writing; decide again."""


class HoldError(Exception):
    """A hold the rules do not allow; `reason` is one of the class constants."""


class AlreadyHeld(HoldError):
    def __init__(self, existing: Hold) -> None:
        super().__init__(existing.hold_id)
        self.existing = existing


class HoldLimitReached(HoldError):
    def __init__(self, limit: int) -> None:
        super().__init__(f"at most {limit} open holds")
        self.limit = limit


class NotAllowedToReserve(HoldError):
    """The patron's status does not allow holds (suspended; provisional when so configured)."""


class NotAPickupPoint(HoldError):
    pass


class UnknownTitle(HoldError):
    pass


class HoldNotCancellable(HoldError):
    """Trapped, finished, or not this patron's: the library decides from here."""

    def __init__(self, hold: Hold | None) -> None:
        super().__init__(hold.status if hold else "no such hold")
        self.hold = hold

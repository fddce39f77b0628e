"""The events notices are sent for, read from their EventBridge `detail`.

The circulation desk publishes them on source `library.circulation`:
- HoldReady, when a trapped copy is on the hold shelf of the pickup library, and
  HoldPickupReminder, the day before its pickup deadline, both with
  `{"holdId", "recordId", "patronId", "pickupLibraryId", "pickupDeadline": "YYYY-MM-DD", "title"}`;
- LoanDueReminder, the day before a loan is due:
  `{"patronId", "barcode", "recordId", "dueOn": "YYYY-MM-DD", "title"}`.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date
from typing import ClassVar

from ..privacy import mask_id

HOLD_FIELDS = ("holdId", "recordId", "patronId", "pickupLibraryId", "pickupDeadline")
LOAN_FIELDS = ("patronId", "barcode", "recordId", "dueOn")


class InvalidEvent(ValueError):
    """The event breaks the published contract; it cannot be noticed and needs an operator."""


class Notice:
    """Something a patron is told once: the notice log and LINE's retry key know it by its key."""

    KIND: ClassVar[str]
    patron_id: str

    @property
    def notice_key(self) -> tuple[str, ...]:
        """The kind and what identifies one notice of that kind, e.g. ("hold-ready", holdId)."""
        raise NotImplementedError

    @property
    def notice_id(self) -> str:
        """The notice log's key: `hold-ready#<holdId>`."""
        return "#".join(self.notice_key)

    @property
    def log_id(self) -> str:
        """The notice as a log line may name it: nothing there may tell what the patron reads."""
        return self.notice_id


@dataclass(frozen=True, repr=False)
class _HoldOnShelf(Notice):
    """A trapped copy waiting on the hold shelf for the patron who reserved it."""

    hold_id: str
    record_id: str
    patron_id: str
    pickup_library_id: str
    pickup_deadline: date
    title: str

    @classmethod
    def from_detail(cls, detail: object):
        detail = _required(cls.__name__, detail, HOLD_FIELDS)
        return cls(
            hold_id=detail["holdId"],
            record_id=detail["recordId"],
            patron_id=detail["patronId"],
            pickup_library_id=detail["pickupLibraryId"],
            pickup_deadline=_day(cls.__name__, detail, "pickupDeadline"),
            title=_title(detail),
        )

    @property
    def notice_key(self) -> tuple[str, ...]:
        return (self.KIND, self.hold_id)

    def __repr__(self) -> str:
        # What a patron reads is private: a traceback or log line shows neither title nor patron.
        return f"{type(self).__name__}(hold={self.hold_id}, patron={mask_id(self.patron_id)})"


class HoldReady(_HoldOnShelf):
    """One notice per hold: its copy can be collected."""

    KIND = "hold-ready"


class PickupReminder(_HoldOnShelf):
    """One reminder per hold: its pickup deadline is tomorrow."""

    KIND = "pickup-reminder"


@dataclass(frozen=True, repr=False)
class LoanDue(Notice):
    """One reminder per loan and due date: a renewed loan is reminded again of its new date."""

    KIND: ClassVar[str] = "due-reminder"

    patron_id: str
    barcode: str
    record_id: str
    due_on: date
    title: str

    @classmethod
    def from_detail(cls, detail: object) -> LoanDue:
        detail = _required(cls.__name__, detail, LOAN_FIELDS)
        return cls(
            patron_id=detail["patronId"],
            barcode=detail["barcode"],
            record_id=detail["recordId"],
            due_on=_day(cls.__name__, detail, "dueOn"),
            title=_title(detail),
        )

    @property
    def notice_key(self) -> tuple[str, ...]:
        return (self.KIND, self.barcode, self.due_on.isoformat())

    @property
    def log_id(self) -> str:
        # No part of the barcode: it names the book (even its first digits are the record's),
        # and the masked patron and the date are enough to find the notice log's item.
        return f"{self.KIND}#{self.due_on.isoformat()}"

    def __repr__(self) -> str:
        return f"LoanDue(due={self.due_on.isoformat()}, patron={mask_id(self.patron_id)})"


def _required(event: str, detail: object, fields: tuple[str, ...]) -> dict:
    if not isinstance(detail, dict):
        raise InvalidEvent(f"{event} detail is not an object")
    missing = [name for name in fields if not _text(detail.get(name))]
    if missing:
        raise InvalidEvent(f"{event} detail lacks {', '.join(missing)}")
    return detail


def _day(event: str, detail: dict, field: str) -> date:
    try:
        return date.fromisoformat(detail[field])
    except ValueError:
        raise InvalidEvent(f"{event} {field} is not YYYY-MM-DD") from None


def _title(detail: dict) -> str:
    title = detail.get("title")
    return title if isinstance(title, str) else ""


def _text(value: object) -> bool:
    return isinstance(value, str) and bool(value.strip())

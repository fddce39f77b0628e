"""What became of each notice: the notice log's statuses and the interface to it."""

from __future__ import annotations

from enum import StrEnum
from typing import Protocol


class NoticeStatus(StrEnum):
    DELIVERED = "delivered"  # LINE accepted the push
    NOT_LINKED = "not_linked"  # the patron has no LINE link: the library tells them otherwise
    UNKNOWN_PATRON = "unknown_patron"  # no such patron (removed, or a bad event)


class NoticeLog(Protocol):
    def status(self, notice_id: str) -> NoticeStatus | None:
        """What became of the notice, read consistently; None if it was never recorded."""
        ...

    def record(self, notice_id: str, status: NoticeStatus, patron_id: str) -> None:
        """Record the outcome; a notice once delivered stays delivered."""
        ...

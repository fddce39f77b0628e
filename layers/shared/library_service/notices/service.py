"""Sends each notice (a hold ready, a pickup or due reminder) at most once and records what
became of it.

The notice log answers "was this patron told?" and keeps a redelivered event from pushing
again. LINE's X-Line-Retry-Key, derived from the notice, covers the gap the log cannot: two
deliveries of one event running at the same moment, or a push that LINE accepted just before
the function failed to record it. A final LINE failure is raised, so the event's retries and
then its dead-letter queue take over; nothing is recorded for it.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from typing import Protocol

from aws_lambda_powertools import Logger

from ..catalogue.libraries import Libraries
from ..line.messenger import retry_key_for
from ..patrons.directory import PatronDirectory
from ..privacy import mask_id
from .due_reminder import due_reminder_message
from .events import HoldReady, LoanDue, Notice, PickupReminder
from .hold_ready import hold_ready_message
from .log import NoticeLog, NoticeStatus
from .pickup_reminder import pickup_reminder_message

logger = Logger(child=True)


class Pusher(Protocol):
    def push(self, to: str, messages: list[dict], retry_key: str) -> None: ...


@dataclass(frozen=True)
class NoticeResult:
    notice_id: str
    status: NoticeStatus
    pushed: bool  # False when nothing was sent now (not linked, or delivered before)


class NoticeService:
    def __init__(
        self,
        patrons: PatronDirectory,
        messenger: Pusher,
        log: NoticeLog,
        libraries: Libraries,
        shows_title: bool,
    ) -> None:
        self._patrons = patrons
        self._messenger = messenger
        self._log = log
        self._libraries = libraries
        self._shows_title = shows_title

    def hold_ready(self, notice: HoldReady) -> NoticeResult:
        library = self._libraries.name(notice.pickup_library_id)
        return self._send_once(notice, lambda titled: hold_ready_message(notice, library, titled))

    def pickup_reminder(self, notice: PickupReminder) -> NoticeResult:
        library = self._libraries.name(notice.pickup_library_id)
        return self._send_once(
            notice, lambda titled: pickup_reminder_message(notice, library, titled)
        )

    def due_reminder(self, notice: LoanDue) -> NoticeResult:
        return self._send_once(notice, lambda titled: due_reminder_message(notice, titled))

    def _send_once(self, notice: Notice, message_for: Callable[[bool], dict]) -> NoticeResult:
        """`message_for(titled)`: the notice, naming the book or not."""
        notice_id = notice.notice_id
        context = {"notice": notice.log_id, "patron": mask_id(notice.patron_id)}
        if self._log.status(notice_id) is NoticeStatus.DELIVERED:
            logger.info("notice already delivered", extra=context)
            return NoticeResult(notice_id, NoticeStatus.DELIVERED, pushed=False)

        patron = self._patrons.get(notice.patron_id)
        if patron is None or patron.line_user_id is None:
            # Not an error to retry: no retry would find a LINE user to tell. A redelivery
            # looks again, so a patron who linked LINE in the meantime is still told.
            status = NoticeStatus.UNKNOWN_PATRON if patron is None else NoticeStatus.NOT_LINKED
            self._log.record(notice_id, status, notice.patron_id)
            logger.info("notice not sent", extra={**context, "status": status.value})
            return NoticeResult(notice_id, status, pushed=False)

        # The patron's own answer at registration wins; the setting covers everyone else.
        titled = self._shows_title if patron.notice_titles is None else patron.notice_titles
        self._messenger.push(
            patron.line_user_id, [message_for(titled)], retry_key=retry_key_for(*notice.notice_key)
        )
        self._log.record(notice_id, NoticeStatus.DELIVERED, notice.patron_id)
        logger.info("notice delivered", extra={**context, "to": mask_id(patron.line_user_id)})
        return NoticeResult(notice_id, NoticeStatus.DELIVERED, pushed=True)

"""The notice log in NoticesTable: one item per notice, under `noticeId` (`hold-ready#<holdId>`,
`pickup-reminder#<holdId>`, `due-reminder#<barcode>#<dueOn>`).

Holds the outcome (`status`), when (`at`) and for whom (`patronId`), never the message or the
book's title. Items expire after `ttl_seconds` (DynamoDB's TTL on `expiresAt`): long after any
retry or redrive of the event, long enough to answer a patron who asks whether they were told.
"""

from __future__ import annotations

from collections.abc import Callable
from datetime import UTC, datetime, timedelta

from pynamodb.attributes import TTLAttribute, UnicodeAttribute, UTCDateTimeAttribute
from pynamodb.exceptions import DoesNotExist, PutError
from pynamodb.models import Model

from ..notices.log import NoticeStatus
from .binding import bind_model


class NoticeItem(Model):
    class Meta:
        table_name = "unbound"  # set by bind_notices from the settings

    notice_id = UnicodeAttribute(hash_key=True, attr_name="noticeId")
    status = UnicodeAttribute()
    at = UTCDateTimeAttribute()
    patron_id = UnicodeAttribute(attr_name="patronId")
    expires_at = TTLAttribute(attr_name="expiresAt")


def bind_notices(table: str, region: str) -> None:
    bind_model(NoticeItem, table, region)


def _now() -> datetime:
    return datetime.now(UTC)


class DynamoNoticeLog:
    """The notice log (`notices.service.NoticeLog`) on NoticesTable."""

    def __init__(self, ttl_seconds: int, clock: Callable[[], datetime] = _now) -> None:
        self._ttl = timedelta(seconds=ttl_seconds)
        self._clock = clock

    def status(self, notice_id: str) -> NoticeStatus | None:
        try:
            return NoticeStatus(NoticeItem.get(notice_id, consistent_read=True).status)
        except DoesNotExist:
            return None

    def record(self, notice_id: str, status: NoticeStatus, patron_id: str) -> None:
        now = self._clock()
        item = NoticeItem(
            notice_id,
            status=status.value,
            at=now,
            patron_id=patron_id,
            expires_at=now + self._ttl,
        )
        if status is NoticeStatus.DELIVERED:
            item.save()
            return
        # A concurrent delivery of the same event may have pushed meanwhile (the patron
        # linked LINE between the two reads); "not sent" must not hide that it was.
        try:
            item.save(
                condition=NoticeItem.status.does_not_exist()
                | (NoticeItem.status != NoticeStatus.DELIVERED.value)
            )
        except PutError as error:
            if error.cause_response_code != "ConditionalCheckFailedException":
                raise

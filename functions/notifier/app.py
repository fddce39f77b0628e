"""EventBridge target: a circulation desk event (HoldReady, HoldPickupReminder, LoanDueReminder)
becomes a LINE notice.

Returning normally means the event is done with (delivered, or recorded as not sent); raising
hands it to the asynchronous retries and then the dead-letter queue.
"""

from __future__ import annotations

from collections.abc import Callable

from aws_lambda_powertools import Logger
from aws_lambda_powertools.utilities.data_classes import EventBridgeEvent, event_source

from library_service.config import get_settings
from library_service.eventbus import DUE_REMINDER, HOLD_READY, PICKUP_REMINDER
from library_service.notices.events import HoldReady, InvalidEvent, LoanDue, PickupReminder
from library_service.notices.service import NoticeResult, NoticeService
from library_service.wiring import build_notice_service

logger = Logger(service="notifier")
_service: NoticeService | None = None

# detail-type → the notice it asks for; the names are the publisher's (eventbus.py).
NOTICES: dict[str, Callable[[NoticeService, dict], NoticeResult]] = {
    HOLD_READY: lambda notices, detail: notices.hold_ready(HoldReady.from_detail(detail)),
    PICKUP_REMINDER: lambda notices, detail: notices.pickup_reminder(
        PickupReminder.from_detail(detail)
    ),
    DUE_REMINDER: lambda notices, detail: notices.due_reminder(LoanDue.from_detail(detail)),
}


def _notice_service() -> NoticeService:
    global _service
    if _service is None:
        _service = build_notice_service(get_settings())
    return _service


@logger.inject_lambda_context(clear_state=True)
@event_source(data_class=EventBridgeEvent)
def lambda_handler(event: EventBridgeEvent, context) -> dict:
    logger.append_keys(event_id=event.get_id, detail_type=event.detail_type)
    notice = NOTICES.get(event.detail_type)
    if notice is None:
        # The rule's pattern lets only the types above through: this is a misconfigured rule.
        raise InvalidEvent(f"no notice for detail-type {event.detail_type!r}")
    result = notice(_notice_service(), event.detail)
    return {"noticeId": result.notice_id, "status": result.status.value, "pushed": result.pushed}

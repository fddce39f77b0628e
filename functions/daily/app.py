"""Once a day (EventBridge schedule): uncollected holds expire and their copies go to the next
patron in line (told through HoldReady like any other); holds to collect and loans to return
by tomorrow are announced (HoldPickupReminder, LoanDueReminder) for the notifier."""

from __future__ import annotations

from aws_lambda_powertools import Logger

from library_service.config import get_settings
from library_service.holds.circulation import CirculationDesk
from library_service.storage.loans import DynamoLoans
from library_service.wiring import build_circulation_desk

logger = Logger(service="daily")
_desk: CirculationDesk | None = None


@logger.inject_lambda_context(clear_state=True)
def lambda_handler(event: dict, context) -> dict:
    global _desk
    if _desk is None:
        _desk = build_circulation_desk(get_settings())
    expired = _desk.expire_uncollected()
    pickups, returns = _desk.send_reminders(DynamoLoans())
    summary = {"expired": len(expired), "pickupReminders": pickups, "dueReminders": returns}
    logger.info("daily run", extra=summary)
    return summary

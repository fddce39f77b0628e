"""Circulation desk events (HoldReady, and the daily HoldPickupReminder and LoanDueReminder)
as the desk publishes them and EventBridge delivers them."""

from __future__ import annotations

import json
import uuid

from library_service.eventbus import HOLD_READY, SOURCE

TITLE = "こころ"


def hold_ready_detail(patron_id: str, hold_id: str | None = None, **overrides) -> dict:
    """HoldReady's detail, and HoldPickupReminder's: the same shape."""
    return {
        "holdId": hold_id or f"20261201T100000000000-{uuid.uuid4().hex[:8]}",
        "recordId": "aozora-000773",
        "patronId": patron_id,
        "pickupLibraryId": "central",
        "pickupDeadline": "2026-12-11",
        "title": TITLE,
        **overrides,
    }


def loan_due_detail(patron_id: str, barcode: str | None = None, **overrides) -> dict:
    """LoanDueReminder's detail; a new copy's barcode unless one is given."""
    return {
        "patronId": patron_id,
        "barcode": f"9{uuid.uuid4().int % 10**7:07d}" if barcode is None else barcode,
        "recordId": "aozora-000773",
        "dueOn": "2026-12-15",
        "title": TITLE,
        **overrides,
    }


def eventbridge_event(detail: dict, detail_type: str = HOLD_READY) -> dict:
    """The event as an EventBridge rule hands it to its Lambda target."""
    return {
        "version": "0",
        "id": str(uuid.uuid4()),
        "detail-type": detail_type,
        "source": SOURCE,
        "account": "123456789012",
        "time": "2026-12-01T01:00:00Z",
        "region": "ap-northeast-1",
        "resources": [],
        "detail": detail,
    }


def put_events_entry(detail: dict, bus_name: str, detail_type: str = HOLD_READY) -> dict:
    """An `events.put_events` entry, as the circulation desk puts it on the bus."""
    return {
        "Source": SOURCE,
        "DetailType": detail_type,
        "Detail": json.dumps(detail, ensure_ascii=False),
        "EventBusName": bus_name,
    }

"""Domain events to the project's EventBridge bus (HoldReady and whatever comes next)."""

from __future__ import annotations

import json

import boto3

from .holds.model import Hold, Loan

SOURCE = "library.circulation"
HOLD_READY = "HoldReady"
PICKUP_REMINDER = "HoldPickupReminder"
DUE_REMINDER = "LoanDueReminder"


class EventPublishFailed(Exception):
    pass


def hold_ready_detail(hold: Hold) -> dict:
    return {
        "holdId": hold.hold_id,
        "recordId": hold.record_id,
        "patronId": hold.patron_id,
        "pickupLibraryId": hold.pickup_library_id,
        "pickupDeadline": hold.pickup_deadline.isoformat() if hold.pickup_deadline else None,
        "title": hold.title,
    }


def loan_due_detail(loan: Loan) -> dict:
    return {
        "patronId": loan.patron_id,
        "barcode": loan.barcode,
        "recordId": loan.record_id,
        "dueOn": loan.due_on.isoformat(),
        "title": loan.title,
    }


class EventBridgeHoldEvents:
    def __init__(self, bus_name: str, region: str) -> None:
        self._bus_name = bus_name
        self._region = region
        self._client = None  # made on first use, after the endpoint settings are in place

    def hold_ready(self, hold: Hold) -> None:
        self._put(HOLD_READY, hold_ready_detail(hold))

    def pickup_reminder(self, hold: Hold) -> None:
        self._put(PICKUP_REMINDER, hold_ready_detail(hold))

    def due_reminder(self, loan: Loan) -> None:
        self._put(DUE_REMINDER, loan_due_detail(loan))

    def _put(self, detail_type: str, detail: dict) -> None:
        if self._client is None:
            self._client = boto3.client("events", region_name=self._region)
        answer = self._client.put_events(
            Entries=[
                {
                    "EventBusName": self._bus_name,
                    "Source": SOURCE,
                    "DetailType": detail_type,
                    "Detail": json.dumps(detail, ensure_ascii=False),
                }
            ]
        )
        if answer.get("FailedEntryCount"):
            raise EventPublishFailed(json.dumps(answer["Entries"]))

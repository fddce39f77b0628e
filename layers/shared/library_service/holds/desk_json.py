"""A desk outcome as JSON for the API and the CLI (IDs and dates; no patron details)."""

from __future__ import annotations

from .circulation import Outcome


def outcome_json(outcome: Outcome) -> dict:
    answer: dict = {
        "action": outcome.action,
        "barcode": outcome.copy.barcode,
        "recordId": outcome.copy.record_id,
    }
    if outcome.hold is not None:
        hold = outcome.hold
        answer["hold"] = {
            "holdId": hold.hold_id,
            "patronId": hold.patron_id,
            "pickupLibraryId": hold.pickup_library_id,
            "pickupDeadline": hold.pickup_deadline.isoformat() if hold.pickup_deadline else None,
        }
    if outcome.loan is not None:
        answer["loan"] = {
            "patronId": outcome.loan.patron_id,
            "dueOn": outcome.loan.due_on.isoformat(),
        }
    return answer

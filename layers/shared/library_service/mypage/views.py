"""What the home page shows, worked out from the patron, their holds and their loans."""

from __future__ import annotations

from datetime import date

from ..catalogue.libraries import Libraries
from ..conversation import texts as chat_texts
from ..holds.model import HoldStatus, QueuedHold
from ..holds.renewal import LoanView
from ..patrons.model import Patron
from . import texts


def japanese_date(day: date) -> str:
    return f"{day.year}年{day.month}月{day.day}日"


def home_view(
    patron: Patron, holds: list[QueuedHold], loans: list[LoanView], libraries: Libraries
) -> dict:
    return {
        "patron": {
            "name": patron.name,
            "patron_id": patron.patron_id,
            "status": texts.STATUS.get(patron.status.value, patron.status.value),
            "contact": patron.contact,
            "linked": patron.line_user_id is not None,
            "link_state": texts.LINKED if patron.line_user_id else texts.NOT_LINKED,
        },
        "initial_password": patron.password_is_initial,
        "loans": [
            {
                "title": view.loan.title or "（書名なし）",
                "barcode": view.loan.barcode,
                "due": japanese_date(view.loan.due_on),
                "overdue": view.overdue,
                "renewable": view.renewable,
            }
            for view in loans
        ],
        "holds": [
            {
                "title": item.hold.title or "（書名なし）",
                "record": item.hold.record_id,
                "hold": item.hold.hold_id,
                "status": chat_texts.hold_status_line(
                    item.hold.status.value,
                    item.position,
                    japanese_date(item.hold.pickup_deadline) if item.hold.pickup_deadline else None,
                ),
                "library": libraries.name(item.hold.pickup_library_id),
                "cancellable": item.hold.status is HoldStatus.PLACED,
            }
            for item in holds
        ],
    }

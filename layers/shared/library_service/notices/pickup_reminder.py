"""The 受取期限 reminder, the day before a ready hold's pickup deadline."""

from __future__ import annotations

from ..line import messages
from .bubble import (
    ALT_TITLE_CHARS,
    BRING_CARD,
    EXPIRY,
    TITLE_CHARS,
    book,
    header,
    note,
    notice_message,
    show_holds_button,
    tomorrow_text,
)
from .events import PickupReminder

HEADER = "受取期限のお知らせ"


def _deadline(notice: PickupReminder, shows_title: bool, limit: int) -> str:
    """「ご予約の本は、明日（12月9日（水））が受取期限です。」"""
    subject = book("ご予約", notice.title, shows_title, limit)
    return f"{subject}は、{tomorrow_text(notice.pickup_deadline)}が受取期限です。"


def _visit(library_name: str) -> str:
    return f"{library_name}にご来館ください。"


def alt_text(notice: PickupReminder, library_name: str, shows_title: bool) -> str:
    return _deadline(notice, shows_title, ALT_TITLE_CHARS) + _visit(library_name)


def pickup_reminder_message(notice: PickupReminder, library_name: str, shows_title: bool) -> dict:
    body = [
        header(HEADER),
        messages.text_block(_deadline(notice, shows_title, TITLE_CHARS), size="md", weight="bold"),
        messages.text_block(_visit(library_name), size="sm"),
        note(f"{BRING_CARD}\n{EXPIRY}"),
    ]
    return notice_message(alt_text(notice, library_name, shows_title), body, show_holds_button())

"""The 予約本の貸出準備完了 notice: a Flex bubble telling the patron where and until when."""

from __future__ import annotations

from ..conversation import texts as conversation_texts
from ..line import messages
from .bubble import (
    ALT_TITLE_CHARS,
    BRING_CARD,
    EXPIRY,
    TITLE_CHARS,
    book,
    deadline_text,
    header,
    note,
    notice_message,
    show_holds_button,
)
from .events import HoldReady

HEADER = "予約のお知らせ"
VISIT = "受取期限までに、ご指定の図書館にご来館ください。"


def _ready(notice: HoldReady, shows_title: bool, limit: int) -> str:
    return f"{book('ご予約', notice.title, shows_title, limit)}が貸出可能になりました。"


def alt_text(notice: HoldReady, library_name: str, shows_title: bool) -> str:
    return (
        _ready(notice, shows_title, ALT_TITLE_CHARS)
        + f"{library_name}で{deadline_text(notice.pickup_deadline)}お受け取りいただけます。"
    )


def hold_ready_message(notice: HoldReady, library_name: str, shows_title: bool) -> dict:
    body = [
        header(HEADER),
        messages.text_block(_ready(notice, shows_title, TITLE_CHARS), size="md", weight="bold"),
        messages.text_block(conversation_texts.pickup_label(library_name), size="sm"),
        messages.text_block(
            f"受取期限：{deadline_text(notice.pickup_deadline)}", size="sm", weight="bold"
        ),
        note(f"{VISIT}\n{BRING_CARD}\n{EXPIRY}"),
    ]
    return notice_message(alt_text(notice, library_name, shows_title), body, show_holds_button())

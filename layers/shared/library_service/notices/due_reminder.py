"""The 返却期限 reminder, the day before a loan is due."""

from __future__ import annotations

from ..conversation import texts as conversation_texts
from ..line import messages
from .bubble import ALT_TITLE_CHARS, TITLE_CHARS, book, header, note, notice_message, tomorrow_text
from .events import LoanDue

HEADER = "返却期限のお知らせ"
# Only "may": a loan someone has reserved cannot be renewed, and the notice cannot know that.
RENEWAL = f"予約待ちの方がいなければ、{conversation_texts.MENU_MYPAGE}で延長できる場合があります。"


def _due(notice: LoanDue, shows_title: bool, limit: int) -> str:
    """「貸出中の本の返却期限は明日（12月15日（火））です。」"""
    subject = book("貸出中", notice.title, shows_title, limit)
    return f"{subject}の返却期限は{tomorrow_text(notice.due_on)}です。"


def due_reminder_message(notice: LoanDue, shows_title: bool) -> dict:
    body = [
        header(HEADER),
        messages.text_block(_due(notice, shows_title, TITLE_CHARS), size="md", weight="bold"),
        note(RENEWAL),
    ]
    return notice_message(_due(notice, shows_title, ALT_TITLE_CHARS), body)

"""What every notice shares: days in Japanese, the book named only when allowed, the layout.

A push shows its altText on the phone's lock screen, where anyone nearby can read it; what a
patron reads is private (図書館の自由に関する宣言), so the book's title appears only when the
library turns `notice_shows_title` on, and then in the bubble and the altText alike.
"""

from __future__ import annotations

from datetime import date

from ..conversation import texts as conversation_texts
from ..line import messages
from ..line.limits import truncate

WEEKDAYS = "月火水木金土日"  # date.weekday(): 0 is Monday
TITLE_CHARS = 80
ALT_TITLE_CHARS = 40
HEADER_COLOR = "#1E7B34"
NOTE_COLOR = "#555555"

BRING_CARD = "ご来館の際は利用者カードをお持ちください。"
EXPIRY = "受取期限を過ぎると、予約は取り消しとなります。"
SHOW_HOLDS = "予約状況を確認"


def day_text(day: date) -> str:
    """「12月11日（金）」: the day and its weekday in kanji."""
    return f"{day.month}月{day.day}日（{WEEKDAYS[day.weekday()]}）"


def deadline_text(deadline: date) -> str:
    """「12月11日（金）まで」: the last day something is kept for the patron."""
    return f"{day_text(deadline)}まで"


def tomorrow_text(day: date) -> str:
    """「明日（12月9日（水））」: reminders are sent the day before, and say so with the date."""
    return f"明日（{day_text(day)}）"


def book(whose: str, title: str, shows_title: bool, limit: int) -> str:
    """「ご予約の「こころ」」, or 「ご予約の本」 when titles are kept off notices (or unknown)."""
    if shows_title and title.strip():
        return f"{whose}の「{truncate(title.strip(), limit)}」"
    return f"{whose}の本"


def header(text: str) -> dict:
    return messages.text_block(text, weight="bold", size="sm", color=HEADER_COLOR)


def note(text: str) -> dict:
    """The small print under a notice: what to bring, what happens otherwise."""
    return messages.text_block(text, size="xs", color=NOTE_COLOR)


def show_holds_button() -> dict:
    # The button sends 予約状況 as if typed, so the conversation answers with the hold list
    # inside the chat, where titles are not on the lock screen.
    action = messages.message_action(SHOW_HOLDS, conversation_texts.HOLDS_STATUS)
    return messages.button(action, style="primary")


def notice_message(alt_text: str, body: list[dict], button: dict | None = None) -> dict:
    """One bubble of text blocks, with the button (if any) in its footer."""
    bubble = {
        "type": "bubble",
        "body": {"type": "box", "layout": "vertical", "spacing": "sm", "contents": body},
    }
    if button is not None:
        bubble["footer"] = {"type": "box", "layout": "vertical", "contents": [button]}
    return messages.flex(alt_text, bubble)

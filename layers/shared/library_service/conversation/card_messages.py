"""利用者カード: the card as a Flex bubble, and the answer for a LINE user with no patron.

The barcode is an image from a short-lived signed link (`card.links`); the bubble is as wide
as LINE allows (giga) so that the counter's scanner reads it off the screen. The altText says
only 「利用者カード」: it shows in the chat list and in notifications, where a name should not.
"""

from __future__ import annotations

from collections.abc import Callable

from ..card.barcode import ASPECT_RATIO
from ..line import messages, postback
from ..line.limits import truncate
from ..patrons.model import Patron
from . import menus, texts

CARD_TITLE = texts.MENU_CARD  # 利用者カード
CARD_ALT_TEXT = texts.MENU_CARD
NAME_LABEL = "氏名"
ID_LABEL = "利用者ID"
SHOW_AT_COUNTER = "図書館のカウンターでこの画面をご提示ください。"
LINK_LABEL = "LINE連携"
CARD_NOT_LINKED = (
    "利用者カードを表示するには、利用者登録またはLINE連携が必要です。\n"
    "はじめての方は「利用者登録」から、すでに図書館の利用者カードをお持ちの方は"
    "「LINE連携」（マイページ）からお手続きください。"
)
NAME_CHARS = 40
HEADER_COLOR = "#1E7B34"
LABEL_COLOR = "#666666"
NOTE_COLOR = "#555555"


def spaced_id(patron_id: str) -> str:
    """「53227 26950」: two groups of five, easier to read out or type than ten digits."""
    return f"{patron_id[:5]} {patron_id[5:]}" if len(patron_id) == 10 else patron_id


def _field(label: str, value: str, **style) -> dict:
    return {
        "type": "box",
        "layout": "baseline",
        "spacing": "md",
        "contents": [
            {"type": "text", "text": label, "size": "sm", "color": LABEL_COLOR, "flex": 2},
            messages.text_block(value, size="md", flex=5, **style),
        ],
    }


def card_bubble(
    patron_name: str, patron_id: str, barcode_url: str, library_name: str | None = None
) -> dict:
    """The card: the name, the ID in digits and as the NW-7 barcode from `barcode_url`."""
    header = [messages.text_block(CARD_TITLE, weight="bold", size="lg", color=HEADER_COLOR)]
    if library_name:
        header.append(messages.text_block(library_name, size="xs", color=LABEL_COLOR))
    body = [
        _field(NAME_LABEL, truncate(patron_name, NAME_CHARS), weight="bold"),
        _field(ID_LABEL, spaced_id(patron_id)),
        {
            "type": "image",
            "url": barcode_url,
            "size": "full",
            "aspectMode": "fit",
            "aspectRatio": ASPECT_RATIO,
            "backgroundColor": "#FFFFFF",
            "margin": "lg",
        },
        messages.text_block(SHOW_AT_COUNTER, size="xs", color=NOTE_COLOR, margin="md"),
    ]
    bubble = {
        "type": "bubble",
        "size": "giga",
        "header": {"type": "box", "layout": "vertical", "contents": header},
        "body": {"type": "box", "layout": "vertical", "spacing": "sm", "contents": body},
    }
    return messages.flex(CARD_ALT_TEXT, bubble, [menus.back_to_menu()])


def not_linked_message() -> dict:
    """For a LINE user with no linked patron: register, or link an existing card (マイページ)."""
    choices = [
        (texts.MENU_REGISTER, menus.MENU_ACTIONS[texts.MENU_REGISTER]),
        # LINE連携 lives in マイページ: the button opens it rather than a new action.
        (LINK_LABEL, menus.MENU_ACTIONS[texts.MENU_MYPAGE]),
    ]
    actions = [
        messages.postback_action(label, postback.encode(action), display_text=label)
        for label, action in choices
    ]
    return messages.text(CARD_NOT_LINKED, actions + [menus.back_to_menu()])


def card_answer(
    patron: Patron | None, barcode_url: Callable[[str], str], library_name: str | None = None
) -> dict:
    """利用者カード for the patron linked to this LINE user, or how to get one (None).

    `barcode_url` makes the image's signed link for a patron ID (`CardLinks.url_for`)."""
    if patron is None:
        return not_linked_message()
    return card_bubble(patron.name, patron.patron_id, barcode_url(patron.patron_id), library_name)

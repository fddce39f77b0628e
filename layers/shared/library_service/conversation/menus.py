"""The library menu (the seed's four entries) as a Flex message."""

from __future__ import annotations

from ..line import messages, postback
from . import texts

MENU_ACTIONS = {
    texts.MENU_REGISTER: "register",
    texts.MENU_SEARCH: "search",
    texts.MENU_MYPAGE: "mypage",
    texts.MENU_CARD: "card",
}
SHOW_MENU = "menu"


def back_to_menu() -> dict:
    return messages.postback_action(
        texts.MENU_BACK, postback.encode(SHOW_MENU), display_text=texts.LIBRARY_TAB
    )


def library_menu() -> dict:
    entries = []
    for label, action in MENU_ACTIONS.items():
        entries.append(
            messages.button(
                messages.postback_action(label, postback.encode(action), display_text=label),
                style="primary",
            )
        )
        entries.append(
            messages.text_block(texts.MENU_DESCRIPTIONS[label], size="xs", color="#666666")
        )
    bubble = {
        "type": "bubble",
        "header": {
            "type": "box",
            "layout": "vertical",
            "contents": [messages.text_block(texts.MENU_TITLE, weight="bold", size="lg")],
        },
        "body": {"type": "box", "layout": "vertical", "spacing": "sm", "contents": entries},
    }
    return messages.flex(texts.MENU_ALT_TEXT, bubble)

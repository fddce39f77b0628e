"""The 利用者カード bubble and the not-linked answer, as LINE (the emulator's checks) takes them."""

from __future__ import annotations

import io
from datetime import UTC, date, datetime

from PIL import Image

from devstack.line_emulator.message_validation import validate_messages
from library_service.card.barcode import nw7_png
from library_service.conversation import menus, texts
from library_service.conversation.card_messages import (
    card_answer,
    card_bubble,
    not_linked_message,
)
from library_service.line import postback
from library_service.line.limits import check_messages
from library_service.patrons import Patron, PatronStatus, RegisteredVia

URL = "https://abc123.execute-api.ap-northeast-1.amazonaws.com/card/barcode.png?t=v1.x.y"
PATRON = "5322726950"


def texts_in(node) -> list[str]:
    if isinstance(node, dict):
        found = [node["text"]] if node.get("type") == "text" else []
        return found + [t for value in node.values() for t in texts_in(value)]
    if isinstance(node, list):
        return [t for item in node for t in texts_in(item)]
    return []


def images_in(node) -> list[dict]:
    if isinstance(node, dict):
        found = [node] if node.get("type") == "image" else []
        return found + [i for value in node.values() for i in images_in(value)]
    if isinstance(node, list):
        return [i for item in node for i in images_in(item)]
    return []


def test_the_card_is_a_valid_flex_bubble_with_name_id_and_barcode():
    message = card_bubble("図書 花子", PATRON, URL, library_name="渋谷区立図書館")
    assert validate_messages([message]) == []
    check_messages([message])
    assert message["type"] == "flex" and message["altText"] == "利用者カード"
    shown = texts_in(message["contents"])
    assert "利用者カード" in shown and "渋谷区立図書館" in shown
    assert "氏名" in shown and "図書 花子" in shown
    assert "利用者ID" in shown and "53227 26950" in shown
    assert "図書館のカウンターでこの画面をご提示ください。" in shown
    (image,) = images_in(message["contents"])
    assert image["url"] == URL
    assert image["size"] == "full" and image["aspectMode"] == "fit"


def test_the_image_keeps_the_barcode_png_proportions():
    (image,) = images_in(card_bubble("図書 花子", PATRON, URL)["contents"])
    width, height = Image.open(io.BytesIO(nw7_png(PATRON))).size
    assert image["aspectRatio"] == f"{width}:{height}"


def test_the_alt_text_names_no_one():
    message = card_bubble("図書 花子", PATRON, URL)
    assert "花子" not in message["altText"] and PATRON not in message["altText"]


def test_a_long_name_is_shortened_and_the_card_stays_valid():
    message = card_bubble("寿" * 300, PATRON, URL)
    assert validate_messages([message]) == []
    assert not any(t.startswith("寿" * 41) for t in texts_in(message["contents"]))


def test_the_header_has_no_library_line_when_none_is_given():
    message = card_bubble("図書 花子", PATRON, URL)
    assert validate_messages([message]) == []
    assert "渋谷区立図書館" not in texts_in(message["contents"])


def test_not_linked_explains_and_offers_registration_and_line_linking():
    message = not_linked_message()
    assert validate_messages([message]) == []
    check_messages([message])
    assert "利用者カードを表示するには、利用者登録またはLINE連携が必要です" in message["text"]
    actions = [item["action"] for item in message["quickReply"]["items"]]
    assert [a["label"] for a in actions][:2] == ["利用者登録", "LINE連携"]
    assert all(a["type"] == "postback" for a in actions)
    decoded = [postback.decode(a["data"])[0] for a in actions]
    # Only actions the dialogue already knows: 利用者登録, マイページ (LINE連携), the menu.
    assert decoded == [
        menus.MENU_ACTIONS[texts.MENU_REGISTER],
        menus.MENU_ACTIONS[texts.MENU_MYPAGE],
        menus.SHOW_MENU,
    ]


def test_the_answer_is_the_card_for_a_linked_patron_and_the_way_in_for_others():
    patron = Patron(
        patron_id=PATRON,
        name="図書 花子",
        birth_date=date(1992, 5, 16),
        contact="090-1234-5678",
        status=PatronStatus.ACTIVE,
        line_user_id="U" + "a" * 32,
        password_hash="-",
        password_is_initial=False,
        registered_at=datetime(2026, 1, 5, tzinfo=UTC),
        registered_via=RegisteredVia.COUNTER,
    )
    asked = []

    def url_for(patron_id: str) -> str:
        asked.append(patron_id)
        return URL

    card = card_answer(patron, url_for, "渋谷区立図書館")
    assert asked == [PATRON]
    assert card == card_bubble("図書 花子", PATRON, URL, "渋谷区立図書館")
    assert card_answer(None, url_for) == not_linked_message()
    assert asked == [PATRON]  # no link is made for no one

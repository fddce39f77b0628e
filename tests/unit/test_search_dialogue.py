"""The 本の検索・予約 conversation, turn by turn, on an in-memory catalogue."""

from __future__ import annotations

import pytest
from linebot.v3.webhooks import Event

from library_service.catalogue.records import Author, CatalogueEntry, Copy, CopyStatus, Record
from library_service.conversation import texts
from library_service.conversation.dialogue import Dialogue
from library_service.conversation.state import Conversation
from library_service.line.limits import check_messages
from library_service.line.postback import decode
from tests.support import line_events
from tests.support.dialogues import unlinked_dialogue
from tests.support.line_events import USER
from tests.support.memory_catalogue import MemoryCatalogue

SOSEKI = Author("夏目 漱石")


def book(number: int, title: str, author: Author = SOSEKI, on_loan: bool = False):
    record_id = f"r{number:03d}"
    status = CopyStatus.ON_LOAN if on_loan else CopyStatus.ON_SHELF
    return CatalogueEntry(
        Record(record_id, title, (author,), publisher="岩波書店", year=1990),
        (Copy(record_id, f"b{number}", "central", status),),
    )


ENTRIES = [book(n, f"漱石の作品 その{n:02d}") for n in range(1, 24)]  # 23: pages of 10, 10, 3
ENTRIES += [
    book(100, "こころ", on_loan=True),
    book(101, "縮緬のこころ", Author("堀 辰雄")),
    book(102, "長" * 300, Author("長い 名前" * 20)),  # longer than any bubble allows
]


@pytest.fixture
def dialogue():
    return unlinked_dialogue(MemoryCatalogue(ENTRIES))


class Chat:
    """Feeds events to the dialogue and keeps the saved state, as the worker does."""

    def __init__(self, dialogue: Dialogue) -> None:
        self.dialogue = dialogue
        self.conversation = Conversation(USER)

    def send(self, raw: dict) -> list[dict]:
        turn = self.dialogue.on_event(Event.from_dict(raw), self.conversation)
        if turn.conversation is not None:
            self.conversation = turn.conversation
        check_messages(turn.messages)  # everything the flow says is something LINE accepts
        return turn.messages

    def tap(self, action: dict) -> list[dict]:
        return self.send(line_events.postback(action["data"]))

    def type(self, text: str) -> list[dict]:
        return self.send(line_events.text(text))


def quick_replies(message: dict) -> dict[str, dict]:
    return {item["action"]["label"]: item["action"] for item in message["quickReply"]["items"]}


def footer_buttons(bubble: dict) -> dict[str, dict]:
    return {node["action"]["label"]: node["action"] for node in bubble["footer"]["contents"]}


def bubble_titles(carousel: dict) -> list[str]:
    return [b["body"]["contents"][0]["text"] for b in carousel["contents"]["contents"]]


def start_search(chat: Chat, mode: str) -> None:
    (choose,) = chat.send(line_events.postback("action=search"))
    assert choose["text"] == texts.SEARCH_CHOOSE_MODE
    assert list(quick_replies(choose)) == ["書名", "著者名"]
    (prompt,) = chat.tap(quick_replies(choose)[mode])
    assert prompt["text"].startswith(f"{mode}の検索キーワードを入力してください")


def test_author_search_pages_ten_at_a_time_until_the_end(dialogue):
    chat = Chat(dialogue)
    start_search(chat, "著者名")
    carousel, navigation = chat.type("夏目　漱石")
    assert len(carousel["contents"]["contents"]) == 10
    summary = navigation["contents"]["body"]["contents"][0]["text"]
    assert summary == "著者名「夏目　漱石」の検索結果：24件中 1〜10件目"
    first_page = bubble_titles(carousel)
    assert first_page[0] == "こころ"  # ties ordered by title: こ before 漱

    carousel, navigation = chat.tap(footer_buttons(navigation["contents"])["結果をさらに表示"])
    assert len(carousel["contents"]["contents"]) == 10
    assert not set(bubble_titles(carousel)) & set(first_page)
    carousel, navigation = chat.tap(footer_buttons(navigation["contents"])["結果をさらに表示"])
    assert len(carousel["contents"]["contents"]) == 4
    buttons = footer_buttons(navigation["contents"])
    assert list(buttons) == ["終了"]  # nothing more to show

    (ended,) = chat.tap(buttons["終了"])
    assert ended["text"] == texts.SEARCH_ENDED
    assert chat.conversation.step == "menu"


def test_a_book_bubble_shows_author_publisher_and_availability(dialogue):
    chat = Chat(dialogue)
    start_search(chat, "書名")
    carousel, _ = chat.type("こころ")
    kokoro, chirimen = carousel["contents"]["contents"]
    lines = [node["text"] for node in kokoro["body"]["contents"]]
    assert lines == ["こころ", "夏目 漱石 著", "岩波書店 1990年", "すべて貸出中", "所蔵 1冊"]
    assert [n["text"] for n in chirimen["body"]["contents"]][3] == "貸出可能：中央図書館"
    reserve = footer_buttons(kokoro)["予約する"]
    assert decode(reserve["data"]) == ("reserve", {"r": "r100"})


def test_reserving_unlinked_explains_and_offers_registration_and_my_page(dialogue):
    chat = Chat(dialogue)
    start_search(chat, "書名")
    carousel, _ = chat.type("こころ")
    (answer,) = chat.tap(footer_buttons(carousel["contents"]["contents"][0])["予約する"])
    assert answer["text"] == texts.RESERVE_NOT_LINKED
    offered = quick_replies(answer)
    assert list(offered) == ["利用者登録", "マイページ"]
    assert decode(offered["マイページ"]["data"]) == ("mypage", {})
    carousel, _ = chat.type("漱石の作品")  # still browsing: typing is a new keyword
    assert len(carousel["contents"]["contents"]) == 10


def test_a_new_keyword_can_be_typed_while_browsing(dialogue):
    chat = Chat(dialogue)
    start_search(chat, "書名")
    chat.type("漱石の作品")
    carousel, navigation = chat.type("縮緬")
    assert bubble_titles(carousel) == ["縮緬のこころ"]
    assert "1件中 1〜1件目" in navigation["altText"]


def test_nothing_found_offers_the_other_mode_with_the_same_keyword(dialogue):
    chat = Chat(dialogue)
    start_search(chat, "書名")
    (answer,) = chat.type("夏目漱石")
    assert answer["text"].startswith("書名「夏目漱石」に一致する本は見つかりませんでした")
    carousel, _ = chat.tap(quick_replies(answer)["著者名で検索"])
    assert len(carousel["contents"]["contents"]) == 10


def test_long_titles_are_cut_for_display_without_breaking_the_message(dialogue):
    chat = Chat(dialogue)
    start_search(chat, "書名")
    carousel, _ = chat.type("長長長")
    (title,) = bubble_titles(carousel)
    assert len(title) == 80 and title.endswith("…")


def test_an_old_more_button_still_shows_the_page_after_it(dialogue):
    chat = Chat(dialogue)
    start_search(chat, "著者名")
    _, first_navigation = chat.type("夏目漱石")
    more = footer_buttons(first_navigation["contents"])["結果をさらに表示"]
    chat.type("堀辰雄")  # a newer search replaced it
    carousel, navigation = chat.tap(more)
    assert "24件中 11〜20件目" in navigation["altText"]


def test_a_garbled_more_button_explains_and_offers_a_new_search(dialogue):
    chat = Chat(dialogue)
    (answer,) = chat.send(line_events.postback("action=search-more&c=bm9wZQ"))
    assert answer["text"] == texts.SEARCH_STALE
    assert list(quick_replies(answer)) == ["書名", "著者名"]


def test_an_unreadable_keyword_asks_again(dialogue):
    chat = Chat(dialogue)
    start_search(chat, "書名")
    (answer,) = chat.type("・・・")
    assert answer["text"] == texts.search_empty_keyword("書名")
    assert chat.conversation.step == "search:keyword"


def test_typing_instead_of_choosing_a_mode_asks_for_the_mode_again(dialogue):
    chat = Chat(dialogue)
    chat.send(line_events.postback("action=search"))
    (answer,) = chat.type("こころ")
    assert answer["text"] == texts.SEARCH_CHOOSE_MODE


def test_library_still_shows_the_menu_in_the_middle_of_a_search(dialogue):
    chat = Chat(dialogue)
    start_search(chat, "書名")
    (menu,) = chat.type("図書館")
    assert menu["type"] == "flex" and chat.conversation.step == "menu"

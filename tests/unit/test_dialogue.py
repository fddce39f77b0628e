from linebot.v3.webhooks import Event

from library_service.conversation import texts
from library_service.conversation.state import Conversation
from library_service.line.limits import check_messages
from library_service.line.postback import decode
from tests.support import line_events
from tests.support.dialogues import unlinked_dialogue
from tests.support.line_events import USER

dialogue = unlinked_dialogue()


def parsed(raw: dict) -> Event:
    return Event.from_dict(raw)


def menu_labels(flex: dict) -> list[str]:
    return [
        node["action"]["label"]
        for node in flex["contents"]["body"]["contents"]
        if node["type"] == "button"
    ]


def test_follow_greets_and_shows_menu():
    turn = dialogue.on_event(parsed(line_events.follow()), Conversation(USER))
    greeting, menu = turn.messages
    assert "友だち追加ありがとうございます" in greeting["text"]
    assert "「図書館」" in greeting["text"]
    assert menu_labels(menu) == ["利用者登録", "本の検索・予約", "マイページ", "利用者カード"]
    assert turn.conversation.step == "menu"
    check_messages(turn.messages)


def test_typing_library_shows_the_menu_with_working_postbacks():
    turn = dialogue.on_event(parsed(line_events.text(" 図書館 ")), Conversation(USER))
    (menu,) = turn.messages
    actions = [
        decode(n["action"]["data"])[0]
        for n in menu["contents"]["body"]["contents"]
        if n["type"] == "button"
    ]
    assert actions == ["register", "search", "mypage", "card"]


def test_my_page_opens_through_line_login_and_offers_linking_to_the_unlinked():
    turn = dialogue.on_event(parsed(line_events.postback("action=mypage")), Conversation(USER))
    (answer,) = turn.messages
    open_page, link = [n["action"] for n in answer["contents"]["footer"]["contents"]]
    assert open_page == {
        "type": "uri",
        "label": "マイページを開く",
        "uri": "https://api.example/mypage/line",
    }
    assert decode(link["data"])[0] == "account-link"
    check_messages(turn.messages)


def test_account_link_sends_the_patron_to_our_login_page_with_the_link_token():
    turn = dialogue.on_event(
        parsed(line_events.postback("action=account-link")), Conversation(USER)
    )
    (answer,) = turn.messages
    (button,) = [n["action"] for n in answer["contents"]["footer"]["contents"]]
    assert (
        button["uri"] == f"https://api.example/mypage/account-link?linkToken=link-token-for-{USER}"
    )


def test_an_account_link_event_with_a_nonce_we_did_not_issue_links_nobody():
    event = parsed(line_events.event("accountLink", link={"result": "ok", "nonce": "forged-nonce"}))
    (answer,) = dialogue.on_event(event, Conversation(USER)).messages
    assert answer["text"].startswith("LINE連携ができませんでした")


def test_anything_else_gets_help_and_the_menu():
    for event in (
        line_events.text("こんにちは"),
        line_events.sticker(),
        line_events.postback("action=no-such-thing"),
        line_events.postback("%%%garbage"),
    ):
        turn = dialogue.on_event(parsed(event), Conversation(USER))
        assert [m["type"] for m in turn.messages] == ["text", "flex"]
        assert turn.messages[0]["text"] == texts.HELP


def test_unfollow_forgets_the_conversation():
    turn = dialogue.on_event(parsed(line_events.unfollow()), Conversation(USER, step="menu"))
    assert turn.forget and not turn.messages


def test_rich_menu_tab_switch_is_not_answered_in_the_chat():
    event = parsed(line_events.postback("action=tab&name=library"))
    assert dialogue.on_event(event, Conversation(USER)) is None

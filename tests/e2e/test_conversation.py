"""Conversations with the real bot through the whole devstack.

A patron's message goes LINE emulator → app API → WebhookFunction → FIFO queue → poller →
ConversationFunction → Messaging API on the emulator → the patron's chat, all as in AWS.
"""

from __future__ import annotations

from .sim import flex_buttons, new_user_id

MENU_ENTRIES = ["利用者登録", "本の検索・予約", "マイページ", "利用者カード"]


def menu_entries(message: dict) -> list[str]:
    assert message["type"] == "flex", message
    return [action["label"] for action in flex_buttons(message)]


def test_follow_greets_and_shows_the_library_menu(sim):
    user_id = new_user_id()
    followed = sim.follow(user_id)
    assert followed["webhookStatus"] == 200

    greeting, menu = sim.next_messages(user_id, 2)
    assert greeting["via"] == menu["via"] == "reply"
    assert greeting["message"]["type"] == "text"
    assert "友だち追加ありがとうございます" in greeting["message"]["text"]
    assert "渋谷区立図書館" in greeting["message"]["text"]
    assert menu_entries(menu["message"]) == MENU_ENTRIES


def test_typing_the_library_tab_name_shows_the_menu(sim, patron):
    sim.say(patron, "図書館")
    (answer,) = sim.next_messages(patron, 1)
    assert menu_entries(answer["message"]) == MENU_ENTRIES


def test_my_page_from_the_menu_offers_line_login_and_linking(devstack, sim, patron):
    sim.say(patron, "図書館")
    (menu,) = sim.next_messages(patron, 1)
    my_page = next(a for a in flex_buttons(menu["message"]) if a["label"] == "マイページ")

    sim.tap(patron, my_page)  # exactly what the LINE app sends for a tap on that button
    (answer,) = sim.next_messages(patron, 1)
    buttons = {a["label"]: a for a in flex_buttons(answer["message"])}
    assert buttons["マイページを開く"]["uri"] == f"{devstack.api_url}/mypage/line"
    assert buttons["LINE連携"]["type"] == "postback"


def test_the_rich_menu_is_provisioned_and_its_library_tab_switches(sim, patron):
    shown = sim.get(f"/_sim/users/{patron}/richmenu")
    assert shown["source"] == "default" and shown["hasImage"]
    assert set(shown["aliases"]) == {"city-home", "library"}
    tab = next(
        area["action"]
        for area in shown["richMenu"]["areas"]
        if area["action"].get("label") == "図書館"
    )

    sim.tap(patron, tab)
    switched = sim.get(f"/_sim/users/{patron}/richmenu")
    assert switched["source"] == "alias"
    labels = [area["action"].get("label") for area in switched["richMenu"]["areas"]]
    assert set(MENU_ENTRIES) <= set(labels)

    # A tab tap changes the menu on the phone and the bot says nothing: the next thing it says
    # (events of one chat are handled in order) is the answer to the next message.
    sim.say(patron, "図書館")
    (answer,) = sim.next_messages(patron, 1)
    assert menu_entries(answer["message"]) == MENU_ENTRIES


def test_a_reply_too_late_for_its_token_falls_back_to_push(devstack, sim, patron):
    conversation = next(p for p in devstack.pollers if p.source.function == "ConversationFunction")
    ttl = sim.get("/_sim/config")["replyTokenTtlSeconds"]
    calls_before = sim.api_log_length()

    # The event waits in the queue past its reply token's lifetime, as after a slow retry.
    conversation.pause()
    try:
        sim.say(patron, "図書館")
        sim.post("/_sim/clock", {"advanceSeconds": ttl + 1})
    finally:
        conversation.resume()

    (answer,) = sim.next_messages(patron, 1)
    assert answer["via"] == "push"
    assert menu_entries(answer["message"]) == MENU_ENTRIES
    calls = [
        c for c in sim.api_calls_after(calls_before) if c["path"].startswith("/v2/bot/message")
    ]
    assert [(c["path"], c["status"]) for c in calls] == [
        ("/v2/bot/message/reply", 400),
        ("/v2/bot/message/push", 200),
    ]
    assert calls[0]["response"] == {"message": "Invalid reply token"}

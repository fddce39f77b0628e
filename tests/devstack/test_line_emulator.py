"""The LINE emulator over real HTTP: webhooks, Messaging API rules, test API, Login, links."""

from __future__ import annotations

import base64
import hashlib
import hmac
import json
import socket
import struct
import threading
import time
import uuid
import zlib
from urllib.parse import parse_qs, urlsplit

import pytest

from devstack.line_emulator import EmulatorSettings, EmulatorStartError, LineEmulator
from tests.support import browser as browser_support

from .conftest import ACCESS_TOKEN, BOT_USER_ID, LOGIN_CHANNEL_ID, LOGIN_CHANNEL_SECRET

STRANGER = "U" + "9" * 32


def text(value: str) -> dict:
    return {"type": "text", "text": value}


def push(client, to: str, messages: list[dict], **kwargs):
    return client.bot(
        "POST", "/v2/bot/message/push", json={"to": to, "messages": messages}, **kwargs
    )


def reply(client, token: str, messages: list[dict]):
    body = {"replyToken": token, "messages": messages}
    return client.bot("POST", "/v2/bot/message/reply", json=body)


def png(width: int, height: int) -> bytes:
    def chunk(kind: bytes, data: bytes) -> bytes:
        return (
            struct.pack(">I", len(data)) + kind + data + struct.pack(">I", zlib.crc32(kind + data))
        )

    rows = b"".join(b"\x00" + b"\x80" * (width * 3) for _ in range(height))
    header = struct.pack(">IIBBBBB", width, height, 8, 2, 0, 0, 0)
    return (
        b"\x89PNG\r\n\x1a\n"
        + chunk(b"IHDR", header)
        + chunk(b"IDAT", zlib.compress(rows, 9))
        + chunk(b"IEND", b"")
    )


def bubble(*contents: dict) -> dict:
    return {
        "type": "bubble",
        "body": {"type": "box", "layout": "vertical", "contents": list(contents)},
    }


def flex(contents: dict, alt_text: str = "お知らせ") -> dict:
    return {"type": "flex", "altText": alt_text, "contents": contents}


def postback_button(label: str = "予約する", data: str = "action=reserve") -> dict:
    return {"type": "button", "action": {"type": "postback", "label": label, "data": data}}


def quick_reply(count: int, label: str = "はい") -> dict:
    item = {"type": "action", "action": {"type": "message", "label": label, "text": label}}
    return {**text("選んでください"), "quickReply": {"items": [item] * count}}


def template(kind: str, actions: int, alt_text: str = "確認", label: str = "はい") -> dict:
    action = {"type": "message", "label": label, "text": "はい"}
    return {
        "type": "template",
        "altText": alt_text,
        "template": {"type": kind, "text": "よろしいですか？", "actions": [action] * actions},
    }


def b64url_decode(part: str) -> bytes:
    return base64.urlsafe_b64decode(part + "=" * (-len(part) % 4))


# --- webhooks ---------------------------------------------------------------------------


def test_follow_delivers_a_signed_webhook(client, receiver):
    user_id = "U" + "a" * 32
    body = client.follow(user_id, "図書 太郎")

    assert body["webhookStatus"] == 200
    delivery = receiver.deliveries[-1]
    assert delivery.signature_ok
    assert delivery.headers["Content-Type"].startswith("application/json")
    assert delivery.payload["destination"] == BOT_USER_ID
    event = delivery.event
    assert event["type"] == "follow"
    assert event["mode"] == "active"
    assert event["source"] == {"type": "user", "userId": user_id}
    assert event["webhookEventId"] == body["webhookEventId"]
    assert len(event["webhookEventId"]) == 26
    assert event["deliveryContext"] == {"isRedelivery": False}
    assert event["follow"] == {"isUnblocked": False}
    assert abs(event["timestamp"] - time.time() * 1000) < 60_000
    assert event["replyToken"]


def test_refollow_after_block_is_an_unblock(client, receiver, friend):
    assert client.sim("POST", f"/_sim/users/{friend}/unfollow").status_code == 200
    unfollow = receiver.deliveries[-1].event
    assert unfollow["type"] == "unfollow"
    assert "replyToken" not in unfollow

    client.follow(friend)
    assert receiver.deliveries[-1].event["follow"] == {"isUnblocked": True}


def test_text_message_event_shape(client, receiver, friend):
    client.say(friend, "こんにちは")
    delivery = receiver.deliveries[-1]
    assert delivery.signature_ok
    event = delivery.event
    assert event["type"] == "message"
    assert event["message"]["type"] == "text"
    assert event["message"]["text"] == "こんにちは"
    assert event["message"]["id"].isdigit()
    assert event["message"]["quoteToken"]


def test_postback_event_shape(client, receiver, friend):
    body = {"type": "postback", "data": "action=renew&id=1", "params": {"date": "2025-01-31"}}
    response = client.sim("POST", f"/_sim/users/{friend}/messages", json=body)
    assert response.status_code == 200
    event = receiver.deliveries[-1].event
    assert event["type"] == "postback"
    assert event["postback"] == {"data": "action=renew&id=1", "params": {"date": "2025-01-31"}}
    assert event["replyToken"]


def test_failing_or_missing_webhook_answers_502(client, receiver, friend, emulator):
    receiver.status = 500
    response = client.sim("POST", f"/_sim/users/{friend}/messages", json=text("hi"))
    assert response.status_code == 502
    assert response.json()["webhookStatus"] == 500
    assert response.json()["error"]

    receiver.stop()
    response = client.sim("POST", f"/_sim/users/{friend}/messages", json=text("hi"))
    assert response.status_code == 502
    assert response.json()["webhookStatus"] is None
    assert "unreachable" in response.json()["error"]


def test_redelivery_resends_the_same_event(client, receiver, friend):
    sent = client.say(friend, "再送して")
    original = receiver.deliveries[-1].event

    response = client.sim("POST", f"/_sim/events/{sent['webhookEventId']}/redeliver")

    assert response.status_code == 200
    again = receiver.deliveries[-1]
    assert again.signature_ok
    assert again.event["webhookEventId"] == original["webhookEventId"]
    assert again.event["deliveryContext"] == {"isRedelivery": True}
    assert again.event["message"] == original["message"]
    assert client.sim("POST", "/_sim/events/nope/redeliver").status_code == 404


def test_messages_from_a_non_friend_are_refused(client):
    response = client.sim("POST", f"/_sim/users/{STRANGER}/messages", json=text("hi"))
    assert response.status_code == 409


# --- reply ------------------------------------------------------------------------------


def test_reply_once_then_the_token_is_spent(client, receiver, friend):
    client.say(friend, "予約状況")
    token = receiver.deliveries[-1].event["replyToken"]

    first = reply(client, token, [text("予約は2件です")])
    assert first.status_code == 200, first.text
    sent = first.json()["sentMessages"]
    assert len(sent) == 1 and sent[0]["id"] and sent[0]["quoteToken"]
    assert first.headers["X-Line-Request-Id"]

    second = reply(client, token, [text("もう一度")])
    assert second.status_code == 400
    assert second.json() == {"message": "Invalid reply token"}

    inbox = client.inbox(friend)
    assert [m["message"] for m in inbox] == [text("予約は2件です")]
    assert inbox[0]["via"] == "reply"


def test_reply_token_expires_by_the_emulator_clock(client, receiver, friend):
    client.say(friend, "遅い返信")
    token = receiver.deliveries[-1].event["replyToken"]

    clock = client.sim("POST", "/_sim/clock", json={"advanceSeconds": 61})
    assert clock.json()["offsetSeconds"] == 61

    response = reply(client, token, [text("遅すぎ")])
    assert response.status_code == 400
    assert response.json() == {"message": "Invalid reply token"}


def test_refused_reply_does_not_spend_the_token(client, receiver, friend):
    client.say(friend, "hi")
    token = receiver.deliveries[-1].event["replyToken"]
    assert reply(client, token, [text("")]).status_code == 400
    assert reply(client, token, [text("ok")]).status_code == 200


def test_unknown_reply_token(client):
    response = reply(client, "0" * 32, [text("hi")])
    assert response.status_code == 400
    assert response.json() == {"message": "Invalid reply token"}


def test_bot_can_reply_from_inside_its_webhook(client, receiver, friend):
    receiver.on_event = lambda event: reply(client, event["replyToken"], [text("受け付けました")])
    client.say(friend, "同期返信")
    assert client.inbox(friend)[-1]["message"] == text("受け付けました")


# --- auth, validation -------------------------------------------------------------------


@pytest.mark.parametrize("token", [None, "wrong-token"])
def test_bad_bearer_token_is_401(client, friend, token):
    response = client.request(
        "POST", "/v2/bot/message/push", token=token, json={"to": friend, "messages": [text("x")]}
    )
    assert response.status_code == 401
    assert response.json() == {
        "message": "Authentication failed. "
        "Confirm that the access token in the authorization header is valid."
    }
    assert client.inbox(friend) == []


def _nested_flex_postback(data: str) -> dict:
    inner = {"type": "box", "layout": "horizontal", "contents": [postback_button(data=data)]}
    return flex(bubble(inner))


LIMIT_CASES = {
    "six messages": ([text("x")] * 6, "messages"),
    "no messages": ([], "messages"),
    "text too long": ([text("あ" * 5001)], "messages[0].text"),
    "empty text": ([text("")], "messages[0].text"),
    "emoji counts twice": ([text("😀" * 2501)], "messages[0].text"),
    "flex altText too long": ([flex(bubble(), "a" * 1501)], "messages[0].altText"),
    "flex altText empty": ([flex(bubble(), "")], "messages[0].altText"),
    "carousel of 13": (
        [flex({"type": "carousel", "contents": [bubble()] * 13})],
        "messages[0].contents.contents",
    ),
    "bubble over 30KB": (
        [flex(bubble({"type": "text", "text": "x" * 1500}, *[{"type": "filler"}] * 2000))],
        "messages[0].contents",
    ),
    "carousel over 50KB": (
        [
            flex(
                {
                    "type": "carousel",
                    "contents": [bubble(*[{"type": "text", "text": "x" * 1900}] * 3)] * 10,
                }
            )
        ],
        "messages[0].contents",
    ),
    "quick reply of 14": ([quick_reply(14)], "messages[0].quickReply.items"),
    "quick reply label 21": (
        [quick_reply(1, "あ" * 21)],
        "messages[0].quickReply.items[0].action.label",
    ),
    "postback data 301 in nested box": (
        [_nested_flex_postback("d" * 301)],
        "messages[0].contents.body.contents[0].contents[0].action.data",
    ),
    "flex button label 41": (
        [flex(bubble(postback_button(label="あ" * 41)))],
        "messages[0].contents.body.contents[0].action.label",
    ),
    "template altText 401": ([template("buttons", 1, alt_text="a" * 401)], "messages[0].altText"),
    "buttons with 5 actions": ([template("buttons", 5)], "messages[0].template.actions"),
    "confirm with 1 action": ([template("confirm", 1)], "messages[0].template.actions"),
    "confirm with 3 actions": ([template("confirm", 3)], "messages[0].template.actions"),
    "template label 21": (
        [template("buttons", 1, label="あ" * 21)],
        "messages[0].template.actions[0].label",
    ),
    "image with ftp url": (
        [
            {
                "type": "image",
                "originalContentUrl": "ftp://x/a.png",
                "previewImageUrl": "https://x/a.png",
            }
        ],
        "messages[0].originalContentUrl",
    ),
    "image without preview": (
        [{"type": "image", "originalContentUrl": "https://x/a.png"}],
        "messages[0].previewImageUrl",
    ),
    "unknown type": ([{"type": "hologram"}], "messages[0].type"),
    "richmenuswitch outside a rich menu": (
        [
            flex(
                bubble(
                    {
                        "type": "button",
                        "action": {
                            "type": "richmenuswitch",
                            "label": "切替",
                            "richMenuAliasId": "a",
                            "data": "d",
                        },
                    }
                )
            )
        ],
        "messages[0].contents.body.contents[0].action.type",
    ),
}


@pytest.mark.parametrize("messages, prop", LIMIT_CASES.values(), ids=LIMIT_CASES.keys())
def test_limit_violations_are_400_with_the_property(client, friend, messages, prop):
    response = push(client, friend, messages)
    assert response.status_code == 400, response.text
    body = response.json()
    assert body["message"] == f"The request body has {len(body['details'])} error(s)"
    assert prop in [detail["property"] for detail in body["details"]], body
    assert client.inbox(friend) == []


def test_messages_at_the_limits_are_accepted(client, friend):
    card = bubble(
        {"type": "text", "text": "貸出中の本", "weight": "bold", "size": "lg"},
        {"type": "separator"},
        {
            "type": "box",
            "layout": "horizontal",
            "contents": [postback_button(label="あ" * 40, data="d" * 300)],
        },
    )
    messages = [
        text("あ" * 5000),
        flex({"type": "carousel", "contents": [card] * 12}, "a" * 1500),
        quick_reply(13, "あ" * 20),
        template("confirm", 2, alt_text="a" * 400),
        {
            "type": "image",
            "originalContentUrl": "http://127.0.0.1/a.png",
            "previewImageUrl": "https://x/a.png",
        },
    ]
    response = push(client, friend, messages)
    assert response.status_code == 200, response.text
    sent = response.json()["sentMessages"]
    assert len(sent) == 5
    assert "quoteToken" in sent[0] and "quoteToken" not in sent[1]
    inbox = client.inbox(friend)
    assert [m["message"] for m in inbox] == messages
    assert [m["seq"] for m in inbox] == sorted({m["seq"] for m in inbox})


# --- push ---------------------------------------------------------------------------------


def test_push_with_a_retry_key_is_delivered_once(client, friend):
    key = str(uuid.uuid4())
    first = push(client, friend, [text("返却期限のお知らせ")], headers={"X-Line-Retry-Key": key})
    assert first.status_code == 200

    second = push(client, friend, [text("返却期限のお知らせ")], headers={"X-Line-Retry-Key": key})
    assert second.status_code == 409
    assert second.json()["message"] == "The retry key is already accepted"
    assert second.json()["sentMessages"] == first.json()["sentMessages"]
    assert second.headers["x-line-accepted-request-id"] == first.headers["X-Line-Request-Id"]
    assert len(client.inbox(friend)) == 1


def test_push_rejects_a_retry_key_that_is_not_a_uuid(client, friend):
    response = push(client, friend, [text("x")], headers={"X-Line-Retry-Key": "not-a-uuid"})
    assert response.status_code == 400


def test_push_to_someone_who_never_followed_fails(client):
    response = push(client, STRANGER, [text("x")])
    assert response.status_code == 400
    assert response.json() == {"message": "Failed to send messages"}


def test_push_to_a_user_who_blocked_is_accepted_but_not_shown(client, friend):
    client.sim("POST", f"/_sim/users/{friend}/unfollow")
    assert push(client, friend, [text("x")]).status_code == 200
    assert client.inbox(friend) == []


# --- faults, api log, long poll ----------------------------------------------------------


def test_injected_faults_fail_the_next_calls_without_delivering(client, friend):
    key = str(uuid.uuid4())
    client.sim(
        "POST", "/_sim/faults", json={"path": "/v2/bot/message/push", "status": 500, "count": 2}
    )
    for _ in range(2):
        failed = push(client, friend, [text("x")], headers={"X-Line-Retry-Key": key})
        assert failed.status_code == 500
        assert failed.json() == {"message": "Internal server error"}
    assert client.inbox(friend) == []
    # A retry key whose request failed was never accepted, so the retry goes through.
    assert push(client, friend, [text("x")], headers={"X-Line-Retry-Key": key}).status_code == 200

    client.sim(
        "POST", "/_sim/faults", json={"path": "/v2/bot/message/push", "status": 429, "count": 5}
    )
    limited = push(client, friend, [text("y")])
    assert limited.status_code == 429
    assert limited.json() == {"message": "The API rate limit has been exceeded. Try again later."}
    assert "Retry-After" not in limited.headers

    assert client.sim("DELETE", "/_sim/faults").status_code == 200
    assert push(client, friend, [text("y")]).status_code == 200
    assert len(client.inbox(friend)) == 2


def test_api_log_records_refused_calls_with_tokens_masked(client, friend):
    push(client, friend, [text("")])
    client.request("GET", f"/v2/bot/profile/{friend}", token="bad")
    calls = client.sim("GET", "/_sim/api-log").json()["calls"]
    assert [(c["method"], c["path"], c["status"]) for c in calls[-2:]] == [
        ("POST", "/v2/bot/message/push", 400),
        ("GET", f"/v2/bot/profile/{friend}", 401),
    ]
    assert calls[-2]["response"]["details"][0]["property"] == "messages[0].text"
    assert ACCESS_TOKEN not in json.dumps(calls)
    later = client.sim("GET", "/_sim/api-log", params={"after": calls[-1]["n"]}).json()["calls"]
    assert later == []


def test_long_poll_waits_for_the_next_message(client, friend):
    threading.Timer(0.3, push, args=(client, friend, [text("待ってました")])).start()
    started = time.monotonic()
    messages = client.inbox(friend, after=0, wait=10)
    assert time.monotonic() - started < 5
    assert [m["message"]["text"] for m in messages] == ["待ってました"]

    started = time.monotonic()
    assert client.inbox(friend, after=messages[-1]["seq"], wait=0.3) == []
    assert time.monotonic() - started >= 0.25


def test_seq_grows_across_users(client, friend):
    other = "U" + "2" * 32
    client.follow(other)
    push(client, friend, [text("1")])
    push(client, other, [text("2")])
    push(client, friend, [text("3")])
    seqs = [m["seq"] for m in client.inbox(friend)] + [m["seq"] for m in client.inbox(other)]
    assert sorted(seqs) == [1, 2, 3]
    assert [m["seq"] for m in client.inbox(friend, after=1)] == [3]


# --- profile, loading, link token ---------------------------------------------------------


def test_profile_of_friends_only(client, friend):
    profile = client.bot("GET", f"/v2/bot/profile/{friend}")
    assert profile.json() == {"userId": friend, "displayName": "図書 花子", "language": "ja"}
    missing = client.bot("GET", f"/v2/bot/profile/{STRANGER}")
    assert missing.status_code == 404
    assert missing.json() == {"message": "Not found"}


def test_loading_animation_is_shown_until_the_next_message(client, friend):
    bad = client.bot(
        "POST", "/v2/bot/chat/loading/start", json={"chatId": friend, "loadingSeconds": 7}
    )
    assert bad.status_code == 400
    assert bad.json()["details"][0]["property"] == "loadingSeconds"

    ok = client.bot(
        "POST", "/v2/bot/chat/loading/start", json={"chatId": friend, "loadingSeconds": 20}
    )
    assert ok.status_code == 202 and ok.json() == {}
    state = client.sim("GET", f"/_sim/users/{friend}/messages").json()
    assert state["loading"]["loadingSeconds"] == 20

    push(client, friend, [text("お待たせしました")])
    assert client.sim("GET", f"/_sim/users/{friend}/messages").json()["loading"] is None


# --- rich menus ---------------------------------------------------------------------------


def _menu(chat_bar_text: str = "メニュー", areas: int = 2) -> dict:
    area = {
        "bounds": {"x": 0, "y": 0, "width": 1250, "height": 843},
        "action": {"type": "postback", "label": "貸出状況", "data": "action=loans"},
    }
    return {
        "size": {"width": 2500, "height": 843},
        "selected": False,
        "name": "main",
        "chatBarText": chat_bar_text,
        "areas": [area] * areas,
    }


def _create_menu_with_image(client, menu: dict | None = None) -> str:
    menu_id = client.bot("POST", "/v2/bot/richmenu", json=menu or _menu()).json()["richMenuId"]
    upload = client.bot(
        "POST",
        f"/v2/bot/richmenu/{menu_id}/content",
        data=png(2500, 843),
        headers={"Content-Type": "image/png"},
    )
    assert upload.status_code == 200, upload.text
    return menu_id


@pytest.mark.parametrize(
    "menu, prop",
    [
        (_menu(chat_bar_text="あ" * 15), "chatBarText"),
        (_menu(areas=21), "areas"),
        ({**_menu(), "size": {"width": 2500, "height": 2500}}, "size"),
    ],
)
def test_invalid_rich_menus_are_refused(client, menu, prop):
    for path in ("/v2/bot/richmenu", "/v2/bot/richmenu/validate"):
        response = client.bot("POST", path, json=menu)
        assert response.status_code == 400
        assert prop in [d["property"] for d in response.json()["details"]]


def test_rich_menu_lifecycle(client, friend):
    menu_id = client.bot("POST", "/v2/bot/richmenu", json=_menu()).json()["richMenuId"]
    assert menu_id.startswith("richmenu-")

    no_image = client.bot("POST", f"/v2/bot/user/all/richmenu/{menu_id}")
    assert no_image.status_code == 400
    wrong_size = client.bot(
        "POST",
        f"/v2/bot/richmenu/{menu_id}/content",
        data=png(2500, 1686),
        headers={"Content-Type": "image/png"},
    )
    assert wrong_size.status_code == 400

    image = png(2500, 843)
    client.bot(
        "POST",
        f"/v2/bot/richmenu/{menu_id}/content",
        data=image,
        headers={"Content-Type": "image/png"},
    )
    assert client.bot("GET", f"/v2/bot/richmenu/{menu_id}/content").content == image
    assert client.bot("POST", f"/v2/bot/user/all/richmenu/{menu_id}").status_code == 200
    assert client.bot("GET", "/v2/bot/user/all/richmenu").json() == {"richMenuId": menu_id}
    assert [
        m["richMenuId"] for m in client.bot("GET", "/v2/bot/richmenu/list").json()["richmenus"]
    ] == [menu_id]

    shown = client.sim("GET", f"/_sim/users/{friend}/richmenu").json()
    assert shown["source"] == "default" and shown["richMenu"]["richMenuId"] == menu_id
    assert shown["hasImage"] is True
    assert client.sim("GET", f"/_sim/richmenus/{menu_id}/content").content == image

    personal = _create_menu_with_image(client, _menu(chat_bar_text="個人"))
    assert client.bot("POST", f"/v2/bot/user/{friend}/richmenu/{personal}").status_code == 200
    assert client.bot("GET", f"/v2/bot/user/{friend}/richmenu").json() == {"richMenuId": personal}
    assert client.sim("GET", f"/_sim/users/{friend}/richmenu").json()["source"] == "user"
    client.bot("DELETE", f"/v2/bot/user/{friend}/richmenu")
    assert client.bot("GET", f"/v2/bot/user/{friend}/richmenu").status_code == 404

    assert client.bot("DELETE", f"/v2/bot/richmenu/{menu_id}").status_code == 200
    assert client.bot("GET", "/v2/bot/user/all/richmenu").status_code == 404
    assert client.sim("GET", f"/_sim/users/{friend}/richmenu").json()["richMenu"] is None


def test_alias_switch_from_the_chat(client, receiver, friend):
    main = _create_menu_with_image(client)
    other = _create_menu_with_image(client, _menu(chat_bar_text="その他"))
    client.bot("POST", f"/v2/bot/user/all/richmenu/{main}")
    for alias, menu_id in (("main", main), ("other", other)):
        body = {"richMenuAliasId": alias, "richMenuId": menu_id}
        assert client.bot("POST", "/v2/bot/richmenu/alias", json=body).status_code == 200
    duplicate = client.bot(
        "POST", "/v2/bot/richmenu/alias", json={"richMenuAliasId": "main", "richMenuId": main}
    )
    assert duplicate.status_code == 400
    aliases = client.bot("GET", "/v2/bot/richmenu/alias/list").json()["aliases"]
    assert {a["richMenuAliasId"] for a in aliases} == {"main", "other"}

    tap = {"type": "postback", "data": "tab=other", "params": {"newRichMenuAliasId": "other"}}
    assert client.sim("POST", f"/_sim/users/{friend}/messages", json=tap).status_code == 200
    event = receiver.deliveries[-1].event
    assert event["postback"]["params"] == {"newRichMenuAliasId": "other", "status": "SUCCESS"}
    shown = client.sim("GET", f"/_sim/users/{friend}/richmenu").json()
    assert shown["source"] == "alias" and shown["switchedAliasId"] == "other"
    assert shown["richMenu"]["richMenuId"] == other

    missing = {"type": "postback", "data": "x", "params": {"newRichMenuAliasId": "ghost"}}
    client.sim("POST", f"/_sim/users/{friend}/messages", json=missing)
    assert (
        receiver.deliveries[-1].event["postback"]["params"]["status"]
        == "RICHMENU_ALIAS_ID_NOTFOUND"
    )

    client.bot("POST", "/v2/bot/richmenu/alias/other", json={"richMenuId": main})
    assert client.bot("GET", "/v2/bot/richmenu/alias/other").json()["richMenuId"] == main
    assert client.bot("DELETE", "/v2/bot/richmenu/alias/other").status_code == 200
    assert client.bot("GET", "/v2/bot/richmenu/alias/other").status_code == 404


# --- LINE Login ---------------------------------------------------------------------------


def _pkce() -> tuple[str, str]:
    verifier = base64.urlsafe_b64encode(uuid.uuid4().bytes * 3).rstrip(b"=").decode()
    challenge = (
        base64.urlsafe_b64encode(hashlib.sha256(verifier.encode()).digest()).rstrip(b"=").decode()
    )
    return verifier, challenge


REDIRECT_URI = "http://127.0.0.1:3000/mypage/callback"


def _authorize(client, friend: str, challenge: str) -> str:
    params = {
        "response_type": "code",
        "client_id": LOGIN_CHANNEL_ID,
        "redirect_uri": REDIRECT_URI,
        "state": "st-123",
        "scope": "profile openid",
        "nonce": "n-456",
        "code_challenge": challenge,
        "code_challenge_method": "S256",
    }
    page = client.sim("GET", "/oauth2/v2.1/authorize", params=params)
    assert page.status_code == 200
    assert "許可する" in page.text and "図書 花子" in page.text
    consent = client.sim(
        "POST",
        "/oauth2/v2.1/authorize/consent",
        data={**params, "user_id": friend, "decision": "allow"},
        allow_redirects=False,
    )
    assert consent.status_code == 302
    location = urlsplit(consent.headers["Location"])
    assert f"{location.scheme}://{location.netloc}{location.path}" == REDIRECT_URI
    query = parse_qs(location.query)
    assert query["state"] == ["st-123"]
    return query["code"][0]


def _exchange(client, code: str, verifier: str):
    return client.sim(
        "POST",
        "/oauth2/v2.1/token",
        data={
            "grant_type": "authorization_code",
            "code": code,
            "redirect_uri": REDIRECT_URI,
            "client_id": LOGIN_CHANNEL_ID,
            "client_secret": LOGIN_CHANNEL_SECRET,
            "code_verifier": verifier,
        },
    )


def test_login_code_exchange_with_pkce(client, friend):
    verifier, challenge = _pkce()
    code = _authorize(client, friend, challenge)

    response = _exchange(client, code, verifier)
    assert response.status_code == 200, response.text
    tokens = response.json()
    assert tokens["token_type"] == "Bearer"
    assert tokens["scope"] == "profile openid"
    assert tokens["expires_in"] > 0 and tokens["access_token"] and tokens["refresh_token"]

    header_b64, payload_b64, signature_b64 = tokens["id_token"].split(".")
    assert json.loads(b64url_decode(header_b64))["alg"] == "HS256"
    expected = hmac.new(
        LOGIN_CHANNEL_SECRET.encode(), f"{header_b64}.{payload_b64}".encode(), hashlib.sha256
    ).digest()
    assert hmac.compare_digest(b64url_decode(signature_b64), expected)
    claims = json.loads(b64url_decode(payload_b64))
    assert claims["iss"] == "https://access.line.me"
    assert claims["sub"] == friend and claims["aud"] == LOGIN_CHANNEL_ID
    assert claims["nonce"] == "n-456" and claims["name"] == "図書 花子"
    assert claims["exp"] > claims["iat"]

    verified = client.sim(
        "POST",
        "/oauth2/v2.1/verify",
        data={"id_token": tokens["id_token"], "client_id": LOGIN_CHANNEL_ID, "nonce": "n-456"},
    )
    assert verified.status_code == 200 and verified.json()["sub"] == friend
    wrong_nonce = client.sim(
        "POST",
        "/oauth2/v2.1/verify",
        data={"id_token": tokens["id_token"], "client_id": LOGIN_CHANNEL_ID, "nonce": "other"},
    )
    assert wrong_nonce.status_code == 400
    assert wrong_nonce.json()["error"] == "invalid_request"

    profile = client.request("GET", "/v2/profile", token=tokens["access_token"])
    assert profile.json()["userId"] == friend

    reused = _exchange(client, code, verifier)
    assert reused.status_code == 400 and reused.json()["error"] == "invalid_grant"


def test_login_refuses_a_bad_code_verifier(client, friend):
    verifier, challenge = _pkce()
    code = _authorize(client, friend, challenge)
    response = _exchange(client, code, verifier + "x")
    assert response.status_code == 400
    assert response.json()["error"] == "invalid_grant"
    assert response.json()["error_description"]


def test_authorize_checks_the_client_id(client):
    params = {
        "response_type": "code",
        "client_id": "999",
        "redirect_uri": REDIRECT_URI,
        "state": "s",
        "scope": "openid",
    }
    assert client.sim("GET", "/oauth2/v2.1/authorize", params=params).status_code == 400


def test_login_code_expires_after_ten_minutes(client, friend):
    verifier, challenge = _pkce()
    code = _authorize(client, friend, challenge)
    client.sim("POST", "/_sim/clock", json={"advanceSeconds": 601})
    assert _exchange(client, code, verifier).json()["error"] == "invalid_grant"


# --- account link -------------------------------------------------------------------------


def _link_token(client, user_id: str) -> str:
    response = client.bot("POST", f"/v2/bot/user/{user_id}/linkToken")
    assert response.status_code == 200
    return response.json()["linkToken"]


def test_account_link_delivers_an_account_link_event(client, receiver, friend):
    token = _link_token(client, friend)
    page = client.sim("GET", "/dialog/bot/accountLink", params={"linkToken": token, "nonce": "abc"})
    assert page.status_code == 200
    assert "連携が完了しました" in page.text
    event = receiver.events("accountLink")[-1]
    assert receiver.deliveries[-1].signature_ok
    assert event["source"]["userId"] == friend
    assert event["link"] == {"result": "ok", "nonce": "abc"}
    assert event["replyToken"]

    again = client.sim(
        "GET", "/dialog/bot/accountLink", params={"linkToken": token, "nonce": "abc"}
    )
    assert again.status_code == 400
    failed = receiver.events("accountLink")[-1]
    assert failed["link"] == {"result": "failed", "nonce": "abc"}
    assert "replyToken" not in failed


def test_expired_link_token_fails(client, receiver, friend):
    token = _link_token(client, friend)
    client.sim("POST", "/_sim/clock", json={"advanceSeconds": 601})
    client.sim("GET", "/dialog/bot/accountLink", params={"linkToken": token, "nonce": "n"})
    assert receiver.events("accountLink")[-1]["link"]["result"] == "failed"


# --- server lifecycle ---------------------------------------------------------------------


def test_start_on_a_busy_port_names_the_port(emulator):
    busy = EmulatorSettings(host="127.0.0.1", port=emulator.port)
    with pytest.raises(EmulatorStartError) as caught:
        LineEmulator(busy).start()
    message = str(caught.value)
    assert str(emulator.port) in message and "\n" not in message


def test_stop_frees_the_port(receiver):
    emu = LineEmulator(EmulatorSettings(port=0, webhook_url=receiver.url))
    emu.start()
    port = emu.port
    assert emu.url == f"http://127.0.0.1:{port}"
    emu.stop()
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", port))


def test_chat_page_and_its_assets_are_served(client):
    page = client.sim("GET", "/")
    assert page.status_code == 200
    assert 'data-testid="chat-input"' in page.text
    for asset in ("/static/chat.css", "/static/js/main.js"):
        assert client.sim("GET", asset).status_code == 200, asset


# --- chat page in a real browser ------------------------------------------------------------


@pytest.mark.browser
def test_chat_page_drives_the_bot(client, receiver):
    sync_api = browser_support.sync_api()
    menu_id = _create_menu_with_image(
        client,
        {
            **_menu(),
            "selected": True,
            "areas": [
                {
                    "bounds": {"x": 0, "y": 0, "width": 2500, "height": 843},
                    "action": {"type": "postback", "label": "貸出状況", "data": "action=loans"},
                }
            ],
        },
    )
    client.bot("POST", f"/v2/bot/user/all/richmenu/{menu_id}")
    card = bubble(
        {"type": "text", "text": "延長しますか？"}, {**postback_button("延長する", "renew=1")}
    )
    card["body"]["contents"][1]["action"]["displayText"] = "延長します"

    def bot(event):
        if event["type"] == "message" and event["message"]["text"] == "はい":
            reply(client, event["replyToken"], [text("了解です")])
        elif event["type"] == "message":
            answer = {**flex(card), "quickReply": quick_reply(1, "はい")["quickReply"]}
            reply(client, event["replyToken"], [answer])
        elif event["type"] in ("follow", "postback"):
            reply(client, event["replyToken"], [text(f"{event['type']} OK")])

    receiver.on_event = bot
    with sync_api.sync_playwright() as playwright:
        browser = browser_support.launch_chromium(playwright)
        page = browser.new_page(viewport=browser_support.PHONE)
        page.goto(client.base_url + "/")
        page.wait_for_selector("body[data-ready=true]")
        page.get_by_test_id("new-user").click()
        page.get_by_test_id("new-user-name").fill("ブラウザ 太郎")
        page.get_by_test_id("create-user").click()
        page.get_by_test_id("follow").click()
        sync_api.expect(page.get_by_test_id("bot-message").last).to_contain_text("follow OK")

        page.get_by_test_id("chat-input").fill("こんにちは")
        page.get_by_test_id("send").click()
        page.get_by_test_id("flex-button").filter(has_text="延長する").click()
        sync_api.expect(page.get_by_test_id("user-message").last).to_have_text("延長します")
        sync_api.expect(page.get_by_test_id("bot-message").last).to_contain_text("postback OK")
        assert receiver.events("postback")[-1]["postback"]["data"] == "renew=1"

        page.get_by_test_id("chat-input").fill("もう一度")
        page.get_by_test_id("send").click()
        page.get_by_test_id("quick-reply").filter(has_text="はい").click()
        sync_api.expect(page.get_by_test_id("quick-replies")).to_be_hidden()
        sync_api.expect(page.get_by_test_id("user-message").last).to_have_text("はい")
        sync_api.expect(page.get_by_test_id("bot-message").last).to_have_text("了解です")

        page.locator('[data-testid=richmenu-area][data-label="貸出状況"]').click()
        sync_api.expect(page.get_by_test_id("bot-message").last).to_contain_text("postback OK")
        assert receiver.events("postback")[-1]["postback"]["data"] == "action=loans"
        page.get_by_test_id("richmenu-toggle").click()
        sync_api.expect(page.get_by_test_id("richmenu")).to_be_hidden()
        browser.close()

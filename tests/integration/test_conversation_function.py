import json

import pytest

from library_service.storage.conversations import (
    ConcurrentUpdate,
    ConversationRecord,
    ConversationStore,
)
from tests.integration.conftest import ACCESS_TOKEN, context
from tests.support import line_events

REPLY = "/v2/bot/message/reply"
PUSH = "/v2/bot/message/push"


def run(conversation, *events) -> dict:
    return conversation.lambda_handler(line_events.sqs_event(*events), context("conversation"))


def test_follow_is_answered_with_greeting_and_menu(conversation, line_api):
    follow = line_events.follow()
    assert run(conversation, follow) == {"batchItemFailures": []}
    (call,) = line_api.calls_to(REPLY)
    assert call.headers["Authorization"] == f"Bearer {ACCESS_TOKEN}"
    assert call.body["replyToken"] == follow["replyToken"]
    greeting, menu = call.body["messages"]
    assert greeting["type"] == "text" and "友だち追加ありがとうございます" in greeting["text"]
    assert menu["type"] == "flex" and menu["altText"].startswith("図書館のメニュー")
    labels = [
        n["action"]["label"] for n in menu["contents"]["body"]["contents"] if n["type"] == "button"
    ]
    assert labels == ["利用者登録", "本の検索・予約", "マイページ", "利用者カード"]
    assert ConversationRecord.get(follow["source"]["userId"]).step == "menu"


def test_redelivered_event_is_answered_once(conversation, line_api):
    typed = line_events.text("図書館")
    run(conversation, typed)
    redelivery = json.loads(json.dumps(typed))
    redelivery["deliveryContext"]["isRedelivery"] = True
    assert run(conversation, redelivery) == {"batchItemFailures": []}
    assert len(line_api.calls_to(REPLY)) == 1
    assert line_api.calls_to(PUSH) == []


def test_unknown_and_malformed_records_do_not_fail_their_neighbours(conversation, line_api):
    unknown = line_events.event("somethingNew", reply=False)
    good = line_events.text("図書館", user="U" + "2" * 32)
    broken_shape = line_events.event("message", message={"type": "text"})  # no text, no id
    result = run(conversation, unknown, "{not json", broken_shape, good)
    assert result == {"batchItemFailures": []}
    (call,) = line_api.calls_to(REPLY)
    assert call.body["replyToken"] == good["replyToken"]


def test_unfollow_forgets_the_conversation(conversation, line_api):
    run(conversation, line_events.follow())
    run(conversation, line_events.unfollow())
    assert ConversationRecord.count(line_events.USER) == 0


def test_expired_reply_token_falls_back_to_one_push(conversation, line_api):
    line_api.fail_next(REPLY, 400, {"message": "Invalid reply token"})
    typed = line_events.text("こんにちは")
    assert run(conversation, typed) == {"batchItemFailures": []}
    (push,) = line_api.calls_to(PUSH)
    assert push.body["to"] == typed["source"]["userId"]
    assert push.body["messages"][0]["text"].startswith("ご用件をメニューからお選びください")
    assert len(push.headers["X-Line-Retry-Key"]) == 36


def test_line_outage_fails_only_that_record_and_retry_answers_it(conversation, line_api):
    other = line_events.text("図書館", user="U" + "3" * 32)
    typed = line_events.text("図書館")
    run(conversation, other)
    line_api.fail_next(REPLY, 500, {"message": "Internal server error"})
    batch = line_events.sqs_event(typed, line_events.follow(user="U" + "4" * 32))
    result = conversation.lambda_handler(batch, context("conversation"))
    assert result == {"batchItemFailures": [{"itemIdentifier": batch["Records"][0]["messageId"]}]}
    # SQS delivers the record again; the idempotency record of the failed attempt is gone.
    assert run(conversation, typed) == {"batchItemFailures": []}
    assert len(line_api.calls_to(REPLY)) == 4  # other, failed, follow, retried


def test_two_workers_cannot_overwrite_each_other(stack, conversation):
    run(conversation, line_events.follow())  # binds the model to the test table
    store = ConversationStore(ttl_seconds=60)
    first = store.load(line_events.USER)
    second = store.load(line_events.USER)
    store.save(first.moved_to("search"))
    with pytest.raises(ConcurrentUpdate):
        store.save(second.moved_to("register"))
    assert store.load(line_events.USER).step == "search"


def test_state_has_a_ttl(conversation):
    run(conversation, line_events.follow())
    record = ConversationRecord.get(line_events.USER)
    assert record.expires_at is not None

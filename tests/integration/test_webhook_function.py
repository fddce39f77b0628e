import json
import logging

import boto3

from tests.integration.conftest import REGION, context, http_api_event, signed_request
from tests.support import line_events


def queued_messages(stack) -> list[dict]:
    sqs = boto3.client("sqs", region_name=REGION)
    response = sqs.receive_message(
        QueueUrl=stack.physical_ids["EventsQueue"],
        MaxNumberOfMessages=10,
        AttributeNames=["MessageGroupId", "MessageDeduplicationId"],
    )
    return response.get("Messages", [])


def test_signed_events_are_queued_per_chat_with_their_event_id(webhook, stack):
    alice, bob = "U" + "a" * 32, "U" + "b" * 32
    events = [line_events.text("図書館", alice), line_events.follow(bob)]
    response = webhook.lambda_handler(signed_request(line_events.webhook_body(*events)), context())
    assert response["statusCode"] == 200
    queued = queued_messages(stack)
    assert [
        (m["Attributes"]["MessageGroupId"], m["Attributes"]["MessageDeduplicationId"])
        for m in queued
    ] == [(alice, events[0]["webhookEventId"]), (bob, events[1]["webhookEventId"])]
    assert json.loads(queued[0]["Body"])["event"] == events[0]


def test_redelivered_request_is_deduplicated_by_the_fifo_queue(webhook, stack):
    request = signed_request(line_events.webhook_body(line_events.text("図書館")))
    for _ in range(2):
        assert webhook.lambda_handler(request, context())["statusCode"] == 200
    assert len(queued_messages(stack)) == 1


def test_base64_body_and_any_header_case(webhook, stack):
    request = signed_request(line_events.webhook_body(line_events.follow()), base64_body=True)
    request["headers"] = {"X-LINE-Signature": request["headers"].pop("x-line-signature")}
    assert webhook.lambda_handler(request, context())["statusCode"] == 200
    assert len(queued_messages(stack)) == 1


def test_connection_check_is_answered_200(webhook, stack):
    response = webhook.lambda_handler(
        signed_request({"destination": "U0", "events": []}), context()
    )
    assert response["statusCode"] == 200
    assert queued_messages(stack) == []


def test_wrong_or_missing_signature_is_401_and_not_logged_with_the_body(webhook, stack, caplog):
    body = json.dumps(line_events.webhook_body(line_events.text("秘密の本のタイトル"))).encode()
    caplog.set_level(logging.INFO)
    for headers in ({}, {"x-line-signature": "bm9wZQ=="}):
        response = webhook.lambda_handler(http_api_event(body, headers), context())
        assert response["statusCode"] == 401
    assert queued_messages(stack) == []
    assert "webhook rejected" in caplog.text
    assert "秘密の本のタイトル" not in caplog.text


def test_signed_but_malformed_body_is_400(webhook, stack):
    for payload in ({"destination": "U0"}, {"events": [{"type": "message"}]}):
        assert webhook.lambda_handler(signed_request(payload), context())["statusCode"] == 400
    assert queued_messages(stack) == []


def test_signed_with_another_channel_secret_is_401(webhook, stack):
    request = signed_request(line_events.webhook_body(line_events.follow()), secret="other")
    assert webhook.lambda_handler(request, context())["statusCode"] == 401

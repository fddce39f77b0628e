"""LINE webhook events as LINE sends them, for tests."""

from __future__ import annotations

import itertools
import json

USER = "U" + "1" * 32
BOT = "U" + "b" * 32
_ids = itertools.count(1)


def event(kind: str, user: str = USER, reply: bool = True, **fields) -> dict:
    number = next(_ids)
    base = {
        "type": kind,
        "mode": "active",
        "timestamp": 1_764_000_000_000 + number,
        "source": {"type": "user", "userId": user},
        "webhookEventId": f"01JTEST{number:019d}",
        "deliveryContext": {"isRedelivery": False},
    }
    if reply:
        base["replyToken"] = f"reply-token-{number}"
    return {**base, **fields}


def follow(user: str = USER) -> dict:
    return event("follow", user, follow={"isUnblocked": False})


def unfollow(user: str = USER) -> dict:
    return event("unfollow", user, reply=False)


def text(body: str, user: str = USER) -> dict:
    message = {"id": str(next(_ids)), "type": "text", "text": body, "quoteToken": "q"}
    return event("message", user, message=message)


def sticker(user: str = USER) -> dict:
    message = {
        "id": str(next(_ids)),
        "type": "sticker",
        "packageId": "446",
        "stickerId": "1988",
        "stickerResourceType": "STATIC",
        "quoteToken": "q",
    }
    return event("message", user, message=message)


def postback(data: str, user: str = USER) -> dict:
    return event("postback", user, postback={"data": data})


def webhook_body(*events: dict) -> dict:
    return {"destination": BOT, "events": list(events)}


def sqs_event(*events: dict, queue_arn: str = "arn:aws:sqs:ap-northeast-1:123456789012:q.fifo"):
    """The SQS batch Lambda receives, one record per queued LINE event."""
    records = []
    for index, item in enumerate(events):
        body = item if isinstance(item, str) else json.dumps({"destination": BOT, "event": item})
        group = item["source"]["userId"] if isinstance(item, dict) else "malformed"
        records.append(
            {
                "messageId": f"m-{index}-{next(_ids)}",
                "receiptHandle": f"rh-{index}",
                "body": body,
                "attributes": {
                    "ApproximateReceiveCount": "1",
                    "SentTimestamp": "1764000000000",
                    "MessageGroupId": group,
                    "MessageDeduplicationId": f"d-{index}",
                    "SequenceNumber": str(index),
                },
                "messageAttributes": {},
                "md5OfBody": "",
                "eventSource": "aws:sqs",
                "eventSourceARN": queue_arn,
                "awsRegion": "ap-northeast-1",
            }
        )
    return {"Records": records}

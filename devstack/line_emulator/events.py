"""Webhook event objects shaped like the ones LINE sends."""

from __future__ import annotations

from . import ids


def base_event(kind: str, user_id: str, now_ms: int, reply_token: str | None) -> dict:
    event = {
        "type": kind,
        "mode": "active",
        "timestamp": now_ms,
        "source": {"type": "user", "userId": user_id},
        "webhookEventId": ids.webhook_event_id(now_ms),
        "deliveryContext": {"isRedelivery": False},
    }
    if reply_token:
        event["replyToken"] = reply_token
    return event


def text_payload(text: str) -> dict:
    return {
        "message": {
            "id": ids.message_id(),
            "type": "text",
            "text": text,
            "quoteToken": ids.quote_token(),
        }
    }


def postback_payload(data: str, params: dict | None) -> dict:
    postback: dict = {"data": data}
    if params:
        postback["params"] = params
    return {"postback": postback}


def follow_payload(is_unblocked: bool) -> dict:
    return {"follow": {"isUnblocked": is_unblocked}}


def account_link_payload(ok: bool, nonce: str) -> dict:
    return {"link": {"result": "ok" if ok else "failed", "nonce": nonce}}

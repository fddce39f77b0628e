"""Turns a signed webhook request body into one queue message per event.

Knows LINE's webhook format and nothing of AWS: the webhook function hands it bytes and a
header value and gets back messages to enqueue, or an error that says which HTTP status to send.
"""

from __future__ import annotations

import json
from dataclasses import dataclass

from .signature import is_valid_signature


class WebhookRejected(Exception):
    status_code = 400


class InvalidSignature(WebhookRejected):
    status_code = 401


class MalformedWebhook(WebhookRejected):
    status_code = 400


@dataclass(frozen=True)
class QueuedEvent:
    """One webhook event, ready for the FIFO queue."""

    group_id: str  # events of one chat stay in order
    deduplication_id: str  # LINE's webhookEventId: redeliveries collapse
    body: str


def source_id(event: dict, destination: str) -> str:
    source = event.get("source") or {}
    for key in ("groupId", "roomId", "userId"):
        if isinstance(source.get(key), str) and source[key]:
            return source[key]
    return destination or "unknown-source"


def accept_webhook(body: bytes, signature: str | None, channel_secret: str) -> list[QueuedEvent]:
    """Verify the signature over the raw bytes, then split the body into queue messages."""
    if not is_valid_signature(channel_secret, body, signature):
        raise InvalidSignature("missing or invalid X-Line-Signature")
    try:
        payload = json.loads(body)
    except (UnicodeDecodeError, json.JSONDecodeError) as error:
        raise MalformedWebhook("body is not JSON") from error
    if not isinstance(payload, dict) or not isinstance(payload.get("events"), list):
        raise MalformedWebhook("body has no events list")
    destination = payload.get("destination") if isinstance(payload.get("destination"), str) else ""
    queued = []
    for index, event in enumerate(payload["events"]):
        if not isinstance(event, dict) or not isinstance(event.get("type"), str):
            raise MalformedWebhook(f"events[{index}] is not an event object")
        event_id = event.get("webhookEventId")
        if not isinstance(event_id, str) or not event_id or len(event_id) > 128:
            raise MalformedWebhook(f"events[{index}] has no webhookEventId")
        queued.append(
            QueuedEvent(
                group_id=source_id(event, destination),
                deduplication_id=event_id,
                body=json.dumps(
                    {"destination": destination, "event": event},
                    ensure_ascii=False,
                    separators=(",", ":"),
                ),
            )
        )
    return queued

"""POST /webhook: verify LINE's signature, enqueue each event, answer 200 well within 2 seconds.

Deliberately light: no LINE SDK and no Powertools utilities beyond the logger are imported here.
"""

from __future__ import annotations

import base64
import json

import boto3
from aws_lambda_powertools import Logger

from library_service.config import get_secret, get_settings
from library_service.line.intake import WebhookRejected, accept_webhook
from library_service.queue import EventQueue

logger = Logger(service="webhook")
_queue: EventQueue | None = None


def _event_queue() -> EventQueue:
    global _queue
    if _queue is None:
        settings = get_settings()
        _queue = EventQueue(
            settings.events_queue_url, boto3.client("sqs", region_name=settings.region)
        )
    return _queue


def _response(status: int, message: str) -> dict:
    return {
        "statusCode": status,
        "headers": {"Content-Type": "application/json"},
        "body": json.dumps({"message": message}),
    }


@logger.inject_lambda_context(clear_state=True)
def lambda_handler(event: dict, context) -> dict:
    raw = event.get("body") or ""
    body = base64.b64decode(raw) if event.get("isBase64Encoded") else raw.encode("utf-8")
    headers = {name.lower(): value for name, value in (event.get("headers") or {}).items()}
    secret = get_secret(get_settings().line_channel_secret_param)
    try:
        queued = accept_webhook(body, headers.get("x-line-signature"), secret)
    except WebhookRejected as rejection:
        # Never log the body: it carries what patrons typed.
        logger.warning(
            "webhook rejected",
            extra={"reason": str(rejection), "status": rejection.status_code, "bytes": len(body)},
        )
        return _response(rejection.status_code, str(rejection))
    _event_queue().enqueue(queued)
    logger.info("webhook accepted", extra={"events": len(queued)})
    return _response(200, "ok")

"""POST /identity/webhook: a face-eKYC provider's signed result.

The signature and its timestamp are checked before the body is read; a refused webhook gets
401 (the provider then alerts its operator), anything taken or safely ignored 200.
"""

from __future__ import annotations

import base64
from functools import cache

from aws_lambda_powertools import Logger

from library_service.config import get_settings
from library_service.registration.verification import IdentityDesk
from library_service.wiring import build_identity_desk

logger = Logger(service="identity-webhook")


@cache
def _identity_desk() -> IdentityDesk:
    return build_identity_desk(get_settings())


def _raw_body(event: dict) -> bytes:
    body = event.get("body") or ""
    return base64.b64decode(body) if event.get("isBase64Encoded") else body.encode("utf-8")


@logger.inject_lambda_context(clear_state=True)
def lambda_handler(event: dict, context) -> dict:
    taken = _identity_desk().face_webhook(event.get("headers") or {}, _raw_body(event))
    return {
        "statusCode": 200 if taken else 401,
        "headers": {"Content-Type": "application/json"},
        "body": '{"ok":true}' if taken else '{"ok":false}',
    }

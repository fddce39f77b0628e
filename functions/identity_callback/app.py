"""The browser back from an identity provider.

GET /identity/callback?code=…&state=… (or ?error=…): a JPKI provider's OpenID Connect
redirect; the code is exchanged and the ID token verified before anything is believed.
GET /identity/return: a face provider's browser return; its result arrives by webhook.
"""

from __future__ import annotations

from functools import cache

from aws_lambda_powertools import Logger

from library_service.config import get_settings
from library_service.registration.pages import page_response
from library_service.registration.verification import IdentityDesk, Page
from library_service.web.pages import request_base_url
from library_service.wiring import build_identity_desk

logger = Logger(service="identity-callback")
RETURN_PATH = "/identity/return"


@cache
def _identity_desk() -> IdentityDesk:
    return build_identity_desk(get_settings())


@logger.inject_lambda_context(clear_state=True)
def lambda_handler(event: dict, context) -> dict:
    if event.get("rawPath") == RETURN_PATH:
        page = Page.WAITING
    else:
        page = _identity_desk().oidc_callback(
            event.get("queryStringParameters") or {}, request_base_url(event)
        )
    return page_response(page, get_settings().library_name)

"""GET /identity/start?t=<token>: the button in the chat opens the identity provider.

The token names one open attempt of one registration; the browser is redirected to the
provider with that attempt's state, nonce and PKCE challenge, or shown why it cannot be.
"""

from __future__ import annotations

from functools import cache

from aws_lambda_powertools import Logger

from library_service.config import get_settings
from library_service.registration.pages import page_response
from library_service.registration.verification import IdentityDesk
from library_service.web.pages import redirect_response, request_base_url
from library_service.wiring import build_identity_desk

logger = Logger(service="identity-start")


@cache
def _identity_desk() -> IdentityDesk:
    return build_identity_desk(get_settings())


@logger.inject_lambda_context(clear_state=True)
def lambda_handler(event: dict, context) -> dict:
    token = (event.get("queryStringParameters") or {}).get("t", "")
    answer = _identity_desk().start(token, request_base_url(event))
    if answer.redirect_to:
        return redirect_response(answer.redirect_to)
    return page_response(answer.page, get_settings().library_name)

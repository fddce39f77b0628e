"""マイページ (My Page): the patrons' web site under /mypage, server-rendered HTML.

Thin: API Gateway's event becomes a `mypage.http.Request`, the site answers with a Response.
"""

from __future__ import annotations

from functools import cache

from aws_lambda_powertools import Logger

from library_service.config import get_settings
from library_service.mypage.http import from_http_api, to_http_api
from library_service.mypage.site import MyPage
from library_service.wiring import build_my_page

logger = Logger(service="mypage")


@cache
def _site() -> MyPage:
    return build_my_page(get_settings())


@logger.inject_lambda_context(clear_state=True)
def lambda_handler(event: dict, context) -> dict:
    return to_http_api(_site().handle(from_http_api(event)))

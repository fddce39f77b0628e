"""GET /card/barcode.png?t=<token>: the patron's NW-7 barcode for the 利用者カード bubble.

The token is a short-lived signed link (`card.links`): it proves the conversation issued it
for this patron, so nothing is read from DynamoDB. Any bad, altered or expired token gets the
same 403, which says nothing of why. Light like the webhook: no LINE SDK, no wiring. The token
carries the patron ID, so neither it nor the ID is ever logged in full.
"""

from __future__ import annotations

import base64

from aws_lambda_powertools import Logger

from library_service.card.barcode import nw7_png
from library_service.card.links import QUERY_PARAMETER, InvalidCardLink, card_links
from library_service.config import get_settings
from library_service.privacy import mask_id

logger = Logger(service="card")

REFUSED = "このリンクは無効か、有効期限が切れています。利用者カードをもう一度表示してください。"
COMMON_HEADERS = {"X-Content-Type-Options": "nosniff", "Referrer-Policy": "no-referrer"}


def _refused(reason: str) -> dict:
    logger.warning("card link refused", extra={"reason": reason})
    return {
        "statusCode": 403,
        "headers": {
            **COMMON_HEADERS,
            "Content-Type": "text/plain; charset=utf-8",
            "Cache-Control": "no-store",
        },
        "body": REFUSED,
    }


@logger.inject_lambda_context(clear_state=True)
def lambda_handler(event: dict, context) -> dict:
    token = (event.get("queryStringParameters") or {}).get(QUERY_PARAMETER)
    links = card_links(get_settings())
    try:
        link = links.verify(token)
    except InvalidCardLink as refusal:
        return _refused(str(refusal))
    seconds_left = links.seconds_left(link)
    logger.info(
        "card barcode served",
        extra={"patron": mask_id(link.patron_id), "seconds_left": seconds_left},
    )
    return {
        "statusCode": 200,
        "headers": {
            **COMMON_HEADERS,
            "Content-Type": "image/png",
            "Cache-Control": f"private, max-age={seconds_left}",
        },
        "body": base64.b64encode(nw7_png(link.patron_id)).decode("ascii"),
        "isBase64Encoded": True,
    }

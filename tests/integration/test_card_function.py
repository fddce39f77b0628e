"""The card function on moto: the signing key from SSM, an HTTP API request as API Gateway
sends it, and the PNG read back by a barcode decoder."""

from __future__ import annotations

import base64
import io
import logging
import time
from urllib.parse import parse_qs, urlsplit

import pytest
import zxingcpp
from PIL import Image

from devstack.provision import ClientFactory, put_secret
from library_service import config
from library_service.card.links import CardLinks
from tests.integration.conftest import REGION, context
from tests.support.functions import load_handler_module

SIGNING_KEY = "card-signing-key-for-the-integration-tests-0123456789"
PATRON = "5322726950"
PUBLIC_URL = "https://abc123.execute-api.ap-northeast-1.amazonaws.com"
# What the template gives CardFunction (used until the template has it).
DEFAULT_KEY_PARAMETER = "/library-line/card/signing-key"


def card_environment(stack) -> dict[str, str]:
    if "CardFunction" in stack.resources:
        return stack.function_environment("CardFunction")
    return {
        "POWERTOOLS_SERVICE_NAME": "card",
        "CARD_SIGNING_KEY_PARAM": DEFAULT_KEY_PARAMETER,
        "CARD_LINK_TTL_SECONDS": "600",
    }


@pytest.fixture
def card(stack, monkeypatch):
    environment = card_environment(stack)
    put_secret(ClientFactory(REGION), environment["CARD_SIGNING_KEY_PARAM"], SIGNING_KEY)
    for key, value in environment.items():
        monkeypatch.setenv(key, value)
    config.get_settings.cache_clear()
    return load_handler_module("card")


def link_token(key: str = SIGNING_KEY, patron_id: str = PATRON, **options) -> str:
    url = CardLinks(key.encode(), PUBLIC_URL, **options).url_for(patron_id)
    (token,) = parse_qs(urlsplit(url).query)["t"]
    return token


def barcode_request(token: str | None) -> dict:
    """GET /card/barcode.png as an HTTP API (payload 2.0) hands it to Lambda."""
    query = f"t={token}" if token is not None else ""
    event = {
        "version": "2.0",
        "routeKey": "GET /card/barcode.png",
        "rawPath": "/card/barcode.png",
        "rawQueryString": query,
        "headers": {
            "accept": "image/webp,image/png,image/*",
            "host": "abc123.execute-api.ap-northeast-1.amazonaws.com",
            "user-agent": "Mozilla/5.0 Line/14.0.0",
            "x-forwarded-for": "203.0.113.7",
            "x-forwarded-proto": "https",
        },
        "requestContext": {
            "accountId": "123456789012",
            "apiId": "abc123",
            "domainName": "abc123.execute-api.ap-northeast-1.amazonaws.com",
            "domainPrefix": "abc123",
            "http": {
                "method": "GET",
                "path": "/card/barcode.png",
                "protocol": "HTTP/1.1",
                "sourceIp": "203.0.113.7",
                "userAgent": "Mozilla/5.0 Line/14.0.0",
            },
            "requestId": "card-request-1",
            "routeKey": "GET /card/barcode.png",
            "stage": "$default",
            "time": "01/Jan/2026:00:00:00 +0000",
            "timeEpoch": 1767225600000,
        },
        "isBase64Encoded": False,
    }
    if token is not None:
        event["queryStringParameters"] = {"t": token}
    return event


def test_a_live_link_gets_the_barcode_png(card, caplog):
    caplog.set_level(logging.INFO)
    token = link_token()
    response = card.lambda_handler(barcode_request(token), context("card"))
    assert response["statusCode"] == 200 and response["isBase64Encoded"] is True
    headers = response["headers"]
    assert headers["Content-Type"] == "image/png"
    assert headers["X-Content-Type-Options"] == "nosniff"
    cache, max_age = headers["Cache-Control"].split(", max-age=")
    assert cache == "private" and 590 <= int(max_age) <= 600
    image = Image.open(io.BytesIO(base64.b64decode(response["body"])))
    (barcode,) = zxingcpp.read_barcodes(image, formats=zxingcpp.BarcodeFormat.Codabar)
    assert barcode.text.strip("ABCD") == PATRON
    assert "card barcode served" in caplog.text
    assert PATRON not in caplog.text and token not in caplog.text


def test_the_cache_lifetime_is_what_is_left_of_the_link(card):
    token = link_token(clock=lambda: time.time() - 500)
    response = card.lambda_handler(barcode_request(token), context("card"))
    assert response["statusCode"] == 200
    assert 90 <= int(response["headers"]["Cache-Control"].rsplit("=", 1)[1]) <= 100


def tampered(token: str) -> str:
    return token[:-1] + ("B" if token.endswith("A") else "A")


def refused(response: dict) -> bool:
    return (
        response["statusCode"] == 403
        and response["headers"]["Content-Type"].startswith("text/plain")
        and response["headers"]["Cache-Control"] == "no-store"
        and "無効" in response["body"]
        and not response.get("isBase64Encoded")
    )


def test_an_expired_link_is_403(card):
    token = link_token(clock=lambda: time.time() - 601)
    assert refused(card.lambda_handler(barcode_request(token), context("card")))


@pytest.mark.parametrize(
    "token",
    [
        None,
        "",
        "not-a-token",
        tampered(link_token()),
        link_token(key="another-key-that-is-long-enough-for-a-card-link"),
    ],
)
def test_a_bad_link_is_403_and_says_no_more(card, caplog, token):
    caplog.set_level(logging.INFO)
    response = card.lambda_handler(barcode_request(token), context("card"))
    assert refused(response)
    assert response["body"] == card.REFUSED  # the same answer whatever was wrong
    assert "card link refused" in caplog.text and PATRON not in caplog.text

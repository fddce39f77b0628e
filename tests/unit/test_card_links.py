"""Signed, expiring links to the barcode image: only ours pass, and only while they are live."""

from __future__ import annotations

import base64
import hashlib
import hmac
import re
from urllib.parse import parse_qs, urlsplit

import pytest

from library_service.card.links import CardLinks, InvalidCardLink

KEY = b"k" * 32
OTHER_KEY = b"o" * 32
BASE_URL = "https://abc123.execute-api.ap-northeast-1.amazonaws.com"
PATRON = "1234567897"
OTHER_PATRON = "0000000018"
ISSUED_AT = 1_767_225_600.25  # 2026-01-01 00:00 UTC, and a quarter second


class Clock:
    def __init__(self, now: float = ISSUED_AT) -> None:
        self.now = now

    def __call__(self) -> float:
        return self.now


def links(key: bytes = KEY, clock: Clock | None = None, **options) -> CardLinks:
    return CardLinks(key, BASE_URL, clock=clock or Clock(), **options)


def token_of(url: str) -> str:
    (token,) = parse_qs(urlsplit(url).query)["t"]
    return token


def b64(raw: bytes) -> str:
    return base64.urlsafe_b64encode(raw).rstrip(b"=").decode()


def test_a_link_round_trips_to_the_patron():
    card = links()
    url = card.url_for(PATRON)
    parts = urlsplit(url)
    assert f"{parts.scheme}://{parts.netloc}" == BASE_URL
    assert parts.path == "/card/barcode.png"
    assert card.patron_id_from(token_of(url)) == PATRON
    assert card.verify(token_of(url)).expires_at == int(ISSUED_AT) + 600


def test_the_token_is_url_safe_and_short_and_the_base_url_may_end_in_a_slash():
    url = CardLinks(KEY, BASE_URL + "/", clock=Clock()).url_for(PATRON)
    assert url.startswith(BASE_URL + "/card/barcode.png?t=")
    assert re.fullmatch(r"[A-Za-z0-9._-]+", token_of(url))
    assert len(url) < 300  # LINE allows 2000 characters for an image URL


def test_links_expire_after_their_ttl():
    clock = Clock()
    card = links(clock=clock, ttl_seconds=600)
    token = token_of(card.url_for(PATRON))
    link = card.verify(token)
    assert card.seconds_left(link) == 599  # issued a quarter second into the second
    clock.now = int(ISSUED_AT) + 599.5
    assert card.patron_id_from(token) == PATRON
    assert card.seconds_left(card.verify(token)) == 0
    clock.now = int(ISSUED_AT) + 600
    with pytest.raises(InvalidCardLink, match="expired"):
        card.patron_id_from(token)
    assert card.seconds_left(link) == 0
    clock.now += 86_400
    with pytest.raises(InvalidCardLink):
        card.patron_id_from(token)


def test_the_ttl_is_the_configured_one():
    card = links(ttl_seconds=60)
    assert card.verify(card.token_for(PATRON)).expires_at == int(ISSUED_AT) + 60


def test_a_tampered_payload_is_refused():
    card = links()
    version, _payload, signature = card.token_for(PATRON).split(".")
    expiry = int(ISSUED_AT) + 600
    for forged in (
        f"{OTHER_PATRON}.{expiry}",  # someone else's card
        f"{PATRON}.{expiry + 86_400}",  # a longer life
    ):
        token = f"{version}.{b64(forged.encode())}.{signature}"
        with pytest.raises(InvalidCardLink, match="signature"):
            card.patron_id_from(token)


def test_a_tampered_signature_is_refused():
    card = links()
    token = card.token_for(PATRON)
    last = token[-2]
    flipped = token[:-2] + ("A" if last != "A" else "B") + token[-1]
    for bad in (flipped, token[:-1], token + "A", token.rsplit(".", 1)[0] + "."):
        with pytest.raises(InvalidCardLink):
            card.patron_id_from(bad)


def test_a_link_made_with_another_key_is_refused():
    token = links(OTHER_KEY).token_for(PATRON)
    with pytest.raises(InvalidCardLink, match="signature"):
        links(KEY).patron_id_from(token)


def test_a_mac_of_the_same_text_without_the_card_purpose_is_refused():
    card = links()
    signed = card.token_for(PATRON).rsplit(".", 1)[0]
    bare = b64(hmac.new(KEY, signed.encode(), hashlib.sha256).digest())
    with pytest.raises(InvalidCardLink, match="signature"):
        card.patron_id_from(f"{signed}.{bare}")


@pytest.mark.parametrize(
    "token",
    [
        None,
        "",
        "v1",
        "v1.",
        "v1..",
        "..",
        "v2.MTIzNDU2Nzg5Ny4x.c2ln",
        "v1.MTIzNDU2Nzg5Ny4x",
        "v1.MTIzNDU2Nzg5Ny4x.c2ln.extra",
        "v1.!!!.c2ln",
        "v1.ＭＴＩ.c2ln",
        "v1." + "A" * 300 + ".c2ln",
        12345,
    ],
)
def test_malformed_tokens_are_refused(token):
    with pytest.raises(InvalidCardLink):
        links().patron_id_from(token)


@pytest.mark.parametrize("not_an_id", ["", "1234567891", "A1234567897A", "12345"])
def test_links_are_made_only_for_patron_ids(not_an_id):
    with pytest.raises(ValueError):
        links().url_for(not_an_id)


def test_the_key_must_be_long_the_ttl_positive_and_urls_need_a_base():
    with pytest.raises(ValueError):
        CardLinks(b"short", BASE_URL)
    with pytest.raises(ValueError):
        CardLinks(KEY, BASE_URL, ttl_seconds=0)
    checker = CardLinks(KEY, "", clock=Clock())
    with pytest.raises(ValueError):
        checker.url_for(PATRON)
    assert checker.patron_id_from(links().token_for(PATRON)) == PATRON


def test_a_verified_link_does_not_show_the_patron_id_in_its_repr():
    assert PATRON not in repr(links().verify(links().token_for(PATRON)))

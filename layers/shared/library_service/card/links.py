"""Short-lived signed links to a patron's barcode image.

A link is `<base_url>/card/barcode.png?t=<token>`, the token `v1.<payload>.<signature>`:
the payload is the patron ID and the link's expiry (Unix seconds) in URL-safe base64, the
signature an HMAC-SHA256 of the version and the payload under a key from SSM, with a purpose
prefix so that a MAC made with the same key for anything else never passes as a card link.
Without the key no link can be made for another ID, so IDs cannot be guessed or enumerated
through the URL; a link that leaks stops working after `ttl_seconds`. The payload is signed,
not encrypted: it holds the patron ID the image shows anyway.
"""

from __future__ import annotations

import base64
import binascii
import hashlib
import hmac
import re
import time
from collections.abc import Callable
from dataclasses import dataclass

from ..patrons.ids import is_valid_patron_id

BARCODE_PATH = "/card/barcode.png"
QUERY_PARAMETER = "t"
LINK_VERSION = "v1"
DEFAULT_TTL_SECONDS = 600
MIN_KEY_BYTES = 32
MAX_TOKEN_CHARS = 200
_PURPOSE = b"library-line/card-barcode\n"
_BASE64URL = re.compile(r"[A-Za-z0-9_-]+")
_EXPIRY = re.compile(r"[0-9]{1,12}")


class InvalidCardLink(Exception):
    """A link we did not issue, altered, malformed or expired. The reason is for logs only."""


@dataclass(frozen=True, repr=False)
class CardLink:
    patron_id: str
    expires_at: int  # Unix seconds; the link is good strictly before this second

    def __repr__(self) -> str:
        return f"CardLink(…, expires_at={self.expires_at})"


def _b64encode(raw: bytes) -> str:
    return base64.urlsafe_b64encode(raw).rstrip(b"=").decode("ascii")


def _b64decode(text: str) -> bytes:
    if not _BASE64URL.fullmatch(text):
        raise InvalidCardLink("malformed")
    try:
        return base64.urlsafe_b64decode(text + "=" * (-len(text) % 4))
    except (binascii.Error, ValueError):
        raise InvalidCardLink("malformed") from None


class CardLinks:
    def __init__(
        self,
        signing_key: bytes,
        base_url: str,
        ttl_seconds: int = DEFAULT_TTL_SECONDS,
        clock: Callable[[], float] = time.time,
    ) -> None:
        """`base_url` is the public API's URL (it may be empty where links are only checked)."""
        if len(signing_key) < MIN_KEY_BYTES:
            raise ValueError(f"the card signing key must have at least {MIN_KEY_BYTES} bytes")
        if ttl_seconds <= 0:
            raise ValueError("card links must expire")
        self._key = signing_key
        self._base_url = base_url.rstrip("/")
        self._ttl = ttl_seconds
        self._clock = clock

    def url_for(self, patron_id: str) -> str:
        """The barcode image's URL for this patron, good for `ttl_seconds` from now."""
        if not self._base_url.startswith(("https://", "http://")):
            raise ValueError("no public base URL for card links")
        return f"{self._base_url}{BARCODE_PATH}?{QUERY_PARAMETER}={self.token_for(patron_id)}"

    def token_for(self, patron_id: str) -> str:
        if not is_valid_patron_id(patron_id):
            raise ValueError("not a patron ID")
        expires_at = int(self._clock()) + self._ttl
        signed = f"{LINK_VERSION}.{_b64encode(f'{patron_id}.{expires_at}'.encode('ascii'))}"
        return f"{signed}.{self._signature(signed)}"

    def verify(self, token: object) -> CardLink:
        """The link a token stands for; InvalidCardLink unless we issued it and it is live."""
        if not isinstance(token, str) or not token.isascii() or len(token) > MAX_TOKEN_CHARS:
            raise InvalidCardLink("malformed")
        signed, _, signature = token.rpartition(".")
        version, _, payload = signed.partition(".")
        if version != LINK_VERSION or not payload or not signature:
            raise InvalidCardLink("malformed")
        if not hmac.compare_digest(self._signature(signed).encode(), signature.encode()):
            raise InvalidCardLink("bad signature")
        # Signed by us: what follows only fails if the key signed something it should not.
        try:
            patron_id, expiry = _b64decode(payload).decode("ascii").split(".")
        except (UnicodeDecodeError, ValueError):
            raise InvalidCardLink("malformed") from None
        if not is_valid_patron_id(patron_id) or not _EXPIRY.fullmatch(expiry):
            raise InvalidCardLink("malformed")
        link = CardLink(patron_id, int(expiry))
        if link.expires_at <= self._clock():
            raise InvalidCardLink("expired")
        return link

    def patron_id_from(self, token: object) -> str:
        return self.verify(token).patron_id

    def seconds_left(self, link: CardLink) -> int:
        """Whole seconds the link stays good (0 once expired): a cache lifetime for its image."""
        return max(0, int(link.expires_at - self._clock()))

    def _signature(self, signed: str) -> str:
        mac = hmac.new(self._key, _PURPOSE + signed.encode("ascii"), hashlib.sha256)
        return _b64encode(mac.digest())


def card_links(settings) -> CardLinks:
    """The links with the key from SSM (`config.Settings`). Made per use: `get_secret` caches
    the key for `secrets_max_age_seconds`, so a rotated key is taken up without a cold start."""
    from ..config import get_secret

    return CardLinks(
        get_secret(settings.card_signing_key_param).encode("utf-8"),
        settings.public_api_url,
        settings.card_link_ttl_seconds,
    )

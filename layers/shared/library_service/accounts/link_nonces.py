"""Nonces for the Messaging API's account link: ours, bound to the patron who logged in.

LINE asks for at least 128 bits, used once; ours have 256 and live ten minutes. Storage
keeps only their SHA-256, so a table read gives no nonce that could link an account.
"""

from __future__ import annotations

from datetime import timedelta
from typing import Protocol

NONCE_LIFETIME = timedelta(minutes=10)


class LinkNonces(Protocol):
    def issue(self, patron_id: str) -> str:
        """A new nonce (secrets.token_urlsafe(32)) for this patron, valid NONCE_LIFETIME."""
        ...

    def consume(self, nonce: str) -> str | None:
        """The patron ID the nonce was issued for, once; None when unknown, used or expired."""
        ...

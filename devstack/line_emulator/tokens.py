"""Reply tokens and account-link tokens: single use, expiring by the emulator's clock."""

from __future__ import annotations

import threading
from dataclasses import dataclass

from . import ids
from .clock import SimClock


@dataclass
class IssuedToken:
    value: str
    user_id: str
    issued_at: float
    used: bool = False


class TokenBook:
    def __init__(self, clock: SimClock, ttl_seconds: float, make=ids.reply_token) -> None:
        self._clock = clock
        self._ttl = ttl_seconds
        self._make = make
        self._tokens: dict[str, IssuedToken] = {}
        self._lock = threading.Lock()

    def issue(self, user_id: str) -> str:
        token = IssuedToken(self._make(), user_id, self._clock.now())
        with self._lock:
            self._tokens[token.value] = token
        return token.value

    def usable(self, value: str) -> IssuedToken | None:
        """The token if it exists, is unused and is still young enough; never consumes it."""
        with self._lock:
            token = self._tokens.get(value)
        if token is None or token.used or self._clock.now() - token.issued_at >= self._ttl:
            return None
        return token

    def lookup(self, value: str) -> IssuedToken | None:
        with self._lock:
            return self._tokens.get(value)

    def consume(self, value: str) -> IssuedToken | None:
        """Marks the token used and returns it, or None when it was not usable."""
        with self._lock:
            token = self._tokens.get(value)
            if token is None or token.used or self._clock.now() - token.issued_at >= self._ttl:
                return None
            token.used = True
            return token

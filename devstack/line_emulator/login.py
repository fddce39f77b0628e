"""LINE Login v2.1 bookkeeping: authorization codes and the access tokens they became."""

from __future__ import annotations

import base64
import hashlib
import secrets
import threading
from dataclasses import dataclass

from .clock import SimClock

CODE_TTL_SECONDS = 10 * 60
ACCESS_TOKEN_TTL_SECONDS = 30 * 24 * 60 * 60


@dataclass
class AuthCode:
    code: str
    user_id: str
    client_id: str
    redirect_uri: str
    scope: str
    nonce: str | None
    code_challenge: str | None
    issued_at: float
    used: bool = False


@dataclass
class AccessToken:
    token: str
    user_id: str
    client_id: str
    scope: str
    issued_at: float


def s256(verifier: str) -> str:
    digest = hashlib.sha256(verifier.encode("ascii")).digest()
    return base64.urlsafe_b64encode(digest).rstrip(b"=").decode("ascii")


class LoginStore:
    def __init__(self, clock: SimClock) -> None:
        self._clock = clock
        self._codes: dict[str, AuthCode] = {}
        self._tokens: dict[str, AccessToken] = {}
        self._lock = threading.Lock()

    def issue_code(self, **fields) -> str:
        code = AuthCode(code=secrets.token_urlsafe(16), issued_at=self._clock.now(), **fields)
        with self._lock:
            self._codes[code.code] = code
        return code.code

    def usable_code(self, value: str) -> AuthCode | None:
        """The code if it exists, is unused and is younger than ten minutes; never consumes it."""
        with self._lock:
            code = self._codes.get(value)
        if code is None or code.used or self._clock.now() - code.issued_at >= CODE_TTL_SECONDS:
            return None
        return code

    def consume_code(self, value: str) -> bool:
        """Marks the code used; False when another exchange got there first."""
        with self._lock:
            code = self._codes.get(value)
            if code is None or code.used:
                return False
            code.used = True
            return True

    def issue_access_token(self, user_id: str, client_id: str, scope: str) -> AccessToken:
        token = AccessToken(secrets.token_urlsafe(32), user_id, client_id, scope, self._clock.now())
        with self._lock:
            self._tokens[token.token] = token
        return token

    def access_token(self, value: str) -> AccessToken | None:
        with self._lock:
            token = self._tokens.get(value)
        if token is None or self._clock.now() - token.issued_at >= ACCESS_TOKEN_TTL_SECONDS:
            return None
        return token

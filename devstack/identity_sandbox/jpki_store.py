"""JPKI bookkeeping: authorization requests awaiting a persona, and the codes they became."""

from __future__ import annotations

import base64
import hashlib
import secrets
import threading
import time
from dataclasses import dataclass

CODE_TTL_SECONDS = 60
# How long the persona page may stay open before its request is forgotten.
PENDING_TTL_SECONDS = 10 * 60


@dataclass(frozen=True)
class AuthRequest:
    """A validated /authorize request; the page only carries its id, so it can't be altered."""

    id: str
    client_id: str
    redirect_uri: str
    state: str
    nonce: str
    code_challenge: str
    created_at: float


@dataclass
class AuthCode:
    code: str
    client_id: str
    redirect_uri: str
    nonce: str
    code_challenge: str
    persona_id: str
    issued_at: float
    used: bool = False

    def expired(self, now: float) -> bool:
        return now - self.issued_at >= CODE_TTL_SECONDS


def s256(verifier: str) -> str:
    digest = hashlib.sha256(verifier.encode("ascii", "replace")).digest()
    return base64.urlsafe_b64encode(digest).rstrip(b"=").decode("ascii")


class JpkiStore:
    def __init__(self) -> None:
        self._requests: dict[str, AuthRequest] = {}
        self._codes: dict[str, AuthCode] = {}
        self._lock = threading.Lock()

    def hold_request(self, **fields) -> AuthRequest:
        pending = AuthRequest(id=secrets.token_urlsafe(16), created_at=time.time(), **fields)
        with self._lock:
            self._requests[pending.id] = pending
        return pending

    def take_request(self, request_id: str) -> AuthRequest | None:
        """The pending request, removed so a second submit of the same page does nothing."""
        with self._lock:
            pending = self._requests.pop(request_id, None)
        if pending is None or time.time() - pending.created_at >= PENDING_TTL_SECONDS:
            return None
        return pending

    def issue_code(self, pending: AuthRequest, persona_id: str, expired: bool = False) -> str:
        issued_at = time.time()
        if expired:
            # Backdated rather than delayed: the token endpoint sees a stale code at once.
            issued_at -= CODE_TTL_SECONDS + 1
        code = AuthCode(
            code=secrets.token_urlsafe(24),
            client_id=pending.client_id,
            redirect_uri=pending.redirect_uri,
            nonce=pending.nonce,
            code_challenge=pending.code_challenge,
            persona_id=persona_id,
            issued_at=issued_at,
        )
        with self._lock:
            self._codes[code.code] = code
        return code.code

    def redeem(self, value: str) -> AuthCode | None:
        """The code, spent by this call; None when unknown or already presented once.

        Any presentation spends it, even one that fails a later check: a code that leaked
        must not be retried with guesses at the verifier.
        """
        with self._lock:
            code = self._codes.get(value)
            if code is None or code.used:
                return None
            code.used = True
            return code

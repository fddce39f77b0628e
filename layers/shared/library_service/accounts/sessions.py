"""My Page sessions: what a browser's cookie stands for, and when it stops standing for it.

The session ID is the cookie's value and a bearer secret: storage keeps only its SHA-256, and
it is never logged. A login, a logout and a password change each rotate it (a new ID, the old
one gone), so an ID planted in a browser before a login never becomes a logged-in session.
"""

from __future__ import annotations

import hmac
import re
import secrets
from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import Protocol

from ..privacy import mask_id

TOKEN_BYTES = 32  # 256 bits for session IDs and CSRF tokens
_TOKEN = re.compile(r"[A-Za-z0-9_-]{43}")  # secrets.token_urlsafe(32): 43 base64url characters
# Reading a session writes its last_seen_at at most this often, so most reads cost one read.
TOUCH_INTERVAL = timedelta(minutes=1)
DATA_MAX_CHARS = 4000  # keys and values together: data holds small values, never a page


class ConcurrentSessionUpdate(Exception):
    """The session changed, rotated or ended since it was read; read it again."""


@dataclass(frozen=True, repr=False)
class WebSession:
    session_id: str  # the cookie value; never stored, never logged
    csrf_token: str
    patron_id: str | None  # None until logged in
    created_at: datetime  # when this session ID was issued (a login issues a new one)
    last_seen_at: datetime
    # Small server-side values: pending LINE Login state/nonce/verifier, purpose, account-link
    # token, a flash message.
    data: dict[str, str]
    version: int | None = None

    def __repr__(self) -> str:
        # Neither secret may reach a log line or a traceback.
        return (
            f"WebSession(patron={mask_id(self.patron_id)}, "
            f"created_at={self.created_at.isoformat()}, version={self.version})"
        )

    def csrf_matches(self, token: str | None) -> bool:
        """True when a form's token is this session's, compared in constant time."""
        return bool(token) and hmac.compare_digest(token.encode(), self.csrf_token.encode())

    def issued_before(self, moment: datetime | None) -> bool:
        """True when this ID predates `moment`, e.g. the patron's credentials_changed_at."""
        return moment is not None and self.created_at < moment


@dataclass(frozen=True)
class SessionRules:
    idle_seconds: int = 30 * 60
    absolute_seconds: int = 8 * 3600

    def expires_at(self, session: WebSession) -> datetime:
        """The earlier of the idle and the absolute limit."""
        return min(
            session.created_at + timedelta(seconds=self.absolute_seconds),
            session.last_seen_at + timedelta(seconds=self.idle_seconds),
        )

    def is_live(self, session: WebSession, now: datetime) -> bool:
        return now < self.expires_at(session)


class SessionStore(Protocol):
    def create(
        self, patron_id: str | None = None, data: dict[str, str] | None = None
    ) -> WebSession:
        """A new session with fresh ID and CSRF token."""
        ...

    def get(self, session_id: str) -> WebSession | None:
        """The live session with this ID; None when unknown, malformed or expired. Moves
        last_seen_at forward at most once a TOUCH_INTERVAL."""
        ...

    def save(self, session: WebSession) -> WebSession:
        """Write the session's data unless it changed since read (ConcurrentSessionUpdate).
        Only data: who is logged in changes through `rotate`."""
        ...

    def rotate(self, session: WebSession, patron_id: str | None) -> WebSession:
        """A new ID and CSRF token for `patron_id`, carrying `session.data` (drop what should
        not survive before calling); the old ID ends in the same transaction
        (ConcurrentSessionUpdate when it already changed or ended)."""
        ...

    def delete(self, session_id: str) -> None:
        """End the session; an unknown or malformed ID is fine."""
        ...


def new_token() -> str:
    return secrets.token_urlsafe(TOKEN_BYTES)


def is_token(text: object) -> bool:
    """Shaped like a token we issue; anything else is refused before any lookup."""
    return isinstance(text, str) and _TOKEN.fullmatch(text) is not None


def new_session(patron_id: str | None, data: dict[str, str], now: datetime) -> WebSession:
    return WebSession(
        session_id=new_token(),
        csrf_token=new_token(),
        patron_id=patron_id,
        created_at=now,
        last_seen_at=now,
        data=check_data(data),
    )


def check_data(data: dict[str, str]) -> dict[str, str]:
    """Session data is a few short strings; anything else is a programming error."""
    if not all(isinstance(k, str) and isinstance(v, str) for k, v in data.items()):
        raise TypeError("session data maps strings to strings")
    if sum(len(k) + len(v) for k, v in data.items()) > DATA_MAX_CHARS:
        raise ValueError("session data is for small values")
    return dict(data)

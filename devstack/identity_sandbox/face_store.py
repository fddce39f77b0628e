"""Face eKYC bookkeeping: sessions, their outcomes, and every webhook delivery attempted."""

from __future__ import annotations

import secrets
import threading
import time
from dataclasses import dataclass

SESSION_TTL_SECONDS = 15 * 60

# The documents a session may ask for, with the name the patron sees on the page.
DOCUMENTS = {
    "my_number_card": "マイナンバーカード",
    "drivers_license": "運転免許証",
    "passport": "パスポート",
    "residence_card": "在留カード",
}


@dataclass
class FaceSession:
    id: str
    reference: str
    document: str
    return_url: str
    webhook_url: str
    expires_at: int
    # The webhook body once decided; the debugging API answers exactly what was delivered.
    outcome: dict | None = None
    decided: bool = False

    @property
    def document_name(self) -> str:
        return DOCUMENTS[self.document]

    def expired(self, now: float) -> bool:
        return now >= self.expires_at

    def pending_view(self) -> dict:
        """The webhook body's shape with nothing decided yet."""
        return {
            "event": None,
            "session_id": self.id,
            "reference": self.reference,
            "result": None,
            "document": self.document,
            "completed_at": None,
            "verified": None,
            "transaction_id": None,
        }


@dataclass(frozen=True)
class Delivery:
    session_id: str
    url: str
    status: int | None
    error: str | None

    @property
    def ok(self) -> bool:
        return self.status is not None and 200 <= self.status < 300

    def as_json(self) -> dict:
        return {
            "session_id": self.session_id,
            "url": self.url,
            "status": self.status,
            "error": self.error,
        }


class FaceStore:
    def __init__(self) -> None:
        self._sessions: dict[str, FaceSession] = {}
        self._deliveries: list[Delivery] = []
        self._lock = threading.Lock()

    def create(self, reference: str, document: str, return_url: str, webhook_url: str):
        session = FaceSession(
            id=f"fs_{secrets.token_hex(12)}",
            reference=reference,
            document=document,
            return_url=return_url,
            webhook_url=webhook_url,
            expires_at=int(time.time()) + SESSION_TTL_SECONDS,
        )
        with self._lock:
            self._sessions[session.id] = session
        return session

    def get(self, session_id: str) -> FaceSession | None:
        with self._lock:
            return self._sessions.get(session_id)

    def claim(self, session_id: str) -> bool:
        """Marks the session decided; False when another decision got there first."""
        with self._lock:
            session = self._sessions.get(session_id)
            if session is None or session.decided:
                return False
            session.decided = True
            return True

    def finish(self, session_id: str, outcome: dict, delivery: Delivery) -> None:
        with self._lock:
            self._sessions[session_id].outcome = outcome
            self._deliveries.append(delivery)

    def deliveries(self) -> list[Delivery]:
        with self._lock:
            return list(self._deliveries)

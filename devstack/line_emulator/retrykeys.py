"""X-Line-Retry-Key bookkeeping: an accepted key replays its answer for 24 hours."""

from __future__ import annotations

import threading
from dataclasses import dataclass

from .clock import SimClock

RETRY_KEY_TTL_SECONDS = 24 * 60 * 60


@dataclass
class AcceptedRequest:
    request_id: str
    sent_messages: list[dict]
    accepted_at: float


class RetryKeys:
    def __init__(self, clock: SimClock) -> None:
        self._clock = clock
        self._accepted: dict[str, AcceptedRequest] = {}
        self._lock = threading.Lock()

    def accepted(self, key: str) -> AcceptedRequest | None:
        with self._lock:
            found = self._accepted.get(key)
        if found and self._clock.now() - found.accepted_at < RETRY_KEY_TTL_SECONDS:
            return found
        return None

    def accept(self, key: str, request_id: str, sent_messages: list[dict]) -> None:
        with self._lock:
            self._accepted[key] = AcceptedRequest(request_id, sent_messages, self._clock.now())

"""A record of every API call the bot made, refused ones included, with secrets masked."""

from __future__ import annotations

import threading

from .clock import SimClock

_SECRET_KEYS = {
    "access_token",
    "refresh_token",
    "id_token",
    "client_secret",
    "code_verifier",
    "code",
    "linkToken",
}


def mask(value: str) -> str:
    return value[:4] + "…" if len(value) > 4 else "…"


def mask_secrets(body):
    if isinstance(body, dict):
        return {
            key: mask(item) if key in _SECRET_KEYS and isinstance(item, str) else mask_secrets(item)
            for key, item in body.items()
        }
    if isinstance(body, list):
        return [mask_secrets(item) for item in body]
    return body


class ApiLog:
    def __init__(self, clock: SimClock) -> None:
        self._clock = clock
        self._entries: list[dict] = []
        self._lock = threading.Lock()

    def record(self, method: str, path: str, status: int, request, response) -> None:
        with self._lock:
            self._entries.append(
                {
                    "n": len(self._entries) + 1,
                    "method": method,
                    "path": path,
                    "status": status,
                    "request": mask_secrets(request),
                    "response": mask_secrets(response),
                    "at": self._clock.iso(),
                }
            )

    def after(self, n: int) -> list[dict]:
        with self._lock:
            return self._entries[n:] if n >= 0 else list(self._entries)

"""Injected failures: the next N calls to a path answer an error instead of doing the work."""

from __future__ import annotations

import threading

FAULT_BODIES = {
    429: {"message": "The API rate limit has been exceeded. Try again later."},
    500: {"message": "Internal server error"},
}


class Faults:
    def __init__(self) -> None:
        self._pending: dict[str, list[int]] = {}
        self._lock = threading.Lock()

    def add(self, path: str, status: int, count: int) -> None:
        with self._lock:
            self._pending.setdefault(path, []).extend([status] * count)

    def take(self, path: str) -> tuple[int, dict] | None:
        with self._lock:
            queue = self._pending.get(path)
            if not queue:
                return None
            status = queue.pop(0)
        return status, FAULT_BODIES.get(status, {"message": "Injected failure"})

    def clear(self) -> None:
        with self._lock:
            self._pending.clear()

    def pending(self) -> dict[str, list[int]]:
        with self._lock:
            return {path: list(queue) for path, queue in self._pending.items() if queue}

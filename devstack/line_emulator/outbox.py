"""Everything the bot sent to each user, in one emulator-wide sequence, with long-polling."""

from __future__ import annotations

import threading
import time
from dataclasses import dataclass

from .clock import SimClock


@dataclass
class _Loading:
    started_at: float
    seconds: int


class Outbox:
    def __init__(self, clock: SimClock) -> None:
        self._clock = clock
        self._seq = 0
        self._by_user: dict[str, list[dict]] = {}
        self._loading: dict[str, _Loading] = {}
        self._changed = threading.Condition()

    def deliver(
        self,
        user_id: str,
        via: str,
        messages: list[dict],
        sent: list[dict],
        notification_disabled: bool = False,
    ) -> None:
        with self._changed:
            box = self._by_user.setdefault(user_id, [])
            for message, receipt in zip(messages, sent, strict=True):
                self._seq += 1
                box.append(
                    {
                        "seq": self._seq,
                        "via": via,
                        "message": message,
                        "at": self._clock.iso(),
                        "messageId": receipt["id"],
                        "notificationDisabled": notification_disabled,
                    }
                )
            # LINE hides the loading animation as soon as a message arrives.
            self._loading.pop(user_id, None)
            self._changed.notify_all()

    def messages_after(
        self, user_id: str, after: int, wait: float = 0.0, wake_on_loading: bool = False
    ) -> list[dict]:
        """Messages with seq > after, waiting up to `wait` seconds for the first one.

        With wake_on_loading the wait also ends when the bot starts a loading animation, so
        the chat page can show it at once."""
        deadline = time.monotonic() + wait
        with self._changed:
            loading_before = self._loading.get(user_id)
            while True:
                found = [m for m in self._by_user.get(user_id, []) if m["seq"] > after]
                remaining = deadline - time.monotonic()
                started = self._loading.get(user_id)
                if found or remaining <= 0:
                    return found
                if wake_on_loading and started is not None and started is not loading_before:
                    return found
                self._changed.wait(remaining)

    def start_loading(self, user_id: str, seconds: int) -> None:
        with self._changed:
            self._loading[user_id] = _Loading(self._clock.now(), seconds)
            self._changed.notify_all()

    def loading(self, user_id: str) -> dict | None:
        with self._changed:
            state = self._loading.get(user_id)
        if state is None:
            return None
        remaining = state.started_at + state.seconds - self._clock.now()
        if remaining <= 0:
            return None
        return {"loadingSeconds": state.seconds, "remainingSeconds": round(remaining, 1)}

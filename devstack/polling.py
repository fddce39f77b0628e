"""A background thread that polls something (an SQS queue) until stopped, and can be paused.

pause() returns only once the batch in flight is finished, so a caller that pauses and then
sends a message knows the message waits in the queue until resume().
"""

from __future__ import annotations

import threading
from collections.abc import Callable


class PollingLoop:
    name = "poller"

    def __init__(self, log: Callable[[str, str], None]) -> None:
        self._log = log
        self._stopped = threading.Event()
        self._running = threading.Event()
        self._running.set()
        self._busy = threading.Lock()
        self._thread = threading.Thread(target=self._loop, name=self.name, daemon=True)

    def poll_once(self, wait_seconds: int = 0) -> int:
        raise NotImplementedError

    def start(self) -> None:
        self._thread.start()

    def stop(self) -> None:
        self._stopped.set()
        self._running.set()
        self._thread.join(timeout=5)

    def pause(self) -> None:
        self._running.clear()
        with self._busy:  # waits for the batch in flight
            pass

    def resume(self) -> None:
        self._running.set()

    def _loop(self) -> None:
        while not self._stopped.is_set():
            self._running.wait()
            with self._busy:
                if self._stopped.is_set() or not self._running.is_set():
                    continue
                try:
                    self.poll_once(wait_seconds=1)
                except Exception as error:  # keep polling: the devstack must outlive a bad moment
                    self._log("devstack", f"{self.name}: {error!r}")
                    self._stopped.wait(1)

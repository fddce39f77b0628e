"""A real HTTP server standing in for api.line.me that records what the bot sends.

Answers can be scripted per path (a status and body for the next N calls), so tests can
make LINE refuse a reply token or fail a push.
"""

from __future__ import annotations

import json
import threading
from collections import deque
from dataclasses import dataclass

from werkzeug.serving import make_server
from werkzeug.wrappers import Request, Response


@dataclass
class RecordedCall:
    method: str
    path: str
    headers: dict
    body: dict


class LineRecorder:
    def __init__(self) -> None:
        self.calls: list[RecordedCall] = []
        self._scripted: dict[str, deque] = {}
        self._lock = threading.Lock()
        self._server = make_server("127.0.0.1", 0, self._app, threaded=True)
        self.url = f"http://127.0.0.1:{self._server.server_port}"
        self._thread = threading.Thread(target=self._server.serve_forever, daemon=True)

    def __enter__(self) -> LineRecorder:
        self._thread.start()
        return self

    def __exit__(self, *exc) -> None:
        self._server.shutdown()

    def fail_next(self, path: str, status: int, body: dict, times: int = 1) -> None:
        with self._lock:
            self._scripted.setdefault(path, deque()).extend([(status, body)] * times)

    def calls_to(self, path: str) -> list[RecordedCall]:
        return [call for call in self.calls if call.path == path]

    @staticmethod
    def _accepted(body: dict) -> dict:
        sent = [
            {"id": str(index), "quoteToken": "q"}
            for index, _ in enumerate(body.get("messages", []))
        ]
        return {"sentMessages": sent}

    @Request.application
    def _app(self, request: Request) -> Response:
        body = json.loads(request.get_data() or b"{}")
        with self._lock:
            self.calls.append(
                RecordedCall(request.method, request.path, dict(request.headers), body)
            )
            scripted = self._scripted.get(request.path)
            status, answer = scripted.popleft() if scripted else (200, self._accepted(body))
        return Response(json.dumps(answer), status=status, mimetype="application/json")

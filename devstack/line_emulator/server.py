"""Runs the emulator's app on a werkzeug threaded server in a background thread."""

from __future__ import annotations

import logging
import socket
import threading

from werkzeug.serving import BaseWSGIServer, WSGIRequestHandler, make_server

from .app import create_app
from .settings import EmulatorSettings
from .state import EmulatorState


class EmulatorStartError(RuntimeError):
    pass


class _QuietHandler(WSGIRequestHandler):
    def log_request(self, *args, **kwargs) -> None:
        pass


class LineEmulator:
    def __init__(self, settings: EmulatorSettings, log_requests: bool = False) -> None:
        self.settings = settings
        self.state = EmulatorState.create(settings)
        self.app = create_app(self.state)
        self._log_requests = log_requests
        self._server: BaseWSGIServer | None = None
        self._thread: threading.Thread | None = None
        self._bound_port: int | None = None

    @property
    def port(self) -> int:
        """The real port once started (port 0 in the settings means "pick a free one")."""
        return self._bound_port if self._bound_port is not None else self.settings.port

    @property
    def url(self) -> str:
        return f"http://{self.settings.host}:{self.port}"

    def start(self) -> None:
        if self._server is not None:
            return
        listener = self._listen()
        try:
            # werkzeug would print and sys.exit on a busy port, so it gets a socket that is
            # already bound; it duplicates the descriptor, so ours is closed right after.
            self._server = make_server(
                self.settings.host,
                listener.getsockname()[1],
                self.app,
                threaded=True,
                request_handler=None if self._log_requests else _QuietHandler,
                fd=listener.fileno(),
            )
        finally:
            listener.close()
        self._bound_port = self._server.port
        if not self._log_requests:
            logging.getLogger("werkzeug").setLevel(logging.WARNING)
        # A short poll interval keeps stop() quick; tests start and stop many emulators.
        self._thread = threading.Thread(
            target=self._server.serve_forever,
            kwargs={"poll_interval": 0.05},
            name=f"line-emulator:{self.port}",
            daemon=True,
        )
        self._thread.start()

    def _listen(self) -> socket.socket:
        family = socket.AF_INET6 if ":" in self.settings.host else socket.AF_INET
        listener = socket.socket(family, socket.SOCK_STREAM)
        listener.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
        try:
            listener.bind((self.settings.host, self.settings.port))
            listener.listen(128)
        except OSError as exc:
            listener.close()
            raise EmulatorStartError(
                f"LINE emulator cannot listen on {self.settings.host}:{self.settings.port}"
                f" (port {self.settings.port} is in use or unavailable: {exc.strerror})"
            ) from None
        return listener

    def stop(self) -> None:
        if self._server is None:
            return
        self._server.shutdown()
        self._server.server_close()
        if self._thread is not None:
            self._thread.join(timeout=5)
        self._server = None
        self._thread = None

    def __enter__(self) -> LineEmulator:
        self.start()
        return self

    def __exit__(self, *exc_info) -> None:
        self.stop()

"""A WSGI app on a werkzeug threaded server in a background thread, on a port of its own.

Shared by the LINE emulator and the identity sandbox: port 0 picks a free port, a busy port is
one clear exception instead of werkzeug's print and sys.exit, and stop() is quick.
"""

from __future__ import annotations

import logging
import signal
import socket
import sys
import threading

from werkzeug.serving import BaseWSGIServer, WSGIRequestHandler, make_server


class ServerStartError(RuntimeError):
    """The port is in use or unavailable; the message names what could not start and where."""


class _QuietHandler(WSGIRequestHandler):
    def log_request(self, *args, **kwargs) -> None:
        pass


class BackgroundServer:
    def __init__(
        self, app, host: str, port: int, name: str, error=ServerStartError, log_requests=False
    ) -> None:
        """`name` says what runs, for the thread and for the error; `error` is raised (a
        ServerStartError subclass callers may catch by their own name) when the port is busy."""
        self._app, self._host, self._port, self._name = app, host, port, name
        self._error = error
        self._log_requests = log_requests
        self._server: BaseWSGIServer | None = None
        self._thread: threading.Thread | None = None
        self._bound_port: int | None = None

    @property
    def port(self) -> int:
        """The real port once started (port 0 means "pick a free one")."""
        return self._bound_port if self._bound_port is not None else self._port

    def start(self) -> None:
        if self._server is not None:
            return
        listener = self._listen()
        try:
            # werkzeug would print and sys.exit on a busy port, so it gets a socket that is
            # already bound; it duplicates the descriptor, so ours is closed right after.
            self._server = make_server(
                self._host,
                listener.getsockname()[1],
                self._app,
                threaded=True,
                request_handler=None if self._log_requests else _QuietHandler,
                fd=listener.fileno(),
            )
        finally:
            listener.close()
        self._bound_port = self._server.port
        if not self._log_requests:
            logging.getLogger("werkzeug").setLevel(logging.WARNING)
        # A short poll interval keeps stop() quick; tests start and stop many servers.
        self._thread = threading.Thread(
            target=self._server.serve_forever,
            kwargs={"poll_interval": 0.05},
            name=f"{self._name}:{self.port}",
            daemon=True,
        )
        self._thread.start()

    def _listen(self) -> socket.socket:
        family = socket.AF_INET6 if ":" in self._host else socket.AF_INET
        listener = socket.socket(family, socket.SOCK_STREAM)
        listener.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
        try:
            listener.bind((self._host, self._port))
            listener.listen(128)
        except OSError as exc:
            listener.close()
            raise self._error(
                f"{self._name} cannot listen on {self._host}:{self._port}"
                f" (port {self._port} is in use or unavailable: {exc.strerror})"
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


def serve_in_foreground(server, banner) -> int:
    """`python -m` for a server with start()/stop(): start it, print `banner()` (after start,
    when the port is known), run until Ctrl-C or SIGTERM; 1 when the port is busy."""
    try:
        server.start()
    except ServerStartError as exc:
        print(exc, file=sys.stderr)
        return 1
    print(banner(), flush=True)
    stopping = threading.Event()
    # Scripts stop background services with SIGTERM; treat it like Ctrl-C.
    signal.signal(signal.SIGTERM, lambda *_: stopping.set())
    try:
        while not stopping.wait(0.5):
            pass
    except KeyboardInterrupt:
        pass
    finally:
        server.stop()
    return 0

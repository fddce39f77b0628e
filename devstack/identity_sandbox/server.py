"""Runs the sandbox's app on a werkzeug threaded server in a background thread."""

from __future__ import annotations

import logging
import socket
import threading

from werkzeug.serving import BaseWSGIServer, WSGIRequestHandler, make_server

from .app import create_app
from .settings import SandboxSettings
from .state import SandboxState


class SandboxStartError(RuntimeError):
    pass


class _QuietHandler(WSGIRequestHandler):
    def log_request(self, *args, **kwargs) -> None:
        pass


class IdentitySandbox:
    def __init__(self, settings: SandboxSettings | None = None, log_requests: bool = False):
        self.settings = settings or SandboxSettings()
        self.state = SandboxState(self.settings)
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
        # Bound to every interface, the sandbox is still reached locally as 127.0.0.1: browsers
        # refuse http://0.0.0.0/, and the issuer must be an address clients can fetch.
        host = {"0.0.0.0": "127.0.0.1", "": "127.0.0.1", "::": "::1"}.get(
            self.settings.host, self.settings.host
        )
        if ":" in host:
            host = f"[{host}]"
        return f"http://{host}:{self.port}"

    @property
    def jpki_issuer(self) -> str:
        return self.url + "/jpki"

    @property
    def face_api_base_url(self) -> str:
        return self.url + "/face"

    def start(self) -> IdentitySandbox:
        if self._server is not None:
            return self
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
        self.state.base_url = self.url
        if not self._log_requests:
            logging.getLogger("werkzeug").setLevel(logging.WARNING)
        # A short poll interval keeps stop() quick; tests start and stop many sandboxes.
        self._thread = threading.Thread(
            target=self._server.serve_forever,
            kwargs={"poll_interval": 0.05},
            name=f"identity-sandbox:{self.port}",
            daemon=True,
        )
        self._thread.start()
        return self

    def _listen(self) -> socket.socket:
        family = socket.AF_INET6 if ":" in self.settings.host else socket.AF_INET
        listener = socket.socket(family, socket.SOCK_STREAM)
        listener.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
        try:
            listener.bind((self.settings.host, self.settings.port))
            listener.listen(128)
        except OSError as exc:
            listener.close()
            raise SandboxStartError(
                f"identity sandbox cannot listen on {self.settings.host}:{self.settings.port}"
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

    def __enter__(self) -> IdentitySandbox:
        return self.start()

    def __exit__(self, *exc_info) -> None:
        self.stop()

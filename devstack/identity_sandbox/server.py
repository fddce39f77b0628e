"""Runs the sandbox's app on a background server (devstack.background_server)."""

from __future__ import annotations

from ..background_server import BackgroundServer, ServerStartError
from .app import create_app
from .settings import SandboxSettings
from .state import SandboxState


class SandboxStartError(ServerStartError):
    pass


class IdentitySandbox:
    def __init__(self, settings: SandboxSettings | None = None, log_requests: bool = False):
        self.settings = settings or SandboxSettings()
        self.state = SandboxState(self.settings)
        self.app = create_app(self.state)
        self._server = BackgroundServer(
            self.app,
            self.settings.host,
            self.settings.port,
            "identity sandbox",
            SandboxStartError,
            log_requests,
        )

    @property
    def port(self) -> int:
        """The real port once started (port 0 in the settings means "pick a free one")."""
        return self._server.port

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
        self._server.start()
        self.state.base_url = self.url
        return self

    def stop(self) -> None:
        self._server.stop()

    def __enter__(self) -> IdentitySandbox:
        return self.start()

    def __exit__(self, *exc_info) -> None:
        self.stop()

"""Runs the emulator's app on a background server (devstack.background_server)."""

from __future__ import annotations

from ..background_server import BackgroundServer, ServerStartError
from .app import create_app
from .settings import EmulatorSettings
from .state import EmulatorState


class EmulatorStartError(ServerStartError):
    pass


class LineEmulator:
    def __init__(self, settings: EmulatorSettings, log_requests: bool = False) -> None:
        self.settings = settings
        self.state = EmulatorState.create(settings)
        self.app = create_app(self.state)
        self._server = BackgroundServer(
            self.app,
            settings.host,
            settings.port,
            "LINE emulator",
            EmulatorStartError,
            log_requests,
        )

    @property
    def port(self) -> int:
        """The real port once started (port 0 in the settings means "pick a free one")."""
        return self._server.port

    @property
    def url(self) -> str:
        return f"http://{self.settings.host}:{self.port}"

    def start(self) -> None:
        self._server.start()

    def stop(self) -> None:
        self._server.stop()

    def __enter__(self) -> LineEmulator:
        self.start()
        return self

    def __exit__(self, *exc_info) -> None:
        self.stop()

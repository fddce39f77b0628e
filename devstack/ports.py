"""Port checks that fail with one clear line instead of a traceback."""

from __future__ import annotations

import socket


class PortInUse(RuntimeError):
    pass


def ensure_free(host: str, port: int, what: str, option: str) -> None:
    if port == 0:
        return
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as probe:
        probe.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
        try:
            probe.bind((host, port))
        except OSError:
            raise PortInUse(
                f"port {port} ({what}) is already in use: stop what uses it or choose another "
                f"with {option}"
            ) from None

"""Configuration of one identity sandbox instance."""

from __future__ import annotations

import secrets
from dataclasses import dataclass, field


def _throwaway_secret() -> str:
    # Random per instance so no code or document comes to rely on a well-known value; callers
    # read the real one from the settings (python -m devstack.identity_sandbox prints them).
    return secrets.token_urlsafe(24)


@dataclass(frozen=True)
class SandboxSettings:
    host: str = "127.0.0.1"
    port: int = 0
    client_id: str = "library-line-local"
    client_secret: str = field(default_factory=_throwaway_secret)
    face_api_key: str = field(default_factory=_throwaway_secret)
    face_webhook_secret: str = field(default_factory=_throwaway_secret)
    # Empty means any http(s) redirect URI is accepted, which suits ports picked at random.
    redirect_uris: tuple[str, ...] = ()
    webhook_timeout_seconds: float = 10.0

    def __post_init__(self) -> None:
        # A list passed by mistake would make the frozen settings unhashable and mutable.
        object.__setattr__(self, "redirect_uris", tuple(self.redirect_uris))

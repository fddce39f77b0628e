"""Configuration of one emulator instance."""

from __future__ import annotations

from dataclasses import dataclass


@dataclass(frozen=True)
class EmulatorSettings:
    # The defaults are throwaway values for a local emulator, never a real channel's.
    host: str = "127.0.0.1"
    port: int = 3001
    channel_secret: str = "devstack-channel-secret"  # noqa: S105
    channel_access_token: str = "devstack-channel-access-token"  # noqa: S105
    webhook_url: str = "http://127.0.0.1:3000/webhook"
    bot_user_id: str = "U" + "0" * 32
    login_channel_id: str = "1234567890"
    login_channel_secret: str = "devstack-login-channel-secret"  # noqa: S105
    reply_token_ttl_seconds: int = 60
    # LINE refuses to link a rich menu that has no image; relax only for throwaway experiments.
    require_richmenu_image: bool = True
    webhook_timeout_seconds: float = 10.0

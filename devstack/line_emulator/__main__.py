"""Runs the emulator in the foreground: python -m devstack.line_emulator --port 3001 ..."""

from __future__ import annotations

import argparse
import sys

from ..background_server import serve_in_foreground
from .server import LineEmulator
from .settings import EmulatorSettings


def _parse(argv: list[str]) -> EmulatorSettings:
    defaults = EmulatorSettings()
    parser = argparse.ArgumentParser(prog="python -m devstack.line_emulator", description=__doc__)
    parser.add_argument("--host", default=defaults.host)
    parser.add_argument("--port", type=int, default=defaults.port)
    parser.add_argument("--webhook-url", default=defaults.webhook_url)
    parser.add_argument("--channel-secret", default=defaults.channel_secret)
    parser.add_argument("--channel-access-token", default=defaults.channel_access_token)
    parser.add_argument("--bot-user-id", default=defaults.bot_user_id)
    parser.add_argument("--login-channel-id", default=defaults.login_channel_id)
    parser.add_argument("--login-channel-secret", default=defaults.login_channel_secret)
    parser.add_argument(
        "--reply-token-ttl-seconds", type=int, default=defaults.reply_token_ttl_seconds
    )
    parser.add_argument(
        "--allow-richmenu-without-image",
        action="store_true",
        help="link rich menus that have no image (LINE itself refuses)",
    )
    args = parser.parse_args(argv)
    return EmulatorSettings(
        host=args.host,
        port=args.port,
        channel_secret=args.channel_secret,
        channel_access_token=args.channel_access_token,
        webhook_url=args.webhook_url,
        bot_user_id=args.bot_user_id,
        login_channel_id=args.login_channel_id,
        login_channel_secret=args.login_channel_secret,
        reply_token_ttl_seconds=args.reply_token_ttl_seconds,
        require_richmenu_image=not args.allow_richmenu_without_image,
    )


def main(argv: list[str] | None = None) -> int:
    settings = _parse(sys.argv[1:] if argv is None else argv)
    emulator = LineEmulator(settings, log_requests=True)
    return serve_in_foreground(
        emulator,
        lambda: f"LINE emulator on {emulator.url} -> webhook {settings.webhook_url} (Ctrl-C stops)",
    )


if __name__ == "__main__":
    sys.exit(main())

"""Runs the identity sandbox in the foreground: python -m devstack.identity_sandbox --port 3002"""

from __future__ import annotations

import argparse
import sys

from ..background_server import serve_in_foreground
from .server import IdentitySandbox
from .settings import SandboxSettings


def _parse(argv: list[str]) -> SandboxSettings:
    defaults = SandboxSettings()
    parser = argparse.ArgumentParser(
        prog="python -m devstack.identity_sandbox", description=__doc__
    )
    parser.add_argument("--host", default=defaults.host)
    parser.add_argument("--port", type=int, default=3002, help="0 picks a free port")
    parser.add_argument("--client-id", default=defaults.client_id)
    parser.add_argument("--client-secret", default=defaults.client_secret, help="random if unset")
    parser.add_argument("--face-api-key", default=defaults.face_api_key, help="random if unset")
    parser.add_argument(
        "--face-webhook-secret", default=defaults.face_webhook_secret, help="random if unset"
    )
    parser.add_argument(
        "--redirect-uri",
        action="append",
        default=[],
        help="a registered JPKI redirect URI (repeatable); none means any http(s) URI",
    )
    args = parser.parse_args(argv)
    return SandboxSettings(
        host=args.host,
        port=args.port,
        client_id=args.client_id,
        client_secret=args.client_secret,
        face_api_key=args.face_api_key,
        face_webhook_secret=args.face_webhook_secret,
        redirect_uris=tuple(args.redirect_uri),
    )


def _banner(sandbox: IdentitySandbox) -> str:
    settings = sandbox.settings
    redirect_uris = ", ".join(settings.redirect_uris) or "any http(s) URI"
    return "\n".join(
        [
            f"Identity sandbox on {sandbox.url} (Ctrl-C stops)",
            f"  JPKI issuer:          {sandbox.jpki_issuer}",
            f"  JPKI client_id:       {settings.client_id}",
            f"  JPKI client_secret:   {settings.client_secret}",
            f"  JPKI redirect URIs:   {redirect_uris}",
            f"  Face API base URL:    {sandbox.face_api_base_url}",
            f"  Face API key:         {settings.face_api_key}",
            f"  Face webhook secret:  {settings.face_webhook_secret}",
            f"  Webhook deliveries:   {sandbox.url}/_sandbox/webhooks",
        ]
    )


def main(argv: list[str] | None = None) -> int:
    settings = _parse(sys.argv[1:] if argv is None else argv)
    sandbox = IdentitySandbox(settings, log_requests=True)
    return serve_in_foreground(sandbox, lambda: _banner(sandbox))


if __name__ == "__main__":
    sys.exit(main())

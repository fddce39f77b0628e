"""Provisions the rich menus (home and 図書館 tabs), their aliases and the default menu.

Idempotent: each menu's name carries a digest of its definition and image, so running it again
changes nothing, and a changed menu replaces the old one (aliases are switched before the old
menu is deleted, so patrons never see a broken tab).

    python -m ops.richmenu --base-url https://api.line.me --data-base-url https://api-data.line.me
(the channel access token from $LINE_CHANNEL_ACCESS_TOKEN, or --token-parameter NAME for SSM)
"""

from __future__ import annotations

import argparse
import hashlib
import json
import os
import sys
from pathlib import Path

from linebot.v3.messaging import (
    ApiClient,
    Configuration,
    CreateRichMenuAliasRequest,
    MessagingApi,
    MessagingApiBlob,
    RichMenuRequest,
    UpdateRichMenuAliasRequest,
)

from library_service.conversation.richmenu import DEFAULT_PANEL, PANELS, RichMenuPanel

IMAGES = Path(__file__).resolve().parents[1] / "data" / "richmenu"
NAME_PREFIX = "library-line"


def menu_name(panel: RichMenuPanel, image: bytes) -> str:
    digest = hashlib.sha256(
        json.dumps(panel.to_line(""), sort_keys=True, ensure_ascii=False).encode() + image
    ).hexdigest()[:12]
    return f"{NAME_PREFIX}:{panel.alias}:{digest}"


class RichMenuProvisioner:
    def __init__(self, base_url: str, data_base_url: str, access_token: str) -> None:
        self._api = MessagingApi(ApiClient(Configuration(host=base_url, access_token=access_token)))
        self._blob = MessagingApiBlob(
            ApiClient(Configuration(host=data_base_url, access_token=access_token))
        )

    def provision(self, images: Path = IMAGES) -> dict[str, str]:
        """Make LINE show PANELS; returns alias → rich menu ID."""
        existing = {
            menu.name: menu.rich_menu_id for menu in self._api.get_rich_menu_list().richmenus
        }
        current: dict[str, str] = {}
        for panel in PANELS:
            image = (images / f"{panel.alias}.png").read_bytes()
            name = menu_name(panel, image)
            menu_id = existing.get(name) or self._create(panel, name, image)
            current[panel.alias] = menu_id
        self._point_aliases(current)
        self._api.set_default_rich_menu(current[DEFAULT_PANEL.alias])
        for name, menu_id in existing.items():
            if name.startswith(f"{NAME_PREFIX}:") and menu_id not in current.values():
                self._api.delete_rich_menu(menu_id)
        return current

    def _create(self, panel: RichMenuPanel, name: str, image: bytes) -> str:
        request = RichMenuRequest.from_dict(panel.to_line(name))
        menu_id = self._api.create_rich_menu(request).rich_menu_id
        self._blob.set_rich_menu_image(menu_id, image, _headers={"Content-Type": "image/png"})
        return menu_id

    def _point_aliases(self, current: dict[str, str]) -> None:
        aliases = {
            alias.rich_menu_alias_id: alias.rich_menu_id
            for alias in self._api.get_rich_menu_alias_list().aliases
        }
        for alias, menu_id in current.items():
            if alias not in aliases:
                self._api.create_rich_menu_alias(
                    CreateRichMenuAliasRequest(richMenuAliasId=alias, richMenuId=menu_id)
                )
            elif aliases[alias] != menu_id:
                self._api.update_rich_menu_alias(
                    alias, UpdateRichMenuAliasRequest(richMenuId=menu_id)
                )


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m ops.richmenu", description=__doc__)
    parser.add_argument("--base-url", default="https://api.line.me")
    parser.add_argument("--data-base-url", default="https://api-data.line.me")
    parser.add_argument("--token-parameter", help="SSM SecureString holding the access token")
    args = parser.parse_args(argv)
    if args.token_parameter:
        import boto3

        ssm = boto3.client("ssm")
        token = ssm.get_parameter(Name=args.token_parameter, WithDecryption=True)
        token = token["Parameter"]["Value"]
    else:
        token = os.environ.get("LINE_CHANNEL_ACCESS_TOKEN", "")
    if not token:
        parser.error("set LINE_CHANNEL_ACCESS_TOKEN or pass --token-parameter")
    menus = RichMenuProvisioner(args.base_url, args.data_base_url, token).provision()
    for alias, menu_id in menus.items():
        print(f"{alias}: {menu_id}")
    return 0


if __name__ == "__main__":
    sys.exit(main())

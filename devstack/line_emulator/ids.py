"""Identifier formats that look like the ones LINE issues, so format checks in the bot hold."""

from __future__ import annotations

import re
import secrets
import uuid

_CROCKFORD = "0123456789ABCDEFGHJKMNPQRSTVWXYZ"
USER_ID_RE = re.compile(r"^U[0-9a-f]{32}$")


def webhook_event_id(now_ms: int) -> str:
    """26-character ULID: 48-bit millisecond time then 80 random bits, Crockford base32."""
    value = (now_ms & ((1 << 48) - 1)) << 80 | secrets.randbits(80)
    chars = []
    for _ in range(26):
        chars.append(_CROCKFORD[value & 31])
        value >>= 5
    return "".join(reversed(chars))


def message_id() -> str:
    return str(secrets.randbelow(9 * 10**17) + 10**17)


def quote_token() -> str:
    return secrets.token_urlsafe(48)


def reply_token() -> str:
    return secrets.token_hex(16)


def link_token() -> str:
    return secrets.token_urlsafe(24)


def request_id() -> str:
    return str(uuid.uuid4())


def user_id() -> str:
    return "U" + secrets.token_hex(16)


def rich_menu_id() -> str:
    return "richmenu-" + secrets.token_hex(16)


def is_user_id(value: object) -> bool:
    return isinstance(value, str) and bool(USER_ID_RE.match(value))


def is_uuid(value: str) -> bool:
    try:
        uuid.UUID(value)
    except ValueError:
        return False
    return True

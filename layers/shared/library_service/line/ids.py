"""The shape of the identifiers LINE issues, checked before they become keys in our tables."""

from __future__ import annotations

import re

_USER_ID = re.compile(r"U[0-9a-f]{32}")


def is_line_user_id(text: object) -> bool:
    """A Messaging API user ID: 'U' and 32 lower-case hex digits (one per user per provider)."""
    return isinstance(text, str) and _USER_ID.fullmatch(text) is not None

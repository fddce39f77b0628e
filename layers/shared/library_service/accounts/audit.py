"""The account audit trail: who logged in, changed a password or (un)linked LINE, and how it
went, per patron.

An entry holds the patron ID, the action, the outcome and a few short details (e.g.
via="line"); never a password, token, name or address. Entries are kept for
`KEEP` and only for codes that are patrons: a failed login under an unknown code leaves
nothing, so the trail cannot be filled with made-up IDs.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import Protocol

ACTIONS = frozenset(
    {"login", "login_line", "link", "unlink", "password_change", "account_link", "logout"}
)
KEEP = timedelta(days=400)
_WORD = re.compile(r"[a-z][a-z0-9_]{0,31}")  # outcomes and detail names: success, via, …
DETAIL_MAX_CHARS = 64
DETAILS_MAX = 8


class AuditLog(Protocol):
    def record(self, patron_id: str, action: str, outcome: str, **details: str) -> None:
        """Append an entry for this patron; ValueError for an unknown action or odd details."""
        ...


@dataclass(frozen=True)
class AuditEntry:
    patron_id: str
    at: datetime
    action: str
    outcome: str
    details: dict[str, str]


def check_entry(action: str, outcome: str, details: dict[str, str]) -> None:
    """Refuse what does not belong in the trail before it is written."""
    if action not in ACTIONS:
        raise ValueError(f"unknown audit action {action!r}")
    if not _WORD.fullmatch(outcome):
        raise ValueError("an audit outcome is one short word")
    if len(details) > DETAILS_MAX:
        raise ValueError("an audit entry has a few details only")
    for name, value in details.items():
        # Short strings only: room for via="line", none for a pasted form or a token.
        if not _WORD.fullmatch(name) or not isinstance(value, str):
            raise ValueError("audit details are short names with string values")
        if len(value) > DETAIL_MAX_CHARS:
            raise ValueError("an audit detail is a short string")

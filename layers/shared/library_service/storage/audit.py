"""The account audit trail in DynamoDB: AuditTable, newest entries of a patron first.

Key `patronId` and sort key `at`: the time in ISO 8601 UTC with microseconds, then `#` and
8 random hex digits, so entries sort by time and two in the same microsecond both stay.
Each carries `expiresAt` (accounts.audit.KEEP) for DynamoDB's TTL.
"""

from __future__ import annotations

import secrets
from collections.abc import Callable
from datetime import UTC, datetime

from pynamodb.attributes import MapAttribute, TTLAttribute, UnicodeAttribute
from pynamodb.models import Model

from ..accounts.audit import KEEP, AuditEntry, check_entry
from ..patrons.ids import is_valid_patron_id
from .binding import bind_model

_AT_FORMAT = "%Y-%m-%dT%H:%M:%S.%fZ"


class AuditItem(Model):
    class Meta:
        table_name = "unbound"  # set by bind_audit from the settings

    patron_id = UnicodeAttribute(hash_key=True, attr_name="patronId")
    at = UnicodeAttribute(range_key=True)
    action = UnicodeAttribute()
    outcome = UnicodeAttribute()
    details = MapAttribute(default=dict)
    expires_at = TTLAttribute(attr_name="expiresAt")


def bind_audit(table: str, region: str) -> None:
    bind_model(AuditItem, table, region)


def _now() -> datetime:
    return datetime.now(UTC)


class DynamoAudit:
    """`accounts.AuditLog` on AuditTable, with a reader for tests and operators."""

    def __init__(self, clock: Callable[[], datetime] = _now) -> None:
        self._clock = clock

    def record(self, patron_id: str, action: str, outcome: str, **details: str) -> None:
        if not is_valid_patron_id(patron_id):
            raise ValueError("audit entries are kept for patrons only")
        check_entry(action, outcome, details)
        now = self._clock().astimezone(UTC)
        AuditItem(
            patron_id,
            f"{now.strftime(_AT_FORMAT)}#{secrets.token_hex(4)}",
            action=action,
            outcome=outcome,
            details=dict(details),
            expires_at=now + KEEP,
        ).save(condition=AuditItem.at.does_not_exist())

    def of_patron(self, patron_id: str, limit: int = 20) -> list[AuditEntry]:
        """The patron's latest entries, newest first."""
        items = AuditItem.query(patron_id, scan_index_forward=False, limit=limit)
        return [_entry(item) for item in items]


def _entry(item: AuditItem) -> AuditEntry:
    details = item.details.as_dict() if hasattr(item.details, "as_dict") else item.details
    return AuditEntry(
        patron_id=item.patron_id,
        at=datetime.strptime(item.at.split("#", 1)[0], _AT_FORMAT).replace(tzinfo=UTC),
        action=item.action,
        outcome=item.outcome,
        details={str(k): str(v) for k, v in (details or {}).items()},
    )

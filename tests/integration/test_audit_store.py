"""The account audit trail on moto: newest first, 400 days, nothing but short words."""

from __future__ import annotations

import re
from datetime import UTC, datetime, timedelta

import boto3
import pytest

from library_service.accounts import AuditEntry
from library_service.patrons import new_patron_id
from library_service.storage.audit import DynamoAudit, bind_audit
from tests.support.clock import SettableClock

NOW = datetime(2026, 12, 4, 3, 0, tzinfo=UTC)
PATRON = "1234567897"
OTHER = new_patron_id(234_567_891)


@pytest.fixture
def clock():
    return SettableClock(NOW)


@pytest.fixture
def table(stack):
    bind_audit(stack.ref("AuditTable"), stack.region)
    return boto3.resource("dynamodb", region_name=stack.region).Table(stack.ref("AuditTable"))


@pytest.fixture
def audit(table, clock):
    return DynamoAudit(clock)


def test_entries_read_back_newest_first_per_patron(audit, clock):
    audit.record(PATRON, "login", "failure")
    clock.now += timedelta(seconds=30)
    audit.record(PATRON, "login", "success")
    audit.record(OTHER, "login", "success")
    clock.now += timedelta(minutes=5)
    audit.record(PATRON, "link", "success", via="line")
    assert audit.of_patron(PATRON) == [
        AuditEntry(
            PATRON, NOW + timedelta(minutes=5, seconds=30), "link", "success", {"via": "line"}
        ),
        AuditEntry(PATRON, NOW + timedelta(seconds=30), "login", "success", {}),
        AuditEntry(PATRON, NOW, "login", "failure", {}),
    ]
    assert [entry.action for entry in audit.of_patron(PATRON, limit=2)] == ["link", "login"]
    assert len(audit.of_patron(OTHER)) == 1


def test_two_entries_in_the_same_instant_both_stay(audit):
    audit.record(PATRON, "login", "failure")
    audit.record(PATRON, "login", "failure")
    assert len(audit.of_patron(PATRON)) == 2


def test_an_entry_is_kept_400_days_under_a_sortable_key(audit, table):
    audit.record(PATRON, "password_change", "success")
    (item,) = table.scan()["Items"]
    assert item["patronId"] == PATRON
    assert re.fullmatch(r"2026-12-04T03:00:00\.000000Z#[0-9a-f]{8}", item["at"])
    assert int(item["expiresAt"]) == int((NOW + timedelta(days=400)).timestamp())


@pytest.mark.parametrize(
    ("patron_id", "action", "outcome", "details"),
    [
        ("1234567890", "login", "success", {}),  # not a patron ID (check digit)
        ("line#U123", "login", "success", {}),
        (PATRON, "lunch", "success", {}),
        (PATRON, "login", "Success!", {}),
        (PATRON, "login", "failure", {"password": "x" * 65}),
        (PATRON, "login", "failure", {"Bad Name": "x"}),
    ],
)
def test_what_does_not_belong_in_the_trail_is_refused(
    audit, table, patron_id, action, outcome, details
):
    with pytest.raises(ValueError):
        audit.record(patron_id, action, outcome, **details)
    assert table.scan()["Items"] == []

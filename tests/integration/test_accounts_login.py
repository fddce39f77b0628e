"""Logging in and changing the password end to end on moto: DynamoPatrons, DynamoThrottle
and DynamoAudit together."""

from __future__ import annotations

from datetime import UTC, date, datetime, timedelta

import boto3
import pytest

from library_service.accounts import LoginRefused, PatronLogin
from library_service.patrons import PasswordRejected, UnknownPatron, new_patron_id, verify_password
from library_service.storage.audit import DynamoAudit, bind_audit
from library_service.storage.patrons import DynamoPatrons, PatronItem, bind_patrons
from library_service.storage.web_sessions import DynamoThrottle, bind_web_sessions
from tests.support.clock import SettableClock
from tests.support.memory_patrons import MemoryPatrons

BORN = date(1992, 5, 16)
INITIAL = "920516"
NOW = datetime(2026, 12, 4, 3, 0, tzinfo=UTC)


@pytest.fixture
def clock():
    return SettableClock(NOW)


@pytest.fixture
def patrons(stack):
    bind_patrons(stack.ref("PatronsTable"), stack.region)
    return DynamoPatrons()


@pytest.fixture
def audit(stack, clock):
    bind_audit(stack.ref("AuditTable"), stack.region)
    return DynamoAudit(clock)


@pytest.fixture
def login(stack, patrons, audit, clock):
    bind_web_sessions(stack.ref("WebSessionsTable"), stack.region)
    return PatronLogin(patrons, DynamoThrottle(), audit, clock=clock)


@pytest.fixture
def patron(patrons):
    return patrons.register("渋谷 花子", BORN, "03-1234-5678")


def table_items(stack, name: str) -> list[dict]:
    table = boto3.resource("dynamodb", region_name=stack.region).Table(stack.ref(name))
    return table.scan(ConsistentRead=True)["Items"]


def test_a_patron_logs_in_and_the_trail_says_so(login, patron, audit):
    assert login.authenticate(patron.patron_id, INITIAL) == patron
    ((entry),) = audit.of_patron(patron.patron_id)
    assert (entry.action, entry.outcome, entry.at) == ("login", "success", NOW)


def test_five_wrong_passwords_lock_the_card_for_fifteen_minutes(login, patron, audit, clock):
    for _ in range(5):
        with pytest.raises(LoginRefused):
            login.authenticate(patron.patron_id, "000000")
        clock.now += timedelta(seconds=1)  # entries of one instant have no order
    with pytest.raises(LoginRefused):
        login.authenticate(patron.patron_id, INITIAL)
    assert [e.outcome for e in audit.of_patron(patron.patron_id)] == ["locked"] + ["failure"] * 5
    clock.now += timedelta(minutes=15) - timedelta(seconds=1)  # since the fifth failure
    assert login.authenticate(patron.patron_id, INITIAL) == patron


def test_an_unknown_code_leaves_a_hashed_count_and_no_trail(stack, login, patron):
    unknown = new_patron_id(999_999_999)
    with pytest.raises(LoginRefused) as refusal:
        login.authenticate(unknown, INITIAL)
    assert str(refusal.value) == LoginRefused.MESSAGE
    assert table_items(stack, "AuditTable") == []
    sessions_table = table_items(stack, "WebSessionsTable")
    assert len(sessions_table) == 1 and unknown not in str(sessions_table)


def test_a_changed_password_persists(login, patron, patrons, clock):
    clock.now += timedelta(days=1)
    login.change_password(patron, INITIAL, "Shibuya2026", "Shibuya2026")
    stored = patrons.get(patron.patron_id)
    assert not stored.password_is_initial
    assert stored.credentials_changed_at == NOW + timedelta(days=1)
    assert verify_password("Shibuya2026", stored.password_hash)
    assert login.authenticate(patron.patron_id, "Shibuya2026") == stored
    with pytest.raises(LoginRefused):
        login.authenticate(patron.patron_id, INITIAL)
    raw = PatronItem.get(patron.patron_id).serialize()
    assert raw["credentialsChangedAt"]["S"].startswith("2026-12-05T03:00:00")
    assert "Shibuya2026" not in str(raw)


def test_a_refused_change_changes_nothing(login, patron, patrons, audit):
    with pytest.raises(PasswordRejected):
        login.change_password(patron, "000000", "Shibuya2026", "Shibuya2026")
    assert patrons.get(patron.patron_id) == patron
    ((entry),) = audit.of_patron(patron.patron_id)
    assert (entry.action, entry.outcome, entry.details) == (
        "password_change",
        "failure",
        {"reason": "current"},
    )


@pytest.mark.parametrize("directory", ["dynamo", "memory"])
def test_changing_an_unknown_patrons_password_is_refused(stack, directory):
    bind_patrons(stack.ref("PatronsTable"), stack.region)
    patrons = DynamoPatrons() if directory == "dynamo" else MemoryPatrons()
    for patron_id in (new_patron_id(999_999_999), "line#U" + "a" * 32):
        with pytest.raises(UnknownPatron):
            patrons.change_password(patron_id, "scrypt$…", NOW)
    assert table_items(stack, "PatronsTable") == []

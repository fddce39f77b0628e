"""My Page sessions, the login throttle and account-link nonces on moto."""

from __future__ import annotations

import hashlib
from concurrent.futures import ThreadPoolExecutor
from dataclasses import replace
from datetime import UTC, datetime, timedelta

import boto3
import pytest

from library_service.accounts import ConcurrentSessionUpdate, LoginRules, SessionRules
from library_service.storage.web_sessions import (
    DynamoLinkNonces,
    DynamoThrottle,
    DynamoWebSessions,
    bind_web_sessions,
)
from tests.support.clock import SettableClock

NOW = datetime(2026, 12, 4, 3, 0, tzinfo=UTC)
PATRON = "1234567897"
RULES = LoginRules(max_failures=5, lock_seconds=15 * 60)


@pytest.fixture
def clock():
    return SettableClock(NOW)


@pytest.fixture
def table(stack):
    bind_web_sessions(stack.ref("WebSessionsTable"), stack.region)
    return boto3.resource("dynamodb", region_name=stack.region).Table(stack.ref("WebSessionsTable"))


@pytest.fixture
def sessions(table, clock):
    return DynamoWebSessions(SessionRules(), clock)


@pytest.fixture
def throttle(table):
    return DynamoThrottle()


@pytest.fixture
def nonces(table, clock):
    return DynamoLinkNonces(clock)


def sha256(text: str) -> str:
    return hashlib.sha256(text.encode()).hexdigest()


def stored(table, key: str) -> dict | None:
    return table.get_item(Key={"key": key}, ConsistentRead=True).get("Item")


def everything(table) -> list[dict]:
    return table.scan(ConsistentRead=True)["Items"]


# -- sessions --------------------------------------------------------------------------------
def test_a_new_session_reads_back(sessions):
    session = sessions.create(data={"purpose": "login"})
    assert session.patron_id is None and session.created_at == session.last_seen_at == NOW
    assert session.session_id != session.csrf_token
    assert sessions.get(session.session_id) == session
    assert session.session_id not in repr(session) and session.csrf_token not in repr(session)


def test_unknown_and_malformed_ids_find_nothing(sessions):
    sessions.create()
    assert sessions.get("A" * 43) is None
    assert sessions.get("not a session") is None
    assert sessions.get("") is None
    sessions.delete("not a session")  # nothing to do, no error


def test_rotating_issues_a_new_id_and_ends_the_old_one(sessions, clock):
    anonymous = sessions.create(data={"state": "s1", "flash": "ようこそ"})
    clock.advance(minutes=5)
    logged_in = sessions.rotate(anonymous, PATRON)
    assert logged_in.session_id != anonymous.session_id
    assert logged_in.csrf_token != anonymous.csrf_token
    assert logged_in.patron_id == PATRON and logged_in.created_at == clock.now
    assert logged_in.data == {"state": "s1", "flash": "ようこそ"}
    assert sessions.get(anonymous.session_id) is None
    assert sessions.get(logged_in.session_id) == logged_in


def test_rotating_keeps_only_the_data_the_caller_kept(sessions):
    anonymous = sessions.create(data={"state": "s1", "purpose": "link"})
    rotated = sessions.rotate(replace(anonymous, data={"purpose": "link"}), PATRON)
    assert sessions.get(rotated.session_id).data == {"purpose": "link"}


def test_logging_out_rotates_to_an_anonymous_session(sessions):
    logged_in = sessions.rotate(sessions.create(), PATRON)
    logged_out = sessions.rotate(replace(logged_in, data={}), None)
    assert sessions.get(logged_in.session_id) is None
    assert sessions.get(logged_out.session_id).patron_id is None


def test_a_session_rotates_once_only(sessions):
    anonymous = sessions.create()
    sessions.rotate(anonymous, PATRON)
    with pytest.raises(ConcurrentSessionUpdate):
        sessions.rotate(anonymous, "2345678913")  # a second tab, or a replayed request


def test_saving_data_is_refused_over_a_newer_version(sessions):
    session = sessions.create()
    saved = sessions.save(replace(session, data={"flash": "変更しました"}))
    assert saved.version == session.version + 1
    assert sessions.get(session.session_id).data == {"flash": "変更しました"}
    with pytest.raises(ConcurrentSessionUpdate):
        sessions.save(replace(session, data={"flash": "古い"}))
    sessions.delete(session.session_id)
    with pytest.raises(ConcurrentSessionUpdate):
        sessions.save(saved)  # and a deleted session is not brought back
    assert sessions.get(session.session_id) is None


def test_saving_never_changes_who_is_logged_in(sessions):
    session = sessions.create()
    sessions.save(replace(session, patron_id=PATRON, data={"a": "b"}))
    assert sessions.get(session.session_id).patron_id is None


def test_session_data_is_small_strings(sessions):
    with pytest.raises(TypeError):
        sessions.create(data={"count": 1})
    with pytest.raises(ValueError):
        sessions.create(data={"page": "x" * 5000})


def test_an_idle_session_ends_after_thirty_minutes(sessions, clock):
    session = sessions.create()
    clock.advance(minutes=29, seconds=59)
    assert sessions.get(session.session_id) is not None  # and seen again: 30 more minutes
    clock.advance(minutes=29, seconds=59)
    assert sessions.get(session.session_id) is not None
    clock.advance(minutes=30)
    assert sessions.get(session.session_id) is None


def test_a_busy_session_still_ends_after_eight_hours(sessions, clock):
    session = sessions.create()
    for _ in range(8 * 3 - 1):
        clock.advance(minutes=20)
        assert sessions.get(session.session_id) is not None
    clock.advance(minutes=20)
    assert sessions.get(session.session_id) is None


def test_a_rotated_session_starts_a_new_absolute_limit(sessions, clock):
    session = sessions.create()
    for _ in range(8 * 3 - 1):
        clock.advance(minutes=20)
        session = sessions.get(session.session_id)
    rotated = sessions.rotate(session, PATRON)  # logging in at 7 h 40 min
    clock.advance(minutes=20)
    assert sessions.get(rotated.session_id) is not None


def test_reading_writes_last_seen_at_most_once_a_minute(sessions, table, clock):
    session = sessions.create()
    key = "session#" + sha256(session.session_id)
    before = stored(table, key)
    clock.advance(seconds=59)
    assert sessions.get(session.session_id).last_seen_at == NOW
    assert stored(table, key) == before  # no write
    clock.advance(seconds=1)
    touched = sessions.get(session.session_id)
    assert touched.last_seen_at == NOW + timedelta(minutes=1)
    after = stored(table, key)
    assert after["lastSeenAt"] != before["lastSeenAt"]
    assert int(after["expiresAt"]) == int((NOW + timedelta(minutes=31)).timestamp())
    assert after["version"] == before["version"]  # a touch does not spoil a pending save
    assert sessions.save(replace(session, data={"a": "b"})).version == session.version + 1


def test_the_table_keys_sessions_by_hash_only(sessions, table, clock):
    session = sessions.rotate(sessions.create(data={"purpose": "login"}), PATRON)
    items = everything(table)
    assert [item["key"] for item in items] == ["session#" + sha256(session.session_id)]
    assert session.session_id not in str(items)
    item = items[0]
    assert int(item["expiresAt"]) == int((NOW + timedelta(minutes=30)).timestamp())


def test_the_ttl_rounds_up_to_the_second(sessions, table, clock):
    clock.now = NOW + timedelta(microseconds=1)
    session = sessions.create()
    item = stored(table, "session#" + sha256(session.session_id))
    assert int(item["expiresAt"]) == int((NOW + timedelta(minutes=30, seconds=1)).timestamp())


# -- login throttle --------------------------------------------------------------------------
def test_the_fifth_failure_locks_and_not_the_fourth(throttle):
    key = sha256(PATRON)
    for _ in range(4):
        throttle.failed(key, RULES, NOW)
    assert throttle.locked_until(key) is None
    throttle.failed(key, RULES, NOW + timedelta(seconds=10))
    assert throttle.locked_until(key) == NOW + timedelta(minutes=15, seconds=10)


def test_concurrent_failures_are_all_counted_and_lock_once(throttle, table):
    key = sha256(PATRON)
    with ThreadPoolExecutor(max_workers=8) as pool:
        list(pool.map(lambda _: throttle.failed(key, RULES, NOW), range(8)))
    item = stored(table, "throttle#" + key)
    assert item["failures"] == 8
    assert throttle.locked_until(key) == NOW + timedelta(minutes=15)


def test_concurrent_failures_short_of_the_limit_do_not_lock(throttle, table):
    key = sha256(PATRON)
    with ThreadPoolExecutor(max_workers=8) as pool:
        list(pool.map(lambda _: throttle.failed(key, RULES, NOW), range(4)))
    assert stored(table, "throttle#" + key)["failures"] == 4
    assert throttle.locked_until(key) is None


def test_failures_during_a_lock_do_not_extend_it(throttle):
    key = sha256(PATRON)
    for _ in range(5):
        throttle.failed(key, RULES, NOW)
    throttle.failed(key, RULES, NOW + timedelta(minutes=10))
    assert throttle.locked_until(key) == NOW + timedelta(minutes=15)


def test_after_the_lock_a_failure_counts_from_one(throttle, table):
    key = sha256(PATRON)
    for _ in range(5):
        throttle.failed(key, RULES, NOW)
    throttle.failed(key, RULES, NOW + timedelta(minutes=15))
    assert stored(table, "throttle#" + key)["failures"] == 1
    assert throttle.locked_until(key) is None


def test_failures_are_forgotten_lock_seconds_after_the_last(throttle, table):
    key = sha256(PATRON)
    for minute in range(4):
        throttle.failed(key, RULES, NOW + timedelta(minutes=10 * minute))  # each within 15
    assert stored(table, "throttle#" + key)["failures"] == 4
    last = NOW + timedelta(minutes=30)
    assert int(stored(table, "throttle#" + key)["expiresAt"]) == int(
        (last + timedelta(minutes=15)).timestamp()
    )
    throttle.failed(key, RULES, last + timedelta(minutes=15))
    assert stored(table, "throttle#" + key)["failures"] == 1


def test_a_success_forgets_the_failures(throttle, table):
    key = sha256(PATRON)
    throttle.failed(key, RULES, NOW)
    throttle.succeeded(key)
    assert everything(table) == []
    throttle.succeeded(key)  # nothing to forget: fine


# -- account-link nonces ---------------------------------------------------------------------
def test_a_nonce_names_its_patron_once(nonces):
    nonce = nonces.issue(PATRON)
    assert len(nonce) >= 43  # 256 bits, over LINE's 128
    assert nonces.consume(nonce) == PATRON
    assert nonces.consume(nonce) is None


def test_a_nonce_expires_after_ten_minutes(nonces, clock):
    early, late = nonces.issue(PATRON), nonces.issue(PATRON)
    clock.advance(minutes=9, seconds=59)
    assert nonces.consume(early) == PATRON
    clock.advance(seconds=1)
    assert nonces.consume(late) is None


def test_unknown_and_malformed_nonces_name_nobody(nonces):
    nonces.issue(PATRON)
    assert nonces.consume("B" * 43) is None
    assert nonces.consume("not a nonce") is None


def test_concurrent_consumers_get_the_patron_once(nonces):
    nonce = nonces.issue(PATRON)
    with ThreadPoolExecutor(max_workers=8) as pool:
        results = list(pool.map(lambda _: nonces.consume(nonce), range(8)))
    assert results.count(PATRON) == 1 and results.count(None) == 7


def test_nonces_are_stored_hashed(nonces, table):
    nonce = nonces.issue(PATRON)
    items = everything(table)
    assert [item["key"] for item in items] == ["linknonce#" + sha256(nonce)]
    assert nonce not in str(items)
    assert int(items[0]["expiresAt"]) == int((NOW + timedelta(minutes=10)).timestamp())

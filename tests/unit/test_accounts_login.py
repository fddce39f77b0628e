"""Logging in and changing the password, with the lockout and the audit trail, in memory."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import UTC, date, datetime, timedelta

import pytest

from library_service.accounts import LoginRefused, LoginRules, PatronLogin, throttle_key
from library_service.patrons import PasswordRejected, verify_password
from tests.support.clock import SettableClock
from tests.support.memory_patrons import MemoryPatrons

BORN = date(1992, 5, 16)
INITIAL = "920516"
NOW = datetime(2026, 12, 4, 3, 0, tzinfo=UTC)


@dataclass
class Counted:
    failures: int = 0
    locked_until: datetime | None = None
    expires_at: datetime | None = None


class MemoryThrottle:
    """The rules of DynamoThrottle without DynamoDB."""

    def __init__(self) -> None:
        self.counts: dict[str, Counted] = {}

    def locked_until(self, key: str) -> datetime | None:
        counted = self.counts.get(key)
        return counted.locked_until if counted else None

    def failed(self, key: str, rules: LoginRules, now: datetime) -> None:
        counted = self.counts.get(key)
        window_over = counted is None or counted.expires_at <= now
        if window_over or (counted.locked_until and counted.locked_until <= now):
            counted = self.counts[key] = Counted()
        counted.failures += 1
        counted.expires_at = now + timedelta(seconds=rules.lock_seconds)
        if counted.failures >= rules.max_failures and counted.locked_until is None:
            counted.locked_until = now + timedelta(seconds=rules.lock_seconds)

    def succeeded(self, key: str) -> None:
        self.counts.pop(key, None)


class MemoryAudit:
    def __init__(self) -> None:
        self.entries: list[tuple[str, str, str, dict[str, str]]] = []

    def record(self, patron_id: str, action: str, outcome: str, **details: str) -> None:
        self.entries.append((patron_id, action, outcome, details))


@pytest.fixture
def clock():
    return SettableClock(NOW)


@pytest.fixture
def patrons():
    return MemoryPatrons()


@pytest.fixture
def throttle():
    return MemoryThrottle()


@pytest.fixture
def audit():
    return MemoryAudit()


@pytest.fixture
def login(patrons, throttle, audit, clock):
    return PatronLogin(patrons, throttle, audit, clock=clock)


@pytest.fixture
def patron(patrons):
    return patrons.register("渋谷 花子", BORN, "03-1234-5678")


def refused(login, code, password) -> str:
    with pytest.raises(LoginRefused) as refusal:
        login.authenticate(code, password)
    return str(refusal.value)


def test_the_right_code_and_password_log_in(login, patron, audit):
    assert login.authenticate(patron.patron_id, INITIAL) == patron
    assert audit.entries == [(patron.patron_id, "login", "success", {})]


def test_a_wrong_password_is_refused_and_audited(login, patron, audit):
    assert refused(login, patron.patron_id, "000000") == LoginRefused.MESSAGE
    assert audit.entries == [(patron.patron_id, "login", "failure", {})]


def test_an_unknown_code_and_a_wrong_password_read_the_same(login, patron, audit):
    unknown = refused(login, "1234567897", INITIAL)
    malformed = refused(login, "12345", INITIAL)
    wrong = refused(login, patron.patron_id, "000000")
    assert unknown == malformed == wrong == "利用者コードまたはパスワードが正しくありません。"
    # Only the code that is a patron leaves an audit entry.
    assert [entry[0] for entry in audit.entries] == [patron.patron_id]


def test_unknown_codes_are_counted_too(login, throttle):
    for _ in range(5):
        refused(login, "1234567897", INITIAL)
    assert throttle.counts[throttle_key("1234567897")].locked_until == NOW + timedelta(minutes=15)


def test_five_failures_lock_even_the_right_password_for_fifteen_minutes(
    login, patron, clock, audit
):
    for _ in range(5):
        refused(login, patron.patron_id, "000000")
    clock.advance(minutes=14, seconds=59)
    assert refused(login, patron.patron_id, INITIAL) == LoginRefused.MESSAGE
    assert audit.entries[-1] == (patron.patron_id, "login", "locked", {})
    clock.advance(seconds=1)
    assert login.authenticate(patron.patron_id, INITIAL) == patron


def test_tries_during_a_lock_do_not_extend_it(login, patron, clock, throttle):
    for _ in range(5):
        refused(login, patron.patron_id, "000000")
    for _ in range(3):
        clock.advance(minutes=4)
        refused(login, patron.patron_id, "000000")
    assert throttle.counts[throttle_key(patron.patron_id)].failures == 5
    clock.advance(minutes=3)  # 15 minutes after the fifth failure
    assert login.authenticate(patron.patron_id, INITIAL) == patron


def test_a_success_resets_the_count(login, patron, throttle):
    for _ in range(4):
        refused(login, patron.patron_id, "000000")
    login.authenticate(patron.patron_id, INITIAL)
    assert throttle_key(patron.patron_id) not in throttle.counts
    for _ in range(4):
        refused(login, patron.patron_id, "000000")
    assert login.authenticate(patron.patron_id, INITIAL) == patron


def test_a_full_width_code_with_spaces_is_accepted(login, patron, throttle):
    full_width = " " + patron.patron_id.translate(
        str.maketrans("0123456789", "０１２３４５６７８９")
    )
    assert login.authenticate(full_width + "\u3000", INITIAL) == patron
    refused(login, full_width, "000000")  # counted under the same key as the ASCII code
    assert throttle.counts[throttle_key(patron.patron_id)].failures == 1


# -- changing the password -------------------------------------------------------------------
def rejected(login, patron, current, new, confirm) -> str:
    with pytest.raises(PasswordRejected) as rejection:
        login.change_password(patron, current, new, confirm)
    return str(rejection.value)


def test_changing_the_password_stores_a_new_hash_and_when(login, patron, patrons, clock, audit):
    clock.advance(hours=1)
    changed = login.change_password(patron, INITIAL, "abc123XYZ", "abc123XYZ")
    assert changed == patrons.get(patron.patron_id)
    assert not changed.password_is_initial
    assert changed.credentials_changed_at == NOW + timedelta(hours=1)
    assert verify_password("abc123XYZ", changed.password_hash)
    assert audit.entries[-1] == (patron.patron_id, "password_change", "success", {})
    assert login.authenticate(patron.patron_id, "abc123XYZ") == changed
    assert refused(login, patron.patron_id, INITIAL) == LoginRefused.MESSAGE


def test_a_wrong_current_password_is_refused_and_counted(login, patron, patrons, throttle):
    assert rejected(login, patron, "000000", "abc123", "abc123") == (
        "現在のパスワードが正しくありません。"
    )
    assert throttle.counts[throttle_key(patron.patron_id)].failures == 1
    assert patrons.get(patron.patron_id).password_is_initial


def test_wrong_current_passwords_lock_the_login_too(login, patron):
    for _ in range(5):
        rejected(login, patron, "000000", "abc123", "abc123")
    assert refused(login, patron.patron_id, INITIAL) == LoginRefused.MESSAGE
    assert "しばらく" in rejected(login, patron, INITIAL, "abc123", "abc123")


def test_the_new_password_must_be_typed_twice_the_same(login, patron):
    assert rejected(login, patron, INITIAL, "abc123", "abc124") == (
        "新しいパスワードが一致しません。"
    )


@pytest.mark.parametrize(
    "new",
    ["abc12", "abcdefghij123", "abc 123", "ａｂｃ１２３", "pass-word"],
)
def test_the_policy_wants_6_to_12_ascii_letters_and_digits(login, patron, new):
    assert "6桁以上12桁以下の英数字" in rejected(login, patron, INITIAL, new, new)


def test_the_date_of_birth_is_no_new_password(login, patron, patrons):
    assert "生年月日" in rejected(login, patron, INITIAL, INITIAL, INITIAL)
    assert patrons.get(patron.patron_id).password_is_initial


def test_refusals_are_audited_with_a_reason_and_no_password(login, patron, audit):
    rejected(login, patron, "000000", "abc123", "abc123")
    rejected(login, patron, INITIAL, "abc123", "abc124")
    rejected(login, patron, INITIAL, "abc", "abc")
    login.change_password(patron, INITIAL, "abc123XYZ", "abc123XYZ")
    refused(login, patron.patron_id, "secret99")
    assert [(action, outcome, details) for _, action, outcome, details in audit.entries] == [
        ("password_change", "failure", {"reason": "current"}),
        ("password_change", "failure", {"reason": "mismatch"}),
        ("password_change", "failure", {"reason": "policy"}),
        ("password_change", "success", {}),
        ("login", "failure", {}),
    ]
    text = repr([entry[1:] for entry in audit.entries])  # the patron ID has runs of zeros
    for password in (INITIAL, "000000", "abc123", "abc124", "abc123XYZ", "secret99"):
        assert password not in text

"""Logging in with 利用者コード and password, and changing the password, with a lockout.

A refusal never tells an unknown code from a wrong password or a locked account: one message,
and about the same time (an unknown code is checked against a dummy hash at the same scrypt
cost). Failures are counted per code, known or not, under the code's SHA-256, so guessing the
password of one card stops after `max_failures` tries for `lock_seconds`.
"""

from __future__ import annotations

import hashlib
import secrets
import unicodedata
from collections.abc import Callable
from dataclasses import dataclass
from datetime import UTC, datetime
from functools import cache
from typing import NoReturn, Protocol

from ..patrons.directory import PatronDirectory, UnknownPatron
from ..patrons.ids import is_valid_patron_id
from ..patrons.model import Patron
from ..patrons.passwords import (
    PasswordRejected,
    check_new_password,
    hash_password,
    verify_password,
)
from .audit import AuditLog

WRONG_CURRENT = "現在のパスワードが正しくありません。"
NEW_DIFFERS = "新しいパスワードが一致しません。"
LOCKED_FOR_NOW = (
    "パスワードの誤りが続いたため、しばらく変更できません。時間をおいてお試しください。"
)


class LoginRefused(Exception):
    MESSAGE = "利用者コードまたはパスワードが正しくありません。"

    def __init__(self) -> None:
        super().__init__(self.MESSAGE)


@dataclass(frozen=True)
class LoginRules:
    max_failures: int = 5
    lock_seconds: int = 15 * 60


class LoginThrottle(Protocol):
    def locked_until(self, key: str) -> datetime | None:
        """When the lock on `key` ends (it may lie in the past); None if it was never locked."""
        ...

    def failed(self, key: str, rules: LoginRules, now: datetime) -> None:
        """Count a failure atomically; the one reaching `max_failures` locks for
        `lock_seconds`. The count is forgotten `lock_seconds` after the last failure."""
        ...

    def succeeded(self, key: str) -> None:
        """Forget the failures."""
        ...


def normalised_code(patron_code: str) -> str:
    # Phones often type full-width digits (５３２２…); NFKC makes them ASCII.
    return unicodedata.normalize("NFKC", patron_code).strip()


def throttle_key(patron_code: str) -> str:
    return hashlib.sha256(normalised_code(patron_code).encode()).hexdigest()


@cache
def _dummy_hash() -> str:
    """What an unknown code is checked against: one scrypt, like a known code, so timing
    tells no codes apart. Made once per process, when the first PatronLogin is built rather
    than at import: every function imports this package, and only My Page logs in."""
    return hash_password(secrets.token_urlsafe(16))


def _now() -> datetime:
    return datetime.now(UTC)


class PatronLogin:
    def __init__(
        self,
        patrons: PatronDirectory,
        throttle: LoginThrottle,
        audit: AuditLog,
        rules: LoginRules = LoginRules(),
        clock: Callable[[], datetime] = _now,
    ) -> None:
        self._patrons = patrons
        self._throttle = throttle
        self._audit = audit
        self._rules = rules
        self._clock = clock
        _dummy_hash()  # before the first request, so that one is timed like the others

    def authenticate(self, patron_code: str, password: str) -> Patron:
        """The patron whose code and password these are; LoginRefused otherwise."""
        code = normalised_code(patron_code)
        key = throttle_key(code)
        now = self._clock()
        patron = self._patrons.get(code) if is_valid_patron_id(code) else None
        if self._locked(key, now):
            # Not counted: tries during a lock do not make it longer.
            if patron is not None:
                self._audit.record(patron.patron_id, "login", "locked")
            raise LoginRefused()
        if patron is None:
            verify_password(password, _dummy_hash())
            self._throttle.failed(key, self._rules, now)
            raise LoginRefused()
        if not verify_password(password, patron.password_hash):
            self._throttle.failed(key, self._rules, now)
            self._audit.record(patron.patron_id, "login", "failure")
            raise LoginRefused()
        self._throttle.succeeded(key)
        self._audit.record(patron.patron_id, "login", "success")
        return patron

    def change_password(self, patron: Patron, current: str, new: str, confirm: str) -> Patron:
        """The patron with the new password; PasswordRejected with a message for the patron.

        A wrong current password counts toward the login lockout: a stolen session must not
        become a way to guess the password without limit.
        """
        now = self._clock()
        key = throttle_key(patron.patron_id)
        # Read again: the hash in a patron read earlier may be an older password's.
        fresh = self._patrons.get(patron.patron_id)
        if fresh is None:
            raise UnknownPatron(patron.patron_id)
        if self._locked(key, now):
            self._refuse(fresh, "locked", LOCKED_FOR_NOW)
        if not verify_password(current, fresh.password_hash):
            self._throttle.failed(key, self._rules, now)
            self._refuse(fresh, "current", WRONG_CURRENT)
        if new != confirm:
            self._refuse(fresh, "mismatch", NEW_DIFFERS)
        try:
            check_new_password(new, fresh.birth_date)
        except PasswordRejected as rejected:
            self._refuse(fresh, "policy", str(rejected))
        changed = self._patrons.change_password(fresh.patron_id, hash_password(new), now)
        self._throttle.succeeded(key)
        self._audit.record(fresh.patron_id, "password_change", "success")
        return changed

    def _locked(self, key: str, now: datetime) -> bool:
        until = self._throttle.locked_until(key)
        return until is not None and now < until

    def _refuse(self, patron: Patron, reason: str, message: str) -> NoReturn:
        self._audit.record(patron.patron_id, "password_change", "failure", reason=reason)
        raise PasswordRejected(message)

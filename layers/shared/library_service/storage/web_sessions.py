"""My Page sessions, login throttles and account-link nonces in DynamoDB.

WebSessionsTable holds, under key `key`, each keyed by the SHA-256 (hex) of a secret or code,
never the value itself, so a table read gives nothing to log in or link with:
- `session#<hash of the session ID>`: who is logged in, the CSRF token and small data;
- `throttle#<hash of the normalised 利用者コード>`: failed logins and the lock they led to;
- `linknonce#<hash of the nonce>`: the patron an account-link nonce was issued to.
Every item carries `expiresAt` for DynamoDB's TTL, rounded up to the second. TTL deletes
lazily (within days), so reads judge expiry themselves.
"""

from __future__ import annotations

import hashlib
from collections.abc import Callable
from dataclasses import replace
from datetime import UTC, datetime, timedelta
from functools import cached_property

from pynamodb.attributes import (
    DiscriminatorAttribute,
    MapAttribute,
    NumberAttribute,
    TTLAttribute,
    UnicodeAttribute,
    UTCDateTimeAttribute,
)
from pynamodb.connection import Connection
from pynamodb.exceptions import (
    DeleteError,
    DoesNotExist,
    PutError,
    TransactWriteError,
    UpdateError,
)
from pynamodb.models import Model
from pynamodb.transactions import TransactWrite

from ..accounts.link_nonces import NONCE_LIFETIME
from ..accounts.login import LoginRules
from ..accounts.sessions import (
    TOUCH_INTERVAL,
    ConcurrentSessionUpdate,
    SessionRules,
    WebSession,
    check_data,
    is_token,
    new_session,
    new_token,
)
from .binding import bind_model

SESSION = "session#"
THROTTLE = "throttle#"
LINK_NONCE = "linknonce#"
# A throttle write loses a race only to another failure starting a fresh count; the next
# round then adds to that count, so two rounds nearly always do.
THROTTLE_ATTEMPTS = 5
CONDITION_FAILED = "ConditionalCheckFailedException"


class WebSessionsTableItem(Model):
    class Meta:
        table_name = "unbound"  # set by bind_web_sessions from the settings

    key = UnicodeAttribute(hash_key=True)
    kind = DiscriminatorAttribute()
    expires_at = TTLAttribute(attr_name="expiresAt")


class SessionItem(WebSessionsTableItem, discriminator="session"):
    # The CSRF token is stored as is: it must be shown in forms, and without the session ID
    # (stored only hashed) it is worth nothing.
    csrf_token = UnicodeAttribute(attr_name="csrfToken")
    patron_id = UnicodeAttribute(null=True, attr_name="patronId")
    created_at = UTCDateTimeAttribute(attr_name="createdAt")
    last_seen_at = UTCDateTimeAttribute(attr_name="lastSeenAt")
    data = MapAttribute(default=dict)
    # Kept by hand, not a VersionAttribute: the once-a-minute touch must not bump it, or a
    # request that read the session just before would lose its save.
    version = NumberAttribute()


class ThrottleItem(WebSessionsTableItem, discriminator="throttle"):
    failures = NumberAttribute()
    locked_until = UTCDateTimeAttribute(null=True, attr_name="lockedUntil")


class LinkNonceItem(WebSessionsTableItem, discriminator="linknonce"):
    patron_id = UnicodeAttribute(attr_name="patronId")


def bind_web_sessions(table: str, region: str) -> None:
    for model in (WebSessionsTableItem, SessionItem, ThrottleItem, LinkNonceItem):
        bind_model(model, table, region)


def hashed(secret: str) -> str:
    return hashlib.sha256(secret.encode()).hexdigest()


def _ceil_second(moment: datetime) -> datetime:
    """TTL keeps whole seconds; rounding up never ends an item early."""
    whole = moment.replace(microsecond=0)
    return whole if whole == moment else whole + timedelta(seconds=1)


def _now() -> datetime:
    return datetime.now(UTC)


def _condition_failed(error: PutError | UpdateError | DeleteError) -> bool:
    return error.cause_response_code == CONDITION_FAILED


class DynamoWebSessions:
    """`accounts.SessionStore` on WebSessionsTable."""

    def __init__(self, rules: SessionRules, clock: Callable[[], datetime] = _now) -> None:
        self._rules = rules
        self._clock = clock

    def create(
        self, patron_id: str | None = None, data: dict[str, str] | None = None
    ) -> WebSession:
        session = replace(new_session(patron_id, data or {}, self._clock()), version=1)
        # 256 random bits do not collide; the condition only makes sure nothing is overwritten.
        self._item(session).save(condition=WebSessionsTableItem.key.does_not_exist())
        return session

    def get(self, session_id: str) -> WebSession | None:
        if not is_token(session_id):
            return None
        try:
            item = SessionItem.get(SESSION + hashed(session_id), consistent_read=True)
        except DoesNotExist:
            return None
        session = _session(session_id, item)
        now = self._clock()
        if not self._rules.is_live(session, now):
            return None
        if now - session.last_seen_at < TOUCH_INTERVAL:
            return session
        touched = replace(session, last_seen_at=now)
        try:
            item.update(
                actions=[
                    SessionItem.last_seen_at.set(now),
                    SessionItem.expires_at.set(self._expires_at(touched)),
                ],
                condition=WebSessionsTableItem.key.exists(),
            )
        except UpdateError as error:
            if _condition_failed(error):
                return None  # rotated or ended a moment ago
            raise
        return touched

    def save(self, session: WebSession) -> WebSession:
        if session.version is None:
            raise ValueError("save a session that came from the store")
        item = SessionItem(SESSION + hashed(session.session_id))
        try:
            item.update(
                actions=[
                    SessionItem.data.set(check_data(session.data)),
                    SessionItem.version.add(1),
                ],
                condition=SessionItem.version == session.version,
            )
        except UpdateError as error:
            if _condition_failed(error):
                raise ConcurrentSessionUpdate() from error
            raise
        return replace(session, version=item.version)

    def rotate(self, session: WebSession, patron_id: str | None) -> WebSession:
        now = self._clock()
        rotated = WebSession(
            session_id=new_token(),
            csrf_token=new_token(),
            patron_id=patron_id,
            created_at=now,
            last_seen_at=now,
            data=check_data(session.data),
            version=1,
        )
        old = SessionItem(SESSION + hashed(session.session_id))
        unchanged = (
            SessionItem.version == session.version
            if session.version is not None
            else WebSessionsTableItem.key.exists()
        )
        try:
            with TransactWrite(connection=self._connection) as transaction:
                transaction.delete(old, condition=unchanged)
                transaction.save(
                    self._item(rotated), condition=WebSessionsTableItem.key.does_not_exist()
                )
        except TransactWriteError as error:
            if error.cause_response_code == "TransactionCanceledException":
                raise ConcurrentSessionUpdate() from error
            raise
        return rotated

    def delete(self, session_id: str) -> None:
        if is_token(session_id):
            SessionItem(SESSION + hashed(session_id)).delete()

    # -- helpers -------------------------------------------------------------------------
    def _expires_at(self, session: WebSession) -> datetime:
        return _ceil_second(self._rules.expires_at(session))

    def _item(self, session: WebSession) -> SessionItem:
        return SessionItem(
            SESSION + hashed(session.session_id),
            expires_at=self._expires_at(session),
            csrf_token=session.csrf_token,
            patron_id=session.patron_id,
            created_at=session.created_at,
            last_seen_at=session.last_seen_at,
            data=session.data,
            version=session.version,
        )

    @cached_property
    def _connection(self) -> Connection:
        return Connection(region=WebSessionsTableItem.Meta.region)


def _session(session_id: str, item: SessionItem) -> WebSession:
    data = item.data.as_dict() if hasattr(item.data, "as_dict") else dict(item.data or {})
    return WebSession(
        session_id=session_id,
        csrf_token=item.csrf_token,
        patron_id=item.patron_id,
        created_at=item.created_at,
        last_seen_at=item.last_seen_at,
        data={str(k): str(v) for k, v in data.items()},
        version=int(item.version),
    )


class DynamoThrottle:
    """`accounts.LoginThrottle` on WebSessionsTable, one item per code that failed lately.

    Each failure is one atomic ADD; the write that brings the count to `max_failures` also
    sets `lockedUntil`, on condition none is set, so concurrent failures neither miss the
    lock nor extend it. A count whose window or lock is over starts again from one.
    """

    def locked_until(self, key: str) -> datetime | None:
        try:
            return ThrottleItem.get(THROTTLE + key, consistent_read=True).locked_until
        except DoesNotExist:
            return None

    def failed(self, key: str, rules: LoginRules, now: datetime) -> None:
        item_key = THROTTLE + key
        expires_at = _ceil_second(now + timedelta(seconds=rules.lock_seconds))
        item = self._counted(item_key, expires_at, now)
        if item.failures >= rules.max_failures and item.locked_until is None:
            try:
                ThrottleItem(item_key).update(
                    actions=[
                        ThrottleItem.locked_until.set(now + timedelta(seconds=rules.lock_seconds))
                    ],
                    condition=WebSessionsTableItem.key.exists()
                    & ThrottleItem.locked_until.does_not_exist(),
                )
            except UpdateError as error:
                if not _condition_failed(error):
                    raise  # otherwise a concurrent failure set the lock first: keep that one

    def succeeded(self, key: str) -> None:
        ThrottleItem(THROTTLE + key).delete()

    def _counted(self, item_key: str, expires_at: datetime, now: datetime) -> ThrottleItem:
        """Add one failure to a current count, or start a new count at one."""
        current = (WebSessionsTableItem.expires_at > now) & (
            ThrottleItem.locked_until.does_not_exist() | (ThrottleItem.locked_until > now)
        )
        for _ in range(THROTTLE_ATTEMPTS):
            item = ThrottleItem(item_key)
            try:
                item.update(
                    actions=[
                        ThrottleItem.failures.add(1),
                        WebSessionsTableItem.expires_at.set(expires_at),
                    ],
                    condition=current,
                )
                return item
            except UpdateError as error:
                if not _condition_failed(error):
                    raise
            item = ThrottleItem(item_key, failures=1, expires_at=expires_at)
            try:
                item.save(condition=~current)
                return item
            except PutError as error:
                if not _condition_failed(error):
                    raise  # otherwise another failure started the count: add to it
        raise RuntimeError(f"login throttle not updated after {THROTTLE_ATTEMPTS} attempts")


class DynamoLinkNonces:
    """`accounts.LinkNonces` on WebSessionsTable; a nonce is used up by a conditional delete."""

    def __init__(self, clock: Callable[[], datetime] = _now) -> None:
        self._clock = clock

    def issue(self, patron_id: str) -> str:
        nonce = new_token()
        LinkNonceItem(
            LINK_NONCE + hashed(nonce),
            patron_id=patron_id,
            expires_at=_ceil_second(self._clock() + NONCE_LIFETIME),
        ).save(condition=WebSessionsTableItem.key.does_not_exist())
        return nonce

    def consume(self, nonce: str) -> str | None:
        if not is_token(nonce):
            return None
        item_key = LINK_NONCE + hashed(nonce)
        try:
            item = LinkNonceItem.get(item_key, consistent_read=True)
        except DoesNotExist:
            return None
        now = self._clock()
        try:
            # Only one delete can meet the condition: two consumers racing get one patron.
            LinkNonceItem(item_key).delete(
                condition=WebSessionsTableItem.key.exists()
                & (WebSessionsTableItem.expires_at > now)
            )
        except DeleteError as error:
            if _condition_failed(error):
                return None
            raise
        return item.patron_id

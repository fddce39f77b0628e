"""Registrations in progress in DynamoDB, and the pointers an identity check comes back by.

RegistrationsTable holds, under key `key`:
- `session#<LINE user ID>`: the registration, with its personal data once verified;
- `start#<token>`, `state#<state>` and `provider#<session>`: which registration an identity
  check's link, its provider's answer, or a face provider's session belongs to. A state
  pointer is deleted in the same transaction that records the answer, so a replayed callback
  finds nothing.
Every item carries `expiresAt` for DynamoDB's TTL. TTL deletes lazily (within days), so reads
treat an item past `expiresAt` as gone.
"""

from __future__ import annotations

from collections.abc import Callable
from datetime import UTC, date, datetime
from functools import cached_property

from pynamodb.attributes import (
    BooleanAttribute,
    DiscriminatorAttribute,
    MapAttribute,
    TTLAttribute,
    UnicodeAttribute,
    UTCDateTimeAttribute,
    VersionAttribute,
)
from pynamodb.connection import Connection
from pynamodb.exceptions import DoesNotExist, PutError, TransactWriteError
from pynamodb.models import Model
from pynamodb.transactions import TransactWrite

from ..identity import Document, Method
from ..registration.model import Attempt, Category, Registration, Stage, VerifiedFacts
from ..registration.store import ConcurrentRegistrationUpdate
from .binding import bind_model

SESSION = "session#"
START = "start#"
STATE = "state#"
PROVIDER_SESSION = "provider#"


class RegistrationsTableItem(Model):
    class Meta:
        table_name = "unbound"  # set by bind_registrations from the settings

    key = UnicodeAttribute(hash_key=True)
    kind = DiscriminatorAttribute()
    expires_at = TTLAttribute(attr_name="expiresAt")


class AttemptAttribute(MapAttribute):
    start_token = UnicodeAttribute(attr_name="startToken")
    state = UnicodeAttribute()
    nonce = UnicodeAttribute()
    code_verifier = UnicodeAttribute(attr_name="codeVerifier")
    expires_at = UTCDateTimeAttribute(attr_name="expiresAt")
    provider_session_id = UnicodeAttribute(null=True, attr_name="providerSessionId")


class VerifiedAttribute(MapAttribute):
    method = UnicodeAttribute()
    document = UnicodeAttribute(null=True)
    transaction_id = UnicodeAttribute(attr_name="transactionId")
    verified_at = UTCDateTimeAttribute(attr_name="verifiedAt")
    name = UnicodeAttribute()
    birth_date = UnicodeAttribute(attr_name="birthDate")
    address = UnicodeAttribute()


class SessionItem(RegistrationsTableItem, discriminator="session"):
    stage = UnicodeAttribute()
    method = UnicodeAttribute(null=True)
    document = UnicodeAttribute(null=True)
    attempt = AttemptAttribute(null=True)
    verified = VerifiedAttribute(null=True)
    category = UnicodeAttribute(null=True)
    contact = UnicodeAttribute(null=True)
    notice_titles = BooleanAttribute(null=True, attr_name="noticeTitles")
    amending = BooleanAttribute(default=False)
    version = VersionAttribute()


class PointerItem(RegistrationsTableItem, discriminator="pointer"):
    line_user_id = UnicodeAttribute(attr_name="lineUserId")


def bind_registrations(table: str, region: str) -> None:
    for model in (RegistrationsTableItem, SessionItem, PointerItem):
        bind_model(model, table, region)


def _now() -> datetime:
    return datetime.now(UTC)


class DynamoRegistrations:
    """`registration.store.RegistrationStore` on RegistrationsTable."""

    def __init__(self, clock: Callable[[], datetime] = _now) -> None:
        self._clock = clock

    def get(self, line_user_id: str) -> Registration | None:
        try:
            item = SessionItem.get(SESSION + line_user_id, consistent_read=True)
        except DoesNotExist:
            return None
        return _registration(line_user_id, item) if item.expires_at > self._clock() else None

    def by_start_token(self, token: str) -> Registration | None:
        registration = self._by_pointer(START + token)
        attempt = registration.attempt if registration else None
        return registration if attempt and attempt.start_token == token else None

    def by_state(self, state: str) -> Registration | None:
        registration = self._by_pointer(STATE + state)
        attempt = registration.attempt if registration else None
        return registration if attempt and attempt.state == state else None

    def by_provider_session(self, session_id: str) -> Registration | None:
        registration = self._by_pointer(PROVIDER_SESSION + session_id)
        attempt = registration.attempt if registration else None
        return registration if attempt and attempt.provider_session_id == session_id else None

    def save_provider_session(self, registration: Registration) -> Registration:
        attempt = registration.attempt
        if attempt is None or not attempt.provider_session_id:
            raise ValueError("the registration's attempt has no provider session")
        return self._save_with_pointers(
            registration, [PROVIDER_SESSION + attempt.provider_session_id]
        )

    def save(self, registration: Registration) -> Registration:
        """Write unless someone wrote since it was read (ConcurrentRegistrationUpdate)."""
        item = _session_item(registration)
        try:
            item.save()
        except PutError as error:
            if error.cause_response_code == "ConditionalCheckFailedException":
                raise ConcurrentRegistrationUpdate() from error
            raise
        return _registration(registration.line_user_id, item)

    def save_new_attempt(self, registration: Registration) -> Registration:
        attempt = registration.attempt
        if attempt is None:
            raise ValueError("the registration has no attempt")
        return self._save_with_pointers(
            registration, [START + attempt.start_token, STATE + attempt.state]
        )

    def _save_with_pointers(self, registration: Registration, keys: list[str]) -> Registration:
        """The registration and new pointers to it, which expire with its attempt."""
        item = _session_item(registration)
        with self._committed() as transaction:
            transaction.save(item)
            for key in keys:
                pointer = PointerItem(
                    key,
                    line_user_id=registration.line_user_id,
                    expires_at=registration.attempt.expires_at,
                )
                transaction.save(pointer, condition=RegistrationsTableItem.key.does_not_exist())
        return _registration(registration.line_user_id, item)

    def save_answer(self, registration: Registration, state: str) -> Registration:
        """Record a provider's answer and use up its state, both or neither."""
        item = _session_item(registration)
        with self._committed() as transaction:
            transaction.save(item)
            transaction.delete(
                PointerItem(STATE + state), condition=RegistrationsTableItem.key.exists()
            )
        return _registration(registration.line_user_id, item)

    def delete(self, line_user_id: str) -> None:
        """Forget the registration and what it held; pointers to it then lead nowhere."""
        SessionItem(SESSION + line_user_id).delete(add_version_condition=False)

    # -- helpers -------------------------------------------------------------------------
    def _by_pointer(self, key: str) -> Registration | None:
        try:
            pointer = PointerItem.get(key, consistent_read=True)
        except DoesNotExist:
            return None
        if pointer.expires_at <= self._clock():
            return None
        return self.get(pointer.line_user_id)

    @cached_property
    def _connection(self) -> Connection:
        return Connection(region=RegistrationsTableItem.Meta.region)

    def _committed(self) -> _Transaction:
        return _Transaction(TransactWrite(connection=self._connection))


class _Transaction:
    """A TransactWrite whose cancellation is told as a concurrent update."""

    def __init__(self, transaction: TransactWrite) -> None:
        self._transaction = transaction

    def __enter__(self) -> TransactWrite:
        return self._transaction.__enter__()

    def __exit__(self, *exc_info) -> None:
        try:
            self._transaction.__exit__(*exc_info)
        except TransactWriteError as error:
            if error.cause_response_code == "TransactionCanceledException":
                raise ConcurrentRegistrationUpdate() from error
            raise


def _session_item(registration: Registration) -> SessionItem:
    attempt, verified = registration.attempt, registration.verified
    item = SessionItem(
        SESSION + registration.line_user_id,
        expires_at=registration.expires_at,
        stage=registration.stage.value,
        method=registration.method.value if registration.method else None,
        document=registration.document.value if registration.document else None,
        attempt=AttemptAttribute(
            start_token=attempt.start_token,
            state=attempt.state,
            nonce=attempt.nonce,
            code_verifier=attempt.code_verifier,
            expires_at=attempt.expires_at,
            provider_session_id=attempt.provider_session_id,
        )
        if attempt
        else None,
        verified=VerifiedAttribute(
            method=verified.method.value,
            document=verified.document.value if verified.document else None,
            transaction_id=verified.transaction_id,
            verified_at=verified.verified_at,
            name=verified.name,
            birth_date=verified.birth_date.isoformat(),
            address=verified.address,
        )
        if verified
        else None,
        category=registration.category.value if registration.category else None,
        contact=registration.contact,
        notice_titles=registration.notice_titles,
        amending=registration.amending,
    )
    if registration.version is not None:
        item.version = registration.version
    return item


def _registration(line_user_id: str, item: SessionItem) -> Registration:
    attempt, verified = item.attempt, item.verified
    return Registration(
        line_user_id=line_user_id,
        stage=Stage(item.stage),
        expires_at=item.expires_at,
        method=Method(item.method) if item.method else None,
        document=Document(item.document) if item.document else None,
        attempt=Attempt(
            start_token=attempt.start_token,
            state=attempt.state,
            nonce=attempt.nonce,
            code_verifier=attempt.code_verifier,
            expires_at=attempt.expires_at,
            provider_session_id=attempt.provider_session_id,
        )
        if attempt
        else None,
        verified=VerifiedFacts(
            method=Method(verified.method),
            document=Document(verified.document) if verified.document else None,
            transaction_id=verified.transaction_id,
            verified_at=verified.verified_at,
            name=verified.name,
            birth_date=date.fromisoformat(verified.birth_date),
            address=verified.address,
        )
        if verified
        else None,
        category=Category(item.category) if item.category else None,
        contact=item.contact,
        notice_titles=item.notice_titles,
        amending=bool(item.amending),
        version=item.version,
    )

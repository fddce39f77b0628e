"""Patrons in DynamoDB: one item per patron, and one per LINE link to keep links unique.

PatronsTable holds, under key `patronId`:
- the patron, under the patron ID (ten digits, `patrons.ids`);
- for each linked LINE user, an item `line#<userId>` naming the patron. Its key is the LINE
  user ID, so a conditional put of it can succeed for one patron only: written in the same
  transaction as the patron's `lineUserId`, it makes "one LINE user, one patron" and "one
  patron, one LINE user" hold under any concurrency, which a secondary index cannot.

`by_line_user` reads that link item and then the patron, both strongly consistent: the
conversation flow looks a patron up right after My Page linked them, and a GSI on
`lineUserId`, being eventually consistent, could still miss the link. The table therefore has
no GSI; one can be added online if an operator report ever needs to list linked patrons.

New IDs come from random serials written with a condition that the ID is unused, retried on
a collision. This needs no counter item (a hot key written by every registration) and yields
card numbers that cannot be enumerated, which matters while the initial password is the date
of birth. With nine-digit serials, a collision is rare (one in 900 at a million patrons).
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import replace
from datetime import UTC, date, datetime
from functools import cached_property

from pynamodb.attributes import (
    BooleanAttribute,
    DiscriminatorAttribute,
    MapAttribute,
    UnicodeAttribute,
    UTCDateTimeAttribute,
)
from pynamodb.connection import Connection
from pynamodb.exceptions import DoesNotExist, PutError, TransactWriteError, UpdateError
from pynamodb.models import Model
from pynamodb.transactions import TransactWrite

from ..line.ids import is_line_user_id
from ..patrons.directory import LineUserAlreadyLinked, PatronAlreadyLinked, UnknownPatron
from ..patrons.ids import is_valid_patron_id, new_patron_id, random_serial
from ..patrons.model import IdentityEvidence, Patron, PatronStatus, RegisteredVia
from ..patrons.registration import new_patron
from .binding import bind_model

LINK_KEY_PREFIX = "line#"
SERIAL_ATTEMPTS = 5
# A transaction cancelled by a concurrent change is tried again on what was read afresh;
# by then the other change is visible, so a second round nearly always settles it.
LINK_ATTEMPTS = 3


class PatronsTableItem(Model):
    class Meta:
        table_name = "unbound"  # set by bind_patrons from the settings

    key = UnicodeAttribute(hash_key=True, attr_name="patronId")
    kind = DiscriminatorAttribute()


class IdentityEvidenceAttribute(MapAttribute):
    method = UnicodeAttribute()
    document = UnicodeAttribute(null=True)
    transaction_id = UnicodeAttribute(attr_name="transactionId")
    verified_at = UTCDateTimeAttribute(attr_name="verifiedAt")


class PatronItem(PatronsTableItem, discriminator="patron"):
    name = UnicodeAttribute()
    birth_date = UnicodeAttribute(attr_name="birthDate")  # ISO 8601
    contact = UnicodeAttribute()
    status = UnicodeAttribute()
    line_user_id = UnicodeAttribute(null=True, attr_name="lineUserId")
    password_hash = UnicodeAttribute(attr_name="passwordHash")
    password_is_initial = BooleanAttribute(attr_name="passwordIsInitial")
    registered_at = UTCDateTimeAttribute(attr_name="registeredAt")
    registered_via = UnicodeAttribute(attr_name="registeredVia")
    address = UnicodeAttribute(null=True)
    category = UnicodeAttribute(null=True)
    notice_titles = BooleanAttribute(null=True, attr_name="noticeTitles")
    identity = IdentityEvidenceAttribute(null=True)
    credentials_changed_at = UTCDateTimeAttribute(null=True, attr_name="credentialsChangedAt")

    def to_patron(self) -> Patron:
        return Patron(
            patron_id=self.key,
            name=self.name,
            birth_date=date.fromisoformat(self.birth_date),
            contact=self.contact,
            status=PatronStatus(self.status),
            line_user_id=self.line_user_id,
            password_hash=self.password_hash,
            password_is_initial=self.password_is_initial,
            registered_at=self.registered_at,
            registered_via=RegisteredVia(self.registered_via),
            address=self.address,
            category=self.category,
            notice_titles=self.notice_titles,
            identity=(
                IdentityEvidence(
                    method=self.identity.method,
                    document=self.identity.document,
                    transaction_id=self.identity.transaction_id,
                    verified_at=self.identity.verified_at,
                )
                if self.identity
                else None
            ),
            credentials_changed_at=self.credentials_changed_at,
        )


class LineLinkItem(PatronsTableItem, discriminator="line"):
    patron_id = UnicodeAttribute(attr_name="linkedPatronId")
    linked_at = UTCDateTimeAttribute(attr_name="linkedAt")


def bind_patrons(table: str, region: str) -> None:
    for model in (PatronsTableItem, PatronItem, LineLinkItem):
        bind_model(model, table, region)


def _link_key(line_user_id: str) -> str:
    return LINK_KEY_PREFIX + line_user_id


def _now() -> datetime:
    return datetime.now(UTC)


class DynamoPatrons:
    """The patron directory (`patrons.PatronDirectory`) on PatronsTable."""

    def __init__(
        self,
        serials: Callable[[], int] = random_serial,
        clock: Callable[[], datetime] = _now,
    ) -> None:
        self._serials = serials
        self._clock = clock

    # -- reading -------------------------------------------------------------------------
    def get(self, patron_id: str) -> Patron | None:
        if not is_valid_patron_id(patron_id):
            return None  # also keeps link items, which share the table, out of reach
        try:
            return PatronItem.get(patron_id, consistent_read=True).to_patron()
        except DoesNotExist:
            return None

    def by_line_user(self, line_user_id: str) -> Patron | None:
        owner = self._link_owner(line_user_id)
        patron = self.get(owner) if owner else None
        # An unlink may commit between the two reads; then the patron no longer names them.
        return patron if patron and patron.line_user_id == line_user_id else None

    # -- registering ---------------------------------------------------------------------
    def register(
        self,
        name: str,
        birth_date: date,
        contact: str,
        status: PatronStatus = PatronStatus.PROVISIONAL,
        via: str = RegisteredVia.COUNTER,
        *,
        line_user_id: str | None = None,
        **details,
    ) -> Patron:
        if line_user_id is not None and not is_line_user_id(line_user_id):
            raise ValueError("not a LINE user ID")
        patron = new_patron(
            new_patron_id(self._serials()),
            name,
            birth_date,
            contact,
            status=status,
            via=via,
            registered_at=self._clock(),
            line_user_id=line_user_id,
            **details,
        )
        for _ in range(SERIAL_ATTEMPTS):
            if self._created(patron):
                return patron
            patron = replace(patron, patron_id=new_patron_id(self._serials()))
        raise RuntimeError(f"no unused patron ID after {SERIAL_ATTEMPTS} serials")

    def _created(self, patron: Patron) -> bool:
        """Write the patron (and its LINE link) if the ID is unused; False on a collision."""
        unused = PatronsTableItem.key.does_not_exist()
        if patron.line_user_id is None:
            try:
                patron_item(patron).save(condition=unused)
                return True
            except PutError as error:
                if error.cause_response_code != "ConditionalCheckFailedException":
                    raise
                return False
        if self._link_owner(patron.line_user_id) is not None:
            raise LineUserAlreadyLinked(patron.patron_id, patron.line_user_id)
        try:
            with self._transaction() as transaction:
                transaction.save(patron_item(patron), condition=unused)
                transaction.save(
                    LineLinkItem(
                        _link_key(patron.line_user_id),
                        patron_id=patron.patron_id,
                        linked_at=patron.registered_at,
                    ),
                    condition=unused,
                )
            return True
        except TransactWriteError as error:
            if error.cause_response_code != "TransactionCanceledException":
                raise
            reasons = [getattr(r, "code", None) for r in error.cancellation_reasons or []]
            if len(reasons) == 2 and reasons[1] == "ConditionalCheckFailed":
                raise LineUserAlreadyLinked(patron.patron_id, patron.line_user_id) from error
            if reasons and reasons[0] == "ConditionalCheckFailed":
                return False
            raise

    # -- linking -------------------------------------------------------------------------
    def link_line(self, patron_id: str, line_user_id: str) -> Patron:
        if not is_line_user_id(line_user_id):
            raise ValueError("not a LINE user ID")
        return _retried(lambda: self._link_once(patron_id, line_user_id))

    def unlink_line(self, patron_id: str) -> Patron:
        return _retried(lambda: self._unlink_once(patron_id))

    def _link_once(self, patron_id: str, line_user_id: str) -> Patron:
        patron = self._existing(patron_id)
        if patron.line_user_id == line_user_id:
            return patron
        if patron.line_user_id is not None:
            raise PatronAlreadyLinked(patron_id, line_user_id)
        if self._link_owner(line_user_id) is not None:
            raise LineUserAlreadyLinked(patron_id, line_user_id)
        # The reads above give the reason for a refusal; the conditions below are what make
        # the link unique when another request changes either side at the same moment.
        with self._transaction() as transaction:
            transaction.save(
                LineLinkItem(_link_key(line_user_id), patron_id=patron_id, linked_at=self._clock()),
                condition=PatronsTableItem.key.does_not_exist(),
            )
            transaction.update(
                PatronItem(patron_id),
                actions=[PatronItem.line_user_id.set(line_user_id)],
                condition=PatronsTableItem.key.exists() & PatronItem.line_user_id.does_not_exist(),
            )
        return replace(patron, line_user_id=line_user_id)

    def _unlink_once(self, patron_id: str) -> Patron:
        patron = self._existing(patron_id)
        if patron.line_user_id is None:
            return patron
        with self._transaction() as transaction:
            transaction.delete(
                LineLinkItem(_link_key(patron.line_user_id)),
                condition=LineLinkItem.patron_id == patron_id,
            )
            transaction.update(
                PatronItem(patron_id),
                actions=[PatronItem.line_user_id.remove()],
                condition=PatronItem.line_user_id == patron.line_user_id,
            )
        return replace(patron, line_user_id=None)

    # -- passwords -----------------------------------------------------------------------
    def change_password(self, patron_id: str, password_hash: str, changed_at: datetime) -> Patron:
        if not is_valid_patron_id(patron_id):
            raise UnknownPatron(patron_id)
        item = PatronItem(patron_id)
        try:
            # One update, on condition the patron exists: never a half-made patron item.
            item.update(
                actions=[
                    PatronItem.password_hash.set(password_hash),
                    PatronItem.password_is_initial.set(False),
                    PatronItem.credentials_changed_at.set(changed_at),
                ],
                condition=PatronsTableItem.key.exists(),
            )
        except UpdateError as error:
            if error.cause_response_code == "ConditionalCheckFailedException":
                raise UnknownPatron(patron_id) from error
            raise
        return item.to_patron()

    # -- helpers -------------------------------------------------------------------------
    def _existing(self, patron_id: str) -> Patron:
        patron = self.get(patron_id)
        if patron is None:
            raise UnknownPatron(patron_id)
        return patron

    def _link_owner(self, line_user_id: str) -> str | None:
        if not is_line_user_id(line_user_id):
            return None
        try:
            return LineLinkItem.get(_link_key(line_user_id), consistent_read=True).patron_id
        except DoesNotExist:
            return None

    @cached_property
    def _connection(self) -> Connection:
        # Transactions are not made through a model; this connection uses the same region
        # and, like the models, the usual AWS settings for the endpoint and credentials.
        return Connection(region=PatronsTableItem.Meta.region)

    def _transaction(self) -> TransactWrite:
        return TransactWrite(connection=self._connection)


def _retried(change: Callable[[], Patron]) -> Patron:
    """Run `change` again when its transaction was cancelled by a concurrent change.

    The next run reads afresh and sees the other change, so it ends as a no-op or a clear
    refusal; the last run's error, if any, goes to the caller.
    """
    for _ in range(LINK_ATTEMPTS - 1):
        try:
            return change()
        except TransactWriteError as error:
            if error.cause_response_code != "TransactionCanceledException":
                raise
    return change()


def patron_item(patron: Patron) -> PatronItem:
    """The stored form of a patron (also used to seed benchmarks without hashing)."""
    return PatronItem(
        patron.patron_id,
        name=patron.name,
        birth_date=patron.birth_date.isoformat(),
        contact=patron.contact,
        status=patron.status.value,
        line_user_id=patron.line_user_id,
        password_hash=patron.password_hash,
        password_is_initial=patron.password_is_initial,
        registered_at=patron.registered_at,
        registered_via=patron.registered_via,
        address=patron.address,
        category=patron.category,
        notice_titles=patron.notice_titles,
        identity=(
            IdentityEvidenceAttribute(
                method=patron.identity.method,
                document=patron.identity.document,
                transaction_id=patron.identity.transaction_id,
                verified_at=patron.identity.verified_at,
            )
            if patron.identity
            else None
        ),
        credentials_changed_at=patron.credentials_changed_at,
    )

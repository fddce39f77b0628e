"""A patron as the library knows them."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime
from enum import StrEnum

from ..privacy import mask_id


class PatronStatus(StrEnum):
    PROVISIONAL = "provisional"  # registered, address not yet checked at the counter
    ACTIVE = "active"  # address checked
    SUSPENDED = "suspended"


class RegisteredVia(StrEnum):
    COUNTER = "counter"
    LINE = "line"


@dataclass(frozen=True)
class IdentityEvidence:
    """How a patron registered from LINE proved who they are: never a My Number or an image."""

    method: str  # identity.Method: "jpki" or "face"
    document: str | None  # identity.Document for face checks
    transaction_id: str  # the provider's reference, for an audit
    verified_at: datetime


@dataclass(frozen=True, repr=False)
class Patron:
    patron_id: str  # 利用者コード: login code, printed on the card as an NW-7 barcode
    name: str
    birth_date: date
    contact: str  # phone number or e-mail address
    status: PatronStatus
    line_user_id: str | None
    password_hash: str
    password_is_initial: bool
    registered_at: datetime
    registered_via: str  # a RegisteredVia value
    address: str | None = None  # as verified by the identity check; checked at the counter
    category: str | None = None  # registration.Category: who may register
    notice_titles: bool | None = None  # may LINE notices name the book? None: the default
    identity: IdentityEvidence | None = None
    # When the password last changed: My Page sessions issued before it are no longer valid.
    credentials_changed_at: datetime | None = None

    def __repr__(self) -> str:
        # A patron that ends up in a log line or a traceback shows no personal data.
        return (
            f"Patron({mask_id(self.patron_id)}, {self.status}, line={mask_id(self.line_user_id)})"
        )

"""What an identity check is, whichever provider does it.

Only the method, the provider's transaction ID, the time, the result and the verified facts
(name, date of birth, address) are ever kept. A My Number (個人番号) or an image of a document
never passes through here: the providers do not send them and nothing here asks for them.
"""

from __future__ import annotations

import re
import secrets
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import UTC, date, datetime
from enum import StrEnum
from typing import Protocol

Clock = Callable[[], datetime]
Secret = Callable[[], str]


_BIRTH_DATE = re.compile(r"[0-9]{4}-[0-9]{2}-[0-9]{2}")


def utc_now() -> datetime:
    return datetime.now(UTC)


def parse_birth_date(value: object) -> date | None:
    """A `YYYY-MM-DD` date (OpenID Connect's `birthdate`), or None for anything else."""
    if not isinstance(value, str) or not _BIRTH_DATE.fullmatch(value):
        return None
    try:
        return date.fromisoformat(value)
    except ValueError:
        return None


class Method(StrEnum):
    JPKI = "jpki"  # マイナンバーカードの公的個人認証, through an OpenID Connect provider
    FACE = "face"  # face eKYC with a document


class Document(StrEnum):
    MY_NUMBER_CARD = "my_number_card"
    DRIVERS_LICENSE = "drivers_license"
    PASSPORT = "passport"
    RESIDENCE_CARD = "residence_card"


class Outcome(StrEnum):
    VERIFIED = "verified"
    REJECTED = "rejected"  # the provider could not confirm the patron
    CANCELLED = "cancelled"  # the patron gave up
    EXPIRED = "expired"  # the session or the code ran out of time
    INVALID = "invalid"  # a tampered, forged or unverifiable answer


@dataclass(frozen=True)
class VerificationRequest:
    """One attempt, kept by the caller between `begin` and the answer.

    `state` ties the answer to the attempt (it is also the face session's `reference`);
    `nonce` ties the ID token to it; `code_verifier` is the PKCE secret (RFC 7636).
    """

    state: str = field(repr=False)
    nonce: str = field(repr=False)
    code_verifier: str = field(repr=False)
    document: Document | None
    redirect_uri: str
    webhook_url: str = ""

    @classmethod
    def new(
        cls, document: Document | None, redirect_uri: str, webhook_url: str = ""
    ) -> VerificationRequest:
        return cls(
            state=secrets.token_urlsafe(32),  # 256 bits
            nonce=secrets.token_urlsafe(32),
            code_verifier=secrets.token_urlsafe(48),  # 64 characters, within RFC 7636's 43-128
            document=document,
            redirect_uri=redirect_uri,
            webhook_url=webhook_url,
        )

    def to_dict(self) -> dict[str, str | None]:
        return {
            "state": self.state,
            "nonce": self.nonce,
            "code_verifier": self.code_verifier,
            "document": self.document.value if self.document else None,
            "redirect_uri": self.redirect_uri,
            "webhook_url": self.webhook_url,
        }

    @classmethod
    def from_dict(cls, data: dict) -> VerificationRequest:
        document = data.get("document")
        return cls(
            state=data["state"],
            nonce=data["nonce"],
            code_verifier=data["code_verifier"],
            document=Document(document) if document else None,
            redirect_uri=data["redirect_uri"],
            webhook_url=data.get("webhook_url") or "",
        )


@dataclass(frozen=True)
class Redirect:
    """Where to send the patron; a face provider also names its session."""

    url: str
    provider_session_id: str | None = None


@dataclass(frozen=True, repr=False)
class VerifiedIdentity:
    """The facts a provider vouched for. Its repr never shows them."""

    method: Method
    transaction_id: str
    name: str
    birth_date: date
    address: str
    verified_at: datetime
    document: Document | None = None

    def __repr__(self) -> str:
        return (
            f"VerifiedIdentity(method={self.method.value!r}, "
            f"transaction_id={self.transaction_id!r}, name='***', birth_date='***', "
            f"address='***', verified_at={self.verified_at.isoformat()!r}, "
            f"document={self.document.value if self.document else None!r})"
        )

    __str__ = __repr__


class VerificationFailed(Exception):
    """The check ended without a verified identity. `detail` never holds personal data."""

    def __init__(self, outcome: Outcome, detail: str) -> None:
        super().__init__(f"{outcome.value}: {detail}")
        self.outcome = outcome
        self.detail = detail


class ProviderUnavailable(Exception):
    """A 5xx, a rate limit, a timeout or a refused connection: worth trying again later."""


class ProviderError(Exception):
    """The provider answered outside its protocol, or is configured wrong: not retryable."""


class IdentityProvider(Protocol):
    method: Method

    def begin(self, request: VerificationRequest) -> Redirect: ...

"""The identity check's steps outside the chat: open the provider, take its answer.

`start` turns the link from the chat into a redirect to the provider; `oidc_callback` takes a
JPKI provider's redirect back; `face_webhook` takes a face provider's signed result. Each
verifies everything before trusting it (our single-use state, then the provider's own proof),
records the outcome, and resumes the conversation with a push. Knows no HTTP event shapes.
"""

from __future__ import annotations

import hmac
from collections.abc import Callable, Mapping
from dataclasses import dataclass, replace
from datetime import UTC, datetime
from enum import StrEnum
from typing import TYPE_CHECKING, Protocol

from aws_lambda_powertools import Logger

from ..identity import (
    Method,
    Outcome,
    ProviderError,
    ProviderUnavailable,
    VerificationFailed,
    VerificationRequest,
    VerifiedIdentity,
)
from ..line.messenger import retry_key_for
from ..privacy import mask_id
from .model import Registration, Stage, VerifiedFacts
from .store import ConcurrentRegistrationUpdate, RegistrationStore

if TYPE_CHECKING:
    from ..identity.face import FaceKycProvider
    from ..identity.oidc import OidcIdentityProvider

logger = Logger(child=True)

START_PATH = "/identity/start"
CALLBACK_PATH = "/identity/callback"
FACE_RETURN_PATH = "/identity/return"
FACE_WEBHOOK_PATH = "/identity/webhook"


class Page(StrEnum):
    """What the patron's browser is shown when it is not sent on to a provider."""

    VERIFIED = "verified"  # back to LINE: the bot has asked the next question
    FAILED = "failed"  # back to LINE: the bot has said why and offers a retry
    WAITING = "waiting"  # face check done; the result comes to LINE shortly
    LINK_EXPIRED = "link-expired"  # an old or unknown link: start again in LINE
    UNAVAILABLE = "unavailable"  # the provider could not be reached


@dataclass(frozen=True)
class StartAnswer:
    redirect_to: str | None = None
    page: Page | None = None


class Pusher(Protocol):
    def push(self, to: str, messages: list[dict], retry_key: str) -> None: ...


@dataclass(frozen=True)
class Prompts:
    """The chat messages for each outcome (from `conversation.register_messages`)."""

    verified: Callable[[Registration], list[dict]]
    failed: Callable[[str], list[dict]]


@dataclass(frozen=True)
class Endpoints:
    """Our URLs a provider is given, under the API's public base URL."""

    callback_url: str  # where a JPKI provider redirects with the code
    face_return_url: str  # where a face provider sends the browser when done
    face_webhook_url: str  # where a face provider posts its signed result

    @classmethod
    def under(cls, api_url: str) -> Endpoints:
        return cls(
            callback_url=f"{api_url}{CALLBACK_PATH}",
            face_return_url=f"{api_url}{FACE_RETURN_PATH}",
            face_webhook_url=f"{api_url}{FACE_WEBHOOK_PATH}",
        )


def _now() -> datetime:
    return datetime.now(UTC)


class IdentityDesk:
    def __init__(
        self,
        registrations: RegistrationStore,
        jpki: Callable[[], OidcIdentityProvider],
        face: Callable[[], FaceKycProvider],
        pusher: Callable[[], Pusher],
        prompts: Prompts,
        clock: Callable[[], datetime] = _now,
    ) -> None:
        # Providers and the pusher are made on first use: each needs its own secret, and a
        # function is allowed to read only the secrets of the parts it uses.
        self._registrations = registrations
        self._jpki = jpki
        self._face = face
        self._pusher = pusher
        self._prompts = prompts
        self._clock = clock

    # -- opening the provider ------------------------------------------------------------
    def start(self, token: str, api_url: str, attempts: int = 2) -> StartAnswer:
        """`api_url`: the API's base URL as this request reached it (our redirect URIs)."""
        registration = self._registrations.by_start_token(token) if token else None
        attempt = registration.attempt if registration else None
        if (
            registration is None
            or registration.stage is not Stage.VERIFYING
            or not attempt.is_open(self._clock())
        ):
            return StartAnswer(page=Page.LINK_EXPIRED)
        try:
            if registration.method is Method.JPKI:
                redirect = self._jpki().begin(self._request(registration, api_url))
            else:
                redirect = self._face().begin(self._request(registration, api_url))
                opened = replace(attempt, provider_session_id=redirect.provider_session_id)
                self._registrations.save_provider_session(replace(registration, attempt=opened))
        except ConcurrentRegistrationUpdate:
            # The button tapped twice at once: the other tap's session is recorded; this one
            # reads that and opens a session of its own, which then is the one recorded.
            if attempts > 1:
                return self.start(token, api_url, attempts - 1)
            raise
        except (ProviderUnavailable, ProviderError) as trouble:
            logger.warning("identity provider unusable at start", extra={"error": repr(trouble)})
            return StartAnswer(page=Page.UNAVAILABLE)
        return StartAnswer(redirect_to=redirect.url)

    def _request(self, registration: Registration, api_url: str) -> VerificationRequest:
        attempt = registration.attempt
        face = registration.method is Method.FACE
        endpoints = Endpoints.under(api_url)
        return VerificationRequest(
            state=attempt.state,
            nonce=attempt.nonce,
            code_verifier=attempt.code_verifier,
            document=registration.document if face else None,
            redirect_uri=endpoints.face_return_url if face else endpoints.callback_url,
            webhook_url=endpoints.face_webhook_url if face else "",
        )

    # -- answers -------------------------------------------------------------------------
    def oidc_callback(self, params: Mapping[str, str], api_url: str) -> Page:
        state = params.get("state", "")
        registration = self._registrations.by_state(state) if state else None
        if registration is None or registration.method is not Method.JPKI:
            logger.warning("identity callback for no open attempt")
            return Page.LINK_EXPIRED
        if not registration.attempt.is_open(self._clock()):
            return self._record(registration, state, Outcome.EXPIRED)
        try:
            identity = self._jpki().finish(self._request(registration, api_url), params)
        except VerificationFailed as failed:
            logger.info("identity check failed", extra={"detail": failed.detail})
            return self._record(registration, state, failed.outcome)
        except (ProviderUnavailable, ProviderError) as trouble:
            logger.warning(
                "identity provider unusable at the callback", extra={"error": repr(trouble)}
            )
            self._record(registration, state, None)
            return Page.UNAVAILABLE
        return self._record(registration, state, Outcome.VERIFIED, identity)

    def face_webhook(self, headers: Mapping[str, str], body: bytes) -> bool:
        """True when the result was taken (or is one we can ignore); False when refused."""
        try:
            result = self._face().read_webhook(headers, body)
        except VerificationFailed as refused:
            logger.warning("face webhook refused", extra={"detail": refused.detail})
            return False
        registration = self._registrations.by_provider_session(result.session_id)
        if registration is None:
            logger.info("face result for no open attempt", extra={"session": result.session_id})
            return True  # nothing waits for it; answering 2xx stops the provider's retries
        state = registration.attempt.state
        if not hmac.compare_digest(result.reference.encode(), state.encode()):
            logger.warning(
                "face result with another reference", extra={"session": result.session_id}
            )
            self._record(registration, state, Outcome.INVALID)
            return True
        self._record(registration, state, result.outcome, result.identity)
        return True

    def _record(
        self,
        registration: Registration,
        state: str,
        outcome: Outcome | None,
        identity: VerifiedIdentity | None = None,
    ) -> Page:
        """Use up the state, move the registration on and tell the patron in LINE."""
        if outcome is Outcome.VERIFIED and identity is not None:
            moved = registration.at(
                Stage.CATEGORY, attempt=None, verified=_facts(registration, identity)
            )
        else:
            moved = registration.at(Stage.VERIFYING, attempt=None)
        try:
            saved = self._registrations.save_answer(moved, state)
        except ConcurrentRegistrationUpdate:
            logger.warning("identity answer for a state already used")
            return Page.LINK_EXPIRED
        if outcome is Outcome.VERIFIED and identity is not None:
            said, page = self._prompts.verified(saved), Page.VERIFIED
        else:
            said, page = (
                self._prompts.failed(outcome.value if outcome else "unavailable"),
                Page.FAILED,
            )
        logger.info(
            "identity check recorded",
            extra={"user": mask_id(registration.line_user_id), "outcome": str(outcome)},
        )
        self._pusher().push(registration.line_user_id, said, retry_key_for("identity", state))
        return page


def _facts(registration: Registration, identity: VerifiedIdentity) -> VerifiedFacts:
    return VerifiedFacts(
        method=registration.method,
        document=registration.document if registration.method is Method.FACE else None,
        transaction_id=identity.transaction_id,
        verified_at=identity.verified_at,
        name=identity.name,
        birth_date=identity.birth_date,
        address=identity.address,
    )

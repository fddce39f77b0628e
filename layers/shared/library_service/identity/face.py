"""Face eKYC with a document (マイナンバーカード, 運転免許証, パスポート, 在留カード).

`begin` creates a session at the provider and sends the patron to its page; the provider
then posts the result to our webhook, signed with a shared secret. The signature and its
timestamp are checked before the body is even parsed. The provider never sends document
images or a My Number, and nothing here would keep them.
"""

from __future__ import annotations

import hashlib
import hmac
import json
from collections.abc import Mapping
from dataclasses import dataclass
from datetime import UTC, datetime

from .http import HttpClient, HttpResponse, TransportError, Urllib3Http
from .model import (
    Clock,
    Document,
    Method,
    Outcome,
    ProviderError,
    ProviderUnavailable,
    Redirect,
    Secret,
    VerificationFailed,
    VerificationRequest,
    VerifiedIdentity,
    parse_birth_date,
    utc_now,
)

# The sandbox's name for it; a real vendor's differs, so it is a constructor argument too.
SIGNATURE_HEADER = "X-Sandbox-Signature"
TOLERANCE_SECONDS = 300
COMPLETED_EVENT = "session.completed"
RETRYABLE_STATUSES = {429, 500, 502, 503, 504}
RESULTS = {
    "approved": Outcome.VERIFIED,
    "rejected": Outcome.REJECTED,
    "cancelled": Outcome.CANCELLED,
    "expired": Outcome.EXPIRED,
}


def webhook_signature(secret: str, timestamp: int, body: bytes) -> str:
    """The signature header value for one secret: `t=<unix seconds>,v1=<hex HMAC-SHA256>`."""
    return f"t={timestamp},v1={_mac(secret, str(timestamp), body)}"


@dataclass(frozen=True)
class FaceResult:
    """A completed session. `identity` is there only when the outcome is VERIFIED."""

    session_id: str
    reference: str  # the request's state
    outcome: Outcome
    identity: VerifiedIdentity | None = None
    transaction_id: str | None = None
    document: Document | None = None
    completed_at: datetime | None = None

    def is_for(self, request: VerificationRequest, session_id: str | None = None) -> bool:
        """Whether this result answers `request` (and the session `begin` named), compared in
        constant time. The caller finds the attempt by `reference` and must check this: a
        signed result for another attempt is no result for this one."""
        same = hmac.compare_digest(self.reference.encode(), request.state.encode())
        if session_id is not None:
            same &= hmac.compare_digest(self.session_id.encode(), session_id.encode())
        return same


class FaceKycProvider:
    method = Method.FACE

    def __init__(
        self,
        api_base_url: str,
        api_key: Secret,
        webhook_secret: Secret,
        http: HttpClient | None = None,
        clock: Clock = utc_now,
        tolerance_seconds: int = TOLERANCE_SECONDS,
        signature_header: str = SIGNATURE_HEADER,
    ) -> None:
        self._api_base_url = api_base_url.rstrip("/")
        self._api_key = api_key
        self._webhook_secret = webhook_secret
        self._http = http or Urllib3Http()
        self._clock = clock
        self._tolerance = tolerance_seconds
        self._signature_header = signature_header.lower()

    def begin(self, request: VerificationRequest) -> Redirect:
        if request.document is None:
            raise ValueError("face eKYC needs a document")
        url = f"{self._api_base_url}/v1/sessions"
        body = {
            "reference": request.state,
            "document": request.document.value,
            "return_url": request.redirect_uri,
            "webhook_url": request.webhook_url,
        }
        response = self._post(url, json.dumps(body).encode())
        if not 200 <= response.status < 300:
            raise ProviderError(f"POST {url} answered {response.status}")
        try:
            session = response.json()
        except ValueError:
            raise ProviderError("session response is not JSON") from None
        session_id = session.get("id") if isinstance(session, dict) else None
        session_url = session.get("url") if isinstance(session, dict) else None
        if not (_text(session_id) and _text(session_url)):
            raise ProviderError("session response lacks id or url")
        return Redirect(url=session_url, provider_session_id=session_id)

    def read_webhook(self, headers: Mapping[str, str], body: bytes) -> FaceResult:
        """Check the signature, then read the result; raises VerificationFailed(INVALID)."""
        self._check_signature(headers, body)
        try:
            event = json.loads(body)
        except ValueError:
            raise _invalid("body is not JSON") from None
        if not isinstance(event, dict):
            raise _invalid("body is not a JSON object")
        if event.get("event") != COMPLETED_EVENT:
            raise _invalid("unsupported event")
        session_id, reference = event.get("session_id"), event.get("reference")
        if not (_text(session_id) and _text(reference)):
            raise _invalid("session_id or reference missing")
        outcome = RESULTS.get(event.get("result"))  # type: ignore[arg-type]
        if outcome is None:
            raise _invalid("unknown result")
        document = _document(event.get("document"))
        completed_at = _timestamp(event.get("completed_at"))
        transaction_id = event.get("transaction_id")
        if transaction_id is not None and not _text(transaction_id):
            raise _invalid("transaction_id is not a string")
        identity = None
        if outcome is Outcome.VERIFIED:
            if transaction_id is None:
                raise _invalid("approved without transaction_id")
            identity = self._identity(
                event.get("verified"), transaction_id, document, completed_at or self._clock()
            )
        # The facts of a session that did not pass are not kept, even when sent.
        return FaceResult(
            session_id=session_id,
            reference=reference,
            outcome=outcome,
            identity=identity,
            transaction_id=transaction_id,
            document=document,
            completed_at=completed_at,
        )

    def _check_signature(self, headers: Mapping[str, str], body: bytes) -> None:
        values = [v for k, v in headers.items() if k.lower() == self._signature_header]
        if len(values) != 1:
            raise _invalid("signature header missing")
        timestamp, signatures = None, []
        for part in values[0].split(","):
            key, _, value = part.strip().partition("=")
            if key == "t":
                if timestamp is not None:
                    raise _invalid("signature header has two timestamps")
                timestamp = value
            elif key == "v1":
                signatures.append(value)
        if not (timestamp and timestamp.isascii() and timestamp.isdigit() and len(timestamp) < 16):
            raise _invalid("signature timestamp missing")
        secret = self._webhook_secret()
        if not secret:
            raise ProviderError("webhook secret is not configured")
        expected = _mac(secret, timestamp, body).encode()
        matches = [hmac.compare_digest(expected, s.encode()) for s in signatures]
        if not any(matches):
            raise _invalid("no valid signature")
        if abs(self._clock().timestamp() - int(timestamp)) > self._tolerance:
            raise _invalid("signature timestamp outside tolerance")

    def _identity(
        self,
        verified: object,
        transaction_id: str,
        document: Document | None,
        verified_at: datetime,
    ) -> VerifiedIdentity:
        if not isinstance(verified, dict):
            raise _invalid("approved without verified facts")
        name, address = verified.get("name"), verified.get("address")
        birth_date = parse_birth_date(verified.get("birthdate"))
        if not (_text(name) and _text(address)) or birth_date is None:
            raise _invalid("approved with incomplete verified facts")
        return VerifiedIdentity(
            method=Method.FACE,
            transaction_id=transaction_id,
            name=name.strip(),
            birth_date=birth_date,
            address=address.strip(),
            verified_at=verified_at,
            document=document,
        )

    def _post(self, url: str, body: bytes) -> HttpResponse:
        headers = {
            "Authorization": f"Bearer {self._api_key()}",
            "Content-Type": "application/json",
            "Accept": "application/json",
        }
        try:
            response = self._http.request("POST", url, headers=headers, body=body)
        except (TransportError, OSError) as error:
            raise ProviderUnavailable(f"POST {url}: {error}") from error
        if response.status in RETRYABLE_STATUSES or response.status >= 500:
            raise ProviderUnavailable(f"POST {url} answered {response.status}")
        return response


def _mac(secret: str, timestamp: str, body: bytes) -> str:
    message = timestamp.encode("ascii") + b"." + body
    return hmac.new(secret.encode(), message, hashlib.sha256).hexdigest()


def _invalid(detail: str) -> VerificationFailed:
    return VerificationFailed(Outcome.INVALID, detail)


def _text(value: object) -> bool:
    return isinstance(value, str) and bool(value.strip())


def _document(value: object) -> Document | None:
    if value is None:
        return None
    try:
        return Document(value)
    except ValueError:
        raise _invalid("unknown document") from None


def _timestamp(value: object) -> datetime | None:
    if value is None:
        return None
    if not isinstance(value, str):
        raise _invalid("completed_at is not a string")
    try:
        moment = datetime.fromisoformat(value)
    except ValueError:
        raise _invalid("completed_at is not ISO 8601") from None
    return moment if moment.tzinfo else moment.replace(tzinfo=UTC)

"""Face eKYC: the session request, and webhooks signed with real HMAC-SHA256."""

from __future__ import annotations

import hashlib
import hmac
import json
from datetime import UTC, date, datetime

import pytest

from library_service.identity import (
    Document,
    HttpResponse,
    Method,
    Outcome,
    ProviderError,
    ProviderUnavailable,
    TransportError,
    VerificationFailed,
    VerificationRequest,
    VerifiedIdentity,
)
from library_service.identity.face import (
    SIGNATURE_HEADER,
    FaceKycProvider,
    FaceResult,
    webhook_signature,
)

API = "https://ekyc.example.test/api"
API_KEY = "sk_test_library"
SECRET = "whsec_current"
OLD_SECRET = "whsec_previous"
NOW = datetime(2025, 6, 1, 3, 0, tzinfo=UTC)
T = int(NOW.timestamp())
NAME = "図書 太郎"
ADDRESS = "東京都渋谷区神南1-1-1"
BIRTHDATE = "1985-11-03"


class FakeHttp:
    def __init__(self, answer) -> None:
        self.answer = answer
        self.calls: list[tuple[str, str, dict, bytes | None]] = []

    def request(self, method, url, *, headers=None, body=None) -> HttpResponse:
        self.calls.append((method, url, dict(headers or {}), body))
        if isinstance(self.answer, Exception):
            raise self.answer
        return self.answer


def provider(http=None, **kwargs) -> FaceKycProvider:
    return FaceKycProvider(
        API,
        lambda: API_KEY,
        lambda: SECRET,
        http=http or FakeHttp(None),
        clock=lambda: NOW,
        **kwargs,
    )


def request_(document=Document.DRIVERS_LICENSE) -> VerificationRequest:
    return VerificationRequest.new(
        document,
        "https://library.example.test/identity/done",
        "https://library.example.test/identity/webhook",
    )


def sign(body: bytes, secret: str = SECRET, t: int = T) -> str:
    mac = hmac.new(secret.encode(), f"{t}.".encode() + body, hashlib.sha256).hexdigest()
    return f"t={t},v1={mac}"


def event(result: str = "approved", **changes) -> bytes:
    body = {
        "event": "session.completed",
        "session_id": "ses_123",
        "reference": "state-abc",
        "result": result,
        "document": "drivers_license",
        "completed_at": "2025-06-01T02:59:30Z",
        "verified": {"name": NAME, "birthdate": BIRTHDATE, "address": ADDRESS},
        "transaction_id": "txn_456",
    }
    body.update(changes)
    return json.dumps({k: v for k, v in body.items() if v != "-"}, ensure_ascii=False).encode()


def invalid(headers: dict, body: bytes, **kwargs) -> VerificationFailed:
    with pytest.raises(VerificationFailed) as caught:
        provider(**kwargs).read_webhook(headers, body)
    assert caught.value.outcome is Outcome.INVALID
    for personal in (NAME, ADDRESS, BIRTHDATE):
        assert personal not in str(caught.value)
    return caught.value


# Creating a session.


def test_begin_creates_a_session_and_redirects_to_it():
    http = FakeHttp(
        HttpResponse(
            201,
            json.dumps(
                {"id": "ses_123", "url": "https://ekyc.example.test/s/ses_123", "expires_at": "x"}
            ).encode(),
        )
    )
    request = request_()
    redirect = provider(http).begin(request)

    assert redirect.url == "https://ekyc.example.test/s/ses_123"
    assert redirect.provider_session_id == "ses_123"
    ((method, url, headers, body),) = http.calls
    assert (method, url) == ("POST", API + "/v1/sessions")
    assert headers["Authorization"] == f"Bearer {API_KEY}"
    assert headers["Content-Type"] == "application/json"
    assert json.loads(body) == {
        "reference": request.state,
        "document": "drivers_license",
        "return_url": "https://library.example.test/identity/done",
        "webhook_url": "https://library.example.test/identity/webhook",
    }


@pytest.mark.parametrize(
    "answer", [HttpResponse(500), HttpResponse(503), HttpResponse(429), TransportError("t/o")]
)
def test_begin_outages_are_retryable(answer):
    with pytest.raises(ProviderUnavailable):
        provider(FakeHttp(answer)).begin(request_())


@pytest.mark.parametrize(
    "answer",
    [
        HttpResponse(401, b'{"error": "unauthorized"}'),
        HttpResponse(422, b'{"error": "unknown document"}'),
        HttpResponse(201, b"not json"),
        HttpResponse(201, b'{"id": "ses_123"}'),
    ],
)
def test_begin_refusals_are_provider_errors(answer):
    with pytest.raises(ProviderError):
        provider(FakeHttp(answer)).begin(request_())


def test_begin_needs_a_document():
    with pytest.raises(ValueError):
        provider().begin(request_(document=None))


# Webhooks that pass.


def test_a_signed_approval_gives_the_verified_facts():
    body = event()
    result = provider().read_webhook({SIGNATURE_HEADER: sign(body)}, body)

    assert result == FaceResult(
        session_id="ses_123",
        reference="state-abc",
        outcome=Outcome.VERIFIED,
        identity=VerifiedIdentity(
            method=Method.FACE,
            transaction_id="txn_456",
            name=NAME,
            birth_date=date(1985, 11, 3),
            address=ADDRESS,
            verified_at=datetime(2025, 6, 1, 2, 59, 30, tzinfo=UTC),
            document=Document.DRIVERS_LICENSE,
        ),
        transaction_id="txn_456",
        document=Document.DRIVERS_LICENSE,
        completed_at=datetime(2025, 6, 1, 2, 59, 30, tzinfo=UTC),
    )


def test_the_header_name_is_case_insensitive_and_configurable():
    body = event()
    assert provider().read_webhook({"x-sandbox-signature": sign(body)}, body).outcome == "verified"
    vendor = provider(signature_header="Vendor-Signature")
    assert vendor.read_webhook({"VENDOR-SIGNATURE": sign(body)}, body).outcome == "verified"


def test_the_helper_signs_like_the_provider():
    body = event()
    assert webhook_signature(SECRET, T, body) == sign(body)


@pytest.mark.parametrize(
    "header",
    [
        lambda body: f"{sign(body, OLD_SECRET)},{sign(body).split(',')[1]}",
        lambda body: f"{sign(body)},{sign(body, OLD_SECRET).split(',')[1]}",
        lambda body: f"v1=deadbeef, {sign(body).replace(',', ', ')}",
    ],
)
def test_any_of_several_signatures_may_match_during_secret_rotation(header):
    body = event()
    assert provider().read_webhook({SIGNATURE_HEADER: header(body)}, body).outcome == "verified"


@pytest.mark.parametrize("skew", [-300, -1, 0, 1, 300])
def test_timestamps_within_the_tolerance_pass(skew):
    body = event()
    assert provider().read_webhook({SIGNATURE_HEADER: sign(body, t=T + skew)}, body).identity


@pytest.mark.parametrize(
    "result, outcome",
    [("rejected", Outcome.REJECTED), ("cancelled", Outcome.CANCELLED), ("expired", "expired")],
)
def test_other_results_carry_no_identity_even_if_facts_are_sent(result, outcome):
    body = event(result)
    got = provider().read_webhook({SIGNATURE_HEADER: sign(body)}, body)
    assert got.outcome == outcome and got.identity is None
    assert (got.session_id, got.reference, got.transaction_id) == (
        "ses_123",
        "state-abc",
        "txn_456",
    )
    assert NAME not in repr(got) and ADDRESS not in repr(got)


def test_a_rejection_without_facts_or_transaction_passes():
    body = event("rejected", verified=None, transaction_id="-", document="-", completed_at="-")
    got = provider().read_webhook({SIGNATURE_HEADER: sign(body)}, body)
    assert got.outcome is Outcome.REJECTED and got.transaction_id is None


def test_a_result_tells_whether_it_answers_a_request():
    request = request_()
    body = event(reference=request.state)
    result = provider().read_webhook({SIGNATURE_HEADER: sign(body)}, body)
    assert result.is_for(request) and result.is_for(request, "ses_123")
    assert not result.is_for(request, "ses_other")
    assert not result.is_for(request_())


# Webhooks that must not pass.


def test_a_bad_signature_is_invalid():
    body = event()
    mac = sign(body).split("v1=")[1]
    flipped = mac[:-1] + ("0" if mac[-1] != "0" else "1")
    invalid({SIGNATURE_HEADER: f"t={T},v1={flipped}"}, body)


@pytest.mark.parametrize(
    "headers",
    [
        {},
        {"X-Other": "t=1,v1=00"},
        {SIGNATURE_HEADER: ""},
        {SIGNATURE_HEADER: f"t={T}"},
        {SIGNATURE_HEADER: "v1=" + "0" * 64},
        {SIGNATURE_HEADER: f"t={T},v0=" + "0" * 64},
        {SIGNATURE_HEADER: "garbage ☃"},
    ],
)
def test_a_missing_or_malformed_signature_is_invalid(headers):
    invalid(headers, event())


def test_a_signature_with_another_secret_is_invalid():
    body = event()
    invalid({SIGNATURE_HEADER: sign(body, "whsec_attacker")}, body)


def test_a_body_changed_after_signing_is_invalid():
    body = event()
    invalid({SIGNATURE_HEADER: sign(body)}, event(verified={"name": "別人"}))


def test_a_signature_for_another_timestamp_is_invalid():
    body = event()
    mac = sign(body, t=T - 1000).split(",")[1]
    invalid({SIGNATURE_HEADER: f"t={T},{mac}"}, body)


@pytest.mark.parametrize("skew", [-301, 301, -86400, 86400 * 365])
def test_a_stale_or_future_timestamp_is_invalid(skew):
    body = event()
    error = invalid({SIGNATURE_HEADER: sign(body, t=T + skew)}, body)
    assert "tolerance" in error.detail


def test_the_tolerance_is_configurable():
    body = event()
    invalid({SIGNATURE_HEADER: sign(body, t=T - 61)}, body, tolerance_seconds=60)


def test_two_signature_headers_are_invalid():
    body = event()
    invalid({SIGNATURE_HEADER: sign(body), SIGNATURE_HEADER.lower(): sign(body)}, body)


@pytest.mark.parametrize(
    "body",
    [
        b"{not json",
        b"\xff\xfe",
        b"[]",
        b'"approved"',
        event(event="session.created"),
        event(result="maybe"),
        event(session_id=None),
        event(reference=""),
        event(document="library_card"),
        event(completed_at="yesterday"),
        event(transaction_id=42),
    ],
)
def test_a_signed_but_malformed_body_is_invalid(body):
    invalid({SIGNATURE_HEADER: sign(body)}, body)


@pytest.mark.parametrize(
    "changes",
    [
        {"verified": None},
        {"verified": "-"},
        {"verified": {"name": NAME, "birthdate": BIRTHDATE}},
        {"verified": {"name": "", "birthdate": BIRTHDATE, "address": ADDRESS}},
        {"verified": {"name": NAME, "birthdate": "03/11/1985", "address": ADDRESS}},
        {"verified": {"name": NAME, "birthdate": BIRTHDATE, "address": ["渋谷区"]}},
        {"transaction_id": "-"},
    ],
)
def test_an_approval_without_complete_facts_is_invalid(changes):
    body = event(**changes)
    invalid({SIGNATURE_HEADER: sign(body)}, body)


def test_an_empty_webhook_secret_is_a_configuration_error():
    body = event()
    face = FaceKycProvider(API, lambda: API_KEY, lambda: "", http=FakeHttp(None), clock=lambda: NOW)
    with pytest.raises(ProviderError):
        face.read_webhook({SIGNATURE_HEADER: webhook_signature("", T, body)}, body)


# Personal data stays out of logs.


def test_reprs_hide_the_personal_data():
    body = event()
    result = provider().read_webhook({SIGNATURE_HEADER: sign(body)}, body)
    for text in (repr(result), str(result), repr(result.identity), str(result.identity)):
        assert NAME not in text and ADDRESS not in text
        assert BIRTHDATE not in text and "1985" not in text
        assert "txn_456" in text

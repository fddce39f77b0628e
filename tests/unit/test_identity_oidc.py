"""JPKI through OpenID Connect: real RSA keys and ID tokens, a fake provider over HTTP."""

from __future__ import annotations

import base64
import hashlib
import hmac
import json
from datetime import UTC, date, datetime, timedelta
from urllib.parse import parse_qs, unquote_plus, urlsplit

import pytest
from joserfc import jwt
from joserfc.jwk import KeySet, RSAKey

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
from library_service.identity.oidc import OidcIdentityProvider, pkce_s256

ISSUER = "https://jpki.example.test/oidc"
CLIENT_ID = "library:line bot"  # characters that RFC 6749 §2.3.1 encoding changes
CLIENT_SECRET = "s3cr:t/+ ü"
DISCOVERY_URL = ISSUER + "/.well-known/openid-configuration"
AUTHORIZE_URL = ISSUER + "/authorize"
TOKEN_URL = ISSUER + "/token"
JWKS_URL = ISSUER + "/jwks"
REDIRECT_URI = "https://library.example.test/identity/callback"
NOW = datetime(2025, 6, 1, 3, 0, tzinfo=UTC)
NAME = "図書 花子"
ADDRESS = "東京都渋谷区宇田川町1-1"
BIRTHDATE = "1992-05-16"

KEY = RSAKey.generate_key(2048, parameters={"kid": "key-1", "use": "sig", "alg": "RS256"})
ROTATED_KEY = RSAKey.generate_key(2048, parameters={"kid": "key-2", "use": "sig", "alg": "RS256"})


class FakeHttp:
    """The provider's endpoints: each route answers its responses in turn (the last repeats)."""

    def __init__(self) -> None:
        self.calls: list[tuple[str, str, dict, bytes | None]] = []
        self.routes: dict[tuple[str, str], list] = {}

    def route(self, method: str, url: str, *answers) -> None:
        self.routes[(method, url)] = list(answers)

    def request(self, method, url, *, headers=None, body=None) -> HttpResponse:
        self.calls.append((method, url, dict(headers or {}), body))
        answers = self.routes[(method, url)]
        answer = answers.pop(0) if len(answers) > 1 else answers[0]
        if isinstance(answer, Exception):
            raise answer
        return answer

    def count(self, method: str, url: str) -> int:
        return sum(1 for m, u, _, _ in self.calls if (m, u) == (method, url))


def json_response(status: int, document) -> HttpResponse:
    return HttpResponse(status, json.dumps(document).encode())


def jwks(*keys: RSAKey) -> HttpResponse:
    return json_response(200, KeySet(list(keys)).as_dict(private=False))


def claims(request: VerificationRequest, **changes) -> dict:
    base = {
        "iss": ISSUER,
        "sub": "pairwise-subject-1",
        "aud": CLIENT_ID,
        "exp": int((NOW + timedelta(minutes=5)).timestamp()),
        "iat": int(NOW.timestamp()),
        "nonce": request.nonce,
        "name": NAME,
        "birthdate": BIRTHDATE,
        "address": {"formatted": ADDRESS},
        "txn": "jpki-txn-0001",
    }
    base.update(changes)
    return {k: v for k, v in base.items() if v is not None}


def mint(payload: dict, key: RSAKey = KEY, kid: str | None = "key-1") -> str:
    header = {"alg": "RS256"} | ({"kid": kid} if kid else {})
    return jwt.encode(header, payload, key)


def b64url(data: bytes) -> str:
    return base64.urlsafe_b64encode(data).rstrip(b"=").decode()


def unsigned(header: dict, payload: dict, sign=None) -> str:
    signing_input = f"{b64url(json.dumps(header).encode())}.{b64url(json.dumps(payload).encode())}"
    signature = b64url(sign(signing_input.encode())) if sign else ""
    return f"{signing_input}.{signature}"


def token_ok(id_token: str) -> HttpResponse:
    return json_response(
        200,
        {"access_token": "at", "token_type": "Bearer", "expires_in": 300, "id_token": id_token},
    )


@pytest.fixture
def http() -> FakeHttp:
    fake = FakeHttp()
    fake.route(
        "GET",
        DISCOVERY_URL,
        json_response(
            200,
            {
                "issuer": ISSUER,
                "authorization_endpoint": AUTHORIZE_URL,
                "token_endpoint": TOKEN_URL,
                "jwks_uri": JWKS_URL,
                "id_token_signing_alg_values_supported": ["RS256"],
            },
        ),
    )
    fake.route("GET", JWKS_URL, jwks(KEY))
    return fake


@pytest.fixture
def provider(http: FakeHttp) -> OidcIdentityProvider:
    return OidcIdentityProvider(
        ISSUER, CLIENT_ID, lambda: CLIENT_SECRET, http=http, clock=lambda: NOW
    )


@pytest.fixture
def request_() -> VerificationRequest:
    return VerificationRequest.new(Document.MY_NUMBER_CARD, REDIRECT_URI)


def callback(request: VerificationRequest, **params) -> dict[str, str]:
    return {"state": request.state, "code": "auth-code-1"} | params


def finish_with(provider, http, request, id_token: str) -> VerifiedIdentity:
    http.route("POST", TOKEN_URL, token_ok(id_token))
    return provider.finish(request, callback(request))


def failure(provider, http, request, id_token: str) -> VerificationFailed:
    with pytest.raises(VerificationFailed) as caught:
        finish_with(provider, http, request, id_token)
    return caught.value


# PKCE and the authorize URL.


def test_pkce_s256_matches_rfc_7636_appendix_b():
    assert (
        pkce_s256("dBjftJeZ4CVP-mB92K27uhbUJU1p1r_wW1gFWFOEjXk")
        == "E9Melhoa2OwvFrEMTJguCHaoeK1t8URWbuGJSstw-cM"
    )


def test_new_request_has_fresh_urlsafe_secrets_of_at_least_128_bits():
    first = VerificationRequest.new(None, REDIRECT_URI)
    second = VerificationRequest.new(None, REDIRECT_URI)
    for value in (first.state, first.nonce, first.code_verifier):
        assert len(value) >= 43  # 32 random bytes in base64url
        assert set(value) <= set("ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_")
    assert 43 <= len(first.code_verifier) <= 128
    assert len({first.state, first.nonce, first.code_verifier, second.state, second.nonce}) == 5
    assert first.state not in repr(first) and first.code_verifier not in repr(first)
    assert VerificationRequest.from_dict(first.to_dict()) == first


def test_authorize_url_carries_every_parameter_and_the_s256_challenge(provider, http, request_):
    redirect = provider.begin(request_)
    url = urlsplit(redirect.url)
    assert f"{url.scheme}://{url.netloc}{url.path}" == AUTHORIZE_URL
    params = {k: v[0] for k, v in parse_qs(url.query, strict_parsing=True).items()}
    assert params == {
        "response_type": "code",
        "client_id": CLIENT_ID,
        "redirect_uri": REDIRECT_URI,
        "scope": "openid profile address",
        "state": request_.state,
        "nonce": request_.nonce,
        "code_challenge": pkce_s256(request_.code_verifier),
        "code_challenge_method": "S256",
    }
    digest = hashlib.sha256(request_.code_verifier.encode()).digest()
    assert params["code_challenge"] == base64.urlsafe_b64encode(digest).decode().rstrip("=")
    assert redirect.provider_session_id is None
    provider.begin(request_)
    assert http.count("GET", DISCOVERY_URL) == 1  # cached for the life of the provider


def test_discovery_naming_another_issuer_is_refused(http, request_):
    http.route(
        "GET",
        DISCOVERY_URL,
        json_response(
            200,
            {
                "issuer": ISSUER + "/",
                "authorization_endpoint": AUTHORIZE_URL,
                "token_endpoint": TOKEN_URL,
                "jwks_uri": JWKS_URL,
            },
        ),
    )
    provider = OidcIdentityProvider(ISSUER, CLIENT_ID, lambda: CLIENT_SECRET, http=http)
    with pytest.raises(ProviderError):
        provider.begin(request_)


def test_discovery_outage_is_retryable(http, request_):
    http.route("GET", DISCOVERY_URL, HttpResponse(503, b"down"))
    provider = OidcIdentityProvider(ISSUER, CLIENT_ID, lambda: CLIENT_SECRET, http=http)
    with pytest.raises(ProviderUnavailable):
        provider.begin(request_)


# Success.


def test_success_redeems_the_code_and_returns_the_verified_facts(provider, http, request_):
    identity = finish_with(provider, http, request_, mint(claims(request_)))

    assert identity == VerifiedIdentity(
        method=Method.JPKI,
        transaction_id="jpki-txn-0001",
        name=NAME,
        birth_date=date(1992, 5, 16),
        address=ADDRESS,
        verified_at=NOW,
        document=Document.MY_NUMBER_CARD,
    )
    ((method, url, headers, body),) = [c for c in http.calls if c[0] == "POST"]
    assert (method, url) == ("POST", TOKEN_URL)
    assert headers["Content-Type"] == "application/x-www-form-urlencoded"
    scheme, _, encoded = headers["Authorization"].partition(" ")
    user, _, password = base64.b64decode(encoded).decode().partition(":")
    assert scheme == "Basic"
    assert user == "library%3Aline+bot" and password == "s3cr%3At%2F%2B+%C3%BC"
    assert (unquote_plus(user), unquote_plus(password)) == (CLIENT_ID, CLIENT_SECRET)
    form = {k: v[0] for k, v in parse_qs(body.decode(), strict_parsing=True).items()}
    assert form == {
        "grant_type": "authorization_code",
        "code": "auth-code-1",
        "redirect_uri": REDIRECT_URI,
        "code_verifier": request_.code_verifier,
    }


def test_sub_stands_in_for_a_missing_txn_and_aud_may_be_a_list(provider, http, request_):
    token = mint(claims(request_, txn=None, aud=[CLIENT_ID], azp=CLIENT_ID))
    assert finish_with(provider, http, request_, token).transaction_id == "pairwise-subject-1"


def test_a_token_just_past_exp_is_within_the_leeway(provider, http, request_):
    token = mint(claims(request_, exp=int(NOW.timestamp()) - 30))
    assert finish_with(provider, http, request_, token).name == NAME


# Tokens that must not pass.


def hs256_with_public_key(request):
    public_pem = KEY.as_pem(private=False)
    return unsigned(
        {"alg": "HS256", "kid": "key-1", "typ": "JWT"},
        claims(request),
        lambda data: hmac.new(public_pem, data, hashlib.sha256).digest(),
    )


def tampered(request):
    header, _, signature = mint(claims(request)).split(".")
    payload = b64url(json.dumps(claims(request, name="別人")).encode())
    return f"{header}.{payload}.{signature}"


def future(minutes: int) -> int:
    return int((NOW + timedelta(minutes=minutes)).timestamp())


# Each bad token, and the reason it is refused (so none passes the test by accident).
BAD_TOKENS = {
    "wrong nonce": (lambda r: mint(claims(r, nonce="another-attempt")), "(nonce)"),
    "no nonce": (lambda r: mint(claims(r, nonce=None)), "MissingClaimError (nonce)"),
    "wrong aud": (lambda r: mint(claims(r, aud="someone-else")), "(aud)"),
    "aud list without us": (lambda r: mint(claims(r, aud=["someone-else"])), "(aud)"),
    "several aud, no azp": (lambda r: mint(claims(r, aud=[CLIENT_ID, "x"])), "azp"),
    "azp of another client": (lambda r: mint(claims(r, azp="someone-else")), "(azp)"),
    "wrong iss": (lambda r: mint(claims(r, iss="https://evil.example.test")), "(iss)"),
    "expired": (lambda r: mint(claims(r, exp=future(-5))), "ExpiredTokenError"),
    "issued in the future": (lambda r: mint(claims(r, iat=future(10))), "(iat)"),
    "no exp": (lambda r: mint(claims(r, exp=None)), "MissingClaimError (exp)"),
    "signed by another key": (
        lambda r: mint(claims(r), key=ROTATED_KEY, kid="key-1"),
        "BadSignatureError",
    ),
    "tampered payload": (tampered, "BadSignatureError"),
    "alg none": (lambda r: unsigned({"alg": "none"}, claims(r)), "UnsupportedAlgorithm"),
    "alg none with kid": (
        lambda r: unsigned({"alg": "none", "kid": "key-1"}, claims(r)),
        "UnsupportedAlgorithm",
    ),
    "HS256 keyed with the public key": (hs256_with_public_key, "UnsupportedAlgorithm"),
    "not a JWT": (lambda r: "not-a-jwt", "DecodeError"),
    "missing name": (lambda r: mint(claims(r, name=None)), "lacks name"),
    "missing address": (lambda r: mint(claims(r, address=None)), "lacks name"),
    "address without formatted": (
        lambda r: mint(claims(r, address={"locality": "渋谷区"})),
        "lacks name",
    ),
    "missing birthdate": (lambda r: mint(claims(r, birthdate=None)), "birthdate"),
    "malformed birthdate": (lambda r: mint(claims(r, birthdate="1992/05/16")), "birthdate"),
    "impossible birthdate": (lambda r: mint(claims(r, birthdate="1992-02-30")), "birthdate"),
    "no txn nor sub": (lambda r: mint(claims(r, txn=None, sub=None)), "txn"),
}


@pytest.mark.parametrize("case", BAD_TOKENS)
def test_bad_id_tokens_are_invalid(provider, http, request_, case):
    make, reason = BAD_TOKENS[case]
    error = failure(provider, http, request_, make(request_))
    assert error.outcome is Outcome.INVALID
    assert reason in error.detail
    for personal in (NAME, ADDRESS, BIRTHDATE, "別人"):
        assert personal not in error.detail and personal not in str(error)


# Key rotation.


def test_an_unknown_kid_fetches_the_key_set_once_more(provider, http, request_):
    http.route("GET", JWKS_URL, jwks(KEY), jwks(KEY, ROTATED_KEY))
    assert finish_with(provider, http, request_, mint(claims(request_))).name == NAME
    assert http.count("GET", JWKS_URL) == 1

    rotated = mint(claims(request_), key=ROTATED_KEY, kid="key-2")
    assert finish_with(provider, http, request_, rotated).name == NAME
    assert http.count("GET", JWKS_URL) == 2

    assert finish_with(provider, http, request_, rotated).name == NAME
    assert http.count("GET", JWKS_URL) == 2  # the new set is kept


def test_a_kid_still_unknown_after_the_refetch_is_invalid(provider, http, request_):
    stranger = RSAKey.generate_key(2048, parameters={"kid": "key-9"})
    error = failure(provider, http, request_, mint(claims(request_), key=stranger, kid="key-9"))
    assert error.outcome is Outcome.INVALID
    assert http.count("GET", JWKS_URL) == 2  # one refetch, no more


# The callback itself.


@pytest.mark.parametrize(
    "params",
    [
        {"state": "forged-state", "code": "auth-code-1"},
        {"code": "auth-code-1"},
        {"state": "", "code": "auth-code-1"},
        {"state": "forged-state", "error": "access_denied", "error_description": "cancelled"},
    ],
)
def test_a_state_that_does_not_match_is_invalid(provider, http, request_, params):
    with pytest.raises(VerificationFailed) as caught:
        provider.finish(request_, params)
    assert caught.value.outcome is Outcome.INVALID
    assert http.count("POST", TOKEN_URL) == 0


@pytest.mark.parametrize(
    "error, description, outcome",
    [
        ("access_denied", "The user cancelled the authentication", Outcome.CANCELLED),
        ("access_denied", "Cancel", Outcome.CANCELLED),
        ("access_denied", "The card's certificate was revoked", Outcome.REJECTED),
        ("access_denied", None, Outcome.REJECTED),
        ("login_required", "cancelled", Outcome.REJECTED),
        ("server_error", None, Outcome.REJECTED),
    ],
)
def test_provider_errors_map_to_outcomes(provider, http, request_, error, description, outcome):
    params = {"state": request_.state, "error": error}
    if description:
        params["error_description"] = description
    with pytest.raises(VerificationFailed) as caught:
        provider.finish(request_, params)
    assert caught.value.outcome is outcome
    assert http.count("POST", TOKEN_URL) == 0


def test_a_callback_without_code_is_invalid(provider, request_):
    with pytest.raises(VerificationFailed) as caught:
        provider.finish(request_, {"state": request_.state})
    assert caught.value.outcome is Outcome.INVALID


# The token endpoint's answers.


@pytest.mark.parametrize(
    "response, outcome",
    [
        (
            json_response(
                400, {"error": "invalid_grant", "error_description": "Authorization code expired"}
            ),
            Outcome.EXPIRED,
        ),
        (
            json_response(
                400, {"error": "invalid_grant", "error_description": "code was already used"}
            ),
            Outcome.INVALID,
        ),
        (json_response(400, {"error": "invalid_grant"}), Outcome.INVALID),
        (json_response(401, {"error": "invalid_client"}), Outcome.INVALID),
        (HttpResponse(400, b"<html>bad request</html>"), Outcome.INVALID),
        (HttpResponse(200, b"not json"), Outcome.INVALID),
        (json_response(200, {"access_token": "at"}), Outcome.INVALID),
        (HttpResponse(302, b""), Outcome.INVALID),
    ],
)
def test_token_endpoint_refusals(provider, http, request_, response, outcome):
    http.route("POST", TOKEN_URL, response)
    with pytest.raises(VerificationFailed) as caught:
        provider.finish(request_, callback(request_))
    assert caught.value.outcome is outcome


@pytest.mark.parametrize(
    "answer",
    [
        HttpResponse(500, b""),
        HttpResponse(502, b""),
        HttpResponse(503, b""),
        HttpResponse(429, b""),
        TransportError("timed out"),
        TimeoutError("timed out"),
        ConnectionRefusedError(),
    ],
)
def test_outages_are_provider_unavailable(provider, http, request_, answer):
    http.route("POST", TOKEN_URL, answer)
    with pytest.raises(ProviderUnavailable):
        provider.finish(request_, callback(request_))


def test_a_key_set_outage_is_provider_unavailable(provider, http, request_):
    http.route("GET", JWKS_URL, HttpResponse(503, b""))
    with pytest.raises(ProviderUnavailable):
        finish_with(provider, http, request_, mint(claims(request_)))


# Personal data stays out of logs.


def test_verified_identity_repr_hides_the_personal_data(provider, http, request_):
    identity = finish_with(provider, http, request_, mint(claims(request_)))
    for text in (repr(identity), str(identity), f"{identity}", repr([identity])):
        assert NAME not in text and ADDRESS not in text
        assert BIRTHDATE not in text and "1992" not in text
        assert "jpki-txn-0001" in text

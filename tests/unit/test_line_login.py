"""LINE Login v2.1 for the web: real HS256 ID tokens minted with joserfc, a fake token endpoint."""

from __future__ import annotations

import base64
import json
import subprocess
import sys
from datetime import UTC, datetime, timedelta
from pathlib import Path
from urllib.parse import parse_qs, urlsplit

import pytest
from joserfc import jwt
from joserfc.jwk import OctKey, RSAKey

from library_service.identity import HttpResponse, TransportError
from library_service.identity.oidc import pkce_s256
from library_service.line.login import (
    LINE_ISSUER,
    LineLogin,
    LineLoginFailed,
    LoginRequest,
)
from library_service.line.messenger import account_link_url

CHANNEL_ID = "1656000000"
CHANNEL_SECRET = "0123456789abcdef0123456789abcdef"
ACCESS = "https://access.example.test"
API = "https://api.example.test"
TOKEN_URL = API + "/oauth2/v2.1/token"
REDIRECT_URI = "https://library.example.test/mypage/callback?from=line"
USER_ID = "U" + "4af4980629" * 3 + "ab"
NOW = datetime(2025, 6, 1, 3, 0, tzinfo=UTC)
CODE = "auth-code-abc"

# RFC 7636 Appendix B.
RFC7636_VERIFIER = "dBjftJeZ4CVP-mB92K27uhbUJU1p1r_wW1gFWFOEjXk"
RFC7636_CHALLENGE = "E9Melhoa2OwvFrEMTJguCHaoeK1t8URWbuGJSstw-cM"


class FakeHttp:
    """The token endpoint: answers its responses in turn (the last repeats)."""

    def __init__(self, *answers) -> None:
        self.answers = list(answers)
        self.calls: list[tuple[str, str, dict, bytes | None]] = []

    def request(self, method, url, *, headers=None, body=None) -> HttpResponse:
        self.calls.append((method, url, dict(headers or {}), body))
        answer = self.answers.pop(0) if len(self.answers) > 1 else self.answers[0]
        if isinstance(answer, Exception):
            raise answer
        return answer


def json_response(status: int, document) -> HttpResponse:
    return HttpResponse(status, json.dumps(document).encode())


def request() -> LoginRequest:
    return LoginRequest(state="state-123", nonce="nonce-456", code_verifier=RFC7636_VERIFIER)


def claims(**changes) -> dict:
    base = {
        "iss": LINE_ISSUER,
        "sub": USER_ID,
        "aud": CHANNEL_ID,
        "exp": int((NOW + timedelta(hours=1)).timestamp()),
        "iat": int(NOW.timestamp()),
        "nonce": "nonce-456",
        "amr": ["linesso"],
        "name": "図書 花子",
    }
    base.update(changes)
    return {name: value for name, value in base.items() if value is not None}


def hs256(payload: dict, secret: str = CHANNEL_SECRET) -> str:
    return jwt.encode({"alg": "HS256", "typ": "JWT"}, payload, OctKey.import_key(secret))


def b64url(document: dict) -> str:
    raw = json.dumps(document, separators=(",", ":")).encode()
    return base64.urlsafe_b64encode(raw).rstrip(b"=").decode()


def token_answer(id_token: str) -> HttpResponse:
    return json_response(
        200,
        {
            "access_token": "access-token",
            "token_type": "Bearer",
            "expires_in": 2592000,
            "refresh_token": "refresh-token",
            "scope": "openid profile",
            "id_token": id_token,
        },
    )


def login(http: FakeHttp, **kwargs) -> LineLogin:
    return LineLogin(
        CHANNEL_ID,
        lambda: CHANNEL_SECRET,
        access_base_url=ACCESS,
        api_base_url=API,
        http=http,
        clock=lambda: NOW,
        **kwargs,
    )


def callback(**changes) -> dict:
    params = {"code": CODE, "state": "state-123"}
    params.update(changes)
    return {name: value for name, value in params.items() if value is not None}


def failure(client: LineLogin, params: dict, login_request: LoginRequest | None = None):
    with pytest.raises(LineLoginFailed) as caught:
        client.finish(login_request or request(), params, REDIRECT_URI)
    return caught.value


# --- the request and the authorize URL ----------------------------------------------------


def test_new_requests_are_random_and_long_enough():
    first, second = LoginRequest.new(), LoginRequest.new()
    for value in (first.state, first.nonce, first.code_verifier):
        assert len(value) >= 43
    assert 43 <= len(first.code_verifier) <= 128
    assert set(first.code_verifier) <= set(
        "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-._~"
    )
    assert first.state != second.state and first.nonce != second.nonce
    assert first.code_verifier != second.code_verifier
    assert len({first.state, first.nonce, first.code_verifier}) == 3


def test_repr_hides_the_secrets():
    login_request = LoginRequest.new()
    shown = repr(login_request) + str(login_request)
    for secret in (login_request.state, login_request.nonce, login_request.code_verifier):
        assert secret not in shown
    assert "LoginRequest" in shown
    assert CHANNEL_SECRET not in repr(login(FakeHttp()))


def test_request_is_immutable():
    with pytest.raises(AttributeError):
        request().nonce = "other"  # type: ignore[misc]


def test_authorize_url_asks_for_openid_profile_with_pkce_s256():
    url = login(FakeHttp()).authorize_url(request(), REDIRECT_URI)
    parts = urlsplit(url)
    assert f"{parts.scheme}://{parts.netloc}{parts.path}" == ACCESS + "/oauth2/v2.1/authorize"
    assert "scope=openid%20profile" in parts.query
    params = parse_qs(parts.query, strict_parsing=True)
    assert {name: values[0] for name, values in params.items()} == {
        "response_type": "code",
        "client_id": CHANNEL_ID,
        "redirect_uri": REDIRECT_URI,
        "state": "state-123",
        "scope": "openid profile",
        "nonce": "nonce-456",
        "code_challenge": RFC7636_CHALLENGE,
        "code_challenge_method": "S256",
    }
    assert all(len(values) == 1 for values in params.values())
    assert pkce_s256(RFC7636_VERIFIER) == RFC7636_CHALLENGE
    assert RFC7636_VERIFIER not in url


def test_authorize_url_can_force_the_consent_screen():
    client = LineLogin(CHANNEL_ID, lambda: CHANNEL_SECRET, access_base_url=ACCESS + "/")
    url = client.authorize_url(request(), REDIRECT_URI, prompt_consent=True)
    assert url.startswith(ACCESS + "/oauth2/v2.1/authorize?")
    assert parse_qs(urlsplit(url).query)["prompt"] == ["consent"]


def test_authorize_url_defaults_to_line():
    url = LineLogin(CHANNEL_ID, lambda: CHANNEL_SECRET).authorize_url(request(), REDIRECT_URI)
    assert url.startswith("https://access.line.me/oauth2/v2.1/authorize?")
    assert "prompt" not in parse_qs(urlsplit(url).query)


# --- finishing ----------------------------------------------------------------------------


def test_finish_returns_the_line_user_id():
    http = FakeHttp(token_answer(hs256(claims())))
    assert login(http).finish(request(), callback(), REDIRECT_URI) == USER_ID

    [(method, url, headers, body)] = http.calls
    assert (method, url) == ("POST", TOKEN_URL)
    assert headers["Content-Type"] == "application/x-www-form-urlencoded"
    form = parse_qs(body.decode(), strict_parsing=True)
    assert {name: values[0] for name, values in form.items()} == {
        "grant_type": "authorization_code",
        "code": CODE,
        "redirect_uri": REDIRECT_URI,
        "client_id": CHANNEL_ID,
        "client_secret": CHANNEL_SECRET,
        "code_verifier": RFC7636_VERIFIER,
    }


def test_the_secret_is_read_when_needed_not_at_start():
    reads = []

    def secret() -> str:
        reads.append(1)
        return CHANNEL_SECRET

    http = FakeHttp(token_answer(hs256(claims())))
    client = LineLogin(CHANNEL_ID, secret, api_base_url=API, http=http, clock=lambda: NOW)
    client.authorize_url(request(), REDIRECT_URI)
    assert reads == []
    assert client.finish(request(), callback(), REDIRECT_URI) == USER_ID
    assert reads


def test_an_id_token_within_the_leeway_is_accepted():
    just_expired = int((NOW - timedelta(seconds=30)).timestamp())
    slightly_early = int((NOW + timedelta(seconds=30)).timestamp())
    http = FakeHttp(token_answer(hs256(claims(exp=just_expired, iat=slightly_early))))
    assert login(http).finish(request(), callback(), REDIRECT_URI) == USER_ID


def test_an_audience_list_naming_only_us_is_accepted():
    http = FakeHttp(token_answer(hs256(claims(aud=[CHANNEL_ID]))))
    assert login(http).finish(request(), callback(), REDIRECT_URI) == USER_ID


@pytest.mark.parametrize(
    "params",
    [
        callback(state="state-124"),
        callback(state=None),
        callback(state=""),
        callback(state="state-123 "),
        callback(state=None, error="access_denied"),
        callback(state="other", error="access_denied"),
    ],
)
def test_a_callback_with_another_state_is_refused_before_anything_else(params):
    http = FakeHttp(token_answer(hs256(claims())))
    assert failure(login(http), params).reason == "state"
    assert http.calls == []


@pytest.mark.parametrize("error", ["access_denied", "ACCESS_DENIED"])
def test_a_cancelled_login(error):
    http = FakeHttp(token_answer(hs256(claims())))
    params = callback(code=None, error=error, error_description="The user has not accepted.")
    failed = failure(login(http), params)
    assert failed.reason == "cancelled"
    assert http.calls == []


@pytest.mark.parametrize(
    ("error", "reason"),
    [
        ("server_error", "unavailable"),
        ("temporarily_unavailable", "unavailable"),
        ("SERVER_ERROR", "unavailable"),
        ("invalid_request", "exchange"),
        ("INTERACTION_REQUIRED", "exchange"),
        ("<script>", "exchange"),
    ],
)
def test_other_authorization_errors(error, reason):
    http = FakeHttp(token_answer(hs256(claims())))
    failed = failure(login(http), callback(code=None, error=error))
    assert failed.reason == reason
    assert "<script>" not in str(failed)
    assert http.calls == []


def test_a_callback_without_a_code():
    assert failure(login(FakeHttp()), callback(code=None)).reason == "exchange"
    assert failure(login(FakeHttp()), callback(code="")).reason == "exchange"


@pytest.mark.parametrize(
    "answer",
    [
        json_response(400, {"error": "invalid_grant", "error_description": "invalid code"}),
        json_response(400, {"error": "invalid_request", "error_description": "bad verifier"}),
        json_response(401, {"error": "invalid_client"}),
        HttpResponse(403, b"<html>forbidden</html>"),
        HttpResponse(302, b""),
        HttpResponse(200, b"not json"),
    ],
)
def test_a_refused_exchange(answer):
    failed = failure(login(FakeHttp(answer)), callback())
    assert failed.reason == "exchange"
    assert CODE not in str(failed) and CHANNEL_SECRET not in str(failed)


def test_the_oauth_error_code_is_in_the_message():
    answer = json_response(400, {"error": "invalid_grant", "error_description": "secret stuff"})
    failed = failure(login(FakeHttp(answer)), callback())
    assert "invalid_grant" in str(failed) and "secret stuff" not in str(failed)


@pytest.mark.parametrize(
    "answer",
    [
        HttpResponse(500, b""),
        HttpResponse(502, b""),
        HttpResponse(503, b"unavailable"),
        HttpResponse(504, b""),
        HttpResponse(429, b""),
        TransportError("timed out"),
        ConnectionRefusedError(),
    ],
)
def test_line_unreachable(answer):
    assert failure(login(FakeHttp(answer)), callback()).reason == "unavailable"


@pytest.mark.parametrize("answer", [{"access_token": "a"}, {"id_token": ""}, {"id_token": 3}, []])
def test_a_token_response_without_an_id_token(answer):
    assert failure(login(FakeHttp(json_response(200, answer))), callback()).reason == "id_token"


def _unsigned(payload: dict) -> str:
    return f"{b64url({'alg': 'none', 'typ': 'JWT'})}.{b64url(payload)}."


def _rs256(payload: dict) -> str:
    key = RSAKey.generate_key(2048)
    return jwt.encode({"alg": "RS256", "typ": "JWT"}, payload, key)


def _hs512(payload: dict) -> str:
    key = OctKey.import_key(CHANNEL_SECRET)
    return jwt.encode({"alg": "HS512"}, payload, key, algorithms=["HS512"])


def _tampered(payload: dict) -> str:
    header, _, signature = hs256(claims()).split(".")
    return f"{header}.{b64url(payload)}.{signature}"


NOW_S = int(NOW.timestamp())


@pytest.mark.parametrize(
    ("id_token", "why"),
    [
        pytest.param(
            hs256(claims(), "another-channel-secret-0123456"), "BadSignature", id="other-secret"
        ),
        pytest.param(_unsigned(claims()), "UnsupportedAlgorithm", id="alg-none"),
        pytest.param(_rs256(claims()), "UnsupportedAlgorithm", id="rs256"),
        pytest.param(_hs512(claims()), "UnsupportedAlgorithm", id="hs512"),
        pytest.param(_tampered(claims(sub="U" + "0" * 32)), "BadSignature", id="payload-swapped"),
        pytest.param(hs256(claims(iss="https://access.example.test")), "(iss)", id="wrong-iss"),
        pytest.param(
            hs256(claims(iss="https://access.line.me/")), "(iss)", id="iss-trailing-slash"
        ),
        pytest.param(hs256(claims(iss=None)), "(iss)", id="no-iss"),
        pytest.param(hs256(claims(aud="1656000001")), "(aud)", id="wrong-aud"),
        pytest.param(
            hs256(claims(aud=[CHANNEL_ID, "1656000001"])), "other audiences", id="extra-aud"
        ),
        pytest.param(hs256(claims(aud=None)), "(aud)", id="no-aud"),
        pytest.param(hs256(claims(exp=NOW_S - 61)), "Expired", id="expired"),
        pytest.param(hs256(claims(exp=None)), "(exp)", id="no-exp"),
        pytest.param(hs256(claims(exp="tomorrow")), "(exp)", id="exp-not-a-number"),
        pytest.param(hs256(claims(iat=NOW_S + 600)), "(iat)", id="iat-in-the-future"),
        pytest.param(hs256(claims(iat=None)), "(iat)", id="no-iat"),
        pytest.param(hs256(claims(nonce="nonce-457")), "nonce does not match", id="wrong-nonce"),
        pytest.param(hs256(claims(nonce=None)), "(nonce)", id="no-nonce"),
        pytest.param(
            hs256(claims(nonce=["nonce-456"])), "nonce does not match", id="nonce-not-a-string"
        ),
        pytest.param(
            hs256(claims(sub="pairwise-subject")), "not a LINE user ID", id="sub-not-a-line-user-id"
        ),
        pytest.param(hs256(claims(sub="U" + "A" * 32)), "not a LINE user ID", id="sub-upper-case"),
        pytest.param(hs256(claims(sub=None)), "(sub)", id="no-sub"),
        pytest.param("not-a-jwt", "DecodeError", id="garbage"),
        pytest.param(hs256(claims()) + "x", "BadSignature", id="bad-signature-encoding"),
    ],
)
def test_an_id_token_that_fails_verification(id_token, why):
    failed = failure(login(FakeHttp(token_answer(id_token))), callback())
    assert failed.reason == "id_token", failed
    assert why in failed.detail
    assert CHANNEL_SECRET not in str(failed) and id_token not in str(failed)


def test_the_nonce_of_this_request_is_required():
    other = LoginRequest(state="state-123", nonce="nonce-999", code_verifier=RFC7636_VERIFIER)
    http = FakeHttp(token_answer(hs256(claims())))
    assert failure(login(http), callback(), other).reason == "id_token"


def test_the_reason_is_on_the_exception():
    failed = LineLoginFailed("state", "state does not match")
    assert failed.reason == "state" and "state does not match" in str(failed)


def test_importing_the_module_leaves_joserfc_unloaded():
    # Handlers that only hold a LoginRequest or catch LineLoginFailed keep their cold start.
    probe = (
        "import sys, library_service.line.login as m; m.LoginRequest.new(); "
        "print(sorted({n.split('.')[0] for n in sys.modules "
        "if n.startswith(('joserfc', 'cryptography'))}))"
    )
    layer = str(Path(__file__).resolve().parents[2] / "layers" / "shared")
    done = subprocess.run(
        [sys.executable, "-c", probe],
        capture_output=True,
        text=True,
        check=True,
        env={"PYTHONPATH": layer, "PATH": "/usr/bin:/bin"},
    )
    assert done.stdout.strip() == "[]"


# --- the account-link dialog URL ----------------------------------------------------------


def test_account_link_url():
    url = account_link_url("https://access.line.me", "link/token+1", "nonce &=?")
    parts = urlsplit(url)
    assert f"{parts.scheme}://{parts.netloc}{parts.path}" == (
        "https://access.line.me/dialog/bot/accountLink"
    )
    assert parts.query == "linkToken=link%2Ftoken%2B1&nonce=nonce%20%26%3D%3F"
    assert parse_qs(parts.query) == {"linkToken": ["link/token+1"], "nonce": ["nonce &=?"]}


def test_account_link_url_on_the_emulator():
    url = account_link_url("http://127.0.0.1:3001/", "tok", "n")
    assert url == "http://127.0.0.1:3001/dialog/bot/accountLink?linkToken=tok&nonce=n"

"""The identity sandbox over real HTTP, driven the way a browser and the product's adapters are."""

from __future__ import annotations

import base64
import hashlib
import hmac
import json
import re
import secrets
import threading
import time
from dataclasses import dataclass
from urllib.parse import parse_qs, urlsplit

import pytest
import requests
from joserfc import jwt
from joserfc.jwk import KeySet
from werkzeug.serving import WSGIRequestHandler, make_server
from werkzeug.wrappers import Request, Response

from devstack.identity_sandbox import IdentitySandbox, SandboxSettings

CLIENT_ID = "library-line-local"
CLIENT_SECRET = "test-jpki-client-secret"
FACE_API_KEY = "test-face-api-key"
WEBHOOK_SECRET = "test-face-webhook-secret"
REDIRECT_URI = "http://127.0.0.1:9/jpki/callback"
PERSONA_IDS = ["success", "rejected", "cancelled", "expired", "mismatched_nonce"]
VERIFIED = {"name": "渋谷 太郎", "birthdate": "1990-04-01", "address": "東京都渋谷区宇田川町1-1"}


# --- a stand-in for the product's webhook endpoint --------------------------------------------


@dataclass
class Received:
    path: str
    headers: dict
    body: bytes

    @property
    def payload(self) -> dict:
        return json.loads(self.body)


class _QuietHandler(WSGIRequestHandler):
    def log_request(self, *args, **kwargs) -> None:
        pass


class WebhookReceiver:
    """Records every POST; answers the status named in ?status= (200 by default)."""

    def __init__(self) -> None:
        self.received: list[Received] = []
        self._lock = threading.Lock()
        self._server = make_server(
            "127.0.0.1", 0, self._app, threaded=True, request_handler=_QuietHandler
        )
        self._thread = threading.Thread(
            target=self._server.serve_forever, kwargs={"poll_interval": 0.05}, daemon=True
        )

    def url(self, status: int = 200) -> str:
        """A fresh path per call, so each test reads only its own deliveries."""
        return f"http://127.0.0.1:{self._server.port}/hook/{secrets.token_hex(6)}?status={status}"

    def at(self, url: str) -> list[Received]:
        path = urlsplit(url).path
        with self._lock:
            return [r for r in self.received if r.path == path]

    def _app(self, environ, start_response):
        request = Request(environ)
        with self._lock:
            self.received.append(Received(request.path, dict(request.headers), request.get_data()))
        status = int(request.args.get("status", "200"))
        return Response("", status=status)(environ, start_response)

    def start(self) -> None:
        self._thread.start()

    def stop(self) -> None:
        self._server.shutdown()
        self._server.server_close()


@pytest.fixture(scope="module")
def receiver():
    server = WebhookReceiver()
    server.start()
    yield server
    server.stop()


@pytest.fixture(scope="module")
def sandbox():
    settings = SandboxSettings(
        port=0,
        client_secret=CLIENT_SECRET,
        face_api_key=FACE_API_KEY,
        face_webhook_secret=WEBHOOK_SECRET,
        redirect_uris=(REDIRECT_URI,),
        webhook_timeout_seconds=2,
    )
    with IdentitySandbox(settings) as running:
        yield running


@pytest.fixture
def browser():
    session = requests.Session()
    # Proxy variables in the shell must not reroute calls to 127.0.0.1.
    session.trust_env = False
    yield session
    session.close()


# --- JPKI helpers -----------------------------------------------------------------------------


@dataclass
class Pkce:
    verifier: str
    challenge: str

    @classmethod
    def make(cls) -> Pkce:
        verifier = secrets.token_urlsafe(48)
        digest = hashlib.sha256(verifier.encode("ascii")).digest()
        return cls(verifier, base64.urlsafe_b64encode(digest).rstrip(b"=").decode("ascii"))


def authorize_params(pkce: Pkce, **overrides) -> dict:
    params = {
        "response_type": "code",
        "client_id": CLIENT_ID,
        "redirect_uri": REDIRECT_URI,
        "scope": "openid profile address",
        "state": secrets.token_urlsafe(12),
        "nonce": secrets.token_urlsafe(12),
        "code_challenge": pkce.challenge,
        "code_challenge_method": "S256",
    }
    params.update(overrides)
    return {name: value for name, value in params.items() if value is not None}


def authorize(browser, sandbox, params: dict) -> requests.Response:
    return browser.get(
        f"{sandbox.jpki_issuer}/authorize", params=params, allow_redirects=False, timeout=5
    )


def persona_buttons(html: str) -> list[str]:
    return re.findall(r'name="persona" value="([^"]+)"', html)


def redirect_query(response: requests.Response, expected_base: str) -> dict[str, str]:
    assert response.status_code in (302, 303), response.text
    location = response.headers["Location"]
    assert location.split("?")[0] == expected_base
    return {name: values[0] for name, values in parse_qs(urlsplit(location).query).items()}


def choose_jpki(browser, sandbox, persona: str, params: dict) -> dict[str, str]:
    """Opens the authorize page, presses the persona's button, returns the redirect's query."""
    page = authorize(browser, sandbox, params)
    assert page.status_code == 200, page.text
    request_id = re.search(r'name="request_id" value="([^"]+)"', page.text).group(1)
    decided = browser.post(
        f"{sandbox.jpki_issuer}/authorize/decide",
        data={"request_id": request_id, "persona": persona},
        allow_redirects=False,
        timeout=5,
    )
    return redirect_query(decided, params["redirect_uri"])


def exchange(browser, sandbox, code: str, verifier: str, basic=True, **overrides):
    form = {
        "grant_type": "authorization_code",
        "code": code,
        "redirect_uri": REDIRECT_URI,
        "code_verifier": verifier,
    }
    auth = None
    if basic:
        auth = (CLIENT_ID, overrides.pop("client_secret", CLIENT_SECRET))
    else:
        form.update(client_id=CLIENT_ID, client_secret=CLIENT_SECRET)
    form.update(overrides)
    return browser.post(f"{sandbox.jpki_issuer}/token", data=form, auth=auth, timeout=5)


def signed_in(browser, sandbox, persona: str = "success"):
    """A full code flow up to the token response; returns (params, pkce, token response)."""
    pkce = Pkce.make()
    params = authorize_params(pkce)
    query = choose_jpki(browser, sandbox, persona, params)
    return params, pkce, exchange(browser, sandbox, query["code"], pkce.verifier)


def verified_claims(browser, sandbox, id_token: str) -> dict:
    """The ID token's claims, checked with joserfc against the JWKS fetched over HTTP."""
    discovery = browser.get(f"{sandbox.jpki_issuer}/.well-known/openid-configuration", timeout=5)
    keys = KeySet.import_key_set(browser.get(discovery.json()["jwks_uri"], timeout=5).json())
    token = jwt.decode(id_token, keys, algorithms=["RS256"])
    jwt.JWTClaimsRegistry(
        iss={"essential": True, "value": sandbox.jpki_issuer},
        aud={"essential": True, "value": CLIENT_ID},
        exp={"essential": True},
        iat={"essential": True},
    ).validate(token.claims)
    assert token.header["kid"] == keys.keys[0].kid
    return token.claims


# --- JPKI -------------------------------------------------------------------------------------


def test_discovery_document_names_the_endpoints(browser, sandbox):
    doc = browser.get(f"{sandbox.jpki_issuer}/.well-known/openid-configuration", timeout=5).json()
    assert sandbox.jpki_issuer == sandbox.url + "/jpki"
    assert doc["issuer"] == sandbox.jpki_issuer
    assert doc["authorization_endpoint"] == f"{sandbox.url}/jpki/authorize"
    assert doc["token_endpoint"] == f"{sandbox.url}/jpki/token"
    assert doc["jwks_uri"] == f"{sandbox.url}/jpki/jwks"
    assert doc["response_types_supported"] == ["code"]
    assert doc["subject_types_supported"] == ["pairwise"]
    assert doc["id_token_signing_alg_values_supported"] == ["RS256"]
    assert doc["code_challenge_methods_supported"] == ["S256"]
    assert doc["token_endpoint_auth_methods_supported"] == [
        "client_secret_basic",
        "client_secret_post",
    ]
    assert set(doc["claims_supported"]) == {"sub", "name", "birthdate", "address", "txn", "nonce"}


def test_jwks_holds_only_the_public_key(browser, sandbox):
    (key,) = browser.get(f"{sandbox.jpki_issuer}/jwks", timeout=5).json()["keys"]
    assert key["kty"] == "RSA" and key["kid"] and key["alg"] == "RS256"
    assert "d" not in key and "p" not in key
    assert len(base64.urlsafe_b64decode(key["n"] + "==")) * 8 == 2048


def test_authorize_page_lists_the_five_personas(browser, sandbox):
    page = authorize(browser, sandbox, authorize_params(Pkce.make()))
    assert page.status_code == 200
    assert "マイナンバーカードで本人確認（サンドボックス）" in page.text
    assert persona_buttons(page.text) == PERSONA_IDS
    for label in (
        "本人確認に成功する（渋谷 太郎）",
        "本人確認に失敗する",
        "本人確認をキャンセルする",
        "時間切れ",
        "nonce が一致しない結果を返す",
    ):
        assert label in page.text
    # The page carries a server-side id, not the request's parameters.
    assert 'name="redirect_uri"' not in page.text and 'name="nonce"' not in page.text


def test_success_gives_a_code_whose_id_token_verifies(browser, sandbox):
    params, _pkce, response = signed_in(browser, sandbox)
    assert response.status_code == 200, response.text
    assert response.headers["Cache-Control"] == "no-store"
    body = response.json()
    assert body["token_type"] == "Bearer" and body["expires_in"] == 600 and body["access_token"]
    claims = verified_claims(browser, sandbox, body["id_token"])
    assert claims["nonce"] == params["nonce"]
    assert claims["exp"] - claims["iat"] == 600
    assert abs(claims["iat"] - time.time()) < 10
    assert re.fullmatch(r"jpki-[0-9a-f]+", claims["txn"])
    assert claims["name"] == VERIFIED["name"]
    assert claims["birthdate"] == VERIFIED["birthdate"]
    assert claims["address"] == {"formatted": VERIFIED["address"]}
    assert set(claims) == {
        "iss", "aud", "sub", "iat", "exp", "nonce", "txn", "name", "birthdate", "address",
    }  # fmt: skip


def test_the_code_redirect_keeps_state(browser, sandbox):
    pkce = Pkce.make()
    params = authorize_params(pkce)
    query = choose_jpki(browser, sandbox, "success", params)
    assert query["state"] == params["state"] and query["code"]


def test_client_secret_post_works_and_sub_is_stable_per_persona(browser, sandbox):
    subjects = []
    for persona in ("success", "success", "mismatched_nonce"):
        pkce = Pkce.make()
        query = choose_jpki(browser, sandbox, persona, authorize_params(pkce))
        response = exchange(browser, sandbox, query["code"], pkce.verifier, basic=False)
        assert response.status_code == 200, response.text
        subjects.append(verified_claims(browser, sandbox, response.json()["id_token"])["sub"])
    assert subjects[0] == subjects[1] != subjects[2]


def test_a_code_works_once(browser, sandbox):
    pkce = Pkce.make()
    query = choose_jpki(browser, sandbox, "success", authorize_params(pkce))
    assert exchange(browser, sandbox, query["code"], pkce.verifier).status_code == 200
    replay = exchange(browser, sandbox, query["code"], pkce.verifier)
    assert replay.status_code == 400
    assert replay.json()["error"] == "invalid_grant"


def test_a_wrong_code_verifier_is_refused(browser, sandbox):
    pkce = Pkce.make()
    query = choose_jpki(browser, sandbox, "success", authorize_params(pkce))
    response = exchange(browser, sandbox, query["code"], Pkce.make().verifier)
    assert response.status_code == 400
    assert response.json()["error"] == "invalid_grant"


def test_a_wrong_client_secret_is_401(browser, sandbox):
    pkce = Pkce.make()
    query = choose_jpki(browser, sandbox, "success", authorize_params(pkce))
    response = exchange(browser, sandbox, query["code"], pkce.verifier, client_secret="wrong")
    assert response.status_code == 401
    assert response.json()["error"] == "invalid_client"
    # Refusing the client does not spend the code.
    assert exchange(browser, sandbox, query["code"], pkce.verifier).status_code == 200


def test_token_refuses_another_redirect_uri_and_grant_type(browser, sandbox):
    pkce = Pkce.make()
    query = choose_jpki(browser, sandbox, "success", authorize_params(pkce))
    other = exchange(
        browser, sandbox, query["code"], pkce.verifier, redirect_uri=REDIRECT_URI + "x"
    )
    assert other.status_code == 400 and other.json()["error"] == "invalid_grant"
    grant = exchange(browser, sandbox, "any", pkce.verifier, grant_type="password")
    assert grant.status_code == 400 and grant.json()["error"] == "unsupported_grant_type"


@pytest.mark.parametrize(
    "overrides",
    [{"redirect_uri": "http://127.0.0.1:9/elsewhere"}, {"client_id": "someone-else"}],
    ids=["unregistered-redirect-uri", "unknown-client"],
)
def test_an_unknown_client_or_redirect_uri_is_a_page_not_a_redirect(browser, sandbox, overrides):
    response = authorize(browser, sandbox, authorize_params(Pkce.make(), **overrides))
    assert response.status_code == 400
    assert "Location" not in response.headers
    assert "リクエストが正しくありません" in response.text


@pytest.mark.parametrize(
    "overrides",
    [
        {"nonce": None},
        {"state": None},
        {"code_challenge": None},
        {"code_challenge_method": "plain"},
        {"scope": "profile address"},
        {"response_type": "token"},
    ],
    ids=["no-nonce", "no-state", "no-challenge", "plain", "no-openid", "response-type"],
)
def test_other_bad_requests_redirect_with_invalid_request(browser, sandbox, overrides):
    params = authorize_params(Pkce.make(), **overrides)
    query = redirect_query(authorize(browser, sandbox, params), REDIRECT_URI)
    assert query["error"] == "invalid_request"
    assert query.get("state") == params.get("state")
    assert "code" not in query


@pytest.mark.parametrize("persona", ["rejected", "cancelled"])
def test_rejected_and_cancelled_redirect_with_access_denied(browser, sandbox, persona):
    params = authorize_params(Pkce.make())
    query = choose_jpki(browser, sandbox, persona, params)
    assert query == {
        "error": "access_denied",
        "error_description": persona,
        "state": params["state"],
    }


def test_expired_gives_a_code_the_token_endpoint_refuses(browser, sandbox):
    _params, _pkce, response = signed_in(browser, sandbox, "expired")
    assert response.status_code == 400
    assert response.json() == {"error": "invalid_grant", "error_description": "code expired"}


def test_mismatched_nonce_signs_a_token_with_another_nonce(browser, sandbox):
    params, _pkce, response = signed_in(browser, sandbox, "mismatched_nonce")
    assert response.status_code == 200, response.text
    claims = verified_claims(browser, sandbox, response.json()["id_token"])
    assert claims["nonce"] and claims["nonce"] != params["nonce"]


def test_the_persona_page_can_be_submitted_once(browser, sandbox):
    page = authorize(browser, sandbox, authorize_params(Pkce.make()))
    request_id = re.search(r'name="request_id" value="([^"]+)"', page.text).group(1)
    form = {"request_id": request_id, "persona": "success"}
    url = f"{sandbox.jpki_issuer}/authorize/decide"
    assert browser.post(url, data=form, allow_redirects=False, timeout=5).status_code == 302
    again = browser.post(url, data=form, allow_redirects=False, timeout=5)
    assert again.status_code == 400 and "Location" not in again.headers


def test_defaults_accept_any_http_redirect_uri_and_use_random_secrets(browser):
    assert SandboxSettings().client_secret != SandboxSettings().client_secret
    with IdentitySandbox() as fresh:
        assert fresh.settings.port == 0 and fresh.port != 0
        assert fresh.settings.client_id == CLIENT_ID
        pkce = Pkce.make()
        params = authorize_params(pkce, redirect_uri="https://app.example.test/cb?x=1")
        assert authorize(browser, fresh, params).status_code == 200
        not_http = authorize(browser, fresh, authorize_params(pkce, redirect_uri="ftp://x.test/"))
        assert not_http.status_code == 400


# --- face eKYC --------------------------------------------------------------------------------


def create_session(browser, sandbox, receiver, key=FACE_API_KEY, status=200, **overrides):
    body = {
        "reference": f"reg-{secrets.token_hex(6)}",
        "document": "my_number_card",
        "return_url": "http://127.0.0.1:9/face/return?flow=register",
        "webhook_url": receiver.url(status),
    }
    body.update(overrides)
    headers = {"Authorization": f"Bearer {key}"} if key else {}
    url = f"{sandbox.face_api_base_url}/v1/sessions"
    return body, browser.post(url, json=body, headers=headers, timeout=5)


def decide_face(browser, session_url: str, persona: str) -> requests.Response:
    return browser.post(
        f"{session_url}/decide", data={"persona": persona}, allow_redirects=False, timeout=15
    )


def signature_ok(received: Received) -> bool:
    fields = dict(part.split("=", 1) for part in received.headers["X-Sandbox-Signature"].split(","))
    signed = f"{fields['t']}.".encode() + received.body
    expected = hmac.new(WEBHOOK_SECRET.encode(), signed, hashlib.sha256).hexdigest()
    fresh = abs(int(fields["t"]) - time.time()) < 30
    return fresh and hmac.compare_digest(fields["v1"], expected)


@pytest.mark.parametrize("key", [None, "wrong-key"], ids=["no-key", "wrong-key"])
def test_creating_a_session_needs_the_api_key(browser, sandbox, receiver, key):
    _body, response = create_session(browser, sandbox, receiver, key=key)
    assert response.status_code == 401
    assert response.json()["error"]


def test_a_session_is_created(browser, sandbox, receiver):
    assert sandbox.face_api_base_url == sandbox.url + "/face"
    _body, response = create_session(browser, sandbox, receiver)
    assert response.status_code == 201, response.text
    session = response.json()
    assert re.fullmatch(r"fs_[0-9a-f]+", session["id"])
    assert session["url"] == f"{sandbox.url}/face/sessions/{session['id']}"
    assert abs(session["expires_at"] - (time.time() + 900)) < 10


@pytest.mark.parametrize(
    "overrides",
    [
        {"reference": ""},
        {"reference": 42},
        {"document": "health_insurance_card"},
        {"return_url": "javascript:alert(1)"},
        {"webhook_url": "not a url"},
    ],
    ids=["empty-reference", "number-reference", "document", "return-url", "webhook-url"],
)
def test_a_bad_session_body_is_400(browser, sandbox, receiver, overrides):
    _body, response = create_session(browser, sandbox, receiver, **overrides)
    assert response.status_code == 400
    assert response.json()["error"]


def test_a_non_json_session_body_is_400(browser, sandbox):
    response = browser.post(
        f"{sandbox.face_api_base_url}/v1/sessions",
        data="reference=x",
        headers={"Authorization": f"Bearer {FACE_API_KEY}"},
        timeout=5,
    )
    assert response.status_code == 400 and response.json()["error"]


@pytest.mark.parametrize(
    ("document", "name"),
    [
        ("my_number_card", "マイナンバーカード"),
        ("drivers_license", "運転免許証"),
        ("passport", "パスポート"),
        ("residence_card", "在留カード"),
    ],
)
def test_the_session_page_names_the_document(browser, sandbox, receiver, document, name):
    _body, created = create_session(browser, sandbox, receiver, document=document)
    page = browser.get(created.json()["url"], timeout=5)
    assert page.status_code == 200
    assert "顔認証で本人確認（サンドボックス）" in page.text
    assert f'data-testid="document">{name}<' in page.text
    assert persona_buttons(page.text) == PERSONA_IDS


def test_an_unknown_session_is_404(browser, sandbox):
    assert browser.get(f"{sandbox.url}/face/sessions/fs_nope", timeout=5).status_code == 404
    status = browser.get(
        f"{sandbox.face_api_base_url}/v1/sessions/fs_nope",
        headers={"Authorization": f"Bearer {FACE_API_KEY}"},
        timeout=5,
    )
    assert status.status_code == 404


@pytest.mark.parametrize(
    ("persona", "result"),
    [
        ("success", "approved"),
        ("rejected", "rejected"),
        ("cancelled", "cancelled"),
        ("expired", "expired"),
        ("mismatched_nonce", "approved"),
    ],
)
def test_each_persona_delivers_a_signed_webhook(browser, sandbox, receiver, persona, result):
    body, created = create_session(browser, sandbox, receiver, document="passport")
    session = created.json()
    response = decide_face(browser, session["url"], persona)

    assert response.status_code == 303, response.text
    assert response.headers["Location"] == (
        f"http://127.0.0.1:9/face/return?flow=register&session_id={session['id']}"
    )
    (received,) = receiver.at(body["webhook_url"])
    assert received.headers["Content-Type"] == "application/json"
    assert signature_ok(received)
    payload = received.payload
    assert payload["event"] == "session.completed"
    assert payload["session_id"] == session["id"]
    assert payload["result"] == result
    assert payload["document"] == "passport"
    assert re.fullmatch(r"\d{4}-\d\d-\d\dT\d\d:\d\d:\d\dZ", payload["completed_at"])
    assert re.fullmatch(r"face-[0-9a-f]+", payload["transaction_id"])
    assert payload["verified"] == (VERIFIED if result == "approved" else None)
    if persona == "mismatched_nonce":
        assert payload["reference"] and payload["reference"] != body["reference"]
    else:
        assert payload["reference"] == body["reference"]
    # The debugging API answers what was delivered.
    status = browser.get(
        f"{sandbox.face_api_base_url}/v1/sessions/{session['id']}",
        headers={"Authorization": f"Bearer {FACE_API_KEY}"},
        timeout=5,
    )
    assert status.json() == payload


def test_a_pending_session_reports_no_result(browser, sandbox, receiver):
    body, created = create_session(browser, sandbox, receiver)
    url = f"{sandbox.face_api_base_url}/v1/sessions/{created.json()['id']}"
    assert browser.get(url, timeout=5).status_code == 401
    status = browser.get(url, headers={"Authorization": f"Bearer {FACE_API_KEY}"}, timeout=5)
    assert status.status_code == 200
    assert status.json()["result"] is None
    assert status.json()["reference"] == body["reference"]


def test_a_session_is_decided_once(browser, sandbox, receiver):
    body, created = create_session(browser, sandbox, receiver)
    url = created.json()["url"]
    assert decide_face(browser, url, "success").status_code == 303
    again = decide_face(browser, url, "rejected")
    assert again.status_code == 409 and "Location" not in again.headers
    assert browser.get(url, timeout=5).status_code == 409
    assert len(receiver.at(body["webhook_url"])) == 1


def test_a_failed_webhook_shows_a_page_and_is_recorded(browser, sandbox, receiver):
    body, created = create_session(browser, sandbox, receiver, status=500)
    session_id = created.json()["id"]
    response = decide_face(browser, created.json()["url"], "success")
    assert response.status_code == 502 and "Location" not in response.headers
    assert "結果を通知できませんでした" in response.text and "HTTP 500" in response.text
    deliveries = browser.get(f"{sandbox.url}/_sandbox/webhooks", timeout=5).json()
    (record,) = [d for d in deliveries if d["session_id"] == session_id]
    assert record == {
        "session_id": session_id,
        "url": body["webhook_url"],
        "status": 500,
        "error": "webhook answered HTTP 500",
    }


def test_an_unreachable_webhook_shows_a_page(browser, sandbox, receiver):
    closed_port = make_server("127.0.0.1", 0, lambda *_: [])
    url = f"http://127.0.0.1:{closed_port.port}/hook"
    closed_port.server_close()
    _body, created = create_session(browser, sandbox, receiver, webhook_url=url)
    response = decide_face(browser, created.json()["url"], "success")
    assert response.status_code == 502
    assert "接続できません" in response.text
    deliveries = browser.get(f"{sandbox.url}/_sandbox/webhooks", timeout=5).json()
    (record,) = [d for d in deliveries if d["session_id"] == created.json()["id"]]
    assert record["status"] is None and "unreachable" in record["error"]


def test_delivered_webhooks_are_listed(browser, sandbox, receiver):
    body, created = create_session(browser, sandbox, receiver)
    decide_face(browser, created.json()["url"], "cancelled")
    deliveries = browser.get(f"{sandbox.url}/_sandbox/webhooks", timeout=5).json()
    assert {
        "session_id": created.json()["id"],
        "url": body["webhook_url"],
        "status": 200,
        "error": None,
    } in deliveries

"""The app's LINE Login client and link-token call against a real LINE emulator over HTTP.

The browser's part is played with requests: the consent page's own form (its hidden fields,
as the emulator rendered them from our authorize URL) is posted back with a user and a
decision, and the redirect to our callback is read, not followed.
"""

from __future__ import annotations

import socket
from html.parser import HTMLParser
from urllib.parse import parse_qsl, urljoin, urlsplit

import pytest

from library_service.identity.http import Urllib3Http
from library_service.line.ids import is_line_user_id
from library_service.line.login import LineLogin, LineLoginFailed, LoginRequest
from library_service.line.messenger import LineApiError, LineMessenger, account_link_url

from .conftest import ACCESS_TOKEN, LOGIN_CHANNEL_ID, LOGIN_CHANNEL_SECRET

REDIRECT_URI = "http://127.0.0.1:3000/mypage/line/callback"


class _ConsentForm(HTMLParser):
    """The consent form's action and its hidden fields."""

    def __init__(self) -> None:
        super().__init__()
        self.action: str | None = None
        self.hidden: dict[str, str] = {}
        self._inside = False

    def handle_starttag(self, tag, attrs):
        attributes = dict(attrs)
        if tag == "form" and attributes.get("data-testid") == "consent-form":
            self.action = attributes.get("action")
            self._inside = True
        elif tag == "input" and self._inside and attributes.get("type") == "hidden":
            self.hidden[attributes["name"]] = attributes.get("value") or ""

    def handle_endtag(self, tag):
        if tag == "form":
            self._inside = False


def _login(emulator, secret: str = LOGIN_CHANNEL_SECRET, **kwargs) -> LineLogin:
    return LineLogin(
        LOGIN_CHANNEL_ID,
        lambda: secret,
        access_base_url=emulator.url,
        api_base_url=emulator.url,
        http=Urllib3Http(),
        **kwargs,
    )


def _created_user(client, display_name: str = "図書 次郎") -> str:
    response = client.sim("POST", "/_sim/users", json={"displayName": display_name})
    assert response.status_code in (200, 201), response.text
    return response.json()["userId"]


def _consent(client, authorize_url: str, user_id: str, decision: str = "allow", **tamper):
    """Play the user on the consent page; the query LINE redirects back to us with."""
    page = client.session.get(authorize_url, timeout=10)
    assert page.status_code == 200, page.text
    form = _ConsentForm()
    form.feed(page.text)
    assert form.action and form.hidden["state"] and form.hidden["code_challenge"]
    fields = {**form.hidden, "user_id": user_id, "decision": decision, **tamper}
    answer = client.session.post(
        urljoin(page.url, form.action), data=fields, allow_redirects=False, timeout=10
    )
    assert answer.status_code == 302, answer.text
    location = urlsplit(answer.headers["Location"])
    assert f"{location.scheme}://{location.netloc}{location.path}" == REDIRECT_URI
    return dict(parse_qsl(location.query))


def _closed_port_url() -> str:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        port = probe.getsockname()[1]
    return f"http://127.0.0.1:{port}"


# --- LINE Login ---------------------------------------------------------------------------


def test_login_through_the_emulator_returns_the_users_id(emulator, client):
    user_id = _created_user(client)
    login = _login(emulator)
    request = LoginRequest.new()

    params = _consent(client, login.authorize_url(request, REDIRECT_URI), user_id)
    assert params["state"] == request.state and params["code"]

    assert login.finish(request, params, REDIRECT_URI) == user_id

    calls = client.sim("GET", "/_sim/api-log").json()["calls"]
    [token_call] = [call for call in calls if call["path"] == "/oauth2/v2.1/token"]
    assert token_call["status"] == 200
    sent = token_call["request"]  # the emulator masks the code, the secret and the verifier
    assert sent["grant_type"] == "authorization_code"
    assert sent["client_id"] == LOGIN_CHANNEL_ID and sent["redirect_uri"] == REDIRECT_URI
    assert {"code", "client_secret", "code_verifier"} <= set(sent)


def test_a_new_user_made_on_the_consent_page(emulator, client):
    login = _login(emulator)
    request = LoginRequest.new()
    params = _consent(client, login.authorize_url(request, REDIRECT_URI), "new")
    user_id = login.finish(request, params, REDIRECT_URI)
    assert is_line_user_id(user_id)
    listed = client.sim("GET", "/_sim/users").json()["users"]
    assert user_id in {user["userId"] for user in listed}


def test_the_consent_screen_can_be_forced(emulator, client):
    user_id = _created_user(client)
    login = _login(emulator)
    request = LoginRequest.new()
    url = login.authorize_url(request, REDIRECT_URI, prompt_consent=True)
    params = _consent(client, url, user_id)
    assert login.finish(request, params, REDIRECT_URI) == user_id


def test_replaying_the_callback_is_refused(emulator, client):
    user_id = _created_user(client)
    login = _login(emulator)
    request = LoginRequest.new()
    params = _consent(client, login.authorize_url(request, REDIRECT_URI), user_id)
    assert login.finish(request, params, REDIRECT_URI) == user_id

    with pytest.raises(LineLoginFailed) as caught:
        login.finish(request, params, REDIRECT_URI)
    assert caught.value.reason == "exchange"
    assert params["code"] not in str(caught.value)


def test_a_denied_consent_is_a_cancel(emulator, client):
    user_id = _created_user(client)
    login = _login(emulator)
    request = LoginRequest.new()
    params = _consent(client, login.authorize_url(request, REDIRECT_URI), user_id, "deny")
    assert params["error"] == "access_denied" and "code" not in params

    with pytest.raises(LineLoginFailed) as caught:
        login.finish(request, params, REDIRECT_URI)
    assert caught.value.reason == "cancelled"


def test_a_tampered_nonce_fails_the_id_token(emulator, client):
    user_id = _created_user(client)
    login = _login(emulator)
    request = LoginRequest.new()
    url = login.authorize_url(request, REDIRECT_URI)
    params = _consent(client, url, user_id, nonce="nonce-of-another-login")

    with pytest.raises(LineLoginFailed) as caught:
        login.finish(request, params, REDIRECT_URI)
    assert caught.value.reason == "id_token"
    assert "nonce" in caught.value.detail


def test_another_logins_callback_fails_the_state(emulator, client):
    user_id = _created_user(client)
    login = _login(emulator)
    first, second = LoginRequest.new(), LoginRequest.new()
    params = _consent(client, login.authorize_url(first, REDIRECT_URI), user_id)

    with pytest.raises(LineLoginFailed) as caught:
        login.finish(second, params, REDIRECT_URI)
    assert caught.value.reason == "state"
    # The code was not spent: the login it belongs to still finishes.
    assert login.finish(first, params, REDIRECT_URI) == user_id


def test_a_wrong_code_verifier_is_refused(emulator, client):
    user_id = _created_user(client)
    login = _login(emulator)
    request = LoginRequest.new()
    params = _consent(client, login.authorize_url(request, REDIRECT_URI), user_id)
    forged = LoginRequest(request.state, request.nonce, LoginRequest.new().code_verifier)

    with pytest.raises(LineLoginFailed) as caught:
        login.finish(forged, params, REDIRECT_URI)
    assert caught.value.reason == "exchange"


def test_another_redirect_uri_is_refused(emulator, client):
    user_id = _created_user(client)
    login = _login(emulator)
    request = LoginRequest.new()
    params = _consent(client, login.authorize_url(request, REDIRECT_URI), user_id)

    with pytest.raises(LineLoginFailed) as caught:
        login.finish(request, params, REDIRECT_URI + "/elsewhere")
    assert caught.value.reason == "exchange"


def test_a_wrong_channel_secret_is_refused(emulator, client):
    user_id = _created_user(client)
    login = _login(emulator, secret="not-the-login-channel-secret")
    request = LoginRequest.new()
    params = _consent(client, login.authorize_url(request, REDIRECT_URI), user_id)

    with pytest.raises(LineLoginFailed) as caught:
        login.finish(request, params, REDIRECT_URI)
    assert caught.value.reason == "exchange"
    assert "invalid_client" in caught.value.detail


def test_a_code_older_than_ten_minutes_is_refused(emulator, client):
    user_id = _created_user(client)
    login = _login(emulator)
    request = LoginRequest.new()
    params = _consent(client, login.authorize_url(request, REDIRECT_URI), user_id)
    client.sim("POST", "/_sim/clock", json={"advanceSeconds": 601})

    with pytest.raises(LineLoginFailed) as caught:
        login.finish(request, params, REDIRECT_URI)
    assert caught.value.reason == "exchange"


def test_line_unreachable_is_unavailable():
    login = LineLogin(
        LOGIN_CHANNEL_ID, lambda: LOGIN_CHANNEL_SECRET, api_base_url=_closed_port_url()
    )
    request = LoginRequest.new()
    with pytest.raises(LineLoginFailed) as caught:
        login.finish(request, {"state": request.state, "code": "c"}, REDIRECT_URI)
    assert caught.value.reason == "unavailable"


# --- link tokens and the account-link dialog ----------------------------------------------


def _messenger(emulator, token: str = ACCESS_TOKEN) -> LineMessenger:
    return LineMessenger(emulator.url, token)


def test_issue_link_token_and_link_through_the_dialog(emulator, client, receiver, friend):
    link_token = _messenger(emulator).issue_link_token(friend)
    assert link_token

    nonce = LoginRequest.new().nonce
    dialog = client.session.get(account_link_url(emulator.url, link_token, nonce), timeout=10)
    assert dialog.status_code == 200, dialog.text

    [event] = receiver.events("accountLink")
    assert receiver.deliveries[-1].signature_ok
    assert event["source"]["userId"] == friend
    assert event["link"] == {"result": "ok", "nonce": nonce}

    again = client.session.get(account_link_url(emulator.url, link_token, nonce), timeout=10)
    assert again.status_code == 400
    assert receiver.events("accountLink")[-1]["link"]["result"] == "failed"


def test_each_link_token_is_new(emulator, friend):
    messenger = _messenger(emulator)
    assert messenger.issue_link_token(friend) != messenger.issue_link_token(friend)


def test_no_link_token_for_a_user_who_is_not_a_friend(emulator, client):
    stranger = _created_user(client)
    with pytest.raises(LineApiError) as caught:
        _messenger(emulator).issue_link_token(stranger)
    assert caught.value.status == 400


def test_link_token_with_a_bad_access_token(emulator, friend):
    with pytest.raises(LineApiError) as caught:
        _messenger(emulator, "not-the-token").issue_link_token(friend)
    assert caught.value.status == 401


def test_link_token_server_error(emulator, client, friend):
    path = f"/v2/bot/user/{friend}/linkToken"
    client.sim("POST", "/_sim/faults", json={"path": path, "status": 500, "count": 1})
    with pytest.raises(LineApiError) as caught:
        _messenger(emulator).issue_link_token(friend)
    assert caught.value.status == 500


def test_link_token_only_for_line_user_ids(emulator):
    with pytest.raises(ValueError):
        _messenger(emulator).issue_link_token("../../message/push")


def test_link_token_when_line_is_unreachable():
    with pytest.raises(LineApiError) as caught:
        LineMessenger(_closed_port_url(), ACCESS_TOKEN).issue_link_token("U" + "1" * 32)
    assert caught.value.status is None

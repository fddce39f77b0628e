"""My Page's security at the HTTP level, on the devstack: cookies, CSRF, session fixation,
lockout, LINE Login's state, code and nonce, and linking and unlinking."""

from __future__ import annotations

from urllib.parse import parse_qs, urlencode, urlsplit, urlunsplit

import pytest

from .mypage import INITIAL_PASSWORD, Browser, counter_patron
from .sim import new_user_id

GENERIC = "利用者コードまたはパスワードが正しくありません。"


@pytest.fixture
def patron_id(devstack) -> str:
    return counter_patron(devstack)


@pytest.fixture
def line_user(sim) -> str:
    user = new_user_id()
    sim.follow(user, "連携 太郎")
    sim.next_messages(user, 2)
    return user


def test_the_login_page_sets_a_strict_session_cookie_and_security_headers(devstack):
    page = Browser(devstack).get("/mypage/login")
    assert page.status_code == 200 and "利用者コード" in page.text
    (cookie,) = page.headers["Set-Cookie"].split(", mypage")[:1]
    assert "HttpOnly" in cookie and "SameSite=Lax" in cookie and "Path=/mypage" in cookie
    assert "Secure" not in cookie  # plain HTTP on localhost; Secure whenever it is https
    assert page.headers["Cache-Control"] == "no-store"
    assert "frame-ancestors 'none'" in page.headers["Content-Security-Policy"]
    assert page.headers["X-Frame-Options"] == "DENY"
    assert page.headers["Referrer-Policy"] == "no-referrer"


def test_forms_without_or_with_a_wrong_csrf_token_are_refused(devstack, patron_id):
    browser = Browser(devstack)
    browser.get("/mypage/login")
    form = {"patron_code": patron_id, "password": INITIAL_PASSWORD}
    assert browser.post("/mypage/login", form, csrf=False).status_code == 403
    assert browser.post("/mypage/login", {**form, "csrf_token": "x" * 43}).status_code == 403
    other = Browser(devstack)
    other.get("/mypage/login")
    stolen = {**form, "csrf_token": other.csrf()}  # a token of another session
    assert browser.post("/mypage/login", stolen, csrf=False).status_code == 403


def test_logging_in_issues_a_new_session_id(devstack, patron_id):
    browser = Browser(devstack)
    browser.get("/mypage/login")
    before = browser.session_cookie
    home = browser.post("/mypage/login", {"patron_code": patron_id, "password": INITIAL_PASSWORD})
    assert home.url.endswith("/mypage") and patron_id in home.text
    assert browser.session_cookie and browser.session_cookie != before
    assert "初期パスワード（生年月日6桁）のまま" in home.text
    # The pre-login session ID (say, planted by an attacker) is not logged in.
    planted = Browser(devstack)
    planted.http.cookies.set("mypage_session", before, path="/mypage")
    assert planted.get("/mypage").url.endswith("/mypage/login")


def test_five_wrong_passwords_lock_the_account_with_one_generic_error(devstack, patron_id):
    browser = Browser(devstack)
    browser.get("/mypage/login")
    for _ in range(5):
        refused = browser.post("/mypage/login", {"patron_code": patron_id, "password": "wrong1"})
        assert refused.status_code == 401 and GENERIC in refused.text
    locked = browser.post("/mypage/login", {"patron_code": patron_id, "password": INITIAL_PASSWORD})
    assert locked.status_code == 401 and GENERIC in locked.text
    unknown = browser.post("/mypage/login", {"patron_code": "1000000017", "password": "x"})
    assert unknown.status_code == 401 and GENERIC in unknown.text  # the same answer


def link_line(browser: Browser, line_user: str):
    browser.get("/mypage/line/link")
    start = browser.post("/mypage/line/link", {}, follow=False)
    return browser.line_login(start, line_user)


def test_linking_with_line_login_then_logging_in_with_line_alone(devstack, patron_id, line_user):
    browser = Browser(devstack)
    browser.log_in(patron_id)
    linked, _ = link_line(browser, line_user)
    assert "LINE連携が完了しました" in linked.text and "連携済み" in linked.text

    fresh = Browser(devstack)
    home, _ = fresh.line_login(fresh.get("/mypage/line", follow=False), line_user)
    assert home.url.endswith("/mypage") and patron_id in home.text


def test_a_line_account_linked_to_someone_else_is_not_linked_again(devstack, line_user):
    first, second = Browser(devstack), Browser(devstack)
    first.log_in(counter_patron(devstack, "先に 連携"))
    link_line(first, line_user)
    second.log_in(counter_patron(devstack, "後から 連携"))
    page, _ = link_line(second, line_user)
    assert "別の利用者とすでに連携しています" in page.text and "未連携" in page.text


def test_unlinking_ends_line_login_but_the_code_and_password_still_work(
    devstack, patron_id, line_user
):
    browser = Browser(devstack)
    browser.log_in(patron_id)
    link_line(browser, line_user)
    browser.get("/mypage/line/unlink")
    done = browser.post("/mypage/line/unlink", {})
    assert "LINE連携を解除しました" in done.text and "未連携" in done.text

    fresh = Browser(devstack)
    page, _ = fresh.line_login(fresh.get("/mypage/line", follow=False), line_user)
    assert "まだ図書館の利用者とLINE連携されていません" in page.text
    assert patron_id in fresh.log_in(patron_id).text


def with_query(url: str, **changes: str) -> str:
    parts = urlsplit(url)
    query = {k: v[0] for k, v in parse_qs(parts.query).items()} | changes
    return urlunsplit(parts._replace(query=urlencode(query)))


def test_a_callback_with_another_state_is_refused(devstack, patron_id, line_user):
    browser = Browser(devstack)
    browser.log_in(patron_id)
    link_line(browser, line_user)
    fresh = Browser(devstack)
    start = fresh.get("/mypage/line", follow=False)
    authorize = fresh.http.get(start.headers["Location"], timeout=20)
    back = fresh.consent(authorize, line_user)
    forged = fresh.get(with_query(back.headers["Location"], state="forged-state"))
    assert forged.status_code == 400 and "LINEでのログインができませんでした" in forged.text
    assert fresh.get("/mypage").url.endswith("/mypage/login")


def test_a_replayed_callback_is_refused(devstack, patron_id, line_user):
    browser = Browser(devstack)
    browser.log_in(patron_id)
    link_line(browser, line_user)
    fresh = Browser(devstack)
    home, callback = fresh.line_login(fresh.get("/mypage/line", follow=False), line_user)
    assert home.url.endswith("/mypage")
    thief = Browser(devstack)
    thief.http.cookies.update(fresh.http.cookies)
    replayed = thief.get(callback)
    assert replayed.status_code == 400 and "ログインができませんでした" in replayed.text


def test_an_id_token_with_another_nonce_is_refused(devstack, patron_id, line_user):
    browser = Browser(devstack)
    browser.log_in(patron_id)
    link_line(browser, line_user)
    fresh = Browser(devstack)
    page, _ = fresh.line_login(
        fresh.get("/mypage/line", follow=False), line_user, nonce="another-nonce"
    )
    assert page.status_code == 400 and "ログインができませんでした" in page.text
    assert fresh.get("/mypage").url.endswith("/mypage/login")


def test_password_change_rules_and_other_sessions_end(devstack, patron_id):
    browser, other = Browser(devstack), Browser(devstack)
    browser.log_in(patron_id)
    other.log_in(patron_id)
    browser.get("/mypage/password")
    for form, said in [
        (
            {"current": "wrong", "new": "abc123", "confirm": "abc123"},
            "現在のパスワードが正しくありません",
        ),
        ({"current": INITIAL_PASSWORD, "new": "abc123", "confirm": "abc124"}, "一致しません"),
        ({"current": INITIAL_PASSWORD, "new": "abc", "confirm": "abc"}, "6桁以上12桁以下"),
        ({"current": INITIAL_PASSWORD, "new": "パスワード12", "confirm": "パスワード12"}, "英数字"),
        (
            {"current": INITIAL_PASSWORD, "new": INITIAL_PASSWORD, "confirm": INITIAL_PASSWORD},
            "初期パスワードは使えません",
        ),
    ]:
        refused = browser.post("/mypage/password", form)
        assert refused.status_code == 400 and said in refused.text, said
    before = browser.session_cookie
    done = browser.post(
        "/mypage/password",
        {"current": INITIAL_PASSWORD, "new": "Library2026", "confirm": "Library2026"},
    )
    assert "パスワードを変更しました" in done.text and "初期パスワード" not in done.text
    assert browser.session_cookie != before
    assert other.get("/mypage").url.endswith("/mypage/login")  # the other session ended
    assert "パスワード" in Browser(devstack).log_in(patron_id, "Library2026").text
    refused = Browser(devstack).log_in(patron_id, INITIAL_PASSWORD)
    assert refused.status_code == 401


def test_logging_out_ends_the_session(devstack, patron_id):
    browser = Browser(devstack)
    browser.log_in(patron_id)
    old = browser.session_cookie
    page = browser.post("/mypage/logout", {})
    assert "ログアウトしました" in page.text
    replay = Browser(devstack)
    replay.http.cookies.set("mypage_session", old, path="/mypage")
    assert replay.get("/mypage").url.endswith("/mypage/login")


def test_in_chat_account_link_links_the_line_user_who_asked(devstack, sim, patron_id, line_user):
    sim.tap(line_user, {"type": "postback", "data": "action=account-link"})
    (offer,) = [m["message"] for m in sim.next_messages(line_user, 1)]
    url = offer["contents"]["footer"]["contents"][0]["action"]["uri"]
    browser = Browser(devstack)
    page = browser.get(url)
    assert "LINEアカウントと図書館の利用者を連携します" in page.text
    to_line = browser.post(
        "/mypage/login", {"patron_code": patron_id, "password": INITIAL_PASSWORD}, follow=False
    )
    assert to_line.status_code == 303
    dialog = browser.http.get(to_line.headers["Location"], timeout=20)
    assert dialog.status_code == 200
    (done,) = [m["message"] for m in sim.next_messages(line_user, 1)]
    assert done["text"].startswith("LINE連携が完了しました")
    fresh = Browser(devstack)
    home, _ = fresh.line_login(fresh.get("/mypage/line", follow=False), line_user)
    assert patron_id in home.text  # from now on LINE Login alone opens My Page


def test_an_account_link_url_asks_for_the_password_even_when_logged_in(devstack, patron_id):
    """A link token in a URL may be an attacker's: following it while logged in must not
    bind the attacker's LINE account to this patron."""
    browser = Browser(devstack)
    browser.log_in(patron_id)
    page = browser.get("/mypage/account-link", follow=False, linkToken="someone-elses-token")
    assert page.status_code == 200 and 'data-testid="login-form"' in page.text

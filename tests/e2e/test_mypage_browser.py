"""マイページ in headless Chromium: from the simulator's menu through LINE Login to the login
page, the date-of-birth password, a new password, LINE連携, LINE-only login, a renewal, a hold
cancelled, 連携解除, and the lockout."""

from __future__ import annotations

import pytest

from devstack.template import ROOT
from tests.support import browser

from .mypage import INITIAL_PASSWORD, counter_patron
from .operator import operator
from .sim import Sim
from .test_simulator_browser import new_friend

ARTIFACTS = ROOT / "test-artifacts"
LOAN_COPY = "00001600"  # 芥川 竜之介「秋」, the only copy, on the shelf at tomigaya
HELD_RECORD = "aozora-004872"  # 芥川 竜之介「愛読書の印象」
NEW_PASSWORD = "Library2026"


@pytest.fixture(scope="module", autouse=True)
def demo_catalogue(devstack):
    assert devstack.catalogue_loaded.wait(180), "the demo catalogue did not load"


def allow_on_line(page, line_user: str) -> None:
    """The LINE emulator's consent page: log in as `line_user` and allow."""
    page.get_by_test_id("login-user").select_option(line_user)
    page.get_by_test_id("allow").click()


@pytest.mark.browser
def test_a_counter_patron_uses_my_page_from_the_simulator_and_links_line(devstack, sim: Sim):
    patron_id = counter_patron(devstack, "窓口 花子")
    operator(devstack, "ops.circulation", "check-out", LOAN_COPY, "--patron", patron_id)
    sync_api = browser.sync_api()
    expect = sync_api.expect
    ARTIFACTS.mkdir(exist_ok=True)
    with sync_api.sync_playwright() as playwright:
        chromium = browser.launch_chromium(playwright)
        try:
            chat = new_friend(chromium, devstack, "窓口 花子")
            line_user = chat.get_by_test_id("user-select").input_value()

            # マイページ from the library menu: LINE Login, then the login page (not linked yet).
            chat.get_by_test_id("chat-input").fill("図書館")
            chat.get_by_test_id("send").click()
            chat.get_by_test_id("bot-message").last.get_by_test_id("flex-button").filter(
                has_text="マイページ"
            ).click()
            opener = chat.get_by_test_id("bot-message").last.get_by_test_id("flex-button")
            with chat.expect_popup() as opened:
                opener.filter(has_text="マイページを開く").click()
            page = opened.value
            allow_on_line(page, line_user)
            expect(page.get_by_test_id("error")).to_contain_text(
                "まだ図書館の利用者とLINE連携されていません"
            )
            page.get_by_test_id("patron-code").fill(patron_id)
            page.get_by_test_id("password").fill(INITIAL_PASSWORD)
            page.get_by_test_id("log-in").click()
            expect(page.get_by_test_id("patron-id")).to_have_text(patron_id)
            expect(page.get_by_test_id("initial-password")).to_be_visible()
            expect(page.get_by_test_id("loan")).to_contain_text("秋")
            page.screenshot(path=str(ARTIFACTS / "mypage-home.png"), full_page=True)

            # The password: the rules first, then a good one.
            page.get_by_test_id("password").click()
            page.get_by_test_id("current").fill(INITIAL_PASSWORD)
            page.get_by_test_id("new").fill("abc")
            page.get_by_test_id("confirm").fill("abc")
            page.get_by_test_id("change-password").click()
            expect(page.get_by_test_id("error")).to_contain_text("6桁以上12桁以下")
            page.get_by_test_id("current").fill(INITIAL_PASSWORD)
            page.get_by_test_id("new").fill(NEW_PASSWORD)
            page.get_by_test_id("confirm").fill(NEW_PASSWORD)
            page.get_by_test_id("change-password").click()
            expect(page.get_by_test_id("flash")).to_contain_text("パスワードを変更しました")
            expect(page.get_by_test_id("initial-password")).to_have_count(0)

            # 利用者情報 → LINE連携 → LINEでログイン → 連携完了 (the seed's steps 6–9).
            page.get_by_test_id("link").click()
            page.get_by_test_id("line-link").click()
            allow_on_line(page, line_user)
            expect(page.get_by_test_id("flash")).to_contain_text("LINE連携が完了しました")
            expect(page.get_by_test_id("link-state")).to_have_text("連携済み")

            # Renewal, and a hold placed in the chat, cancelled here.
            page.get_by_test_id("renew").click()
            expect(page.get_by_test_id("flash")).to_contain_text("貸出を延長しました")
            expect(page.get_by_test_id("renew")).to_have_count(0)  # the limit is one renewal
            sim.tap(
                line_user,
                {"type": "postback", "data": f"action=reserve-place&r={HELD_RECORD}&p=central"},
            )
            expect(chat.get_by_test_id("bot-message").last).to_contain_text("予約しました")
            page.reload()
            expect(page.get_by_test_id("hold")).to_contain_text("愛読書の印象")
            page.screenshot(path=str(ARTIFACTS / "mypage-linked.png"), full_page=True)
            page.get_by_test_id("cancel-hold").click()
            expect(page.get_by_test_id("flash")).to_contain_text("予約を取り消しました")
            expect(page.get_by_test_id("hold")).to_have_count(0)

            # From now on LINE Login alone opens My Page, in a browser with no session.
            fresh = chromium.new_context(viewport=browser.PHONE).new_page()
            fresh.goto(devstack.api_url + "/mypage/line")
            allow_on_line(fresh, line_user)
            expect(fresh.get_by_test_id("patron-id")).to_have_text(patron_id)

            # 連携解除: LINE Login no longer logs in; the code and password still do.
            fresh.get_by_test_id("unlink").click()
            fresh.get_by_test_id("confirm-unlink").click()
            expect(fresh.get_by_test_id("link-state")).to_have_text("未連携")
            again = chromium.new_context(viewport=browser.PHONE).new_page()
            again.goto(devstack.api_url + "/mypage/line")
            allow_on_line(again, line_user)
            expect(again.get_by_test_id("error")).to_contain_text("LINE連携されていません")
            again.get_by_test_id("patron-code").fill(patron_id)
            again.get_by_test_id("password").fill(NEW_PASSWORD)
            again.get_by_test_id("log-in").click()
            expect(again.get_by_test_id("patron-id")).to_have_text(patron_id)
        finally:
            chromium.close()


@pytest.mark.browser
def test_five_wrong_passwords_lock_the_login(devstack):
    patron_id = counter_patron(devstack, "施錠 太郎")
    sync_api = browser.sync_api()
    expect = sync_api.expect
    with sync_api.sync_playwright() as playwright:
        chromium = browser.launch_chromium(playwright)
        try:
            page = chromium.new_page(viewport=browser.PHONE)
            page.goto(devstack.api_url + "/mypage/login")
            for _ in range(5):
                page.get_by_test_id("patron-code").fill(patron_id)
                page.get_by_test_id("password").fill("wrong99")
                page.get_by_test_id("log-in").click()
                expect(page.get_by_test_id("error")).to_have_text(
                    "利用者コードまたはパスワードが正しくありません。"
                )
            page.get_by_test_id("patron-code").fill(patron_id)
            page.get_by_test_id("password").fill(INITIAL_PASSWORD)
            page.get_by_test_id("log-in").click()
            expect(page.get_by_test_id("error")).to_have_text(
                "利用者コードまたはパスワードが正しくありません。"
            )
            page.screenshot(path=str(ARTIFACTS / "mypage-login-locked.png"))
        finally:
            chromium.close()

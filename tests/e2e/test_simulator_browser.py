"""The chat simulator page in headless Chromium, talking to the real bot on the devstack."""

from __future__ import annotations

import pytest

from devstack.template import ROOT
from tests.support import browser

from .test_conversation import MENU_ENTRIES

ARTIFACTS = ROOT / "test-artifacts"


def new_friend(chromium, devstack, name: str):
    """A phone-sized page on the simulator, as a new user who has just added the bot."""
    page = chromium.new_page(viewport=browser.PHONE)
    page.goto(devstack.line_url + "/")
    page.wait_for_selector("body[data-ready=true]")
    page.get_by_test_id("new-user").click()
    page.get_by_test_id("new-user-name").fill(name)
    page.get_by_test_id("create-user").click()
    page.get_by_test_id("follow").click()
    browser.sync_api().expect(page.get_by_test_id("bot-message").first).to_contain_text(
        "友だち追加"
    )
    return page


@pytest.mark.browser
def test_a_patron_opens_the_library_menu_in_the_simulator(devstack):
    sync_api = browser.sync_api()
    expect = sync_api.expect
    with sync_api.sync_playwright() as playwright:
        chromium = browser.launch_chromium(playwright)
        try:
            page = new_friend(chromium, devstack, "図書 花子")

            # The rich menu the devstack provisioned: open it, tap the 図書館 tab.
            page.get_by_test_id("richmenu-toggle").click()
            area = page.locator("[data-testid=richmenu-area]")
            area.filter(has_text="図書館").first.click()
            for label in MENU_ENTRIES:
                expect(
                    page.locator(f'[data-testid=richmenu-area][data-label="{label}"]')
                ).to_be_visible()

            # A menu entry on the library tab answers; typing 図書館 brings the menu itself.
            page.locator('[data-testid=richmenu-area][data-label="マイページ"]').click()
            expect(page.get_by_test_id("user-message").last).to_have_text("マイページ")
            expect(page.get_by_test_id("bot-message").last).to_contain_text("マイページを開く")

            page.get_by_test_id("chat-input").fill("図書館")
            page.get_by_test_id("send").click()
            menu = page.get_by_test_id("bot-message").last
            expect(menu).to_have_attribute("data-type", "flex")
            expect(menu.get_by_test_id("flex-button")).to_have_text(MENU_ENTRIES)

            ARTIFACTS.mkdir(exist_ok=True)
            page.screenshot(path=str(ARTIFACTS / "simulator-library-menu.png"))
        finally:
            chromium.close()


@pytest.mark.browser
def test_a_patron_searches_by_author_and_pages_through_the_results(devstack):
    assert devstack.catalogue_loaded.wait(180), "the demo catalogue did not load"
    sync_api = browser.sync_api()
    expect = sync_api.expect
    with sync_api.sync_playwright() as playwright:
        chromium = browser.launch_chromium(playwright)
        try:
            page = new_friend(chromium, devstack, "検索 太郎")

            page.get_by_test_id("chat-input").fill("図書館")
            page.get_by_test_id("send").click()
            menu = page.get_by_test_id("bot-message").last
            menu.get_by_test_id("flex-button").filter(has_text="本の検索・予約").click()
            page.get_by_test_id("quick-reply").filter(has_text="著者名").click()
            expect(page.get_by_test_id("bot-message").last).to_contain_text("著者名の検索")
            page.get_by_test_id("chat-input").fill("夏目　漱石")
            page.get_by_test_id("send").click()
            expect(page.get_by_test_id("bot-message").last).to_contain_text("104件中 1〜10件目")
            books = page.get_by_test_id("bot-message").nth(-2)
            expect(books.get_by_test_id("flex-button").filter(has_text="予約する")).to_have_count(
                10
            )

            more = page.get_by_test_id("bot-message").last.get_by_test_id("flex-button")
            more.filter(has_text="結果をさらに表示").click()
            expect(page.get_by_test_id("bot-message").last).to_contain_text("104件中 11〜20件目")
            ARTIFACTS.mkdir(exist_ok=True)
            page.screenshot(path=str(ARTIFACTS / "simulator-search-results.png"))

            page.get_by_test_id("bot-message").last.get_by_test_id("flex-button").filter(
                has_text="終了"
            ).click()
            expect(page.get_by_test_id("bot-message").last).to_contain_text("検索を終了しました")
        finally:
            chromium.close()

"""利用者登録 in headless Chromium: the simulator, the sandbox provider's page in the tab the
button opens, and the card with its barcode image at the end."""

from __future__ import annotations

import re

import pytest

from devstack.template import ROOT
from tests.support import browser

from .test_simulator_browser import new_friend

ARTIFACTS = ROOT / "test-artifacts"


@pytest.mark.browser
def test_a_newcomer_registers_with_the_sandbox_jpki_provider_and_shows_the_card(devstack):
    sync_api = browser.sync_api()
    expect = sync_api.expect
    with sync_api.sync_playwright() as playwright:
        chromium = browser.launch_chromium(playwright)
        try:
            page = new_friend(chromium, devstack, "渋谷 太郎")
            last = lambda: page.get_by_test_id("bot-message").last  # noqa: E731

            def tap(label: str) -> None:
                last().get_by_test_id("flex-button").filter(has_text=label).first.click()

            page.get_by_test_id("chat-input").fill("図書館")
            page.get_by_test_id("send").click()
            tap("利用者登録")
            expect(last()).to_contain_text("利用規約に同意")
            tap("同意します")
            expect(last()).to_contain_text("本人確認の方法を選択してください")
            tap("マイナンバーカード")
            expect(last()).to_contain_text("本人確認へ進む")

            with page.expect_popup() as opened:
                tap("本人確認へ進む")
            provider = opened.value
            expect(provider.locator("h1")).to_contain_text("マイナンバーカード")
            provider.get_by_test_id("persona-success").click()
            expect(provider.locator("h1")).to_have_text("本人確認が完了しました")
            ARTIFACTS.mkdir(exist_ok=True)
            provider.screenshot(path=str(ARTIFACTS / "identity-verified.png"))
            provider.close()

            expect(last()).to_contain_text("利用登録の区分を選択してください")
            page.get_by_test_id("quick-reply").filter(has_text="区内在住").click()
            expect(last()).to_contain_text("連絡先")
            page.get_by_test_id("chat-input").fill("090-1234-5678")
            page.get_by_test_id("send").click()
            page.get_by_test_id("quick-reply").filter(has_text="表示しない").click()
            expect(last()).to_contain_text("渋谷 太郎")
            expect(last()).to_contain_text("東京都渋谷区宇田川町1-1")
            page.screenshot(path=str(ARTIFACTS / "registration-confirmation.png"))
            tap("登録")
            expect(last()).to_contain_text("利用者ID：")
            patron_id = re.search(r"利用者ID：(\d{10})", last().inner_text()).group(1)

            page.get_by_test_id("quick-reply").filter(has_text="利用者カード").click()
            card = last()
            expect(card).to_contain_text("渋谷 太郎")
            barcode = card.locator("img.flex-image")
            expect(barcode).to_have_count(1)
            barcode.scroll_into_view_if_needed()
            page.wait_for_function(
                "img => img.complete && img.naturalWidth > 0", arg=barcode.element_handle()
            )
            assert patron_id[:4] in card.inner_text()
            page.screenshot(path=str(ARTIFACTS / "simulator-library-card.png"))
        finally:
            chromium.close()

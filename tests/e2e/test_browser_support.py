"""Browser tests skip without chromium on a developer's machine, and fail in CI."""

from __future__ import annotations

import pytest

from tests.support import browser


@pytest.fixture
def no_chromium(monkeypatch, tmp_path):
    monkeypatch.setenv("PATH", str(tmp_path))  # an empty folder: no chromium to be found


def test_without_chromium_a_browser_test_is_skipped_locally(no_chromium, monkeypatch):
    monkeypatch.delenv("CI", raising=False)
    with pytest.raises(pytest.skip.Exception, match="chromium"):
        browser.chromium_path()


def test_without_chromium_a_browser_test_fails_in_ci(no_chromium, monkeypatch):
    monkeypatch.setenv("CI", "true")
    with pytest.raises(pytest.fail.Exception, match="CI must run the browser tests"):
        browser.chromium_path()

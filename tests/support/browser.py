"""Headless Chromium for the browser tests: Debian's chromium driven by Playwright's sync API.

Without chromium (or playwright) a browser test is skipped on a developer's machine, but fails
in CI (CI=true): there a skip would silently drop the only check that the page works.
"""

from __future__ import annotations

import importlib
import os
import shutil

import pytest

CHROMIUM_ARGS = [
    "--no-sandbox",
    "--disable-gpu",
    "--no-first-run",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
]
PHONE = {"width": 390, "height": 844}


def in_ci() -> bool:
    return os.environ.get("CI", "").strip().lower() in ("true", "1", "yes")


def unavailable(reason: str):
    """Skip the test, or fail it in CI."""
    if in_ci():
        pytest.fail(f"{reason}; CI must run the browser tests", pytrace=False)
    pytest.skip(reason)


def chromium_path() -> str:
    executable = shutil.which("chromium")
    if executable is None:
        unavailable("Debian's chromium package is not installed (apt-get install chromium)")
    return executable


def sync_api():
    """playwright.sync_api, imported only by the tests that drive a browser."""
    try:
        return importlib.import_module("playwright.sync_api")
    except ImportError:
        unavailable("the playwright package is not installed")


def launch_chromium(playwright):
    return playwright.chromium.launch(executable_path=chromium_path(), args=CHROMIUM_ARGS)

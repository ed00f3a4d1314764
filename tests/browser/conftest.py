"""Browser tests: Playwright drives Debian's Chromium (Playwright cannot download its own browser here)."""

import os

import pytest

CHROMIUM = os.environ.get("CHROMIUM", "/usr/bin/chromium")


@pytest.fixture(autouse=True)
def two_factor_required(settings):
    """Every staff browser test passes the real second factor (off in the test settings; actions.admin_log_in)."""
    settings.TWO_FACTOR_REQUIRED = True


@pytest.fixture(scope="session")
def browser():
    from playwright.sync_api import sync_playwright

    # Playwright's sync API runs an event loop in this thread; the test's own ORM calls are still synchronous.
    previous = os.environ.get("DJANGO_ALLOW_ASYNC_UNSAFE")
    os.environ["DJANGO_ALLOW_ASYNC_UNSAFE"] = "true"
    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(
            executable_path=CHROMIUM,
            args=["--no-sandbox", "--disable-gpu", "--disable-background-networking", "--disable-component-update"],
        )
        yield browser
        browser.close()
    if previous is None:
        del os.environ["DJANGO_ALLOW_ASYNC_UNSAFE"]


@pytest.fixture
def phone_page(browser):
    context = browser.new_context(viewport={"width": 375, "height": 800}, locale="zh-CN")
    page = context.new_page()
    yield page
    context.close()


@pytest.fixture
def open_page(browser, live_server):
    """open_page(viewport) -> a page in a new browser context (a person of his own), closed before the test's
    database is emptied: an editor's page left open keeps autosaving into the next test's flush."""
    from .actions import ADMIN

    contexts = []

    def open_(viewport=ADMIN):
        context = browser.new_context(viewport=viewport, locale="zh-CN", timezone_id="Asia/Shanghai")
        contexts.append(context)
        return context.new_page()

    yield open_
    for context in contexts:
        for page in context.pages:
            # A request still in flight (the editor's autosave) would hold the database while the test's flush runs.
            page.wait_for_load_state("networkidle")
        context.close()

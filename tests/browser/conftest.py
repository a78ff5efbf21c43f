"""A real browser on the admin: Debian's Chromium driven by Playwright against the live server.

One Chromium for all of them, a new context (cookies, downloads) per test, Chinese as a Ningbo
clerk's browser sends it. Every test leaves a screenshot of its last page in test-artifacts/screenshots/.
Without Chromium or the playwright package the tests are skipped, and the session says why.

Live-server tests are transactional: each one ends by emptying every table, the reference data
loaded once for the session (tests/conftest.py) included. What the database held before the first
browser test is kept and put back after each one (baseline.py, `pytest_runtest_teardown`), so every
test, browser or not, finds it as it expects.
"""

from __future__ import annotations

import os
import re
import shutil
from pathlib import Path

import pytest
from django.conf import settings
from django.db import connections
from django.utils import timezone
from pytest_django.plugin import blocking_manager_key

from tests.browser.baseline import restore_baseline, take_baseline

CHROMIUM = "/usr/bin/chromium"
CHROMIUM_FLAGS = [
    "--no-sandbox",
    "--disable-gpu",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--no-first-run",
    # The browser's own language too (the context's locale sets the pages'): date inputs show 年/月/日.
    "--lang=zh-CN",
]
SCREENSHOTS = Path(settings.BASE_DIR) / "test-artifacts" / "screenshots"
TIMEOUT_MS = 20_000  # a generous ceiling for a loaded CI machine; waits end as soon as the page is there


def unavailable_reason() -> str | None:
    try:
        import playwright.sync_api  # noqa: F401
    except ImportError:
        return "the playwright package is not installed (pip install -r requirements.txt)"
    if not (os.path.isfile(CHROMIUM) and os.access(CHROMIUM, os.X_OK)):
        return f"Chromium is not installed at {CHROMIUM} (.ci/setup installs it: apt-get install chromium)"
    return None


_skip_reason = unavailable_reason()
_screenshots_taken: list[Path] = []
_browser_items = 0


def pytest_collection_modifyitems(config, items):
    global _browser_items
    browser_items = [item for item in items if item.get_closest_marker("browser")]
    _browser_items = len(browser_items)
    if _skip_reason:
        for item in browser_items:
            item.add_marker(pytest.mark.skip(reason=f"browser tests skipped: {_skip_reason}"))


def pytest_terminal_summary(terminalreporter):
    if not _browser_items:
        return
    if _skip_reason:
        terminalreporter.write_line(f"browser tests skipped: {_skip_reason}", yellow=True)
    elif _screenshots_taken:
        terminalreporter.write_line(
            f"browser tests: {len(_screenshots_taken)} screenshot(s) of what the clerks saw in {SCREENSHOTS}"
        )


@pytest.hookimpl(wrapper=True)
def pytest_runtest_teardown(item, nextitem):
    # Runs after every fixture of the test is finalised, so after the live server's flush; after the
    # last test of the session the test database itself is gone, and nothing needs the rows any more.
    result = yield
    if item.get_closest_marker("browser") and not _skip_reason:
        with item.config.stash[blocking_manager_key].unblock():
            if nextitem is not None:
                restore_baseline()
            close_connections_of_the_browser_session()
    return result


def close_connections_of_the_browser_session() -> None:
    """While Playwright runs, its event loop counts as running in this thread, so Django keeps the
    thread's database connections apart (as an async context's) from those it had before, and its
    own teardown never sees them. Closed here, none outlives the tests: PostgreSQL refuses to drop a
    test database that someone is still connected to."""
    connections.close_all()


@pytest.fixture(scope="package")
def chromium():
    """One headless Chromium for all the browser tests (they run one after the other: pytest-django
    puts the transactional tests together), launched from Debian's package, never downloaded."""
    from playwright.sync_api import expect, sync_playwright

    # Playwright's sync API keeps an event loop in this thread; the ORM calls the tests make while it
    # runs are still plain synchronous calls, which Django would otherwise refuse.
    unsafe_before = os.environ.get("DJANGO_ALLOW_ASYNC_UNSAFE")
    os.environ["DJANGO_ALLOW_ASYNC_UNSAFE"] = "true"
    expect.set_options(timeout=TIMEOUT_MS)
    shutil.rmtree(SCREENSHOTS, ignore_errors=True)
    SCREENSHOTS.mkdir(parents=True, exist_ok=True)
    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(executable_path=CHROMIUM, headless=True, args=CHROMIUM_FLAGS)
        yield browser
        browser.close()
        close_connections_of_the_browser_session()
    if unsafe_before is None:
        del os.environ["DJANGO_ALLOW_ASYNC_UNSAFE"]
    else:
        os.environ["DJANGO_ALLOW_ASYNC_UNSAFE"] = unsafe_before


@pytest.fixture
def reference_data(transactional_db):
    """Divisions, townships, role groups and the rest of what the session loaded: kept before the first
    browser test, put back after each one (see baseline.py)."""
    take_baseline()


@pytest.fixture
def site(live_server, reference_data) -> str:
    """The live server's address, with the reference data in its (throwaway) database."""
    return live_server.url


@pytest.fixture
def page(chromium, request):
    """A fresh context and page per test (Chinese, Ningbo time); a screenshot of the last page at the end."""
    context = chromium.new_context(
        locale="zh-CN",
        timezone_id="Asia/Shanghai",
        accept_downloads=True,
        viewport={"width": 1366, "height": 900},
    )
    context.set_default_timeout(TIMEOUT_MS)
    context.route("**/favicon.ico", lambda route: route.fulfill(status=204))  # spares a request per page
    page = context.new_page()
    # The browser's own clock (the admin calendar's "today") reads the suite's today: the server's is moved
    # by REGISTRY_TODAY or a test's `today` mark, and the calendar must agree with the form it fills.
    page.clock.set_system_time(timezone.now())
    yield page
    try:
        save_screenshot(page, request.node.name)
    finally:
        context.close()


@pytest.fixture
def screenshot(page, request):
    """Keep a picture of a page the workflow passes through (the last page is kept anyway)."""
    return lambda label: save_screenshot(page, f"{request.node.name}--{label}")


def save_screenshot(page, name: str) -> None:
    path = SCREENSHOTS / f"{re.sub(r'[^A-Za-z0-9_.-]+', '_', name)}.png"
    page.screenshot(path=str(path), full_page=True)
    _screenshots_taken.append(path)

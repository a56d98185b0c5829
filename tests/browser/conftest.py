"""Playwright against Debian's chromium and pytest-django's live server."""

import os

import pytest

# Playwright's sync API runs an event loop in the test thread; the ORM calls the tests
# make to set up data are still synchronous and safe here.
os.environ.setdefault("DJANGO_ALLOW_ASYNC_UNSAFE", "true")

CHROMIUM = "/usr/bin/chromium"


def pytest_collection_modifyitems(config, items):
    """Without Debian's chromium the browser tests are skipped, saying how to get it."""
    if os.access(CHROMIUM, os.X_OK):
        return
    skip = pytest.mark.skip(
        reason=f"{CHROMIUM} is missing: apt-get install -y chromium (as .ci/run does)"
    )
    for item in items:
        if "browser" in item.keywords:
            item.add_marker(skip)


@pytest.fixture(scope="session")
def browser_type_launch_args(browser_type_launch_args):
    return {
        **browser_type_launch_args,
        "executable_path": CHROMIUM,
        "args": [
            "--no-sandbox",
            "--disable-gpu",
            "--disable-quic",
            "--no-first-run",
            "--disable-background-networking",
            "--disable-component-update",
            "--disable-sync",
        ],
    }


@pytest.fixture
def login(page, live_server):
    def _login(username: str, password: str = "demo"):
        # Leave the previous page first: a request it still has in flight (htmx loads
        # panels after the page) would otherwise come back with a fresh CSRF cookie that
        # no longer matches the login form's token.
        page.goto("about:blank")
        page.context.clear_cookies()
        page.goto(f"{live_server.url}/login/")
        page.fill("#id_username", username)
        page.fill("#id_password", password)
        page.click("button[type=submit]")
        page.wait_for_load_state()
        return page

    return _login


def settle(page, selector: str) -> None:
    """Wait until htmx has bound the element it swapped in: a select changed before htmx
    binds its hx-get sends nothing (a race a test, unlike a person, can win)."""
    page.wait_for_function(
        "(selector) => { const el = document.querySelector(selector);"
        " return !!(el && el['htmx-internal-data'] && el['htmx-internal-data'].initHash); }",
        arg=selector,
    )

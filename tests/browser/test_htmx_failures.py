"""A click whose htmx request the server refuses or fails: the page stays, the messages
area says why (the reason of the desk's 403 page) and offers to reload, and nothing
breaks the Content-Security-Policy. With DEBUG on, as `make run` serves, django-htmx's
debug helper used to paste the error response over the page and evaluate its scripts:
the CSP blocked them, a trial counted 16 console errors after "Start investigation".
Without it a refused click did nothing at all."""

import pytest
from django.test import RequestFactory
from django.views.debug import technical_500_response
from playwright.sync_api import expect

from problems.models import Status
from tests.problems.factories import ProblemFactory, problem_manager_user

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

WATCH_CSP = """
window.__csp = [];
document.addEventListener("securitypolicyviolation", (e) => {
  window.__csp.push(`${e.violatedDirective} ${e.blockedURI} at ${e.sourceFile}:${e.lineNumber}`);
});
"""


@pytest.fixture
def debug_on(settings):
    """As `make run` serves the desk."""
    settings.DEBUG = True


@pytest.fixture
def manager():
    return problem_manager_user(username="pm")


def _violations(page) -> list[str]:
    return page.evaluate("window.__csp")


def _script_errors(messages: list[str]) -> list[str]:
    """Console errors other than the refused request's own (Chromium's network line and
    htmx's log of the status)."""
    return [
        m for m in messages if "status of 403" not in m and "Response Status Error Code" not in m
    ]


def test_a_step_someone_took_first_is_explained_on_the_page(
    debug_on, manager, browser, live_server
):
    problem = ProblemFactory(title="Backups fail on Sundays", actor=manager)
    context = browser.new_context()
    context.add_init_script(WATCH_CSP)
    first, second = context.new_page(), context.new_page()
    first.goto(f"{live_server.url}/login/")
    first.fill("#id_username", "pm")
    first.fill("#id_password", "demo")
    first.click("button[type=submit]")
    first.wait_for_load_state()
    errors: list[str] = []
    second.on("console", lambda m: errors.append(m.text) if m.type == "error" else None)
    second.on("pageerror", lambda error: errors.append(str(error)))
    url = f"{live_server.url}/problems/{problem.number}/"
    first.goto(url)
    second.goto(url)

    first.locator("[data-action=start_investigation]").click()
    expect(first.locator("#problem [data-status]")).to_have_attribute(
        "data-status", Status.UNDER_INVESTIGATION
    )
    with second.expect_response(lambda r: r.status == 403):
        second.locator("[data-action=start_investigation]").click()

    alert = second.locator("#messages [role=alert]")
    expect(alert).to_contain_text(f"You may not do this with {problem.number}")
    expect(alert).to_be_focused()
    expect(alert.get_by_role("link", name="Reload the page")).to_have_attribute("href", url)
    expect(second.locator("#problem h1")).to_contain_text("Backups fail on Sundays")
    assert _violations(second) == []
    assert _script_errors(errors) == []
    context.close()


def test_a_server_error_is_reported_without_running_the_error_page(
    debug_on, manager, page, login, live_server
):
    """Django's DEBUG error page carries inline handlers, styles and scripts: none of it
    may reach the document, not even through a detached parse."""
    problem = ProblemFactory(actor=manager, status=Status.UNDER_INVESTIGATION)
    request = RequestFactory().get("/")
    try:
        raise RuntimeError("database is locked")
    except RuntimeError as error:
        debug_page = technical_500_response(request, RuntimeError, error, error.__traceback__)
    page.add_init_script(WATCH_CSP)
    page.route(
        "**/actions/record_known_error/",
        lambda route: route.fulfill(
            status=500, body=debug_page.content, content_type="text/html; charset=utf-8"
        ),
    )
    login("pm")
    page.goto(f"{live_server.url}/problems/{problem.number}/")

    with page.expect_response(lambda r: r.status == 500):
        page.locator("[data-action=record_known_error]").click()

    expect(page.locator("#messages [role=alert]")).to_contain_text(
        "the server refused the request or could not answer it"
    )
    expect(page.locator("#problem")).to_be_visible()
    assert "Traceback" not in page.content()
    assert _violations(page) == []

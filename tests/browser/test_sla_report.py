"""The customer SLA report in a browser: the desk manager goes from the dashboard to the
reports, opens last month's for a customer, reads the availability of a service that had
an outage, opens the printable view, and sends the report to two contacts (htmx, no
reload); no console error and no CSP violation on the way."""

from datetime import datetime, time, timedelta
from decimal import Decimal

import pytest
from django.core import mail
from django.utils import timezone

from incidents.models import Incident
from servicedesk import roles
from tests.browser.test_csp_console import watched  # noqa: F401  (fixture)
from tests.factories import (
    ContactFactory,
    IncidentFactory,
    OrganisationFactory,
    ServiceFactory,
    SlaPolicyFactory,
    UserFactory,
)

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


@pytest.fixture
def contract(settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path
    UserFactory(username="desk_manager", roles=[roles.DESK_MANAGER])
    organisation = OrganisationFactory(name="Northwind", contract_number="C-1001")
    network = ServiceFactory(name="Managed network")
    policy = SlaPolicyFactory(
        organisation=organisation,
        availability_target_percent=Decimal("99.9"),
        monthly_fee=Decimal("4800"),
        credit_per_downtime_hour_percent=Decimal("5"),
    )
    policy.services.set([network])
    jana = ContactFactory(organisation=organisation, name="Jana Becker", email="jana@nw.test")
    ContactFactory(organisation=organisation, name="Lisa Wagner", email="lisa@nw.test")
    # Last month, the Wednesday of its second week, 10:00–12:00 local time.
    first = (timezone.localdate().replace(day=1) - timedelta(days=1)).replace(day=1)
    wednesday = first + timedelta(days=7 + (2 - first.weekday()) % 7)
    start = timezone.make_aware(datetime.combine(wednesday, time(10)))
    major = IncidentFactory(service=network, contact=jana)
    Incident.objects.filter(pk=major.pk).update(
        is_major=True, outage_started_at=start, outage_ended_at=start + timedelta(hours=2)
    )
    return {"month": first, "major": major}


def test_the_desk_manager_reads_prints_and_sends_last_month_s_report(
    contract,
    watched,  # noqa: F811
    login,
    live_server,
):
    page = login("desk_manager")
    page.click("[data-reports]")
    page.wait_for_load_state()
    assert page.url == f"{live_server.url}/manager/reports/"
    page.locator("[data-report-list] tr", has_text="Northwind").locator("a").first.click()
    page.wait_for_load_state()
    assert page.url.endswith(f"/manager/reports/C-1001/{contract['month']:%Y-%m}/")

    row = page.locator('[data-availability] tr[data-service="Managed network"]')
    assert "2 h" in row.inner_text() and "missed" in row.inner_text()
    assert contract["major"].number in row.inner_text()  # staff see which major incident
    assert page.locator("[data-credit-due]").inner_text().strip().endswith("EUR")

    with page.context.expect_page() as printed:
        page.click("[data-print-link]")
    document = printed.value
    document.wait_for_load_state()
    assert "Managed network" in document.inner_text("body")
    assert contract["major"].number not in document.content()
    document.close()

    assert page.locator('input[name="recipients"]:checked').count() == 2
    with page.expect_response(lambda r: r.url.endswith("/send/")):
        page.click("[data-send]")
    page.wait_for_selector("#report-send [role=status]")
    assert "2 contacts" in page.inner_text("#report-send")
    assert "Jana Becker, Lisa Wagner" in page.inner_text("[data-sendings]")
    reports = [m for m in mail.outbox if m.subject.startswith("Service level report")]
    assert sorted(m.to[0] for m in reports) == ["jana@nw.test", "lisa@nw.test"]
    assert page.problems() == []

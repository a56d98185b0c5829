"""The portal walk-through of the intake issue, in a real browser: a contact raises a
service request through a catalogue form with its own questions, support completes it,
and the contact confirms it and rates it with one click."""

import re

import pytest
from playwright.sync_api import expect

from incidents import services
from incidents.models import Incident, SatisfactionRating, Status
from servicedesk import roles
from servicedesk.models import Line, ServiceFormField
from tests.factories import (
    ContactFactory,
    OrganisationFactory,
    ServiceFactory,
    SupportGroupFactory,
    UserFactory,
)

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


@pytest.fixture
def desk():
    l2 = UserFactory(username="l2", first_name="Lars", last_name="Two", roles=[roles.L2_AGENT])
    group = SupportGroupFactory(name="Platform Operations", line=Line.L2, members=[l2])
    org = OrganisationFactory(name="Northwind Hosting", contract_number="C-1001")
    contact = ContactFactory(
        organisation=org,
        name="Jana Becker",
        email="jana@northwind.example",
        with_login=True,
        user__username="jana",
    )
    service = ServiceFactory(
        name="Virtual servers", portal_description="Managed virtual machines in Frankfurt."
    )
    kinds = ServiceFormField.Kind
    questions = {}
    for order, (label, kind, choices, required) in enumerate(
        [
            ("Hostname", kinds.TEXT, "", True),
            ("Size", kinds.CHOICE, "Small\nMedium\nLarge", True),
            ("vCPUs", kinds.NUMBER, "", True),
            ("Wanted by", kinds.DATE, "", False),
        ]
    ):
        questions[label] = service.form_fields.create(
            label=label, kind=kind, choices=choices, required=required, order=order
        )
    return {"l2": l2, "group": group, "contact": contact, "questions": questions}


def test_a_contact_raises_a_request_through_the_catalogue_and_confirms_it(desk, login, live_server):
    q = {label: f"#id_q_{field.pk}" for label, field in desk["questions"].items()}
    page = login("jana")
    expect(page.locator("h1")).to_have_text("Tickets of Northwind Hosting")

    # The catalogue, and the service's own form.
    page.get_by_role("link", name="Service catalogue").click()
    card = page.locator(".service-card", has_text="Virtual servers")
    expect(card).to_contain_text("Managed virtual machines in Frankfurt.")
    card.get_by_role("link", name="Request something").click()
    expect(page.locator("h1")).to_have_text("Raise a ticket: Virtual servers")
    expect(page.locator("input[name=kind][value=request]")).to_be_checked()

    # Forgetting the required questions: errors next to them, and nothing typed is lost.
    page.fill("#id_title", "New VM for the reporting team")
    page.fill("#id_description", "Needed for the quarterly reporting run.")
    page.fill(q["vCPUs"], "4")
    page.get_by_role("button", name="Send").click()
    expect(page.locator(f"#field-q_{desk['questions']['Hostname'].pk} .error")).to_be_visible()
    expect(page.locator(f"#field-q_{desk['questions']['Size'].pk} .error")).to_be_visible()
    expect(page.locator("#id_title")).to_have_value("New VM for the reporting team")
    expect(page.locator(q["vCPUs"])).to_have_value("4")

    page.fill(q["Hostname"], "nw-report-01")
    page.select_option(q["Size"], "Large")
    page.fill(q["Wanted by"], "2026-12-04")
    page.get_by_label("Low: a minor inconvenience").check()
    page.get_by_role("button", name="Send").click()

    expect(page.locator(".portal-head h1")).to_contain_text("New VM for the reporting team")
    number = page.locator(".portal-head .number").inner_text()
    assert re.fullmatch(r"REQ-\d{6}", number)
    expect(page.locator("[data-status]")).to_have_text("Registered")
    answers = page.locator("dl.answers")
    expect(answers).to_contain_text("nw-report-01")
    expect(answers).to_contain_text("Large")
    expect(answers).to_contain_text("2026-12-04")

    # Support does the work.
    incident = Incident.objects.get(number=number)
    l2 = desk["l2"]
    services.incident_assign(incident=incident, group=desk["group"], assignee=l2, actor=l2)
    services.incident_start_work(incident=incident, actor=l2)
    services.incident_complete(
        incident=incident,
        closure_code="fulfilled",
        resolution="nw-report-01 is ready: 4 vCPUs, Large.",
        actor=l2,
    )

    # The contact comes back, confirms, and rates with one click.
    page.reload()
    expect(page.locator("[data-status]")).to_have_text("Completed")
    expect(page.locator("#timeline")).to_contain_text("nw-report-01 is ready")
    page.get_by_role("button", name="Yes, it is solved").click()
    expect(page.locator("[data-status]")).to_have_text("Closed")
    expect(page.locator("#ticket")).to_contain_text("The ticket is now closed")
    page.locator("[data-score='5']").click()
    expect(page.locator("#rating")).to_contain_text("you rated this ticket 5 out of 5")

    incident.refresh_from_db()
    assert incident.status == Status.CLOSED
    assert SatisfactionRating.objects.get(incident=incident).score == 5
    assert incident.answers[0] == {"label": "Hostname", "value": "nw-report-01"}

    # Back on the list, the ticket is under Closed.
    page.get_by_role("link", name="All tickets").click()
    expect(page.locator("main")).to_contain_text("Nothing open")
    expect(page.locator("main")).not_to_contain_text(number)
    page.get_by_role("link", name="Closed").click()
    expect(page.locator("#ticket-list")).to_contain_text(number)

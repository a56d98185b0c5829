"""Major incidents in a browser (issue 12): the service desk manager declares a ticket a
major incident, links two other customers' tickets to it (one by number, one from the
suggestions), posts an update that reaches every affected contact once, and resolves it:
the children are completed with the same resolution. No console or script error and no
answer of 500 or more on the way."""

import pytest
from django.core import mail
from playwright.sync_api import expect

from incidents.models import Incident, Status
from servicedesk import roles
from servicedesk.models import Line
from tests.factories import (
    ContactFactory,
    IncidentFactory,
    OrganisationFactory,
    ServiceFactory,
    SupportGroupFactory,
    UserFactory,
    make_incident_in,
)

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

UPDATE = "A storage switch failed; engineers are replacing it."
RESOLUTION = "The storage switch was replaced; all buckets answer again."


@pytest.fixture
def desk():
    manager = UserFactory(
        username="boss", first_name="Sabine", last_name="Krüger", roles=[roles.DESK_MANAGER]
    )
    group = SupportGroupFactory(name="Platform Operations", line=Line.L2, members=[manager])
    storage = ServiceFactory(name="Object storage")
    northwind = OrganisationFactory(name="Northwind Hosting")
    contoso = OrganisationFactory(name="Contoso Cloud")
    jana = ContactFactory(organisation=northwind, name="Jana Becker", email="jana@nw.example")
    oliver = ContactFactory(organisation=contoso, name="Oliver Hughes", email="oliver@cc.example")
    priya = ContactFactory(organisation=contoso, name="Priya Shah", email="priya@cc.example")
    parent = make_incident_in(
        "in_progress",
        actor=manager,
        group=group,
        assignee=manager,
        contact=jana,
        service=storage,
        title="S3 endpoint answers 503",
    )
    by_number = IncidentFactory(contact=oliver, service=storage, title="Backups to S3 fail")
    suggested = IncidentFactory(contact=priya, service=storage, title="Uploads time out")
    return {"parent": parent, "by_number": by_number, "suggested": suggested}


@pytest.fixture
def watched(page):
    problems: list[str] = []
    page.on(
        "console",
        lambda message: (
            problems.append(f"console: {message.text}") if message.type == "error" else None
        ),
    )
    page.on("pageerror", lambda error: problems.append(f"page error: {error}"))
    page.on(
        "response",
        lambda response: (
            problems.append(f"{response.status} {response.url}") if response.status >= 500 else None
        ),
    )
    page.problems = problems
    return page


def test_declare_link_two_children_post_an_update_and_resolve(desk, watched, login, live_server):
    page = watched
    parent, by_number, suggested = desk["parent"], desk["by_number"], desk["suggested"]
    panel = page.locator("#major-panel")

    # 1. Declare: the form opens in the action panel, the ticket comes back as major.
    login("boss")
    page.goto(f"{live_server.url}/tickets/{parent.number}/")
    page.locator("[data-action=declare_major]").click()
    expect(page.locator("#id_reason")).to_be_visible()
    page.fill("#id_reason", "Object storage down for several customers")
    page.locator("[data-submit=declare_major]").click()
    expect(page.locator(".badges [data-major]")).to_have_text("Major incident")
    expect(panel).to_be_visible()
    assert Incident.objects.get(pk=parent.pk).is_major

    # 2. Link one ticket by its number, the other from the suggestions.
    page.fill("#id_numbers", by_number.number)
    panel.locator("[data-major-link]").click()
    expect(panel.locator(f'[data-child="{by_number.number}"]')).to_be_visible()
    suggestion = panel.locator(f'[data-suggestion="{suggested.number}"]')
    suggestion.get_by_role("button").click()
    expect(panel.locator(f'[data-child="{suggested.number}"]')).to_be_visible()
    assert set(Incident.objects.get(pk=parent.pk).children.all()) == {by_number, suggested}

    # 3. Post an update: it is in the log, and each affected contact got it once.
    page.fill("#id_text", UPDATE)
    panel.locator("[data-major-post-update]").click()
    expect(panel.locator("[data-major-updates]")).to_contain_text(UPDATE)
    told = sorted(m.to[0] for m in mail.outbox if UPDATE in m.body)
    assert told == ["jana@nw.example", "oliver@cc.example", "priya@cc.example"]

    # 4. Resolve it with the ticket's own Complete: the children follow.
    page.locator("[data-action=complete]").click()
    page.select_option("#id_closure_code", "resolved")
    page.fill("#id_resolution", RESOLUTION)
    page.locator("[data-submit=complete]").click()
    expect(page.locator(".badges [data-status]")).to_have_text("Completed")
    for child in (by_number, suggested):
        child.refresh_from_db()
        assert child.status == Status.COMPLETED
        assert child.closure_code == "resolved"
    resolved = [m.to[0] for m in mail.outbox if RESOLUTION in m.body]
    assert sorted(resolved) == ["jana@nw.example", "oliver@cc.example", "priya@cc.example"]
    expect(panel.locator("[data-outage-end] time")).to_be_visible()

    assert page.problems == []


def test_a_call_on_the_service_is_linked_at_intake_and_a_ticket_found_by_organisation(
    desk, watched, login, live_server, django_user_model
):
    """On *Log a call*, choosing the service of an open major incident proposes it; ticked,
    the call is registered as its child. On the major incident's page a ticket is found
    by its organisation's name and linked, and a new manager is named and told."""
    from incidents import services
    from servicedesk.models import InAppNotification

    page = watched
    parent, older = desk["parent"], desk["by_number"]
    boss = django_user_model.objects.get(username="boss")
    services.incident_declare_major(
        incident=parent, manager=boss, reason="Object storage down", actor=boss
    )
    UserFactory(username="duty", first_name="Tom", last_name="Duty", roles=[roles.L2_AGENT])
    login("boss")

    # 1. Log a call: the service's open major incident is proposed; tick it and register.
    page.goto(f"{live_server.url}/tickets/new/")
    page.fill("#contact-search", "Oliver")
    page.locator("button.pick", has_text="Oliver Hughes").click()
    expect(page.locator(".contact-card")).to_contain_text("authorised")
    page.fill("#id_title", "Our uploads fail with 503")
    page.select_option("#id_service", label="Object storage")
    hint = page.locator(f'[data-major-hint="{parent.number}"]')
    expect(hint).to_contain_text("S3 endpoint answers 503")
    hint.get_by_label(f"Link to {parent.number} (major incident on this service)").check()
    page.get_by_role("button", name="Register ticket").click()
    expect(page.locator("#major-member")).to_contain_text(parent.number)
    call = Incident.objects.get(title="Our uploads fail with 503")
    assert call.parent_id == parent.pk

    # 2. On the major incident's page: find a ticket by its organisation and link it.
    page.goto(f"{live_server.url}/tickets/{parent.number}/")
    panel = page.locator("#major-panel")
    page.fill("#major-search", "Contoso")
    candidate = panel.locator(f'[data-candidate="{older.number}"]')
    expect(candidate).to_be_visible()
    candidate.get_by_role("button").click()
    expect(panel.locator(f'[data-child="{older.number}"]')).to_be_visible()
    assert Incident.objects.get(pk=older.pk).parent_id == parent.pk

    # 3. Hand it over to the L2 agent on duty, who is told.
    panel.locator(".major-manager summary").click()
    panel.get_by_label("Major incident manager").select_option(label="Tom Duty")
    panel.locator("[data-major-hand-over]").click()
    expect(panel.locator("[data-major-notice]")).to_contain_text("Tom Duty manages")
    assert InAppNotification.objects.filter(
        recipient__username="duty", event="major_manager_named"
    ).exists()

    assert page.problems == []

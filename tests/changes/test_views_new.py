"""Raising a change at /changes/new/: the form, its prefills (a template, the problems and
incidents it answers), errors next to their field with nothing typed lost, the risk
preview and the configuration items offered for the services chosen."""

from datetime import UTC, datetime

import pytest
from django.urls import reverse

from changes.models import ChangeRequest, ChangeType, Risk, StandardChangeTemplate, Status
from tests.changes.page_helpers import HTMX, body, error_of
from tests.factories import ConfigurationItemFactory, IncidentFactory, ServiceFactory
from tests.problems.factories import ProblemFactory

pytestmark = pytest.mark.django_db

NEW = "/changes/new/"


def _plan(**changes) -> dict:
    data = {
        "change_type": "normal",
        "title": "Patch the mail relays",
        "description": "Apply the vendor's security patch.",
        "impact": "medium",
        "likelihood": "low",
        "backout_plan": "Reinstall the previous package.",
        "planned_start": "2026-06-01T22:00",
        "planned_end": "2026-06-01T23:30",
    }
    data.update(changes)
    return data


@pytest.fixture
def template() -> StandardChangeTemplate:
    template = StandardChangeTemplate.objects.create(
        name="Renew a TLS certificate",
        description="Replace the certificate before it expires.",
        backout_plan="Put the old certificate back.",
        risk=Risk.LOW,
    )
    template.services.add(ServiceFactory.create(name="Web hosting"))
    return template


def test_the_route_is_named_and_plain(l2, client):
    assert reverse("changes:new") == NEW
    client.force_login(l2)
    html = body(client.get(NEW))
    assert 'type="datetime-local"' in html and 'name="notify_customers"' in html
    assert '<option value="normal" selected>' in html


def test_staff_raise_a_draft_with_links_and_go_to_its_page(client, l2, settings):
    settings.TIME_ZONE = "Europe/Berlin"
    web = ServiceFactory(name="Web hosting")
    node = ConfigurationItemFactory(name="mx-01")
    problem, incident = ProblemFactory(), IncidentFactory()
    client.force_login(l2)
    response = client.post(
        NEW,
        _plan(
            services=[web.pk],
            configuration_items=[node.pk],
            problems=problem.number.lower(),
            incidents=f"{incident.number},",
            tested="on",
            notify_customers="on",
            implementer=l2.pk,
        ),
    )
    change = ChangeRequest.objects.get()
    assert response.status_code == 302
    assert response["Location"] == reverse("changes:detail", args=[change.number])
    assert change.status == Status.DRAFT and change.requested_by == l2
    assert change.planned_start == datetime(2026, 6, 1, 20, 0, tzinfo=UTC)  # typed in Berlin
    assert change.risk == Risk.MEDIUM and change.notify_customers and change.implementer == l2
    assert set(change.services.all()) == {web, node.service}
    assert list(change.problems.all()) == [problem]
    assert list(change.incidents.all()) == [incident]
    assert f"{change.number} is raised." in body(client.get(response["Location"]))


def test_problem_and_incident_numbers_in_the_url_prefill_the_links(client, l2):
    client.force_login(l2)
    html = body(client.get(f"{NEW}?problem=prb-000004&incident=INC-000001,INC-000002"))
    assert 'value="PRB-000004"' in html
    assert 'value="INC-000001, INC-000002"' in html


def test_a_template_in_the_url_preselects_it_and_prefills_the_plan(client, l2, template):
    client.force_login(l2)
    html = body(client.get(f"{NEW}?template={template.pk}"))
    assert f'<option value="{template.pk}" selected>' in html
    assert '<option value="standard" selected>' in html
    assert 'value="Renew a TLS certificate"' in html and "Put the old certificate back." in html
    assert 'data-risk="low"' in html


def test_choosing_a_template_fills_what_was_left_empty_and_keeps_what_was_typed(
    client, l2, template
):
    client.force_login(l2)
    response = client.post(
        NEW,
        {"template": template.pk, "title": "My own title", "apply_template": "1"},
        headers=HTMX,
    )
    assert response.status_code == 200
    html = body(response)
    assert html.lstrip().startswith('<div id="change-form">')
    assert 'value="My own title"' in html and "Put the old certificate back." in html
    assert '<option value="standard" selected>' in html
    assert ChangeRequest.objects.count() == 0


def test_without_javascript_the_template_button_redraws_the_page(client, l2, template):
    client.force_login(l2)
    response = client.post(NEW, {"template": template.pk, "apply_template": "1"})
    assert response.status_code == 200
    html = body(response)
    assert "<html" in html and "Replace the certificate before it expires." in html
    assert 'class="error"' not in html


def test_a_standard_change_from_a_template_is_raised_standard(client, l2, template):
    client.force_login(l2)
    response = client.post(
        NEW, _plan(change_type="standard", template=template.pk, backout_plan="")
    )
    assert response.status_code == 302
    change = ChangeRequest.objects.get()
    assert change.change_type == ChangeType.STANDARD and change.template == template
    assert change.backout_plan == "Put the old certificate back."  # filled by the template


def test_a_standard_change_needs_its_template_and_keeps_the_input(client, l2):
    client.force_login(l2)
    response = client.post(NEW, _plan(change_type="standard", title="Typed title"))
    assert response.status_code == 422
    html = body(response)
    assert "Choose the template" in error_of(html, "template")
    assert 'value="Typed title"' in html and "Apply the vendor&#x27;s security patch." in html
    assert ChangeRequest.objects.count() == 0


def test_unknown_numbers_are_named_next_to_their_field(client, l2):
    client.force_login(l2)
    response = client.post(NEW, _plan(problems="PRB-999998, prb-999999", incidents="INC-4242"))
    assert response.status_code == 422
    html = body(response)
    assert "PRB-999998, PRB-999999" in error_of(html, "problems")
    assert "INC-4242" in error_of(html, "incidents")
    assert 'value="PRB-999998, prb-999999"' in html


@pytest.mark.parametrize(
    ("changes", "field", "message"),
    [
        ({"title": ""}, "title", "This field is required."),
        ({"planned_end": "2026-06-01T21:00"}, "planned_end", "must end after it starts"),
        ({"planned_end": ""}, "planned_end", "start and end"),
        ({"planned_start": "tomorrow"}, "planned_start", "Enter a valid date/time."),
        ({"impact": "huge"}, "impact", "Select a valid choice."),
    ],
)
def test_bad_input_is_refused_next_to_its_field(client, l2, changes, field, message):
    client.force_login(l2)
    response = client.post(NEW, _plan(**changes))
    assert response.status_code == 422
    assert message in error_of(body(response), field)
    assert "Apply the vendor&#x27;s security patch." in body(response)


@pytest.mark.parametrize(
    ("answers", "risk"),
    [
        ("impact=low&likelihood=low&tested=on&backout_tested=on", "low"),
        ("impact=medium&likelihood=medium&tested=on", "medium"),
        ("impact=high&likelihood=high", "high"),
        ("impact=nonsense&likelihood=low&tested=on&backout_tested=on", "low"),
    ],
)
def test_the_risk_preview_follows_the_answers(client, l2, answers, risk):
    client.force_login(l2)
    response = client.get(f"/changes/new/risk/?{answers}", headers=HTMX)
    assert response.status_code == 200
    assert f'data-risk="{risk}"' in body(response)


def test_the_items_offered_follow_the_services_and_keep_those_chosen(client, l2):
    web, mail = ServiceFactory(name="Web"), ServiceFactory(name="Mail")
    www = ConfigurationItemFactory(name="www-01", service=web)
    mx = ConfigurationItemFactory(name="mx-01", service=mail)
    client.force_login(l2)
    html = body(client.get(f"/changes/new/configuration-items/?services={web.pk}", headers=HTMX))
    assert "www-01" in html and "mx-01" not in html
    html = body(
        client.get(
            f"/changes/new/configuration-items/?services={web.pk}&configuration_items={mx.pk}"
        )
    )
    assert f'<option value="{mx.pk}" selected>' in html and f'value="{www.pk}"' in html
    html = body(client.get("/changes/new/configuration-items/"))
    assert "www-01" in html and "mx-01" in html

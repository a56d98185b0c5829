"""The ticket page's CC panel: agents add and remove other contacts of the organisation,
with and without htmx; everyone else is refused."""

import pytest
from django.urls import reverse

from incidents.models import Status, TicketCc
from tests.factories import ContactFactory, make_incident_in

pytestmark = pytest.mark.django_db
HTMX = {"HX-Request": "true"}


@pytest.fixture
def ticket(org_a, desk_manager):
    contact = ContactFactory(organisation=org_a, name="Priya Shah", email="priya@a.test")
    return make_incident_in(Status.ASSIGNED, contact=contact, actor=desk_manager)


@pytest.fixture
def colleague(org_a):
    return ContactFactory(organisation=org_a, name="Omar Reyes", email="omar@a.test")


def cc_url(ticket):
    return reverse("incidents:cc", args=[ticket.number])


def test_the_ticket_page_offers_the_organisations_other_contacts(
    client, l2, ticket, colleague, org_b
):
    ContactFactory(organisation=org_b, name="Eve Elsewhere", email="eve@b.test")
    client.force_login(l2)
    page = client.get(reverse("incidents:detail", args=[ticket.number])).content.decode()
    assert 'id="cc-panel"' in page
    assert "Omar Reyes &lt;omar@a.test&gt;" in page
    assert "Eve Elsewhere" not in page
    assert "priya@a.test&gt;</option>" not in page  # the contact is not offered as a CC


def test_a_plain_post_adds_and_redirects_to_the_ticket(client, l2, ticket, colleague):
    client.force_login(l2)
    response = client.post(cc_url(ticket), {"contact": colleague.pk})
    assert response.status_code == 302
    assert response["Location"] == reverse("incidents:detail", args=[ticket.number])
    assert TicketCc.objects.get().contact == colleague


def test_htmx_gets_the_panel_back(client, l2, ticket, colleague):
    client.force_login(l2)
    response = client.post(cc_url(ticket), {"contact": colleague.pk}, headers=HTMX)
    assert response.status_code == 200
    body = response.content.decode()
    assert body.lstrip().startswith('<section id="cc-panel"')
    assert 'data-cc="omar@a.test"' in body


@pytest.mark.parametrize("htmx", [False, True])
def test_a_contact_of_another_organisation_gets_an_error_next_to_the_field(
    client, l2, ticket, org_b, htmx
):
    stranger = ContactFactory(organisation=org_b, email="eve@b.test")
    client.force_login(l2)
    response = client.post(cc_url(ticket), {"contact": stranger.pk}, headers=HTMX if htmx else {})
    assert response.status_code == 422
    body = response.content.decode()
    assert 'id="field-contact"' in body and 'class="error"' in body
    assert not TicketCc.objects.exists()


def test_removing_works_without_javascript(client, l2, ticket, colleague):
    client.force_login(l2)
    client.post(cc_url(ticket), {"contact": colleague.pk})
    entry = TicketCc.objects.get()
    response = client.post(reverse("incidents:cc_remove", args=[ticket.number, entry.pk]))
    assert response.status_code == 302
    assert not TicketCc.objects.exists()
    again = client.post(reverse("incidents:cc_remove", args=[ticket.number, entry.pk]))
    assert again.status_code == 302  # already gone: said plainly on the CC page


@pytest.mark.parametrize("who", ["problem_manager", "contact_a", "outsider"])
def test_others_may_not_change_the_cc(client, actors, who, ticket, colleague):
    client.force_login(actors[who])
    response = client.post(cc_url(ticket), {"contact": colleague.pk})
    assert response.status_code in (403, 404)
    assert not TicketCc.objects.exists()


def test_the_cc_page_without_javascript(client, l2, ticket):
    client.force_login(l2)
    response = client.get(cc_url(ticket))
    assert response.status_code == 200
    assert 'id="cc-panel"' in response.content.decode()
    assert client.put(cc_url(ticket)).status_code == 405

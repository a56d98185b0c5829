"""A form sent twice makes one ticket (issue 7, defect 16): the portal's raise form and
L1's log-a-call form carry a one-time token; the same token again shows the first
ticket, also when the second request races the first (the unique constraint decides)."""

import re

import pytest
from django.urls import reverse

from incidents.intake.idempotency import form_scope
from incidents.intake.models import Submission
from incidents.models import Incident
from servicedesk.models import Impact, Urgency
from tests.factories import IncidentFactory
from tests.portal.test_raise import valid_post

pytestmark = pytest.mark.django_db


def token_in(page: str) -> str:
    match = re.search(r'name="submission" value="([0-9a-f]{32})"', page)
    assert match, "no submission token in the form"
    return match.group(1)


class TestPortalRaise:
    def test_the_form_carries_a_fresh_token(self, client, contact_a, service):
        client.force_login(contact_a)
        url = reverse("portal:raise", args=[service.pk])
        first = token_in(client.get(url).content.decode())
        second = token_in(client.get(url).content.decode())
        assert first != second

    def test_a_double_submit_makes_one_ticket(self, client, contact_a, service):
        client.force_login(contact_a)
        url = reverse("portal:raise", args=[service.pk])
        data = valid_post(service, submission=token_in(client.get(url).content.decode()))
        first = client.post(url, data)
        second = client.post(url, data)
        incident = Incident.objects.get()
        target = reverse("portal:ticket", args=[incident.number])
        assert (first.status_code, first["Location"]) == (302, target)
        assert (second.status_code, second["Location"]) == (302, target)

    def test_two_forms_make_two_tickets(self, client, contact_a, service):
        client.force_login(contact_a)
        url = reverse("portal:raise", args=[service.pk])
        for _ in range(2):
            data = valid_post(service, submission=token_in(client.get(url).content.decode()))
            assert client.post(url, data).status_code == 302
        assert Incident.objects.count() == 2

    def test_the_loser_of_a_race_gets_the_winners_ticket(self, client, contact_a, service):
        """The winner committed its claim between the loser's checks: the loser's insert
        hits the unique constraint and answers with the winner's ticket."""
        winner = IncidentFactory(contact=contact_a.contact)
        key = "a" * 32
        Submission.objects.create(scope=form_scope(contact_a), key=key, incident=winner)
        client.force_login(contact_a)
        url = reverse("portal:raise", args=[service.pk])
        response = client.post(url, valid_post(service, submission=key))
        assert response["Location"] == reverse("portal:ticket", args=[winner.number])
        assert Incident.objects.count() == 1

    def test_another_users_token_is_not_theirs(self, client, contact_a, contact_b, service):
        """Tokens are scoped to who sends them: nobody reaches another's ticket by one."""
        other = IncidentFactory(contact=contact_b.contact)
        key = "b" * 32
        Submission.objects.create(scope=form_scope(contact_b), key=key, incident=other)
        client.force_login(contact_a)
        url = reverse("portal:raise", args=[service.pk])
        response = client.post(url, valid_post(service, submission=key))
        assert response.status_code == 302
        assert response["Location"] != reverse("portal:ticket", args=[other.number])
        assert Incident.objects.count() == 2

    def test_a_refused_form_keeps_its_token_and_can_be_sent_again(self, client, contact_a, service):
        client.force_login(contact_a)
        url = reverse("portal:raise", args=[service.pk])
        key = token_in(client.get(url).content.decode())
        refused = client.post(url, valid_post(service, submission=key, title=""))
        assert refused.status_code == 422
        assert token_in(refused.content.decode()) == key
        assert client.post(url, valid_post(service, submission=key)).status_code == 302
        assert Incident.objects.count() == 1


class TestLogCall:
    def test_a_double_submit_makes_one_ticket(self, client, l1, contact_a):
        client.force_login(l1)
        url = reverse("incidents:log_call")
        key = token_in(client.get(url).content.decode())
        data = {
            "contact": contact_a.contact.pk,
            "kind": "incident",
            "title": "Mail is down",
            "description": "Since 9am",
            "category": "outage",
            "urgency": Urgency.HIGH,
            "impact": Impact.HIGH,
            "submission": key,
        }
        first = client.post(url, data)
        second = client.post(url, data)
        incident = Incident.objects.get()
        target = reverse("incidents:detail", args=[incident.number])
        assert (first["Location"], second["Location"]) == (target, target)

"""A new ticket on a service with an open major incident is proposed for linking at
intake: on the log-a-call form (incidents/views/log_call.py) as soon as the service is
chosen, with a box that links it when the call is registered; and on the ticket page of a
ticket that arrived by portal, email or monitoring."""

import pytest
from django.contrib.messages import get_messages
from django.urls import reverse

from incidents import services
from incidents.models import Channel, Incident, Status
from servicedesk.models import Impact, Urgency
from tests.factories import IncidentFactory, ServiceFactory, make_incident_in

pytestmark = pytest.mark.django_db
HTMX = {"HX-Request": "true"}


@pytest.fixture
def storage():
    return ServiceFactory(name="Object storage")


@pytest.fixture
def major(desk_manager, contact_a, storage):
    incident = make_incident_in(
        Status.IN_PROGRESS,
        actor=desk_manager,
        contact=contact_a.contact,
        service=storage,
        title="S3 endpoint answers 503",
    )
    return services.incident_declare_major(
        incident=incident, manager=desk_manager, reason="Storage down", actor=desk_manager
    )


def call(contact, service, **extra):
    return {
        "contact": contact.pk,
        "kind": "incident",
        "title": "Cannot upload to the bucket",
        "category": "outage",
        "service": service.pk,
        "urgency": Urgency.HIGH,
        "impact": Impact.LOW,
        **extra,
    }


def new_ticket() -> Incident:
    return Incident.objects.filter(is_major=False).get()


class TestTheHint:
    def test_choosing_the_service_proposes_its_open_major_incident(
        self, client, l1, major, storage
    ):
        client.force_login(l1)
        response = client.get(
            reverse("incidents:log_call_major"),
            {"service": storage.pk, "kind": "incident"},
            headers=HTMX,
        )
        html = response.content.decode()
        assert response.status_code == 200
        assert f'data-major-hint="{major.number}"' in html
        assert major.title in html
        assert f'name="link_major" value="{major.number}"' in html
        assert "checked" not in html  # proposed, never linked unasked

    def test_nothing_is_proposed_for_another_service_a_request_or_a_resolved_one(
        self, client, l1, major, storage, desk_manager
    ):
        client.force_login(l1)
        hint = reverse("incidents:log_call_major")
        other = ServiceFactory()
        for query in (
            {"service": other.pk, "kind": "incident"},
            {"service": storage.pk, "kind": "request"},
            {"service": "", "kind": "incident"},
            {"service": "nonsense"},
        ):
            assert "data-major-hint" not in client.get(hint, query).content.decode()
        services.incident_complete(
            incident=major, closure_code="resolved", resolution="Fixed", actor=desk_manager
        )
        assert "data-major-hint" not in client.get(hint, {"service": storage.pk}).content.decode()

    def test_the_form_reloads_the_hint_when_the_service_or_kind_changes(self, client, l1):
        client.force_login(l1)
        html = client.get(reverse("incidents:log_call")).content.decode()
        assert 'id="log-call-major"' in html
        assert 'hx-trigger="change from:#id_service, change from:#id_kind"' in html

    def test_a_refused_form_keeps_the_hint_and_the_tick(
        self, client, l1, major, storage, contact_a
    ):
        client.force_login(l1)
        data = call(contact_a.contact, storage, link_major=major.number, title="")
        response = client.post(reverse("incidents:log_call"), data)
        html = response.content.decode()
        assert response.status_code == 422
        assert f'data-major-hint="{major.number}"' in html
        assert f'value="{major.number}" checked' in html
        assert not Incident.objects.filter(is_major=False).exists()


class TestLinkingOnSave:
    def test_the_ticked_call_is_registered_and_linked(self, client, l1, major, storage, contact_a):
        client.force_login(l1)
        response = client.post(
            reverse("incidents:log_call"),
            call(contact_a.contact, storage, link_major=major.number.lower()),
        )
        ticket = new_ticket()
        assert response.status_code == 302
        assert response["Location"] == reverse("incidents:detail", args=[ticket.number])
        assert ticket.parent_id == major.pk
        assert ticket.channel == Channel.PHONE
        assert [str(m) for m in get_messages(response.wsgi_request)] == [
            f"{ticket.number} is part of major incident {major.number}."
        ]
        reasons = list(ticket.history.values_list("history_change_reason", flat=True))
        assert f"Linked to major incident {major.number}" in reasons

    def test_an_unticked_call_is_not_linked_and_its_page_still_proposes_it(
        self, client, l1, major, storage, contact_a
    ):
        client.force_login(l1)
        response = client.post(reverse("incidents:log_call"), call(contact_a.contact, storage))
        ticket = new_ticket()
        assert ticket.parent_id is None
        html = client.get(response["Location"]).content.decode()
        assert 'id="major-proposal"' in html

    def test_a_request_or_a_major_incident_of_another_service_is_refused_next_to_the_box(
        self, client, l1, major, storage, contact_a
    ):
        client.force_login(l1)
        for data in (
            call(contact_a.contact, storage, link_major=major.number, kind="request"),
            call(contact_a.contact, ServiceFactory(), link_major=major.number),
            call(contact_a.contact, storage, link_major="INC-999999"),
        ):
            response = client.post(reverse("incidents:log_call"), data)
            assert response.status_code == 422
            assert 'id="log-call-major"' in response.content.decode()
            assert 'role="alert"' in response.content.decode()
        assert not Incident.objects.filter(is_major=False).exists()

    def test_a_major_incident_resolved_meanwhile_is_refused_and_the_call_kept(
        self, client, l1, major, storage, contact_a, desk_manager
    ):
        services.incident_complete(
            incident=major, closure_code="resolved", resolution="Fixed", actor=desk_manager
        )
        client.force_login(l1)
        data = call(contact_a.contact, storage, link_major=major.number)
        response = client.post(reverse("incidents:log_call"), data)
        html = response.content.decode()
        assert response.status_code == 422
        assert "no longer an open major incident" in html
        assert 'value="Cannot upload to the bucket"' in html
        assert "data-major-hint" not in html

    def test_a_link_refused_after_registration_leaves_the_ticket_registered_and_says_so(
        self, client, l1, major, storage, contact_a, monkeypatch
    ):
        from django.core.exceptions import ValidationError

        def refuse(**kwargs):
            raise ValidationError("INC-000001 is resolved: it takes no more tickets.")

        monkeypatch.setattr(services, "incident_link_child", refuse)
        client.force_login(l1)
        response = client.post(
            reverse("incidents:log_call"), call(contact_a.contact, storage, link_major=major.number)
        )
        ticket = new_ticket()
        assert response.status_code == 302
        assert ticket.parent_id is None
        (message,) = [str(m) for m in get_messages(response.wsgi_request)]
        assert message.startswith(f"{ticket.number} is registered but not linked to {major.number}")


class TestOtherChannels:
    @pytest.mark.parametrize("channel", [Channel.PORTAL, Channel.EMAIL, Channel.MONITORING])
    def test_a_ticket_from_any_channel_proposes_the_major_incident_on_its_page(
        self, client, l1, major, storage, channel
    ):
        ticket = IncidentFactory(service=storage, channel=channel)
        client.force_login(l1)
        html = client.get(reverse("incidents:detail", args=[ticket.number])).content.decode()
        assert f'name="parent" value="{major.number}"' in html
        assert major.title in html

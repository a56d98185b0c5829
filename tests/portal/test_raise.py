"""The service catalogue and raising a ticket through a service's own request form: what
a contact may raise, how the dynamic form validates, and what lands on the ticket."""

import re

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.urls import reverse

from incidents.models import Channel, Incident, Kind, Status
from incidents.services import incident_register
from servicedesk.models import Contact, ServiceFormField, Urgency
from tests.factories import ServiceFactory
from tests.portal.conftest import field_html, question

pytestmark = pytest.mark.django_db


def valid_post(service, **overrides) -> dict:
    data = {
        "kind": Kind.REQUEST,
        "title": "Two more vCPUs for cc-app-02",
        "description": "The quarterly run starts on Friday.",
        "urgency": Urgency.MEDIUM,
        question(service, "Hostname"): "cc-app-02",
        question(service, "vCPUs"): "2",
        question(service, "Wanted by"): "2026-12-04",
        question(service, "Environment"): "Production",
        question(service, "Anything else"): "",
    }
    data.update(overrides)
    return data


class TestCatalogue:
    def test_lists_active_requestable_services_with_their_customer_description(
        self, client, contact_a, service
    ):
        ServiceFactory(name="Retired service", is_active=False)
        ServiceFactory(name="Internal only", is_requestable=False)
        client.force_login(contact_a)
        page = client.get(reverse("portal:catalogue")).content.decode()
        assert "Virtual servers" in page
        assert "Managed VMs in Frankfurt." in page
        assert "Retired service" not in page
        assert "Internal only" not in page
        assert reverse("portal:raise", args=[service.pk]) in page

    def test_a_contact_limited_to_some_services_sees_only_those(
        self, client, contact_a, service, other_service
    ):
        contact_a.contact.allowed_services.set([other_service])
        client.force_login(contact_a)
        page = client.get(reverse("portal:catalogue")).content.decode()
        assert "Email hosting" in page
        assert "Virtual servers" not in page

    def test_an_unauthorised_contact_reads_the_catalogue_but_is_told_they_cannot_raise(
        self, client, unauthorised_a, service
    ):
        client.force_login(unauthorised_a)
        page = client.get(reverse("portal:catalogue")).content.decode()
        assert "Virtual servers" in page
        assert "not authorised to open tickets" in page
        assert reverse("portal:raise", args=[service.pk]) not in page

    def test_the_navigation_offers_the_catalogue_to_contacts(self, client, contact_a):
        client.force_login(contact_a)
        page = client.get(reverse("portal:home")).content.decode()
        assert f'href="{reverse("portal:catalogue")}"' in page


class TestRaise:
    def test_the_form_asks_the_services_own_questions(self, client, contact_a, service):
        client.force_login(contact_a)
        response = client.get(reverse("portal:raise", args=[service.pk]))
        page = response.content.decode()
        assert response.status_code == 200
        for label in ["Hostname", "vCPUs", "Wanted by", "Environment", "Anything else"]:
            assert label in page
        assert 'type="date"' in field_html(page, question(service, "Wanted by"))
        assert "Staging" in field_html(page, question(service, "Environment"))
        # The five urgency levels, worded for customers.
        assert "our business has stopped" in page
        assert "no rush" in page

    def test_a_contact_raises_a_request_and_the_answers_are_stored_on_it(
        self, client, contact_a, service
    ):
        client.force_login(contact_a)
        response = client.post(reverse("portal:raise", args=[service.pk]), valid_post(service))

        incident = Incident.objects.get()
        assert response.status_code == 302
        assert response["Location"] == reverse("portal:ticket", args=[incident.number])
        assert incident.number.startswith("REQ-")
        assert incident.kind == Kind.REQUEST
        assert incident.channel == Channel.PORTAL
        assert incident.status == Status.REGISTERED
        assert incident.contact == contact_a.contact
        assert incident.service == service
        assert incident.urgency == Urgency.MEDIUM
        assert incident.answers == [
            {"label": "Hostname", "value": "cc-app-02"},
            {"label": "vCPUs", "value": "2"},
            {"label": "Wanted by", "value": "2026-12-04"},
            {"label": "Environment", "value": "Production"},
        ]
        assert incident.history.earliest().history_user == contact_a
        page = client.get(response["Location"]).content.decode()
        assert f"Your ticket {incident.number} has been registered" in page
        assert "cc-app-02" in page

    def test_the_answers_are_shown_on_the_staff_ticket_page(self, client, contact_a, l1, service):
        client.force_login(contact_a)
        client.post(reverse("portal:raise", args=[service.pk]), valid_post(service))
        incident = Incident.objects.get()
        client.force_login(l1)
        page = client.get(reverse("incidents:detail", args=[incident.number])).content.decode()
        assert "Request form" in page
        assert "Wanted by" in page and "2026-12-04" in page

    def test_a_high_urgency_from_the_portal_waits_for_confirmation(
        self, client, contact_a, service
    ):
        client.force_login(contact_a)
        client.post(
            reverse("portal:raise", args=[service.pk]),
            valid_post(service, urgency=Urgency.VERY_HIGH, kind=Kind.INCIDENT),
        )
        incident = Incident.objects.get()
        assert incident.number.startswith("INC-")
        assert incident.urgency == Urgency.VERY_HIGH
        assert not incident.urgency_confirmed

    def test_the_kind_can_be_preselected_from_the_catalogue(self, client, contact_a, service):
        client.force_login(contact_a)
        url = reverse("portal:raise", args=[service.pk])
        kind = field_html(client.get(url, {"kind": "incident"}).content.decode(), "kind")
        assert re.search(r'<input[^>]*value="incident"[^>]*checked', kind)
        assert not re.search(r'<input[^>]*value="request"[^>]*checked', kind)


class TestValidation:
    def test_errors_show_next_to_each_field_and_what_was_typed_stays(
        self, client, contact_a, service
    ):
        client.force_login(contact_a)
        data = valid_post(
            service,
            title="Keep this summary",
            **{
                question(service, "Hostname"): "",
                question(service, "vCPUs"): "two",
                question(service, "Wanted by"): "next friday",
                question(service, "Environment"): "Moon",
                question(service, "Anything else"): "Typed text stays",
            },
        )
        response = client.post(reverse("portal:raise", args=[service.pk]), data)
        page = response.content.decode()

        assert response.status_code == 422
        assert Incident.objects.count() == 0
        hostname = field_html(page, question(service, "Hostname"))
        assert "has-error" in hostname and "This field is required." in hostname
        vcpus = field_html(page, question(service, "vCPUs"))
        assert "Enter a number." in vcpus and 'value="two"' in vcpus
        wanted = field_html(page, question(service, "Wanted by"))
        assert "Enter a valid date." in wanted and 'value="next friday"' in wanted
        environment = field_html(page, question(service, "Environment"))
        assert "Select a valid choice." in environment
        assert "Typed text stays" in field_html(page, question(service, "Anything else"))
        assert 'value="Keep this summary"' in field_html(page, "title")
        assert "has-error" not in field_html(page, "title")

    def test_required_base_fields(self, client, contact_a, service):
        client.force_login(contact_a)
        response = client.post(
            reverse("portal:raise", args=[service.pk]),
            valid_post(service, title="", description="", urgency=""),
        )
        page = response.content.decode()
        assert response.status_code == 422
        for name in ["title", "description", "urgency"]:
            assert "This field is required." in field_html(page, name)

    def test_optional_questions_may_stay_empty_and_are_not_stored(self, client, contact_a, service):
        client.force_login(contact_a)
        client.post(reverse("portal:raise", args=[service.pk]), valid_post(service))
        labels = [a["label"] for a in Incident.objects.get().answers]
        assert "Anything else" not in labels

    def test_decimal_numbers_and_other_date_formats_are_accepted(self, client, contact_a, service):
        client.force_login(contact_a)
        client.post(
            reverse("portal:raise", args=[service.pk]),
            valid_post(
                service,
                **{
                    question(service, "vCPUs"): "2.50",
                    question(service, "Wanted by"): "04.12.2026",
                },
            ),
        )
        answers = {a["label"]: a["value"] for a in Incident.objects.get().answers}
        assert answers["vCPUs"] == "2.5"
        assert answers["Wanted by"] == "2026-12-04"

    def test_a_service_without_questions_asks_only_the_basics(self, client, contact_a):
        plain = ServiceFactory(name="Licences")
        client.force_login(contact_a)
        response = client.post(
            reverse("portal:raise", args=[plain.pk]),
            {
                "kind": "request",
                "title": "Two Visio licences",
                "description": "For the team.",
                "urgency": 4,
            },
        )
        assert response.status_code == 302
        assert Incident.objects.get().form_answers == {"answers": []}


class TestWhoMayRaise:
    def test_an_unauthorised_contact_is_told_plainly_and_posting_is_refused(
        self, client, unauthorised_a, service
    ):
        client.force_login(unauthorised_a)
        url = reverse("portal:raise", args=[service.pk])
        response = client.get(url)
        assert response.status_code == 403
        assert "not authorised to open tickets" in response.content.decode()
        assert "<form" not in response.content.decode().split("<main")[1]

        assert client.post(url, valid_post(service)).status_code == 403
        assert Incident.objects.count() == 0

    def test_the_home_page_tells_an_unauthorised_contact(self, client, unauthorised_a):
        client.force_login(unauthorised_a)
        page = client.get(reverse("portal:home")).content.decode()
        assert "not authorised to open new ones" in page
        assert "Raise a ticket" not in page

    def test_a_service_outside_the_contacts_list_is_404(
        self, client, contact_a, service, other_service
    ):
        contact_a.contact.allowed_services.set([other_service])
        client.force_login(contact_a)
        url = reverse("portal:raise", args=[service.pk])
        assert client.get(url).status_code == 404
        assert client.post(url, valid_post(service)).status_code == 404
        assert Incident.objects.count() == 0

    @pytest.mark.parametrize(
        "service_kwargs", [{"is_active": False}, {"is_requestable": False}], ids=str
    )
    def test_a_service_not_in_the_catalogue_is_404(self, client, contact_a, service_kwargs):
        hidden = ServiceFactory(**service_kwargs)
        client.force_login(contact_a)
        assert client.get(reverse("portal:raise", args=[hidden.pk])).status_code == 404

    def test_a_contact_limited_to_requests_cannot_raise_an_incident(
        self, client, contact_a, service
    ):
        contact = contact_a.contact
        contact.allowed_kinds = Contact.AllowedKinds.REQUEST
        contact.save()
        client.force_login(contact_a)
        url = reverse("portal:raise", args=[service.pk])
        page = client.get(url).content.decode()
        assert 'type="hidden" name="kind" value="request"' in page
        assert "You are raising" in page

        response = client.post(url, valid_post(service, kind=Kind.INCIDENT))
        assert response.status_code == 422
        assert "Select a valid choice" in response.content.decode()
        assert Incident.objects.count() == 0

        assert client.post(url, valid_post(service, kind=Kind.REQUEST)).status_code == 302
        assert Incident.objects.get().kind == Kind.REQUEST


class TestServiceEnforcesTheLimits:
    """incident_register itself holds a contact acting for themselves to the limits."""

    def register(self, user, **kwargs):
        return incident_register(
            contact=user.contact, actor=user, channel=Channel.PORTAL, title="x", **kwargs
        )

    def test_service_outside_the_list(self, contact_a, service, other_service):
        contact_a.contact.allowed_services.set([other_service])
        with pytest.raises(ValidationError) as error:
            self.register(contact_a, service=service)
        assert "service" in error.value.error_dict
        with pytest.raises(ValidationError):
            self.register(contact_a, service=None)
        assert self.register(contact_a, service=other_service).service == other_service

    def test_kind_not_allowed(self, contact_a):
        contact = contact_a.contact
        contact.allowed_kinds = Contact.AllowedKinds.INCIDENT
        contact.save()
        with pytest.raises(ValidationError) as error:
            self.register(contact_a, kind=Kind.REQUEST)
        assert "kind" in error.value.error_dict

    def test_a_service_hidden_from_the_portal(self, contact_a):
        with pytest.raises(ValidationError):
            self.register(contact_a, service=ServiceFactory(is_requestable=False))

    def test_unauthorised_contact(self, unauthorised_a):
        with pytest.raises(ValidationError):
            self.register(unauthorised_a)

    def test_another_contacts_ticket(self, contact_a, contact_b):
        with pytest.raises(PermissionDenied):
            incident_register(
                contact=contact_b.contact, actor=contact_a, channel=Channel.PORTAL, title="x"
            )

    def test_agents_are_not_held_to_a_contacts_portal_limits(self, contact_a, l1, service):
        contact_a.contact.allowed_services.set([ServiceFactory()])
        incident = incident_register(
            contact=contact_a.contact, actor=l1, channel=Channel.PHONE, title="x", service=service
        )
        assert incident.service == service


class TestFormFieldModel:
    def test_choices_are_one_per_line_without_blanks_or_repeats(self, service):
        question = ServiceFormField(
            service=service, label="Size", kind="choice", choices=" S \n\nM\nS\nL\n"
        )
        assert question.options == ["S", "M", "L"]
        question.full_clean()

    def test_a_choice_needs_options_and_only_a_choice_has_them(self, service):
        with pytest.raises(ValidationError):
            ServiceFormField(service=service, label="Size", kind="choice").full_clean()
        with pytest.raises(ValidationError):
            ServiceFormField(service=service, label="Name", kind="text", choices="a").full_clean()

    def test_admins_edit_the_questions_inline_on_the_service(self, client, service):
        from tests.factories import UserFactory

        client.force_login(UserFactory(username="root", is_superuser=True, is_staff=True))
        page = client.get(reverse("admin:servicedesk_service_change", args=[service.pk]))
        assert page.status_code == 200
        assert "form_fields-0-label" in page.content.decode()
        field = service.form_fields.first()
        history = reverse("admin:servicedesk_serviceformfield_history", args=[field.pk])
        assert client.get(history).status_code == 200


def test_admins_limit_a_contact_in_the_admin(client, contact_a, service, other_service):
    from tests.factories import UserFactory

    client.force_login(UserFactory(username="root", is_superuser=True, is_staff=True))
    contact = contact_a.contact
    url = reverse("admin:servicedesk_contact_change", args=[contact.pk])
    page = client.get(url).content.decode()
    assert "What the contact may raise" in page
    response = client.post(
        url,
        {
            "organisation": contact.organisation_id,
            "name": contact.name,
            "email": contact.email,
            "phone": "",
            "form_of_address": "",
            "language": "en",
            "user": contact_a.pk,
            "is_active": "on",
            "is_authorised": "on",
            "allowed_kinds": "request",
            "allowed_services": [other_service.pk],
        },
    )
    assert response.status_code == 302
    contact.refresh_from_db()
    assert contact.raisable_kinds == ["request"]
    assert list(contact.allowed_services.all()) == [other_service]
    assert contact.may_use_service(other_service)
    assert not contact.may_use_service(service)
    assert contact.history.first().history_user.username == "root"

"""Canned responses (incidents/canned.py): placeholders filled for a ticket, the text in
the contact's language when translated, unknown placeholders refused on saving, who may
use and change which response, and every change in the history."""

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import IntegrityError, transaction
from django.http import Http404

from incidents.canned import (
    canned_response_create,
    canned_response_delete,
    canned_response_render,
    canned_response_update,
    canned_responses_listed_for,
    canned_responses_usable_by,
    get_canned_response_for,
    unknown_placeholders,
)
from incidents.forms_canned import CannedResponseAdminForm
from incidents.models import CannedResponse
from servicedesk.models import Contact
from tests.factories import ContactFactory, IncidentFactory, SupportGroupFactory

pytestmark = pytest.mark.django_db


@pytest.fixture
def ticket(org_a):
    contact = ContactFactory(
        organisation=org_a,
        name="Jana Becker",
        form_of_address=Contact.FormOfAddress.MS,
        language="de",
    )
    return IncidentFactory(contact=contact, title="VPN drops every hour")


def personal(actor, body="Hello", **translations) -> CannedResponse:
    return canned_response_create(
        title="Greeting", body=body, translations=translations, actor=actor
    )


class TestRendering:
    def test_placeholders_are_filled_for_the_ticket_and_the_agent(self, ticket, l1):
        l1.first_name, l1.last_name = "Lukas", "Weber"
        response = personal(
            l1,
            "Hi {contact_name}, about {ticket_number} ({ticket_title}) for "
            "{organisation_name}. — {agent_name}",
        )

        text = canned_response_render(response=response, incident=ticket, actor=l1)

        assert text == (
            f"Hi Jana Becker, about {ticket.number} (VPN drops every hour) for "
            f"Organisation A. — Lukas Weber"
        )

    def test_the_salutation_is_the_contacts_form_of_address(self, ticket, l1):
        ticket.contact.language = "en"
        response = personal(l1, "{contact_salutation}\n\nIt works again.")

        text = canned_response_render(response=response, incident=ticket, actor=l1)

        assert text == "Dear Ms Becker,\n\nIt works again."

    @pytest.mark.translations
    def test_the_salutation_is_in_the_contacts_language(self, ticket, l1):
        response = personal(l1, "{contact_salutation}", de="{contact_salutation} Es geht wieder.")

        text = canned_response_render(response=response, incident=ticket, actor=l1)

        assert text == "Sehr geehrte Frau Becker, Es geht wieder."

    def test_the_translation_in_the_contacts_language_is_used(self, ticket, l1):
        response = personal(l1, "It works again.", de="Es geht wieder.", fr="Ça remarche.")

        assert canned_response_render(response=response, incident=ticket, actor=l1) == (
            "Es geht wieder."
        )

    def test_the_default_text_without_a_translation_in_the_contacts_language(self, ticket, l1):
        response = personal(l1, "It works again.", fr="Ça remarche.", ru="Снова работает.")

        assert canned_response_render(response=response, incident=ticket, actor=l1) == (
            "It works again."
        )

    def test_an_unknown_placeholder_stored_anyway_is_left_as_written(self, ticket, l1):
        """Written around the check (an import, the shell): rendering never fails."""
        response = CannedResponse.objects.create(
            owner=l1, title="Odd", body="{contact_name}: {mood} {"
        )

        text = canned_response_render(response=response, incident=ticket, actor=l1)

        assert text == "Jana Becker: {mood} {"

    def test_the_rendered_text_is_plain_text(self, ticket, l1):
        ticket.contact.name = "<b>Jana</b>"
        response = personal(l1, "{contact_name}")

        assert canned_response_render(response=response, incident=ticket, actor=l1) == (
            "<b>Jana</b>"
        )


class TestSaving:
    def test_unknown_placeholders_are_refused_next_to_the_text(self, l1):
        with pytest.raises(ValidationError) as error:
            personal(l1, "Hello {customer}, see {ticket_number}")

        assert list(error.value.message_dict) == ["body"]
        assert "{customer}" in error.value.message_dict["body"][0]
        assert CannedResponse.objects.count() == 0

    def test_an_unknown_placeholder_in_a_translation_is_refused_next_to_it(self, l1):
        with pytest.raises(ValidationError) as error:
            personal(l1, "Hello", fr="Bonjour {nom}")

        assert list(error.value.message_dict) == ["translation_fr"]

    def test_a_language_the_desk_does_not_offer_is_refused(self, l1):
        with pytest.raises(ValidationError):
            personal(l1, "Hello", xx="Hallo")

    def test_spaces_inside_braces_still_name_a_placeholder(self):
        assert unknown_placeholders("{ ticket_number } { nope }") == ["nope"]

    def test_empty_translations_are_not_kept(self, l1):
        response = personal(l1, "Hello", de="  ", fr="Bonjour")

        assert response.translations == {"fr": "Bonjour"}

    def test_a_response_is_personal_or_a_groups_never_both(self, l1, l1_group):
        with pytest.raises(IntegrityError), transaction.atomic():
            CannedResponse.objects.create(owner=l1, group=l1_group, title="x", body="x")
        with pytest.raises(IntegrityError), transaction.atomic():
            CannedResponse.objects.create(title="x", body="x")

    def test_every_change_is_in_the_history_with_who_did_it(self, l1):
        response = personal(l1)
        canned_response_update(
            response=response, title="Greeting", body="Hello again", translations={}, actor=l1
        )
        canned_response_delete(response=response, actor=l1)

        rows = CannedResponse.history.order_by("history_date")
        assert [row.history_type for row in rows] == ["+", "~", "-"]
        assert {row.history_user for row in rows} == {l1}
        assert rows[1].body == "Hello again"


class TestWhoMayDoWhat:
    def test_only_desk_managers_share_with_a_group(self, l1, l1_group, desk_manager):
        with pytest.raises(PermissionDenied):
            canned_response_create(title="x", body="x", translations={}, group=l1_group, actor=l1)
        shared = canned_response_create(
            title="x", body="x", translations={}, group=l1_group, actor=desk_manager
        )
        assert shared.group == l1_group and shared.owner is None

    def test_staff_without_an_agent_role_keep_none(self, problem_manager):
        with pytest.raises(PermissionDenied):
            personal(problem_manager)

    def test_an_agent_uses_their_own_and_their_groups_responses(
        self, l1, l2, l1_group, l2_group, desk_manager
    ):
        mine = personal(l1)
        personal(l2)
        ours = canned_response_create(
            title="Ours", body="x", translations={}, group=l1_group, actor=desk_manager
        )
        canned_response_create(
            title="Theirs", body="x", translations={}, group=l2_group, actor=desk_manager
        )

        assert set(canned_responses_usable_by(l1)) == {mine, ours}

    def test_an_inactive_groups_responses_are_not_offered(self, l1, l1_group, desk_manager):
        canned_response_create(
            title="Ours", body="x", translations={}, group=l1_group, actor=desk_manager
        )
        l1_group.is_active = False
        l1_group.save()

        assert list(canned_responses_usable_by(l1)) == []

    def test_another_agents_personal_response_is_not_found(self, l1, l2):
        theirs = personal(l2)

        with pytest.raises(Http404):
            get_canned_response_for(l1, theirs.pk)

    def test_a_member_sees_but_does_not_change_the_groups_response(
        self, l1, l1_group, desk_manager
    ):
        ours = canned_response_create(
            title="Ours", body="x", translations={}, group=l1_group, actor=desk_manager
        )

        assert get_canned_response_for(l1, ours.pk) == ours
        with pytest.raises(PermissionDenied):
            get_canned_response_for(l1, ours.pk, manage=True)
        with pytest.raises(PermissionDenied):
            canned_response_update(response=ours, title="x", body="y", translations={}, actor=l1)

    def test_a_desk_manager_lists_every_groups_responses(self, desk_manager, l2_group):
        other = SupportGroupFactory()
        a = canned_response_create(
            title="A", body="x", translations={}, group=l2_group, actor=desk_manager
        )
        b = canned_response_create(
            title="B", body="x", translations={}, group=other, actor=desk_manager
        )

        assert set(canned_responses_listed_for(desk_manager)) == {a, b}


class TestAdminForm:
    def test_the_admin_refuses_unknown_placeholders_next_to_the_field(self, l1):
        form = CannedResponseAdminForm(
            {"title": "x", "body": "{oops}", "owner": l1.pk, "translation_de": "{auch}"}
        )

        assert not form.is_valid()
        assert set(form.errors) == {"body", "translation_de"}

    def test_the_admin_saves_the_translations(self, l1):
        form = CannedResponseAdminForm(
            {"title": "x", "body": "Hi", "owner": l1.pk, "translation_ru": "Привет"}
        )

        assert form.is_valid(), form.errors
        assert form.save().translations == {"ru": "Привет"}

    def test_the_admin_wants_an_owner_or_a_group(self, l1, l1_group):
        both = CannedResponseAdminForm(
            {"title": "x", "body": "Hi", "owner": l1.pk, "group": l1_group.pk}
        )
        assert not both.is_valid()

    def test_an_admin_adds_a_groups_response_recorded_with_the_admin(self, client, l1_group):
        from django.urls import reverse

        from tests.factories import UserFactory

        root = UserFactory(username="root", is_superuser=True, is_staff=True)
        client.force_login(root)
        add = reverse("admin:incidents_cannedresponse_add")

        assert 'name="translation_de"' in client.get(add).content.decode()
        result = client.post(
            add,
            {
                "title": "Shared",
                "body": "{ticket_number}",
                "group": l1_group.pk,
                "translation_fr": "Ticket {ticket_number}",
            },
        )

        assert result.status_code == 302
        saved = CannedResponse.objects.get()
        assert (saved.group, saved.translations) == (l1_group, {"fr": "Ticket {ticket_number}"})
        assert saved.history.get().history_user == root
        changelist = client.get(reverse("admin:incidents_cannedresponse_changelist"))
        history = client.get(reverse("admin:incidents_cannedresponse_history", args=[saved.pk]))
        assert changelist.status_code == history.status_code == 200

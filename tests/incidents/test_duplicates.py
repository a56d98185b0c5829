"""A ticket completed as a duplicate points to its original, which lists it; the contact
is pointed there in the portal; a rejected resolution undoes it."""

import pytest
from django.core.exceptions import ValidationError
from django.urls import reverse

from incidents import services
from incidents.models import ClosureCode, Incident, Status
from tests.factories import ContactFactory, IncidentFactory

pytestmark = pytest.mark.django_db


@pytest.fixture
def pair(contact_a):
    from servicedesk.models import Contact

    contact = Contact.objects.get(user=contact_a)
    return IncidentFactory(contact=contact), IncidentFactory(contact=contact)


def duplicate(ticket, original, actor, **kwargs):
    return services.incident_complete_as_invalid(
        incident=ticket,
        closure_code=ClosureCode.DUPLICATE,
        duplicate_of=original,
        reason="The same outage as your earlier call.",
        actor=actor,
        **kwargs,
    )


class TestService:
    def test_a_duplicate_points_to_its_original(self, pair, l1):
        original, copy = pair
        done = duplicate(copy, original, l1)
        assert (done.status, done.closure_code, done.duplicate_of) == (
            Status.COMPLETED,
            ClosureCode.DUPLICATE,
            original,
        )
        assert list(original.duplicates.all()) == [done]

    @pytest.mark.parametrize(
        "case, message",
        [
            ("none", "Name the original ticket."),
            ("itself", "A ticket cannot be a duplicate of itself."),
            ("other_org", "The original must be a ticket of the same organisation."),
        ],
    )
    def test_the_original_must_be_another_ticket_of_the_organisation(self, pair, l1, case, message):
        _original, copy = pair
        chosen = {
            "none": None,
            "itself": copy,
            "other_org": IncidentFactory(contact=ContactFactory()),
        }[case]
        with pytest.raises(ValidationError) as refused:
            duplicate(copy, chosen, l1)
        assert refused.value.message_dict == {"duplicate_of": [message]}
        copy.refresh_from_db()
        assert copy.status == Status.REGISTERED and copy.duplicate_of is None

    def test_a_duplicate_of_a_duplicate_names_the_first(self, pair, l1):
        original, copy = pair
        duplicate(copy, original, l1)
        third = IncidentFactory(contact=original.contact)
        with pytest.raises(ValidationError) as refused:
            duplicate(third, Incident.objects.get(pk=copy.pk), l1)
        assert original.number in refused.value.message_dict["duplicate_of"][0]

    def test_other_closure_codes_point_nowhere(self, pair, l1):
        original, copy = pair
        done = services.incident_complete_as_invalid(
            incident=copy,
            closure_code=ClosureCode.INVALID,
            duplicate_of=original,
            reason="Not a fault.",
            actor=l1,
        )
        assert done.duplicate_of is None

    def test_the_contact_rejecting_it_undoes_the_link(self, pair, l1, contact_a):
        original, copy = pair
        duplicate(copy, original, l1)
        services.incident_reject_resolution(
            incident=Incident.objects.get(pk=copy.pk), reason="It is not the same.", actor=contact_a
        )
        copy.refresh_from_db()
        assert copy.duplicate_of is None and copy.closure_code == ""


class TestPages:
    def test_the_action_form_names_the_original(self, client, pair, l1):
        original, copy = pair
        client.force_login(l1)
        response = client.post(
            reverse("incidents:action", args=[copy.number, "complete_as_invalid"]),
            {
                "version": copy.version,
                "closure_code": ClosureCode.DUPLICATE,
                "duplicate_of": original.number.lower(),
                "reason": "Same as your earlier call.",
            },
        )
        assert response.status_code == 302
        copy.refresh_from_db()
        assert copy.duplicate_of == original

    def test_an_unknown_original_is_said_next_to_the_field(self, client, pair, l1):
        _original, copy = pair
        client.force_login(l1)
        response = client.post(
            reverse("incidents:action", args=[copy.number, "complete_as_invalid"]),
            {
                "version": copy.version,
                "closure_code": ClosureCode.DUPLICATE,
                "duplicate_of": "INC-999999",
                "reason": "Same as your earlier call.",
            },
        )
        page = response.content.decode()
        assert response.status_code == 422
        assert "There is no ticket INC-999999." in page
        assert "Same as your earlier call." in page  # what was typed is kept

    def test_both_pages_show_the_link(self, client, pair, l1):
        original, copy = pair
        duplicate(copy, original, l1)
        client.force_login(l1)
        copy_page = client.get(reverse("incidents:detail", args=[copy.number])).content.decode()
        original_page = client.get(
            reverse("incidents:detail", args=[original.number])
        ).content.decode()
        assert f"Duplicate of {original.number}" in copy_page
        assert "Duplicates:" in original_page and copy.number in original_page

    def test_the_portal_points_the_contact_to_the_original(self, client, pair, l1, contact_a):
        original, copy = pair
        duplicate(copy, original, l1)
        client.force_login(contact_a)
        page = client.get(reverse("portal:ticket", args=[copy.number])).content.decode()
        assert reverse("portal:ticket", args=[original.number]) in page


def test_bulk_completes_several_as_duplicates(client, pair, l1):
    original, copy = pair
    third = IncidentFactory(contact=original.contact)
    client.force_login(l1)
    response = client.post(
        reverse("incidents:bulk"),
        {
            "action": "duplicate",
            "tickets": [copy.pk, third.pk, original.pk],
            "confirm": "1",
            "duplicate-original": original.number,
            "duplicate-reason": "One outage, one ticket.",
        },
    )
    page = response.content.decode()
    assert "2 tickets done." in page and "cannot be a duplicate of itself" in page
    assert set(original.duplicates.values_list("pk", flat=True)) == {copy.pk, third.pk}

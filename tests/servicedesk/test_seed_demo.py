"""`manage.py seed_demo`: the data `make run` shows a newcomer."""

from io import StringIO

import pytest
from django.contrib.auth import authenticate, get_user_model
from django.core.management import call_command
from django.core.management.base import CommandError

from incidents.models import Comment, Incident, Status
from servicedesk.models import Contact, Organisation

STAFF_LOGINS = [
    "l1",
    "l2",
    "l3",
    "desk-manager",
    "problem-manager",
    "change-manager",
    "cab1",
    "cab2",
    "kb-manager",
    "admin",
]
CONTACT_LOGINS = {"northwind": "C-1001", "contoso": "C-2002"}


def seed() -> str:
    out = StringIO()
    call_command("seed_demo", stdout=out)
    return out.getvalue()


@pytest.fixture
def seeded(db, django_capture_on_commit_callbacks):
    # Run the after-commit side effects too, as a real run does.
    with django_capture_on_commit_callbacks(execute=True):
        seed()


@pytest.mark.django_db
class TestSeedDemo:
    def test_a_second_run_changes_nothing(self, seeded):
        tickets, comments, users = (
            Incident.objects.count(),
            Comment.objects.count(),
            get_user_model().objects.count(),
        )

        output = seed()

        assert "already there" in output
        assert Incident.objects.count() == tickets
        assert Comment.objects.count() == comments
        assert get_user_model().objects.count() == users
        assert Organisation.objects.count() == 2

    def test_tickets_exist_in_every_status(self, seeded):
        present = set(Incident.objects.values_list("status", flat=True))

        assert present == set(Status.values)
        assert Incident.objects.count() >= 30

    def test_the_triage_queue_has_at_least_six_registered_tickets(self, seeded):
        assert Incident.objects.filter(status=Status.REGISTERED).count() >= 6

    def test_l2_and_l3_have_work_in_their_own_line(self, seeded):
        working = [Status.ASSIGNED, Status.IN_PROGRESS]
        for username, line in [("l2", "l2"), ("l3", "l3")]:
            assert Incident.objects.filter(
                assignee__username=username, support_group__line=line, status__in=working
            ).exists()

    def test_every_ticket_has_a_history_that_names_who_acted(self, seeded):
        moved = Incident.objects.exclude(status=Status.REGISTERED)
        for ticket in moved:
            actors = {h.history_user_id for h in ticket.history.all()}
            assert actors - {None}, ticket.number

    def test_each_demo_login_authenticates_with_password_demo(self, seeded):
        refused = [
            username
            for username in [*STAFF_LOGINS, *CONTACT_LOGINS]
            if authenticate(username=username, password="demo") is None
        ]

        assert refused == []

    def test_only_admin_reaches_the_django_admin(self, seeded):
        staff = get_user_model().objects.filter(is_staff=True)

        assert list(staff.values_list("username", flat=True)) == ["admin"]

    def test_portal_logins_are_linked_to_an_authorised_contact(self, seeded):
        for username, contract_number in CONTACT_LOGINS.items():
            contact = Contact.objects.select_related("organisation").get(user__username=username)

            assert contact.is_authorised
            assert contact.organisation.contract_number == contract_number

    def test_each_organisation_has_one_contact_who_may_not_open_tickets(self, seeded):
        for organisation in Organisation.objects.all():
            assert organisation.contacts.filter(is_authorised=False).count() == 1

    def test_refuses_to_mix_into_a_database_that_has_a_demo_username(self):
        get_user_model().objects.create_user(username="l1", password="secret")

        with pytest.raises(CommandError, match="l1"):
            seed()

        assert not Incident.objects.exists()
        assert not Organisation.objects.exists()

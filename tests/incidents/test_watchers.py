"""Followers of a ticket (watchers): staff follow and unfollow a ticket for themselves,
are told what its assignee is told and every status change (never about their own
action, never twice), stop being told when they lose their staff role; the ticket page's
button with and without htmx, the "followed by me" filter, the API's ticket read."""

import pytest
from django.core import mail
from django.core.exceptions import PermissionDenied, ValidationError
from django.urls import reverse

from incidents import services
from incidents.models import Status, Watch
from incidents.staff_notifications import FOLLOWED_TICKET
from incidents.watchers import incident_follow, incident_unfollow, watchers_to_tell
from servicedesk.inbox import preference_update
from servicedesk.models import InAppNotification
from tests.factories import IncidentFactory, UserFactory, make_incident_in

pytestmark = pytest.mark.django_db
HTMX = {"HX-Request": "true"}


@pytest.fixture
def committing(django_capture_on_commit_callbacks):
    return lambda: django_capture_on_commit_callbacks(execute=True)


def told(user, event: str = FOLLOWED_TICKET) -> list[str]:
    rows = InAppNotification.objects.filter(recipient=user, event=event).order_by("pk")
    return [row.verb for row in rows]


def mailed(user) -> list:
    return [m for m in mail.outbox if m.to == [user.email]]


class TestFollowing:
    def test_staff_follow_once_and_history_says_who(self, problem_manager):
        ticket = IncidentFactory()
        watch = incident_follow(incident=ticket, actor=problem_manager)
        assert incident_follow(incident=ticket, actor=problem_manager) == watch
        assert Watch.objects.filter(incident=ticket).count() == 1
        (row,) = watch.history.all()
        assert row.history_user == problem_manager
        assert row.history_change_reason == "Followed"

    def test_unfollowing_is_recorded_and_twice_is_harmless(self, l1):
        ticket = IncidentFactory()
        incident_follow(incident=ticket, actor=l1)
        incident_unfollow(incident=ticket, actor=l1)
        incident_unfollow(incident=ticket, actor=l1)
        assert not Watch.objects.exists()
        deleted = Watch.history.filter(history_type="-").get()
        assert (deleted.history_user, deleted.history_change_reason) == (l1, "Unfollowed")

    @pytest.mark.parametrize("actor", ["contact_a", "outsider"])
    def test_contacts_and_strangers_cannot_follow(self, actors, actor):
        ticket = IncidentFactory(contact=actors["contact_a"].contact)
        with pytest.raises(PermissionDenied):
            incident_follow(incident=ticket, actor=actors[actor])

    def test_a_closed_ticket_is_not_followed(self, l1):
        closed = make_incident_in(Status.CLOSED)
        with pytest.raises(ValidationError):
            incident_follow(incident=closed, actor=l1)

    def test_only_active_staff_are_told(self, l1, l2):
        ticket = IncidentFactory()
        left, demoted = UserFactory(roles=["L2 agent"]), UserFactory(roles=["L3 engineer"])
        for user in (l1, l2, left, demoted):
            incident_follow(incident=ticket, actor=user)
        left.is_active = False
        left.save()
        demoted.groups.clear()
        assert watchers_to_tell(ticket) == [l1, l2]


class TestTold:
    @pytest.fixture
    def ticket(self, desk_manager, contact_a):
        return make_incident_in(Status.REGISTERED, contact=contact_a.contact, actor=desk_manager)

    def test_an_assignment_tells_followers_in_an_onlookers_words(
        self, committing, ticket, l1, l2, l2_group, problem_manager
    ):
        incident_follow(incident=ticket, actor=problem_manager)
        with committing():
            services.incident_assign(incident=ticket, group=l2_group, assignee=l2, actor=l1)
        assert told(problem_manager) == [f"Assigned to {l2.get_full_name()}"]
        (message,) = mailed(problem_manager)
        assert message.subject.startswith(f"[{ticket.number}] Assigned to {l2.get_full_name()}")
        assert f"/tickets/{ticket.number}/" in message.body
        assert told(l2, "ticket_assigned") == ["Assigned to you"]

    def test_the_actor_is_not_told_of_their_own_action(self, committing, ticket, l1, l1_group):
        incident_follow(incident=ticket, actor=l1)
        with committing():
            services.incident_assign(incident=ticket, group=l1_group, assignee=l1, actor=l1)
            services.incident_start_work(incident=ticket, actor=l1)
        assert told(l1) == [] and told(l1, "ticket_assigned") == []
        assert mailed(l1) == []

    def test_a_follower_who_is_the_assignee_gets_one_mail(
        self, committing, ticket, l1, l2, l2_group
    ):
        incident_follow(incident=ticket, actor=l2)
        with committing():
            services.incident_assign(incident=ticket, group=l2_group, assignee=l2, actor=l1)
        assert told(l2) == [] and told(l2, "ticket_assigned") == ["Assigned to you"]
        assert len(mailed(l2)) == 1

    def test_a_follower_in_the_group_without_an_assignee_gets_one_mail(
        self, committing, ticket, l1, l2, l2_group
    ):
        incident_follow(incident=ticket, actor=l2)
        with committing():
            services.incident_assign(incident=ticket, group=l2_group, actor=l1)
        assert told(l2) == [] and len(told(l2, "ticket_assigned")) == 1
        assert len(mailed(l2)) == 1

    def test_every_status_change_and_the_customers_answer(
        self, committing, ticket, l2, l2_group, desk_manager, contact_a, kb_manager
    ):
        incident_follow(incident=ticket, actor=kb_manager)
        with committing():
            services.incident_assign(
                incident=ticket, group=l2_group, assignee=l2, actor=desk_manager
            )
            services.incident_start_work(incident=ticket, actor=l2)
            services.incident_request_information(
                incident=ticket, comment="Which server?", actor=l2
            )
            services.incident_add_comment(incident=ticket, body="web-01", actor=contact_a)
            services.incident_complete(
                incident=ticket, closure_code="resolved", resolution="Fixed.", actor=l2
            )
            services.incident_reject_resolution(
                incident=ticket, reason="Still slow.", actor=contact_a
            )
        assert told(kb_manager) == [
            f"Assigned to {l2.get_full_name()}",
            "Status changed to In progress",
            "Status changed to Information needed",
            "Status changed to In progress",  # the contact's answer resumed it
            "The customer answered",
            "Status changed to Completed",
            "The customer rejected the resolution",
        ]
        assert len(mailed(kb_manager)) == 7

    def test_a_follower_who_lost_the_role_hears_nothing(self, committing, ticket, l1, l1_group, l3):
        incident_follow(incident=ticket, actor=l3)
        l3.groups.clear()
        with committing():
            services.incident_assign(incident=ticket, group=l1_group, actor=l1)
        assert told(l3) == [] and mailed(l3) == []

    def test_followers_can_mute_the_mail(self, committing, ticket, l1, l1_group, l3):
        incident_follow(incident=ticket, actor=l3)
        preference_update(user=l3, mail_enabled=True, muted_events=[FOLLOWED_TICKET])
        with committing():
            services.incident_assign(incident=ticket, group=l1_group, actor=l1)
        assert told(l3) == ["Assigned to the group Service desk"]
        assert mailed(l3) == []


class TestPage:
    @pytest.fixture
    def ticket(self, contact_a):
        return IncidentFactory(contact=contact_a.contact)

    def page(self, client, ticket) -> str:
        return client.get(reverse("incidents:detail", args=[ticket.number])).content.decode()

    def test_the_page_offers_follow_then_lists_the_follower(self, client, l2, ticket):
        client.force_login(l2)
        page = self.page(client, ticket)
        assert "data-follow" in page and "Nobody follows this ticket." in page
        assert "copied (CC, below)" in page
        response = client.post(reverse("incidents:follow", args=[ticket.number]))
        assert response.status_code == 302
        assert response["Location"] == f"/tickets/{ticket.number}/#watchers"
        page = self.page(client, ticket)
        assert f'data-watcher="{l2.username}"' in page and "data-unfollow" in page
        assert "You follow this ticket." in page

    def test_htmx_swaps_the_panel(self, client, l2, ticket):
        client.force_login(l2)
        response = client.post(reverse("incidents:follow", args=[ticket.number]), headers=HTMX)
        body = response.content.decode()
        assert response.status_code == 200
        assert body.lstrip().startswith('<section id="watchers"')
        assert "data-unfollow" in body and "data-focus-after-swap" in body
        response = client.post(reverse("incidents:unfollow", args=[ticket.number]), headers=HTMX)
        assert "data-follow" in response.content.decode()
        assert not Watch.objects.exists()

    def test_a_closed_ticket_offers_no_follow_and_says_why_on_a_post(self, client, l2):
        closed = make_incident_in(Status.CLOSED)
        client.force_login(l2)
        assert "data-follow" not in self.page(client, closed)
        response = client.post(reverse("incidents:follow", args=[closed.number]), follow=True)
        assert "The ticket is closed" in response.content.decode()

    def test_others_see_who_follows(self, client, l1, l2, ticket):
        incident_follow(incident=ticket, actor=l1)
        client.force_login(l2)
        page = self.page(client, ticket)
        assert f'data-watcher="{l1.username}"' in page and "data-follow" in page

    def test_the_ticket_page_costs_one_query_more_whatever_the_followers(
        self, client, l1, ticket, django_assert_max_num_queries
    ):
        from django.db import connection
        from django.test.utils import CaptureQueriesContext

        incident_follow(incident=ticket, actor=l1)
        client.force_login(l1)
        with CaptureQueriesContext(connection) as one:
            self.page(client, ticket)
        for _ in range(5):
            incident_follow(incident=ticket, actor=UserFactory(roles=["L2 agent"]))
        with django_assert_max_num_queries(len(one)):
            self.page(client, ticket)


class TestFollowedList:
    def test_followed_by_me_lists_only_my_tickets(self, client, l1, l2):
        mine, theirs, nobodys = IncidentFactory(), IncidentFactory(), IncidentFactory()
        incident_follow(incident=mine, actor=l1)
        incident_follow(incident=theirs, actor=l2)
        client.force_login(l1)
        page = client.get(reverse("incidents:tickets"), {"watching": "me"}).content.decode()
        assert mine.number in page
        assert theirs.number not in page and nobodys.number not in page
        assert 'aria-current="true" data-following-list' in page

    def test_the_list_costs_the_same_whatever_is_followed(
        self, client, l1, django_assert_max_num_queries
    ):
        from django.db import connection
        from django.test.utils import CaptureQueriesContext

        incident_follow(incident=IncidentFactory(), actor=l1)
        client.force_login(l1)
        url = reverse("incidents:tickets") + "?watching=me"
        with CaptureQueriesContext(connection) as few:
            client.get(url)
        for _ in range(8):
            incident_follow(incident=IncidentFactory(), actor=l1)
        with django_assert_max_num_queries(len(few)):
            response = client.get(url)
        assert response.content.decode().count('name="tickets"') == 9


class TestApi:
    def test_staff_read_the_followers_contacts_do_not(self, client, l1, l2, contact_a):
        from tests.api.conftest import issue_api_token

        ticket = IncidentFactory(contact=contact_a.contact)
        incident_follow(incident=ticket, actor=l2)
        for token, expected in [
            (issue_api_token(user=l1), [l2.get_full_name()]),
            (issue_api_token(contact=contact_a.contact), []),
        ]:
            response = client.get(
                f"/api/v1/tickets/{ticket.number}", headers={"Authorization": f"Bearer {token}"}
            )
            assert response.status_code == 200
            assert response.json()["followers"] == expected

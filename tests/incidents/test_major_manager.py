"""The named major incident manager: told when named (on declaring, and on a hand-over),
in the app and by mail, once; who may hand a major incident over, and the hand-over
through the HTTP layer (htmx and plain, errors next to the field, stale forms)."""

import pytest
from django.core import mail
from django.core.exceptions import PermissionDenied, ValidationError
from django.urls import reverse
from django.utils.html import escape

from incidents import services
from incidents.exceptions import StaleTicket
from incidents.models import Incident, Status
from incidents.signals import major_manager_named
from servicedesk.inbox import preference_update
from servicedesk.models import InAppNotification
from tests.factories import ServiceFactory, make_incident_in

pytestmark = pytest.mark.django_db
HTMX = {"HX-Request": "true"}
EVENT = "major_manager_named"


@pytest.fixture
def committing(django_capture_on_commit_callbacks):
    return lambda: django_capture_on_commit_callbacks(execute=True)


@pytest.fixture
def incident(desk_manager, contact_a):
    return make_incident_in(
        Status.IN_PROGRESS,
        actor=desk_manager,
        contact=contact_a.contact,
        service=ServiceFactory(name="Object storage"),
        title="S3 endpoint answers 503",
    )


@pytest.fixture
def major(incident, desk_manager):
    return services.incident_declare_major(
        incident=incident, manager=desk_manager, reason="Storage down", actor=desk_manager
    )


def told(user) -> list[InAppNotification]:
    return list(InAppNotification.objects.filter(recipient=user, event=EVENT))


def mailed(user) -> list:
    return [m for m in mail.outbox if m.to == [user.email]]


def fresh(ticket) -> Incident:
    return Incident.objects.get(pk=ticket.pk)


class TestToldWhenNamed:
    def test_declaring_tells_the_named_manager_in_the_app_and_by_mail(
        self, committing, incident, desk_manager, l2
    ):
        with committing():
            services.incident_declare_major(
                incident=incident, manager=l2, reason="Storage down everywhere", actor=desk_manager
            )
        (item,) = told(l2)
        assert item.verb == f"You are the manager of major incident {incident.number}"
        assert item.url == reverse("incidents:detail", args=[incident.number])
        assert item.actor == desk_manager and item.target == incident
        (message,) = mailed(l2)
        assert message.subject == (
            f"[{incident.number}] You are the manager of major incident {incident.number}: "
            f"{incident.title}"
        )
        assert "Storage down everywhere" in message.body
        assert reverse("incidents:detail", args=[incident.number]) in message.body

    def test_naming_oneself_tells_nobody(self, committing, incident, desk_manager):
        with committing():
            services.incident_declare_major(
                incident=incident, manager=desk_manager, reason="Down", actor=desk_manager
            )
        assert told(desk_manager) == [] and mailed(desk_manager) == []

    def test_nobody_is_told_when_the_declaration_rolls_back(self, committing, major, l2):
        with committing(), pytest.raises(ValidationError):
            services.incident_declare_major(
                incident=major, manager=l2, reason="Again", actor=major.major_manager
            )
        assert told(l2) == []

    def test_a_repeated_announcement_tells_nobody_twice(self, committing, major, desk_manager, l2):
        with committing():
            services.incident_name_major_manager(incident=major, manager=l2, actor=desk_manager)
        major = fresh(major)
        major_manager_named.send(
            sender=Incident, incident=major, manager=l2, actor=desk_manager, reason=""
        )
        assert len(told(l2)) == 1 and len(mailed(l2)) == 1

    def test_a_manager_who_switched_mail_off_is_told_in_the_app_only(
        self, committing, incident, desk_manager, l2
    ):
        preference_update(user=l2, mail_enabled=True, muted_events=[EVENT])
        with committing():
            services.incident_declare_major(
                incident=incident, manager=l2, reason="Down", actor=desk_manager
            )
        assert len(told(l2)) == 1 and mailed(l2) == []


class TestHandOver:
    def test_the_coordinator_hands_over_and_the_new_manager_is_told(
        self, committing, major, desk_manager, l1
    ):
        with committing():
            services.incident_name_major_manager(incident=major, manager=l1, actor=desk_manager)
        major = fresh(major)
        assert major.major_manager == l1
        assert major.history.first().history_change_reason == (
            f"Major incident manager: {l1.get_full_name()}"
        )
        assert len(told(l1)) == 1 and len(mailed(l1)) == 1

    def test_the_named_manager_hands_over_and_coordinates_no_more(
        self, committing, major, desk_manager, l1, l2
    ):
        services.incident_name_major_manager(incident=major, manager=l1, actor=desk_manager)
        services.incident_name_major_manager(incident=fresh(major), manager=l2, actor=l1)
        with pytest.raises(PermissionDenied):
            services.incident_name_major_manager(incident=fresh(major), manager=l1, actor=l1)

    @pytest.mark.parametrize("actor", ["l1", "l2", "l3", "problem_manager", "contact_a"])
    def test_who_does_not_coordinate_may_not_hand_over(self, actors, major, l1, actor):
        with pytest.raises(PermissionDenied):
            services.incident_name_major_manager(incident=major, manager=l1, actor=actors[actor])

    @pytest.mark.parametrize("who", ["problem_manager", "contact_a"])
    def test_the_new_manager_must_be_an_agent(self, actors, major, desk_manager, who):
        with pytest.raises(ValidationError) as error:
            services.incident_name_major_manager(
                incident=major, manager=actors[who], actor=desk_manager
            )
        assert "manager" in error.value.message_dict

    def test_naming_the_same_manager_changes_nothing(self, committing, major, desk_manager):
        version = major.version
        with committing():
            services.incident_name_major_manager(
                incident=major, manager=desk_manager, actor=desk_manager
            )
        assert fresh(major).version == version

    def test_a_resolved_major_incident_is_not_handed_over(self, major, desk_manager, l1):
        services.incident_complete(
            incident=major, closure_code="resolved", resolution="Fixed", actor=desk_manager
        )
        with pytest.raises(ValidationError):
            services.incident_name_major_manager(
                incident=fresh(major), manager=l1, actor=desk_manager
            )

    def test_a_stale_hand_over_is_refused(self, major, desk_manager, l1):
        with pytest.raises(StaleTicket):
            services.incident_name_major_manager(
                incident=major, manager=l1, actor=desk_manager, expected_version=major.version - 1
            )


class TestHandOverView:
    def address(self, major):
        return reverse("incidents:major_manager", args=[major.number])

    def test_the_coordinator_sees_the_form_and_others_do_not(self, client, major, desk_manager, l1):
        page = reverse("incidents:detail", args=[major.number])
        client.force_login(desk_manager)
        assert "data-major-hand-over" in client.get(page).content.decode()
        client.force_login(l1)
        assert "data-major-hand-over" not in client.get(page).content.decode()

    def test_htmx_hands_over_and_answers_with_the_panel(self, client, major, desk_manager, l1):
        client.force_login(desk_manager)
        response = client.post(
            self.address(major), {"version": major.version, "manager": l1.pk}, headers=HTMX
        )
        html = response.content.decode()
        assert response.status_code == 200
        assert html.lstrip().startswith('<section id="major-panel"')
        assert f"{l1.get_full_name()} manages the major incident now." in html
        assert fresh(major).major_manager == l1

    def test_a_plain_post_hands_over_and_redirects_with_a_message(
        self, client, major, desk_manager, l1
    ):
        client.force_login(desk_manager)
        response = client.post(self.address(major), {"version": major.version, "manager": l1.pk})
        assert response.status_code == 302
        assert response["Location"] == reverse("incidents:detail", args=[major.number])
        page = client.get(response["Location"]).content.decode()
        assert f"{l1.get_full_name()} manages the major incident now." in page

    def test_a_missing_manager_is_named_next_to_the_field(self, client, major, desk_manager):
        client.force_login(desk_manager)
        for headers in (HTMX, {}):
            response = client.post(
                self.address(major), {"version": major.version, "manager": ""}, headers=headers
            )
            assert response.status_code == 422
            assert "This field is required" in response.content.decode()
            assert fresh(major).major_manager == desk_manager

    def test_a_stale_form_says_so_on_top_and_keeps_the_choice(
        self, client, major, desk_manager, l1
    ):
        client.force_login(desk_manager)
        stale = major.version
        services.incident_end_outage(incident=major, actor=desk_manager)
        response = client.post(
            self.address(major), {"version": stale, "manager": l1.pk}, headers=HTMX
        )
        html = response.content.decode()
        assert response.status_code == 422
        assert escape(str(StaleTicket.message)) in html
        assert f'<option value="{l1.pk}" selected>' in html
        assert fresh(major).major_manager == desk_manager

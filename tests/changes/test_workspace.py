"""The change manager's workspace (/changes/): who may open each section, where the
change manager lands, what the pipeline, the CAB agenda, the conflicts and the figures
show, htmx fragments, and that every section costs the same number of queries with few
rows as with many."""

from datetime import timedelta

import pytest
import time_machine
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone

from changes import services
from changes.models import BlackoutPeriod, ChangeRequest, ChangeType, Rule, Status
from changes.views import home
from servicedesk import workspaces
from tests.changes.factories import ChangeFactory, cab_user, policy, window
from tests.factories import ConfigurationItemFactory, ServiceFactory

pytestmark = pytest.mark.django_db

STAFF = [
    "l1",
    "l2",
    "l3",
    "desk_manager",
    "problem_manager",
    "change_manager",
    "cab_member",
    "kb_manager",
]
NOT_STAFF = ["contact_a", "contact_b", "outsider"]
SECTIONS = [
    "changes:home",
    "changes:cab",
    "changes:conflicts",
    "changes:figures",
    "changes:calendar",
]
HOUR = timedelta(hours=1)
DAY = timedelta(days=1)


def htmx(target=None):
    headers = {"HTTP_HX_REQUEST": "true"}
    if target:
        headers["HTTP_HX_TARGET"] = target
    return headers


def later(days, hours=3):
    return window(starts_in=days * DAY, lasts=hours * HOUR)


class TestAccess:
    @pytest.mark.parametrize("actor", STAFF + NOT_STAFF)
    def test_every_section_is_for_staff_only(self, client, actors, actor):
        client.force_login(actors[actor])
        expected = 200 if actor in STAFF else 403
        for name in SECTIONS:
            assert client.get(reverse(name)).status_code == expected, name

    def test_anonymous_visitors_are_sent_to_the_login_page(self, client):
        for name in SECTIONS:
            response = client.get(reverse(name))
            assert response.status_code == 302, name
            assert response["Location"].startswith(reverse("login")), name

    @pytest.mark.parametrize("name", SECTIONS)
    def test_sections_refuse_post(self, client, change_manager, name):
        client.force_login(change_manager)
        assert client.post(reverse(name)).status_code == 405

    def test_the_workspace_is_at_changes_and_the_calendar_below_it(self):
        assert reverse("changes:home") == "/changes/"
        assert reverse("changes:calendar") == "/changes/calendar/"

    def test_the_change_manager_lands_on_the_workspace(self, client, change_manager):
        client.force_login(change_manager)
        assert client.get("/")["Location"] == "/changes/"

    def test_every_section_offers_to_raise_a_change(self, client, l1):
        client.force_login(l1)
        for path in ("/changes/", "/changes/cab/", "/changes/calendar/"):
            assert 'data-action="raise_change" href="/changes/new/"' in client.get(path).text

    @pytest.mark.parametrize("actor", STAFF)
    def test_every_staff_role_finds_changes_after_problems_before_knowledge(self, actors, actor):
        entries = [entry.url_name for entry in workspaces.navigation_for(actors[actor])]
        assert (
            entries.index("problems:home")
            < entries.index("changes:home")
            < entries.index("knowledge:home")
        )

    def test_contacts_have_no_changes_in_their_navigation(self, actors):
        entries = [entry.url_name for entry in workspaces.navigation_for(actors["contact_a"])]
        assert "changes:home" not in entries

    def test_the_navigation_has_a_shortcut_to_the_workspace(self, client, l1):
        client.force_login(l1)
        page = client.get(reverse("changes:home")).text
        assert 'href="/changes/"' in page and 'data-shortcut="g c"' in page


class TestPipeline:
    def test_tabs_count_each_state_and_a_tab_shows_its_changes(self, client, l1):
        made = {
            status: ChangeFactory(status=status, **later(2))
            for status in (
                Status.SUBMITTED,
                Status.ASSESSMENT,
                Status.CAB_REVIEW,
                Status.APPROVED,
                Status.SCHEDULED,
                Status.REVIEW,
            )
        }
        outcomes = [
            ChangeFactory(status=status)
            for status in (Status.IMPLEMENTED, Status.FAILED, Status.ROLLED_BACK)
        ]
        implementing = ChangeFactory(status=Status.IMPLEMENTING)
        for status in (Status.DRAFT, Status.REJECTED, Status.CLOSED, Status.CANCELLED):
            ChangeFactory(status=status)
        client.force_login(l1)

        response = client.get(reverse("changes:home"))

        counts = {tab.key: tab.count for tab in response.context["tabs"]}
        assert counts == {
            "submitted": 1,
            "assessment": 1,
            "cab_review": 1,
            "approved": 1,
            "scheduled": 1,
            "implementing": 1,
            "outcome": 3,
            "review": 1,
        }
        assert response.context["all_tab"].shown == "10"
        shown = {row.change for row in response.context["rows"]}
        assert shown == {*made.values(), *outcomes, implementing}
        rows = client.get(reverse("changes:home"), {"stage": "outcome"}).context["rows"]
        assert {row.change for row in rows} == set(outcomes)
        rows = client.get(reverse("changes:home"), {"stage": "cab_review"}).context["rows"]
        assert [row.change for row in rows] == [made[Status.CAB_REVIEW]]
        assert "Awaiting review" in response.text

    def test_a_row_shows_state_type_risk_window_requester_and_age(self, client, l1, l2):
        with time_machine.travel(timezone.now() - timedelta(days=9, hours=1)):
            change = ChangeFactory(
                status=Status.SUBMITTED,
                change_type=ChangeType.EMERGENCY,
                requester=l2,
                impact="high",
                likelihood="high",
                **later(10),
            )
        client.force_login(l1)

        response = client.get(reverse("changes:home"))

        (row,) = response.context["rows"]
        assert row.days_old == 9
        page = response.text
        assert f'data-href="/changes/{change.number}/"' in page
        assert '<span class="badge chg-submitted">Submitted</span>' in page
        assert '<span class="badge chg-type-emergency">Emergency</span>' in page
        assert '<span class="badge risk-high">High</span>' in page
        start = timezone.localtime(change.planned_start)
        assert start.strftime("%d %b %H:%M") in page
        assert "9 days" in page
        assert l2.get_full_name() in page

    def test_sorted_by_window_or_oldest_first(self, client, l1):
        with time_machine.travel(timezone.now() - 5 * DAY):
            old_late = ChangeFactory(status=Status.SUBMITTED, **later(20))
        soon_new = ChangeFactory(status=Status.SUBMITTED, **later(1))
        client.force_login(l1)

        by_window = client.get(reverse("changes:home")).context["rows"]
        by_age = client.get(reverse("changes:home"), {"sort": "age"}).context["rows"]

        assert [r.change for r in by_window] == [soon_new, old_late]
        assert [r.change for r in by_age] == [old_late, soon_new]

    def test_a_change_whose_window_was_cleared_is_named_and_found_oldest_first(
        self, client, change_manager
    ):
        change = ChangeFactory(status=Status.SUBMITTED)
        services.change_update(
            change=change, actor=change_manager, planned_start=None, planned_end=None
        )
        client.force_login(change_manager)

        response = client.get(reverse("changes:home"))

        assert response.context["rows"] == []
        assert "1 change in this list has no window" in response.text
        rows = client.get(reverse("changes:home"), {"sort": "age"}).context["rows"]
        assert [r.change for r in rows] == [change]

    def test_show_more_brings_the_next_rows_alone_with_htmx(self, client, l1, monkeypatch):
        monkeypatch.setattr(home, "PAGE", 2)
        changes = [ChangeFactory(status=Status.SUBMITTED, **later(n + 1)) for n in range(3)]
        client.force_login(l1)

        first = client.get(reverse("changes:home"))
        cursor = first.context["next_cursor"]
        more = client.get(reverse("changes:home"), {"after": cursor}, **htmx())

        assert [r.change for r in first.context["rows"]] == changes[:2]
        assert [r.change for r in more.context["rows"]] == changes[2:]
        assert more.text.lstrip().startswith("<tr") and "<table" not in more.text
        plain = client.get(reverse("changes:home"), {"after": cursor})
        assert "<html" in plain.text

    def test_htmx_swaps_the_section_alone(self, client, l1):
        client.force_login(l1)
        for name in SECTIONS:
            page = client.get(reverse(name), **htmx("section")).text
            assert page.lstrip().startswith('<div id="section"'), name
            assert "<html" not in page, name

    def test_query_count_stays_flat(self, client, l1, django_assert_max_num_queries):
        client.force_login(l1)
        url = reverse("changes:home")
        ChangeFactory(status=Status.SUBMITTED)
        client.get(url)
        with CaptureQueriesContext(connection) as few:
            client.get(url)
        for status in (Status.CAB_REVIEW, Status.SCHEDULED, Status.FAILED, Status.REVIEW):
            ChangeFactory.create_batch(2, status=status)
        with django_assert_max_num_queries(len(few)):
            assert len(client.get(url).context["rows"]) == 9


class TestCabAgenda:
    def test_the_agenda_shows_changes_waiting_for_the_cab_with_approvals_so_far(
        self, client, change_manager
    ):
        cab1, cab2, cab3 = cab_user(), cab_user(), cab_user()
        policy(ChangeType.NORMAL, rule=Rule.QUORUM, quorum=2, approvers=[cab1, cab2, cab3])
        waiting = ChangeFactory(status=Status.CAB_REVIEW, **later(3))
        sooner = ChangeFactory(status=Status.CAB_REVIEW, **later(1))
        ChangeFactory(status=Status.SUBMITTED)
        services.change_decide(change=waiting, decision="approved", comment="Fine.", actor=cab1)
        services.change_decide(change=sooner, decision="rejected", comment="No.", actor=cab3)
        client.force_login(change_manager)

        response = client.get(reverse("changes:cab"))

        agenda = response.context["agenda"]
        assert [item.change for item, _conflicts in agenda] == [sooner, waiting]
        item = agenda[1][0]
        assert (item.approved, item.rejected, len(item.approvals), item.needed) == (1, 0, 3, 2)
        page = response.text
        assert "1 of 3" in page and "needs 2" in page and "1 rejected" in page
        assert f"{cab1.get_full_name()}: Approved" in page

    def test_the_agenda_shows_the_changes_conflicts(self, client, l1):
        web = ServiceFactory(name="Web hosting")
        waiting = ChangeFactory(status=Status.CAB_REVIEW, services=[web], **later(2))
        other = ChangeFactory(
            status=Status.SCHEDULED,
            services=[web],
            planned_start=waiting.planned_start + HOUR,
            planned_end=waiting.planned_end + HOUR,
        )
        BlackoutPeriod.objects.create(
            name="Black Friday", starts_at=waiting.planned_start, ends_at=waiting.planned_end
        )
        client.force_login(l1)

        response = client.get(reverse("changes:cab"))

        ((_item, conflicts),) = response.context["agenda"]
        assert [c.change for c in conflicts if not c.is_blackout] == [other]
        assert [c.blackout.name for c in conflicts if c.is_blackout] == ["Black Friday"]
        assert other.number in response.text and "every service" in response.text

    def test_query_count_stays_flat(self, client, l1, django_assert_max_num_queries):
        web = ServiceFactory(name="Web")
        client.force_login(l1)
        url = reverse("changes:cab")
        ChangeFactory(status=Status.CAB_REVIEW, services=[web])
        BlackoutPeriod.objects.create(
            name="Freeze", starts_at=timezone.now(), ends_at=timezone.now() + HOUR
        )
        client.get(url)
        with CaptureQueriesContext(connection) as few:
            client.get(url)
        ChangeFactory.create_batch(5, status=Status.CAB_REVIEW, services=[web])
        with django_assert_max_num_queries(len(few)):
            response = client.get(url)
        assert len(response.context["agenda"]) == 6
        assert all(len(conflicts) == 6 for _item, conflicts in response.context["agenda"])


class TestAgendaPaging:
    def test_show_more_brings_the_next_changes_alone_with_htmx(self, client, l1, monkeypatch):
        monkeypatch.setattr(home, "AGENDA_PAGE", 2)
        changes = [ChangeFactory(status=Status.CAB_REVIEW, **later(n + 1)) for n in range(3)]
        client.force_login(l1)
        url = reverse("changes:cab")

        first = client.get(url)
        cursor = first.context["next_cursor"]
        more = client.get(url, {"after": cursor}, **htmx())
        plain = client.get(url, {"after": cursor})

        assert [item.change for item, _c in first.context["agenda"]] == changes[:2]
        assert "3 changes wait for the CAB" in first.text
        assert [item.change for item, _c in more.context["agenda"]] == changes[2:]
        assert more.text.lstrip().startswith("<tr") and "<table" not in more.text
        assert more.context["next_cursor"] is None
        assert "<html" in plain.text
        assert [item.change for item, _c in plain.context["agenda"]] == changes[2:]

    def test_a_change_whose_window_was_cleared_comes_last(self, client, l1, monkeypatch):
        monkeypatch.setattr(home, "AGENDA_PAGE", 1)
        cleared, later_one = (
            ChangeFactory(status=Status.CAB_REVIEW, **later(n + 1)) for n in (0, 1)
        )
        ChangeRequest.objects.filter(pk=cleared.pk).update(planned_start=None, planned_end=None)
        client.force_login(l1)
        url = reverse("changes:cab")

        first = client.get(url)
        second = client.get(url, {"after": first.context["next_cursor"]})

        assert [item.change for item, _c in first.context["agenda"]] == [later_one]
        assert [item.change for item, _c in second.context["agenda"]] == [cleared]
        assert "—" in second.text

    @pytest.mark.parametrize("cursor", ["x", "12-", "99999999999999999999-1"])
    def test_a_made_up_cursor_shows_the_first_page(self, client, l1, monkeypatch, cursor):
        monkeypatch.setattr(home, "AGENDA_PAGE", 2)
        changes = [ChangeFactory(status=Status.CAB_REVIEW, **later(n + 1)) for n in range(3)]
        client.force_login(l1)
        response = client.get(reverse("changes:cab"), {"after": cursor}, **htmx())
        assert response.status_code == 200
        assert [item.change for item, _c in response.context["agenda"]] == changes[:2]


class TestConflictsPaging:
    def test_the_changes_in_conflict_come_a_page_at_a_time(self, client, l1, monkeypatch):
        monkeypatch.setattr(home, "CONFLICTS_PAGE", 2)
        web = ServiceFactory(name="Web")
        alone = ChangeFactory(status=Status.SUBMITTED, services=[ServiceFactory()], **later(1))
        pairs = [
            ChangeFactory(status=Status.SUBMITTED, services=[web], **later(n + 2))
            for n in (0, 0, 2)
        ]
        BlackoutPeriod.objects.create(
            name="Freeze",
            starts_at=pairs[2].planned_start,
            ends_at=pairs[2].planned_end,
        )
        client.force_login(l1)
        url = reverse("changes:conflicts")

        first = client.get(url)
        more = client.get(url, {"after": first.context["next_cursor"]}, **htmx())

        assert [row.change for row in first.context["rows"]] == pairs[:2]
        assert [row.change for row in more.context["rows"]] == pairs[2:]
        assert alone not in [row.change for row in first.context["rows"] + more.context["rows"]]
        assert (first.context["conflicted"].count, first.context["planned"].count) == (3, 4)
        assert "3 changes with conflicts" in first.text and "of 4 planned changes" in first.text
        assert more.text.lstrip().startswith("<tr") and "<table" not in more.text
        assert [c.blackout.name for c in more.context["rows"][0].conflicts] == ["Freeze"]

    def test_a_made_up_cursor_shows_the_first_page(self, client, l1):
        web = ServiceFactory(name="Web")
        ChangeFactory.create_batch(2, status=Status.SUBMITTED, services=[web], **later(1))
        client.force_login(l1)
        for cursor in ("x", "1-x", "99999999999999999999-1"):
            response = client.get(reverse("changes:conflicts"), {"after": cursor})
            assert response.status_code == 200 and len(response.context["rows"]) == 2


class TestConflicts:
    def test_overlaps_on_a_service_or_a_configuration_item_and_blackouts_are_listed(
        self, client, l1
    ):
        web, dns = ServiceFactory(name="Web"), ServiceFactory(name="DNS")
        router = ConfigurationItemFactory(name="edge-router-1", service=dns)
        base = later(2)
        start, end = base["planned_start"], base["planned_end"]
        on_service = ChangeFactory(status=Status.SUBMITTED, services=[web], **base)
        same_service = ChangeFactory(status=Status.APPROVED, services=[web], **base)
        on_ci = ChangeFactory(status=Status.CAB_REVIEW, configuration_items=[router], **base)
        same_ci = ChangeFactory(status=Status.SCHEDULED, configuration_items=[router], **base)
        touching = ChangeFactory(
            status=Status.SUBMITTED, services=[web], planned_start=end, planned_end=end + HOUR
        )
        in_blackout = ChangeFactory(
            status=Status.ASSESSMENT,
            services=[ServiceFactory(name="Mail")],
            planned_start=start + 5 * DAY,
            planned_end=end + 5 * DAY,
        )
        BlackoutPeriod.objects.create(
            name="Year-end", starts_at=start + 5 * DAY, ends_at=end + 5 * DAY
        )
        elsewhere = ChangeFactory(
            status=Status.SUBMITTED, services=[ServiceFactory(name="VPN")], **base
        )
        client.force_login(l1)

        response = client.get(reverse("changes:conflicts"))

        rows = {row.change: row for row in response.context["rows"]}
        assert set(rows) == {on_service, same_service, on_ci, same_ci, in_blackout}
        assert [c.change for c in rows[on_service].conflicts] == [same_service]
        assert [c.configuration_items for c in rows[on_ci].conflicts] == [(router,)]
        assert [c.blackout.name for c in rows[in_blackout].conflicts] == ["Year-end"]
        assert touching not in rows and elsewhere not in rows
        assert rows[on_ci].before_approval and not rows[same_ci].before_approval
        assert response.context["before_approval"].count == 3
        page = response.text
        assert "not approved yet" in page and "edge-router-1" in page

    def test_windows_already_over_and_changes_carried_out_are_left_out(self, client, l1):
        web = ServiceFactory(name="Web")
        past = window(starts_in=-5 * DAY)
        ChangeFactory(status=Status.SUBMITTED, services=[web], **past)
        ChangeFactory(status=Status.SUBMITTED, services=[web], **past)
        done = ChangeFactory(status=Status.IMPLEMENTED, services=[web])
        ChangeFactory(
            status=Status.SUBMITTED,
            services=[web],
            planned_start=done.planned_start,
            planned_end=done.planned_end + DAY,
        )
        client.force_login(l1)

        response = client.get(reverse("changes:conflicts"))

        assert response.context["rows"] == []
        assert "No planned change runs into another" in response.text

    def test_query_count_stays_flat(self, client, l1, django_assert_max_num_queries):
        web = ServiceFactory(name="Web")
        client.force_login(l1)
        url = reverse("changes:conflicts")
        ChangeFactory.create_batch(2, status=Status.SUBMITTED, services=[web], **later(1))
        BlackoutPeriod.objects.create(
            name="Freeze", starts_at=timezone.now(), ends_at=timezone.now() + 9 * DAY
        )
        client.get(url)
        with CaptureQueriesContext(connection) as few:
            client.get(url)
        ChangeFactory.create_batch(6, status=Status.APPROVED, services=[web], **later(1))
        BlackoutPeriod.objects.create(
            name="Release freeze", starts_at=timezone.now(), ends_at=timezone.now() + 9 * DAY
        ).services.add(web)
        with django_assert_max_num_queries(len(few)):
            assert len(client.get(url).context["rows"]) == 8


class TestFigures:
    def test_the_figures_page_draws_charts_with_tables_beside_them(self, client, l1):
        for status in (Status.CLOSED, Status.FAILED):
            ChangeFactory(status=status)
        client.force_login(l1)

        response = client.get(reverse("changes:figures"))

        page = response.text
        assert page.count("<svg") == 2
        assert 'aria-describedby="chg-months-table"' in page
        assert '<table id="chg-months-table"' in page and '<table id="chg-outcomes-table"' in page
        assert sum(month.normal for month in response.context["months"]) == 2
        outcomes = response.context["outcomes"]
        assert (outcomes.implemented, outcomes.failed) == (1, 1)
        assert 'style="' not in page

    def test_more_than_ten_percent_emergencies_show_a_warning(self, client, l1):
        ChangeFactory(status=Status.SUBMITTED, change_type=ChangeType.EMERGENCY)
        ChangeFactory.create_batch(4, status=Status.SUBMITTED)
        client.force_login(l1)

        response = client.get(reverse("changes:figures"))

        assert response.context["emergency"].flagged
        assert "More than 10 %" in response.text and 'class="card bad"' in response.text

    def test_few_emergencies_show_no_warning(self, client, l1):
        ChangeFactory.create_batch(3, status=Status.SUBMITTED)
        client.force_login(l1)
        response = client.get(reverse("changes:figures"))
        assert not response.context["emergency"].flagged
        assert "More than 10 %" not in response.text

    def test_chart_coordinates_stay_numbers_in_a_language_with_decimal_commas(self, client, l1):
        ChangeFactory.create_batch(3, status=Status.SUBMITTED)
        ChangeFactory(status=Status.FAILED)
        ChangeFactory.create_batch(2, status=Status.IMPLEMENTED)
        client.force_login(l1)
        page = client.get(reverse("changes:figures"), HTTP_ACCEPT_LANGUAGE="de").text
        for svg in page.split("<svg")[1:]:
            tags = svg.split("</svg>")[0]
            numbers = [
                chunk.split('"')[1] for chunk in tags.split(' width="')[1:] + tags.split(' x="')[1:]
            ]
            assert numbers and not any("," in n for n in numbers)

    def test_query_count_stays_flat(self, client, l1, django_assert_max_num_queries):
        client.force_login(l1)
        url = reverse("changes:figures")
        ChangeFactory(status=Status.CLOSED)
        client.get(url)
        with CaptureQueriesContext(connection) as few:
            client.get(url)
        for status in (Status.CLOSED, Status.FAILED, Status.ROLLED_BACK, Status.SUBMITTED):
            ChangeFactory.create_batch(2, status=status)
        with django_assert_max_num_queries(len(few)):
            client.get(url)

"""/manager/: who may open the dashboard, its export and its lists; the period and group
filter; each figure linked to the tickets it counts; the CSV holding what the page shows;
and a fixed number of queries whatever the number of tickets."""

import csv
import io
from datetime import UTC, datetime, timedelta
from urllib.parse import parse_qs, urlsplit

import pytest
from django.core.cache import cache
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone

from incidents.models import Channel, Incident, Kind, SatisfactionRating, Status
from servicedesk import roles
from servicedesk.dashboard import Figure
from tests.factories import ContactFactory, SupportGroupFactory, UserFactory
from tests.incidents.dashboard_week import build_week

pytestmark = pytest.mark.django_db

INDEX = reverse("dashboard:index")
EXPORT = reverse("dashboard:export")
TICKETS = reverse("dashboard:tickets")
THE_WEEK = {"from": "2026-11-02", "to": "2026-11-06"}


@pytest.fixture
def week(monkeypatch):
    return build_week(monkeypatch)


def figure(response, key: str) -> Figure:
    for section in response.context["board"].sections:
        for found in section.figures:
            if found.key == key:
                return found
    raise KeyError(key)


def numbers_listed(client, url: str) -> set[str]:
    response = client.get(url)
    assert response.status_code == 200
    return {ticket.number for ticket in response.context["rows"]}


class TestAccess:
    @pytest.mark.parametrize("url", [INDEX, EXPORT, f"{TICKETS}?figure=in"])
    @pytest.mark.parametrize(
        "actor",
        [
            "l1",
            "l2",
            "l3",
            "problem_manager",
            "change_manager",
            "cab_member",
            "kb_manager",
            "contact_a",
            "outsider",
        ],
    )
    def test_only_the_desk_manager_may_open_it(self, client, actors, actor, url):
        client.force_login(actors[actor])
        assert client.get(url).status_code == 403

    @pytest.mark.parametrize("url", [INDEX, EXPORT, f"{TICKETS}?figure=in"])
    def test_the_desk_manager_and_a_superuser_may(self, client, desk_manager, url):
        superuser = UserFactory.create(is_superuser=True)
        for user in (desk_manager, superuser):
            client.force_login(user)
            assert client.get(url).status_code == 200

    def test_anonymous_visitors_are_sent_to_the_login_page(self, client):
        response = client.get(INDEX)
        assert response.status_code == 302
        assert response["Location"].startswith(reverse("login"))

    @pytest.mark.parametrize("url", [INDEX, EXPORT, TICKETS])
    def test_nothing_but_get(self, client, desk_manager, url):
        client.force_login(desk_manager)
        assert client.post(url).status_code == 405

    def test_an_unknown_figure_has_no_list(self, client, desk_manager):
        client.force_login(desk_manager)
        assert client.get(TICKETS, {"figure": "nonsense"}).status_code == 404
        assert client.get(TICKETS).status_code == 404

    def test_a_superuser_lands_on_the_dashboard_too(self, client):
        client.force_login(UserFactory.create(is_superuser=True))
        assert client.get("/")["Location"] == INDEX

    def test_the_desk_manager_sees_it_first_in_the_navigation(self, client, desk_manager):
        client.force_login(desk_manager)
        nav = client.get(INDEX).context["nav"]
        assert nav[0].url == INDEX


class TestTheFilter:
    def test_by_default_the_last_30_days_of_every_group(self, client, desk_manager):
        client.force_login(desk_manager)
        response = client.get(INDEX)
        period = response.context["board"].period
        today = timezone.localdate()
        assert (period.first_day, period.last_day) == (today - timedelta(days=29), today)
        assert period.group_id is None
        assert response.context["board"].group is None

    def test_a_period_and_a_group_narrow_every_figure(self, client, week):
        client.force_login(week["agent"])
        response = client.get(INDEX, {**THE_WEEK, "group": week["l1"].pk})
        assert response.context["board"].group == week["l1"]
        assert figure(response, "in").value == 2  # T1, T4
        assert figure(response, "out").value == 3  # T1, T4, T7
        page = response.content.decode()
        assert 'value="2026-11-02"' in page and f'value="{week["l1"].pk}" selected' in page

    def test_a_wrong_period_is_said_next_to_the_field_and_kept(self, client, desk_manager):
        client.force_login(desk_manager)
        response = client.get(INDEX, {"from": "2026-11-09", "to": "2026-11-02"})
        assert response.status_code == 200
        form = response.context["form"]
        assert "must start on or before" in str(form.errors["date_from"])
        page = response.content.decode()
        assert 'id="id_from_error"' in page and 'value="2026-11-09"' in page
        # The figures meanwhile: the last 30 days.
        assert response.context["board"].period.last_day == timezone.localdate()

    @pytest.mark.parametrize(
        ("params", "field"),
        [
            ({"from": "yesterday"}, "date_from"),
            ({"to": "2999-01-01"}, "date_to"),
            ({"from": "2024-01-01", "to": "2026-01-01"}, "date_from"),  # over 366 days
            ({"group": "999999"}, "group"),
        ],
    )
    def test_what_cannot_be_shown_is_refused(self, client, desk_manager, params, field):
        client.force_login(desk_manager)
        assert field in client.get(INDEX, params).context["form"].errors
        assert client.get(EXPORT, params).status_code == 400

    def test_htmx_swaps_the_board_alone(self, client, desk_manager):
        client.force_login(desk_manager)
        response = client.get(INDEX, headers={"HX-Request": "true", "HX-Target": "board"})
        page = response.content.decode()
        assert page.lstrip().startswith('<section id="board"') and "<html" not in page


class TestFiguresAndTheirTickets:
    def test_each_figure_shows_its_value(self, client, week):
        client.force_login(week["agent"])
        response = client.get(INDEX, THE_WEEK)
        assert figure(response, "fcr").shown == "40.0 %"
        assert figure(response, "mttr_median").shown == "3 h 0 min"
        assert figure(response, "mttr_mean").shown == "21 h 24 min"
        assert figure(response, "reaction_compliance").shown == "71.4 %"
        assert figure(response, "resolution_compliance").shown == "66.7 %"
        assert figure(response, "breaches").shown == "4"
        assert figure(response, "escalation_l2").shown == "60.0 %"
        assert figure(response, "escalation_l3").shown == "33.3 %"
        assert figure(response, "reopen").shown == "20.0 %"
        assert figure(response, "csat").shown == "50.0 %"
        assert figure(response, "csat_score").shown == "3.5 / 5"
        assert figure(response, "backlog").shown == "2"

    @pytest.mark.parametrize(
        ("key", "expected"),
        [
            ("in", {"t1", "t2", "t3", "t4", "t5", "t6", "t8"}),
            ("out", {"t1", "t2", "t3", "t4", "t5", "t7"}),
            ("fcr", {"t1", "t7"}),
            ("mttr_median", {"t1", "t2", "t3", "t4", "t7"}),
            ("reopen", {"t4"}),
            ("breaches", {"t2", "t3", "t6", "t8"}),
            ("escalation_l3", {"t3"}),
            ("csat", {"t1", "t2"}),
        ],
    )
    def test_a_figure_links_to_the_tickets_it_counts(self, client, week, key, expected):
        client.force_login(week["agent"])
        url = figure(client.get(INDEX, THE_WEEK), key).url
        assert url.startswith(TICKETS)
        assert numbers_listed(client, url) == {week[name].number for name in expected}

    def test_the_backlog_of_every_group_links_to_the_open_queue(self, client, week):
        client.force_login(week["agent"])
        response = client.get(INDEX, THE_WEEK)
        assert figure(response, "backlog").url == reverse("incidents:overview")
        assert figure(response, "backlog_breached").url.startswith(reverse("incidents:sla"))
        narrowed = client.get(INDEX, {**THE_WEEK, "group": week["l2"].pk})
        assert numbers_listed(client, figure(narrowed, "backlog").url) == {week["t6"].number}

    def test_no_ratings_says_so(self, client, desk_manager):
        client.force_login(desk_manager)
        response = client.get(INDEX)
        assert figure(response, "csat").shown == "—"
        assert figure(response, "csat").detail == "no ratings"
        assert "no ratings" in response.content.decode()

    def test_a_chart_row_and_an_agent_narrow_the_list(self, client, week):
        client.force_login(week["agent"])
        board = client.get(INDEX, THE_WEEK).context["board"]
        tuesday = next(r for r in board.tables["by_day"].rows if r.key == "2026-11-03")
        assert numbers_listed(client, tuesday.cells[0].url) == {
            week["t3"].number,
            week["t4"].number,
        }
        eleven = board.tables["by_hour"].rows[11].cells[0]
        assert eleven.value == 2
        assert numbers_listed(client, eleven.url) == {week["t4"].number, week["t8"].number}
        days = next(r for r in board.tables["backlog_age"].rows if r.key == "days")
        assert numbers_listed(client, days.cells[0].url) == {week["t6"].number, week["t8"].number}
        (agent,) = board.tables["agents"].rows
        assert agent.label == "Ann Agent"
        assert numbers_listed(client, agent.cells[0].url) == {week["t6"].number}
        page = client.get(agent.cells[0].url).content.decode()
        assert "Ann Agent" in page and "Back to the dashboard" in page

    def test_the_panels_of_the_other_apps_are_shown(self, client, desk_manager):
        client.force_login(desk_manager)
        response = client.get(INDEX)
        keys = [panel.key for panel, _result in response.context["board"].panels]
        assert keys == ["problems", "changes", "knowledge"]
        page = response.content.decode()
        assert 'data-panel="problems"' in page and 'data-figure="success_rate"' in page
        assert 'data-figure="deflected"' in page


class TestTheListsPageOn:
    def test_show_more_keeps_the_figure_and_the_period(self, client, desk_manager):
        client.force_login(desk_manager)
        bulk_tickets(60, registered=timezone.now() - timedelta(hours=1))
        first = client.get(TICKETS, {"figure": "in"})
        assert len(first.context["rows"]) == 50
        cursor = first.context["next_cursor"]
        assert f"figure=in&amp;after={cursor}" in first.content.decode()
        more = client.get(
            TICKETS, {"figure": "in", "after": cursor}, headers={"HX-Request": "true"}
        )
        assert len(more.context["rows"]) == 10
        seen = {t.pk for t in first.context["rows"]} | {t.pk for t in more.context["rows"]}
        assert len(seen) == 60
        query = parse_qs(urlsplit(f"?{more.context['page_query']}").query)
        assert query["figure"] == ["in"] and "from" in query and "to" in query


class TestExport:
    def test_the_csv_has_every_figure_table_and_panel(self, client, week):
        client.force_login(week["agent"])
        response = client.get(EXPORT, THE_WEEK)
        assert response["Content-Type"] == "text/csv; charset=utf-8"
        assert "service-desk-2026-11-02-2026-11-06.csv" in response["Content-Disposition"]
        rows = list(csv.reader(io.StringIO(response.content.decode())))
        assert rows[0] == ["section", "key", "label", "value", "unit"]
        values = {row[1]: row[3] for row in rows[1:]}
        assert values["from"] == "2026-11-02" and values["to"] == "2026-11-06"
        assert values["volume.in"] == "7"
        assert values["resolution.fcr"] == "40.0"
        assert values["resolution.mttr_median"] == "3.00"  # hours
        assert values["resolution.mttr_mean"] == "21.40"
        assert values["sla.reaction_compliance"] == "71.4"
        assert values["escalation.csat_score"] == "3.50"
        assert values["by_day.2026-11-03.in"] == "2"
        assert values["by_hour.11.in"] == "2"
        assert values["backlog_age.days.open"] == "2"
        assert values[f"agents.{week['agent'].pk}.resolved"] == "5"
        assert "problems.open" in values and "changes.success_rate" in values
        assert "knowledge.deflected" in values

    def test_the_page_and_the_csv_show_the_same_figures(self, client, week):
        client.force_login(week["agent"])
        board = client.get(INDEX, THE_WEEK).context["board"]
        rows = list(csv.reader(io.StringIO(client.get(EXPORT, THE_WEEK).content.decode())))
        exported = {row[1] for row in rows[1:]}
        shown = {f"{s.key}.{f.key}" for s in board.sections for f in s.figures}
        shown |= {f"{t.key}.{f.key}" for t in board.tables.values() for f in t.figures()}
        shown |= {f"{p.key}.{f.key}" for p, result in board.panels for f in result.figures}
        assert shown <= exported


# ----- the cost stays flat ---------------------------------------------------------------------


def bulk_tickets(n: int, *, registered: datetime, group=None, assignee=None) -> None:
    """Volume for the query counts: plain rows (benchmark-style), half of them resolved,
    every other one rated, each with its own assignee when none is given."""
    contact = ContactFactory.create()
    start = Incident.objects.count()
    agents = (
        [assignee] if assignee else [UserFactory.create(roles=[roles.L1_AGENT]) for _ in range(3)]
    )
    rows = []
    for i in range(n):
        done = i % 2 == 0
        rows.append(
            Incident(
                number=f"INC-8{start + i:05d}",
                kind=Kind.INCIDENT,
                title=f"Bulk {i}",
                organisation_id=contact.organisation_id,
                contact=contact,
                channel=Channel.PHONE,
                support_group=group,
                assignee=agents[i % len(agents)],
                status=Status.CLOSED if done else Status.IN_PROGRESS,
                closure_code="resolved" if done else "",
                registered_at=registered,
                first_response_at=registered + timedelta(minutes=5),
                assigned_at=registered + timedelta(minutes=5),
                resolved_at=registered + timedelta(minutes=30) if done else None,
                highest_line="l1",
                priority=1 + i % 5,
            )
        )
    Incident.objects.bulk_create(rows)
    SatisfactionRating.objects.bulk_create(
        SatisfactionRating(incident=ticket, score=1 + i % 5, created_at=registered)
        for i, ticket in enumerate(
            Incident.objects.filter(status=Status.CLOSED, satisfaction_rating__isnull=True)
        )
    )


@pytest.mark.parametrize(
    "url", [INDEX, EXPORT, f"{TICKETS}?figure=out", f"{TICKETS}?figure=backlog"]
)
@pytest.mark.parametrize("one_group", [False, True])
def test_the_query_count_stays_flat_from_10_to_200_tickets(
    client, desk_manager, url, one_group, django_assert_max_num_queries
):
    group = SupportGroupFactory.create() if one_group else None
    if group is not None:
        url += ("&" if "?" in url else "?") + f"group={group.pk}"
    client.force_login(desk_manager)
    registered = timezone.now() - timedelta(hours=2)
    bulk_tickets(10, registered=registered, group=group)
    client.get(url)  # warm the session and role caches
    cache.clear()  # count the figures each time, not once a minute
    with CaptureQueriesContext(connection) as small:
        assert client.get(url).status_code == 200
    bulk_tickets(190, registered=registered, group=group)
    cache.clear()
    with django_assert_max_num_queries(len(small)):
        assert client.get(url).status_code == 200
    assert len(small) <= 26


class TestFiguresKeptAMinute:
    """The drawn figures are shown again for a minute to any desk manager asking for the
    same period, language and time zone; the page says when they were counted, and
    "Count again" counts at once."""

    def test_a_second_visit_reads_them_from_the_cache(
        self, client, desk_manager, django_assert_max_num_queries
    ):
        client.force_login(desk_manager)
        bulk_tickets(3, registered=timezone.now() - timedelta(hours=2), group=None)
        with CaptureQueriesContext(connection) as counted:
            first = client.get(INDEX)
        assert "Counted at" in first.content.decode()
        bulk_tickets(2, registered=timezone.now() - timedelta(hours=1), group=None)
        with django_assert_max_num_queries(len(counted) - 8):
            again = client.get(INDEX)
        shown = again.content.decode()
        assert (
            shown[shown.index("data-counted") :]
            == first.content.decode()[first.content.decode().index("data-counted") :]
        )

    def test_count_again_shows_what_happened_since(self, client, desk_manager):
        client.force_login(desk_manager)
        registered = timezone.now() - timedelta(hours=2)
        bulk_tickets(3, registered=registered, group=None)
        assert figure(client.get(INDEX), "in").value == 3
        bulk_tickets(2, registered=registered, group=None)
        page = client.get(INDEX).content.decode()
        assert "data-count-again" in page and "fresh=1" in page
        assert figure(client.get(INDEX, {"fresh": "1"}), "in").value == 5
        assert figure(client.get(INDEX, {"fresh": "1"}), "in").value == 5

    def test_each_period_and_language_is_drawn_for_itself(self, client, desk_manager):
        client.force_login(desk_manager)
        assert "board" in client.get(INDEX).context
        assert "board" not in client.get(INDEX).context  # drawn a moment ago
        other = client.get(INDEX, {"from": "2026-10-01", "to": "2026-10-05"})
        assert other.context["board"].period.first_day.isoformat() == "2026-10-01"
        german = client.get(INDEX, headers={"Accept-Language": "de"})
        assert "board" in german.context
        assert german.content.decode().count('lang="de"') == 1


def test_a_long_period_has_a_column_per_week(client, desk_manager):
    client.force_login(desk_manager)
    today = timezone.localdate()
    response = client.get(INDEX, {"from": str(today - timedelta(days=120)), "to": str(today)})
    board = response.context["board"]
    assert board.weekly
    starts = [row.key for row in board.tables["by_day"].rows]
    assert all(datetime.fromisoformat(key).weekday() == 0 for key in starts)
    assert len(starts) in (18, 19)


def test_a_day_of_the_week_column_links_to_its_days_within_the_period(client, desk_manager):
    client.force_login(desk_manager)
    response = client.get(INDEX, {"from": "2026-01-07", "to": "2026-05-01"})  # a Wednesday
    first = response.context["board"].tables["by_day"].rows[0]
    query = parse_qs(urlsplit(first.cells[0].url).query)
    assert first.key == "2026-01-05"  # its Monday
    assert query["from"] == ["2026-01-07"] and query["to"] == ["2026-01-11"]


def test_times_are_counted_in_local_days(client, desk_manager):
    """23:30 UTC on 2 Nov is 00:30 on 3 Nov in Berlin: the ticket is Tuesday's."""
    client.force_login(desk_manager)
    bulk_tickets(1, registered=datetime(2026, 11, 2, 23, 30, tzinfo=UTC))
    board = client.get(INDEX, {"from": "2026-11-02", "to": "2026-11-03"}).context["board"]
    counts = {row.key: row.cells[0].value for row in board.tables["by_day"].rows}
    assert counts == {"2026-11-02": 0, "2026-11-03": 1}

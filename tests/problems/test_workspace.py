"""The problem manager's workspace (/problems/): who may open each section and who may
open a problem from a pattern, what each section shows, htmx fragments, and that every
section costs the same number of queries with few rows as with many."""

from datetime import timedelta

import pytest
import time_machine
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone

from problems import services
from problems.models import Problem, ProblemIncident, Status
from servicedesk import workspaces
from tests.factories import ConfigurationItemFactory, ContactFactory, ServiceFactory
from tests.problems.bulk import incident, save
from tests.problems.factories import ProblemFactory

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
SECTIONS = ["problems:home", "problems:patterns", "problems:known_errors", "problems:figures"]
OPEN = reverse("problems:open_from_pattern")


def htmx(target=None):
    headers = {"HTTP_HX_REQUEST": "true"}
    if target:
        headers["HTTP_HX_TARGET"] = target
    return headers


@pytest.fixture
def pattern():
    """Four recent incidents on Mail no problem covers: a pattern."""
    mail = ServiceFactory(name="Mail")
    contact = ContactFactory()
    now = timezone.now()
    rows = save(
        [
            incident(
                f"Ab{i}x Cd{i}y", now - timedelta(days=i, hours=1), contact=contact, service=mail
            )
            for i in range(4)
        ]
    )
    return f"service:{mail.pk}", mail, rows


class TestAccess:
    @pytest.mark.parametrize("actor", STAFF + NOT_STAFF)
    def test_every_section_is_for_staff_only(self, client, actors, actor):
        client.force_login(actors[actor])
        expected = 200 if actor in STAFF else 403
        for name in SECTIONS:
            assert client.get(reverse(name)).status_code == expected, name

    def test_anonymous_visitors_are_sent_to_the_login_page(self, client):
        for url in [*(reverse(name) for name in SECTIONS), OPEN]:
            response = client.get(url)
            assert response.status_code == 302, url
            assert response["Location"].startswith(reverse("login")), url
        response = client.post(OPEN, {"key": "service:1", "title": "x"})
        assert response["Location"].startswith(reverse("login"))

    @pytest.mark.parametrize("name", SECTIONS)
    def test_sections_refuse_post(self, client, problem_manager, name):
        client.force_login(problem_manager)
        assert client.post(reverse(name)).status_code == 405

    def test_opening_from_a_pattern_refuses_get(self, client, problem_manager):
        client.force_login(problem_manager)
        assert client.get(OPEN).status_code == 405

    @pytest.mark.parametrize("actor", [a for a in STAFF + NOT_STAFF if a != "problem_manager"])
    def test_only_a_problem_manager_opens_a_problem_from_a_pattern(
        self, client, actors, actor, pattern
    ):
        key, _mail, _rows = pattern
        client.force_login(actors[actor])
        response = client.post(OPEN, {"key": key, "title": "Mail keeps failing"})
        assert response.status_code == 403
        assert not Problem.objects.exists()

    def test_the_problem_manager_lands_on_the_workspace(self, client, problem_manager):
        client.force_login(problem_manager)
        response = client.get("/")
        assert response["Location"] == reverse("problems:home") == "/problems/"

    @pytest.mark.parametrize("actor", STAFF)
    def test_every_staff_role_finds_problems_after_the_ticket_queues(self, actors, actor):
        entries = [entry.url_name for entry in workspaces.navigation_for(actors[actor])]
        assert "problems:home" in entries
        after = entries[entries.index("problems:home") + 1 :]
        assert all(not name.startswith("incidents:") for name in after)
        assert entries.index("problems:home") < entries.index("knowledge:home")

    def test_contacts_have_no_problems_in_their_navigation(self, actors):
        entries = [entry.url_name for entry in workspaces.navigation_for(actors["contact_a"])]
        assert "problems:home" not in entries


class TestOpenProblems:
    def test_tabs_count_each_state_and_a_tab_shows_its_problems(self, client, l1, problem_manager):
        new = ProblemFactory(actor=problem_manager, title="Disk fills up")
        known = ProblemFactory(actor=problem_manager, status=Status.KNOWN_ERROR)
        resolved = ProblemFactory(actor=problem_manager, status=Status.RESOLVED)
        ProblemFactory(actor=problem_manager, status=Status.CLOSED)
        ProblemFactory(actor=problem_manager, status=Status.CANCELLED)
        client.force_login(l1)

        response = client.get(reverse("problems:home"))

        counts = {tab.key: tab.count for tab in response.context["tabs"]}
        assert counts == {"new": 1, "under_investigation": 0, "known_error": 1, "resolved": 1}
        assert response.context["all_tab"].shown == "3"
        assert {r.problem for r in response.context["rows"]} == {new, known, resolved}
        rows = client.get(reverse("problems:home"), {"status": "resolved"}).context["rows"]
        assert [r.problem for r in rows] == [resolved]
        assert "Resolved, awaiting close" in response.content.decode()

    def test_a_row_shows_age_priority_service_owner_and_linked_incidents(
        self, client, problem_manager
    ):
        contact = ContactFactory()
        linked = save([incident(f"L{i}", timezone.now(), contact=contact) for i in range(3)])
        mail = ServiceFactory(name="Mail")
        with time_machine.travel(timezone.now() - timedelta(days=12, hours=2)):
            problem = ProblemFactory(
                actor=problem_manager, service=mail, priority=2, incidents=linked
            )
        client.force_login(problem_manager)

        response = client.get(reverse("problems:home"))

        (row,) = response.context["rows"]
        assert (row.days_open, row.problem.incident_count) == (12, 3)
        page = response.content.decode()
        assert f'href="/problems/{problem.number}/"' in page
        assert "12 days" in page
        assert "Mail" in page
        assert problem_manager.get_full_name() in page
        assert '<span class="badge p2">' in page

    def test_longest_open_first_and_show_more_continues_after_the_last_row(
        self, client, l2, problem_manager, monkeypatch
    ):
        monkeypatch.setattr("problems.views.home.PAGE", 2)
        made = []
        for days in (3, 9, 6):
            with time_machine.travel(timezone.now() - timedelta(days=days)):
                made.append(ProblemFactory(actor=problem_manager))
        client.force_login(l2)

        first = client.get(reverse("problems:home"), {"sort": "age"})
        assert [r.problem for r in first.context["rows"]] == [made[1], made[2]]
        cursor = first.context["next_cursor"]
        more = client.get(reverse("problems:home"), {"sort": "age", "after": cursor}, **htmx())
        assert [r.problem for r in more.context["rows"]] == [made[0]]
        assert "<html" not in more.content.decode()
        assert more.content.decode().lstrip().startswith("<tr")

    def test_htmx_swaps_the_section_alone(self, client, l1):
        client.force_login(l1)
        response = client.get(reverse("problems:home"), {"status": "new"}, **htmx("section"))
        page = response.content.decode()
        assert "<html" not in page
        assert page.lstrip().startswith('<div id="section"')

    def test_query_count_stays_flat_from_2_to_24_problems(
        self, client, problem_manager, django_assert_max_num_queries
    ):
        contact = ContactFactory()
        service = ServiceFactory()

        def problems(n):
            for i in range(n):
                rows = save([incident(f"P{i}", timezone.now(), contact=contact)])
                ProblemFactory(actor=problem_manager, service=service, incidents=rows)

        client.force_login(problem_manager)
        url = reverse("problems:home")
        problems(2)
        client.get(url)
        with CaptureQueriesContext(connection) as few:
            assert client.get(url).status_code == 200
        problems(22)
        with django_assert_max_num_queries(len(few)):
            response = client.get(url)
        assert len(response.context["rows"]) == 24
        assert len(few) <= 10


class TestPatterns:
    def test_the_problem_manager_sees_each_pattern_with_its_incidents_and_a_button(
        self, client, problem_manager, pattern
    ):
        key, _mail, rows = pattern
        client.force_login(problem_manager)

        page = client.get(reverse("problems:patterns")).content.decode()

        assert f'data-pattern="{key}"' in page
        for row in rows:
            assert f'href="/tickets/{row.number}/"' in page
        assert 'value="Recurring incidents on Mail"' in page
        assert "Open a problem" in page

    def test_other_staff_see_the_patterns_without_the_button(self, client, l2, pattern):
        key, _mail, _rows = pattern
        client.force_login(l2)
        page = client.get(reverse("problems:patterns")).content.decode()
        assert f'data-pattern="{key}"' in page
        assert "Open a problem" not in page
        assert OPEN not in page

    def test_opening_a_problem_links_the_patterns_incidents_and_goes_to_it(
        self, client, problem_manager, pattern
    ):
        key, mail, rows = pattern
        client.force_login(problem_manager)

        response = client.post(OPEN, {"key": key, "title": "Mail keeps bouncing"})

        problem = Problem.objects.get()
        assert response.status_code == 302
        assert response["Location"] == f"/problems/{problem.number}/"
        assert (problem.title, problem.service, problem.owner) == (
            "Mail keeps bouncing",
            mail,
            problem_manager,
        )
        assert set(ProblemIncident.objects.values_list("incident", flat=True)) == {
            r.pk for r in rows
        }
        assert "4 incidents" in problem.description
        follow = client.get(reverse("problems:patterns"))
        assert f'data-pattern="{key}"' not in follow.content.decode()

    def test_with_htmx_the_browser_is_sent_to_the_problem(self, client, problem_manager, pattern):
        key, _mail, _rows = pattern
        client.force_login(problem_manager)
        response = client.post(OPEN, {"key": key, "title": "Mail"}, **htmx())
        number = Problem.objects.get().number
        assert response["HX-Redirect"] == f"/problems/{number}/"

    def test_a_bad_title_is_shown_next_to_the_field_and_the_typing_is_kept(
        self, client, problem_manager, pattern
    ):
        key, _mail, _rows = pattern
        client.force_login(problem_manager)
        typed = "x" * 201

        response = client.post(OPEN, {"key": key, "title": typed})

        assert response.status_code == 422
        assert not Problem.objects.exists()
        page = response.content.decode()
        assert f'value="{typed}"' in page
        assert 'class="field required has-error"' in page
        assert 'aria-invalid="true"' in page
        assert "at most 200 characters" in page

    def test_a_pattern_that_no_longer_holds_opens_nothing(self, client, problem_manager, pattern):
        key, _mail, rows = pattern
        ProblemFactory(actor=problem_manager, incidents=rows[:2])
        client.force_login(problem_manager)

        response = client.post(OPEN, {"key": key, "title": "Too late"}, follow=True)

        assert Problem.objects.count() == 1
        assert response.redirect_chain == [(reverse("problems:patterns"), 302)]
        assert "no longer holds" in response.content.decode()

    def test_a_forged_key_opens_nothing(self, client, problem_manager):
        client.force_login(problem_manager)
        response = client.post(OPEN, {"key": "service:1 OR 1=1", "title": "x"})
        assert response.status_code == 302
        assert not Problem.objects.exists()

    def test_query_count_does_not_grow_with_the_incidents(
        self, client, l1, django_assert_max_num_queries
    ):
        contact = ContactFactory()
        ci = ConfigurationItemFactory(name="fw-1")
        now = timezone.now()

        def incidents(n, prefix):
            save(
                [
                    incident(
                        f"{prefix}{i} firewall drops",
                        now - timedelta(hours=i),
                        contact=contact,
                        ci=ci if i % 2 else None,
                    )
                    for i in range(n)
                ]
            )

        client.force_login(l1)
        url = reverse("problems:patterns")
        incidents(6, "a")
        client.get(url)
        with CaptureQueriesContext(connection) as few:
            assert client.get(url).status_code == 200
        incidents(300, "b")
        with django_assert_max_num_queries(len(few)):
            assert client.get(url).status_code == 200
        assert len(few) <= 10


class TestKnownErrors:
    @pytest.fixture
    def known(self, problem_manager):
        contact = ContactFactory()
        vpn = ProblemFactory(
            actor=problem_manager,
            title="VPN drops every hour",
            status=Status.KNOWN_ERROR,
            service=ServiceFactory(name="Remote access"),
            incidents=save([incident("v", timezone.now(), contact=contact)]),
        )
        services.problem_investigate(
            problem=vpn, actor=problem_manager, workaround="Reconnect with the TCP profile."
        )
        services.problem_write_article(problem=vpn, actor=problem_manager)
        disk = ProblemFactory(
            actor=problem_manager, title="Disk fills with logs", status=Status.RESOLVED
        )
        ProblemFactory(actor=problem_manager, title="Still new")
        ProblemFactory(actor=problem_manager, title="Done", status=Status.CLOSED)
        vpn.refresh_from_db()
        return vpn, disk

    def test_lists_known_errors_and_resolved_problems_with_workaround_and_article(
        self, client, l1, known
    ):
        vpn, disk = known
        client.force_login(l1)

        response = client.get(reverse("problems:known_errors"))

        assert {p.number for p in response.context["known"]} == {vpn.number, disk.number}
        page = response.content.decode()
        assert "Reconnect with the TCP profile." in page
        assert f'href="/kb/{vpn.article.number}/"' in page
        assert "Remote access" in page
        row = next(p for p in response.context["known"] if p.pk == vpn.pk)
        assert row.incident_count == 1
        assert "Still new" not in page and "Done" not in page

    @pytest.mark.parametrize("text", ["vpn", "TCP PROFILE"])
    def test_search_by_title_or_workaround(self, client, l1, known, text):
        vpn, _disk = known
        client.force_login(l1)
        response = client.get(reverse("problems:known_errors"), {"q": text})
        assert [p.number for p in response.context["known"]] == [vpn.number]
        assert response.context["count"].shown == "1"

    def test_live_filtering_answers_with_the_results_alone(self, client, l1, known):
        client.force_login(l1)
        response = client.get(
            reverse("problems:known_errors"), {"q": "disk"}, **htmx("known-results")
        )
        page = response.content.decode()
        assert page.lstrip().startswith('<div id="known-results"')
        assert "Disk fills with logs" in page and "VPN" not in page

    def test_nothing_found_says_so(self, client, l1, known):
        client.force_login(l1)
        page = client.get(reverse("problems:known_errors"), {"q": "printer"}).content.decode()
        assert "No known error matches “printer”." in page

    def test_query_count_stays_flat(
        self, client, l1, problem_manager, django_assert_max_num_queries
    ):
        def known_errors(n):
            for _ in range(n):
                ProblemFactory(actor=problem_manager, status=Status.KNOWN_ERROR)

        client.force_login(l1)
        url = reverse("problems:known_errors")
        known_errors(1)
        client.get(url)
        with CaptureQueriesContext(connection) as few:
            client.get(url)
        known_errors(12)
        with django_assert_max_num_queries(len(few)):
            assert len(client.get(url).context["known"]) == 13


class TestFigures:
    def test_the_figures_page_draws_charts_with_a_table_beside_them(self, client, problem_manager):
        mail = ServiceFactory(name="Mail")
        with time_machine.travel(timezone.now() - timedelta(days=20)):
            ProblemFactory(actor=problem_manager, service=mail, status=Status.CLOSED)
        client.force_login(problem_manager)

        response = client.get(reverse("problems:figures"))

        page = response.content.decode()
        assert page.count("<svg") == 2
        assert 'role="img"' in page and 'aria-describedby="months-table"' in page
        assert '<table id="months-table"' in page
        months = response.context["months"]
        assert sum(m.opened for m in months) == 1 and sum(m.closed for m in months) == 1
        assert [fix.problem.service for fix, _chart in response.context["fixes"]] == [mail]

    def test_chart_coordinates_stay_numbers_in_a_language_with_decimal_commas(
        self, client, problem_manager
    ):
        ProblemFactory(actor=problem_manager)
        client.force_login(problem_manager)
        page = client.get(reverse("problems:figures"), HTTP_ACCEPT_LANGUAGE="de").content.decode()
        start = page.index("<svg")
        svg = page[start : page.index("</svg>", start)]
        assert "," not in svg.split(">", 1)[0]
        assert 'height="' in svg and not any(
            "," in attribute.split('"')[1] for attribute in svg.split(' height="')[1:]
        )

    def test_query_count_stays_flat(self, client, problem_manager, django_assert_max_num_queries):
        mail = ServiceFactory(name="Mail")
        client.force_login(problem_manager)
        url = reverse("problems:figures")
        ProblemFactory(actor=problem_manager, service=mail, status=Status.RESOLVED)
        client.get(url)
        with CaptureQueriesContext(connection) as few:
            client.get(url)
        for _ in range(6):
            ProblemFactory(actor=problem_manager, service=mail, status=Status.RESOLVED)
        with django_assert_max_num_queries(len(few)):
            client.get(url)

"""The structured root-cause analysis on the problem's page, edited in place: with htmx a
change answers with the RCA box and the history (out of band), without JS with a redirect
to the page; errors come back next to their field with what was typed."""

import pytest
from django.utils import timezone

from problems import services
from problems.models import Cause, Problem, Status, TimelineEvent, Why
from tests.problems.page_fixtures import HTMX, open_problem, page_url, url

pytestmark = pytest.mark.django_db


@pytest.fixture
def problem(problem_manager) -> Problem:
    return open_problem(problem_manager, Status.UNDER_INVESTIGATION)


def _answers(problem: Problem) -> list[str]:
    return list(Why.objects.filter(problem=problem).values_list("answer", flat=True))


class TestWhys:
    def test_l2_adds_the_next_why_in_place_and_the_history_follows(self, client, l2, problem):
        services.why_add(problem=problem, answer="The queue stalls", actor=l2)
        client.force_login(l2)
        response = client.post(
            url("why_add", problem), {"answer": "The spooler hangs"}, headers=HTMX
        )
        assert response.status_code == 200
        body = response.content.decode()
        assert body.lstrip().startswith('<section id="rca"') and "<html" not in body
        history = body.split('id="history"')[1]
        assert 'hx-swap-oob="true"' in history.split(">")[0]
        assert "Why 2" in history and "The spooler hangs" in history
        assert _answers(problem) == ["The queue stalls", "The spooler hangs"]
        assert "Why? (3) Because…" in body  # the form asks for the next one

    def test_without_javascript_adding_returns_to_the_analysis(self, client, l3, problem):
        client.force_login(l3)
        response = client.post(url("why_add", problem), {"answer": "Disk full"})
        assert response.status_code == 302
        assert response["Location"] == page_url(problem) + "#rca"

    def test_an_empty_answer_is_refused_next_to_the_field(self, client, l2, problem):
        client.force_login(l2)
        response = client.post(url("why_add", problem), {"answer": "   "}, headers=HTMX)
        assert response.status_code == 422
        body = response.content.decode()
        assert 'id="id_why_new_answer_error"' in body
        assert 'id="history"' not in body  # nothing happened
        assert not _answers(problem)

    def test_the_chain_stops_at_ten_whys_and_says_so(self, client, l2, problem):
        for i in range(10):
            services.why_add(problem=problem, answer=f"Because {i}", actor=l2)
        client.force_login(l2)
        response = client.post(url("why_add", problem), {"answer": "One more"})
        assert response.status_code == 422
        body = response.content.decode()
        assert "<html" in body and "At most 10 whys" in body and 'value="One more"' in body

    def test_rewording_a_why_keeps_its_place(self, client, l2, problem):
        first = services.why_add(problem=problem, answer="Frist", actor=l2)
        services.why_add(problem=problem, answer="Second", actor=l2)
        client.force_login(l2)
        response = client.post(
            url("why_edit", problem, first.pk), {"answer": "First"}, headers=HTMX
        )
        assert response.status_code == 200
        assert _answers(problem) == ["First", "Second"]
        assert "because: <del>Frist</del> → <ins>First</ins>" in response.content.decode()

    def test_a_rewording_with_errors_reopens_that_why_with_the_typed_text(
        self, client, l2, problem
    ):
        why = services.why_add(problem=problem, answer="Short", actor=l2)
        client.force_login(l2)
        response = client.post(
            url("why_edit", problem, why.pk), {"answer": "x" * 501}, headers=HTMX
        )
        assert response.status_code == 422
        body = response.content.decode()
        row = body.split(f'id="why-{why.pk}"')[1].split("</li>")[0]
        assert "<details open>" in row and f'id="id_why_{why.pk}_answer_error"' in row
        assert "x" * 501 in row
        assert _answers(problem) == ["Short"]

    def test_removing_a_why_moves_the_later_ones_up(self, client, l2, problem):
        first = services.why_add(problem=problem, answer="One", actor=l2)
        services.why_add(problem=problem, answer="Two", actor=l2)
        client.force_login(l2)
        response = client.post(url("why_remove", problem, first.pk), headers=HTMX)
        assert response.status_code == 200
        assert list(Why.objects.filter(problem=problem).values_list("position", "answer")) == [
            (1, "Two")
        ]


class TestFishbone:
    def test_a_cause_lands_on_its_bone(self, client, l2, problem):
        client.force_login(l2)
        response = client.post(
            url("cause_add", problem),
            {"category": "suppliers", "text": "Carrier changed routing"},
            headers=HTMX,
        )
        assert response.status_code == 200
        bone = response.content.decode().split('id="bone-suppliers"')[1].split("</section>")[0]
        assert "Carrier changed routing" in bone and "possible" in bone

    def test_an_empty_cause_is_refused_on_its_own_bone(self, client, l2, problem):
        client.force_login(l2)
        response = client.post(
            url("cause_add", problem), {"category": "process", "text": ""}, headers=HTMX
        )
        assert response.status_code == 422
        body = response.content.decode()
        assert 'id="id_cause_process_text_error"' in body
        assert 'id="id_cause_people_text_error"' not in body

    def test_a_category_that_is_not_a_bone_is_a_bad_request(self, client, l2, problem):
        client.force_login(l2)
        response = client.post(url("cause_add", problem), {"category": "luck", "text": "x"})
        assert response.status_code == 400
        assert not Cause.objects.exists()

    def test_confirm_then_rule_out(self, client, l3, problem):
        cause = services.cause_add(problem=problem, category="technology", text="Leak", actor=l3)
        client.force_login(l3)
        response = client.post(
            url("cause_verdict", problem, cause.pk), {"confirmed": "true"}, headers=HTMX
        )
        assert response.status_code == 200
        cause.refresh_from_db()
        assert cause.confirmed
        row = response.content.decode().split(f'id="cause-{cause.pk}"')[1].split("</li>")[0]
        assert "confirmed" in row and 'value="false"' in row  # the next click rules it out

        client.post(url("cause_verdict", problem, cause.pk), {"confirmed": "false"})
        cause.refresh_from_db()
        assert not cause.confirmed

    def test_a_verdict_that_is_neither_is_a_bad_request(self, client, l3, problem):
        cause = services.cause_add(problem=problem, category="technology", text="Leak", actor=l3)
        client.force_login(l3)
        response = client.post(url("cause_verdict", problem, cause.pk), {"confirmed": "maybe"})
        assert response.status_code == 400

    def test_remove_a_cause(self, client, l3, problem):
        cause = services.cause_add(problem=problem, category="people", text="No runbook", actor=l3)
        client.force_login(l3)
        assert client.post(url("cause_remove", problem, cause.pk)).status_code == 302
        assert not Cause.objects.filter(pk=cause.pk).exists()

    def test_the_six_bones_are_labelled_columns_around_a_spine(self, client, l1, problem):
        client.force_login(l1)
        body = client.get(page_url(problem)).content.decode()
        fishbone = body.split('class="fishbone"')[1].split('class="rca-part rca-events"')[0]
        for label in [
            "People",
            "Process",
            "Technology",
            "Environment",
            "Suppliers",
            "Monitoring and measurement",
        ]:
            assert f"{label} <span" in fishbone, label
        assert 'class="spine" aria-hidden="true"' in fishbone


class TestEvents:
    def test_events_are_listed_by_when_they_happened(self, client, l2, problem):
        client.force_login(l2)
        client.post(
            url("event_add", problem), {"occurred_at": "2026-03-02T09:00", "text": "Restart"}
        )
        response = client.post(
            url("event_add", problem),
            {"occurred_at": "2026-03-01T22:15", "text": "Deploy 4.2"},
            headers=HTMX,
        )
        assert response.status_code == 200
        events = response.content.decode().split('class="events"')[1]
        assert events.index("Deploy 4.2") < events.index("Restart")
        assert "01 Mar 2026 22:15" in events

    def test_a_bad_time_is_refused_next_to_it_and_the_text_kept(self, client, l2, problem):
        client.force_login(l2)
        response = client.post(
            url("event_add", problem), {"occurred_at": "yesterday-ish", "text": "Alert fired"}
        )
        assert response.status_code == 422
        body = response.content.decode()
        assert 'id="id_event_occurred_at_error"' in body and 'value="Alert fired"' in body
        assert not TimelineEvent.objects.exists()

    def test_remove_an_event(self, client, l2, problem):
        event = services.event_add(
            problem=problem, occurred_at=timezone.now(), text="Deploy", actor=l2
        )
        client.force_login(l2)
        assert client.post(url("event_remove", problem, event.pk), headers=HTMX).status_code == 200
        assert not TimelineEvent.objects.exists()


class TestWhoEdits:
    @pytest.mark.parametrize("role", ["l1", "desk_manager", "change_manager", "kb_manager"])
    def test_readers_see_the_analysis_without_controls_and_cannot_post(
        self, client, actors, role, problem
    ):
        why = services.why_add(problem=problem, answer="Visible to all", actor=actors["l2"])
        client.force_login(actors[role])
        body = client.get(page_url(problem)).content.decode()
        rca = body.split('id="rca"')[1].split('id="linked-incidents"')[0]
        assert "Visible to all" in rca and "<form" not in rca
        assert client.post(url("why_remove", problem, why.pk)).status_code == 403
        assert _answers(problem) == ["Visible to all"]

    def test_a_closed_problems_analysis_is_read_only_for_everyone(
        self, client, problem_manager, l2
    ):
        closed = open_problem(problem_manager, Status.CLOSED)
        client.force_login(l2)
        rca = client.get(page_url(closed)).content.decode().split('id="rca"')[1]
        assert "<form" not in rca.split('id="linked-incidents"')[0]

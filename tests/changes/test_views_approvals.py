"""The CAB member's "my approvals": what waits for their decision, everything deciding
takes on one page, the decision inline (htmx replaces the row with the outcome; without
JavaScript the page reloads) and the refusals next to the form. Also the decision on
the change's own page, and where a CAB member lands."""

from datetime import timedelta

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from changes import services
from changes.forms import DecideForm
from changes.models import Approval, BlackoutPeriod, ChangeRequest, Status
from changes.views import approvals as view
from tests.changes.factories import cab_user, decide_all, policy, window
from tests.changes.page_helpers import HTMX, body, error_of, fresh, raised
from tests.factories import ServiceFactory

pytestmark = pytest.mark.django_db

APPROVALS = "/changes/approvals/"


@pytest.fixture
def board(cab_member):
    """The normal changes' CAB: the cast's CAB member and one more."""
    other = cab_user(username="cab2", first_name="Claire", last_name="Dubois")
    policy(approvers=[cab_member, other])
    return {"me": cab_member, "other": other}


def _decide(client, change, decision="approved", comment="", on="list", htmx=True):
    return client.post(
        reverse("changes:decide", args=[change.number]),
        {"decision": decision, "comment": comment, "on": on},
        headers=HTMX if htmx else {},
    )


def _approval(change, user) -> Approval:
    return Approval.objects.get(change=change, approver=user, round=fresh(change).approval_round)


class TestTheList:
    def test_the_route_is_named(self):
        assert reverse("changes:approvals") == APPROVALS

    def test_only_what_waits_for_me_in_the_current_round(self, client, l2, change_manager, board):
        raised(l2, change_manager, Status.CAB_REVIEW, title="Waiting for me")
        decided = raised(l2, change_manager, Status.CAB_REVIEW, title="Decided by me")
        services.change_decide(change=decided, decision="approved", actor=board["me"])
        earlier = raised(l2, change_manager, Status.REJECTED, title="Sent back")
        services.change_revise(change=earlier, actor=change_manager)  # round 1 is over
        raised(l2, change_manager, Status.ASSESSMENT, title="Not before the CAB")
        policy("emergency", approvers=[board["other"]])
        raised(l2, change_manager, Status.CAB_REVIEW, change_type="emergency", title="Not mine")
        client.force_login(board["me"])
        html = body(client.get(APPROVALS))
        assert "Waiting for me" in html
        for title in ("Decided by me", "Sent back", "Not before the CAB", "Not mine"):
            assert title not in html
        assert html.count('class="chg-decide"') == 1

    def test_a_row_holds_what_deciding_takes(self, client, l2, change_manager, board):
        web = ServiceFactory(name="Web hosting")
        change = raised(
            l2,
            change_manager,
            Status.CAB_REVIEW,
            services=[web],
            impact="high",
            backout_plan="Restore the snapshot.",
        )
        BlackoutPeriod.objects.create(
            name="Year-end closing", starts_at=change.planned_start, ends_at=change.planned_end
        )
        services.change_decide(
            change=change, decision="approved", comment="Fine by me", actor=board["other"]
        )
        client.force_login(board["me"])
        html = body(client.get(APPROVALS))
        row = html.split(f'data-change="{change.number}"')[1]
        assert "Restore the snapshot." in row and "Web hosting" in row
        assert 'data-risk="high"' in row and "<dt>Impact</dt><dd>High</dd>" in row
        assert "Year-end closing" in row
        assert 'data-approver="cab2" data-decision="approved"' in row and "Fine by me" in row

    def test_nothing_waiting_says_so(self, client, cab_member):
        client.force_login(cab_member)
        assert "Nothing is waiting for your decision." in body(client.get(APPROVALS))

    def test_the_number_of_queries_does_not_grow_with_the_rows(
        self, client, l2, change_manager, board, django_assert_max_num_queries
    ):
        web = ServiceFactory()

        def waiting(count: int) -> None:
            for _ in range(count):
                raised(l2, change_manager, Status.CAB_REVIEW, services=[web])

        waiting(1)
        client.force_login(board["me"])
        with CaptureQueriesContext(connection) as one:
            assert client.get(APPROVALS).status_code == 200
        waiting(9)
        with django_assert_max_num_queries(len(one)):
            html = body(client.get(APPROVALS))
        assert html.count('class="chg-decide"') == 10


def _waiting(l2, change_manager, count: int) -> list[ChangeRequest]:
    """Changes before the CAB, the first's window soonest."""
    return [
        raised(l2, change_manager, Status.CAB_REVIEW, **window(starts_in=timedelta(days=n + 1)))
        for n in range(count)
    ]


def _changes(response) -> list[ChangeRequest]:
    return [row.change for row in response.context["rows"]]


class TestPaging:
    def test_show_more_brings_the_next_page_alone_with_htmx(
        self, client, l2, change_manager, board, monkeypatch
    ):
        monkeypatch.setattr(view, "PAGE", 2)
        changes = _waiting(l2, change_manager, 3)
        client.force_login(board["me"])

        first = client.get(APPROVALS)
        cursor = first.context["next_cursor"]
        more = client.get(APPROVALS, {"after": cursor}, headers=HTMX)

        assert _changes(first) == changes[:2]
        assert f'href="{APPROVALS}?after={cursor}"' in body(first)
        assert "data-count>3</span>" in body(first)
        assert _changes(more) == changes[2:] and more.context["next_cursor"] is None
        html = body(more)
        assert html.lstrip().startswith("<article") and "<html" not in html
        assert html.count("data-focus-after-swap") == 1 and "data-more" not in html

    def test_the_next_page_without_javascript_is_a_whole_page(
        self, client, l2, change_manager, board, monkeypatch
    ):
        monkeypatch.setattr(view, "PAGE", 2)
        changes = _waiting(l2, change_manager, 3)
        client.force_login(board["me"])
        cursor = client.get(APPROVALS).context["next_cursor"]

        plain = client.get(APPROVALS, {"after": cursor})

        assert plain.status_code == 200 and "<html" in body(plain)
        assert _changes(plain) == changes[2:]

    def test_a_change_without_a_window_comes_last_and_is_paged_to(
        self, client, l2, change_manager, board, monkeypatch
    ):
        monkeypatch.setattr(view, "PAGE", 1)
        cleared, later = _waiting(l2, change_manager, 2)
        ChangeRequest.objects.filter(pk=cleared.pk).update(planned_start=None, planned_end=None)
        client.force_login(board["me"])

        first = client.get(APPROVALS)
        second = client.get(APPROVALS, {"after": first.context["next_cursor"]})

        assert _changes(first) == [later] and _changes(second) == [cleared]
        assert second.context["next_cursor"] is None

    @pytest.mark.parametrize("cursor", ["x", "1-x", "99999999999999999999-1", "-"])
    def test_a_made_up_cursor_shows_the_first_page(
        self, client, l2, change_manager, board, monkeypatch, cursor
    ):
        monkeypatch.setattr(view, "PAGE", 2)
        changes = _waiting(l2, change_manager, 3)
        client.force_login(board["me"])
        response = client.get(APPROVALS, {"after": cursor})
        assert response.status_code == 200 and _changes(response) == changes[:2]

    def test_a_cursor_past_the_last_window_shows_nothing_more(
        self, client, l2, change_manager, board
    ):
        _waiting(l2, change_manager, 1)
        client.force_login(board["me"])
        response = client.get(APPROVALS, {"after": "253402214400000000-999999"})
        assert response.status_code == 200 and response.context["rows"] == []

    @pytest.mark.parametrize("actor", ["contact_a", "outsider"])
    def test_a_cursor_opens_nothing_to_those_who_may_not_read_changes(
        self, client, actors, l2, change_manager, board, actor
    ):
        _waiting(l2, change_manager, 1)
        client.force_login(actors[actor])
        assert client.get(APPROVALS, {"after": "1-1"}).status_code == 403
        assert client.get(APPROVALS, {"after": "1-1"}, headers=HTMX).status_code == 403

    def test_a_row_s_blank_form_is_the_decision_form_with_its_own_ids(
        self, client, l2, change_manager, board
    ):
        (change,) = _waiting(l2, change_manager, 1)
        client.force_login(board["me"])
        html = body(client.get(APPROVALS))
        pk = _approval(change, board["me"]).pk
        field = DecideForm(key=pk)["comment"]
        assert str(field) in html and f'for="id_decide_{pk}_comment"' in html
        assert f'id="id_decide_{pk}_comment_helptext"' in html and view.KEY not in html


class TestDecidingOnTheList:
    def test_htmx_replaces_the_row_with_the_outcome(self, client, l2, change_manager, board):
        change = raised(l2, change_manager, Status.CAB_REVIEW)
        client.force_login(board["me"])
        response = _decide(client, change, comment="Tested in staging")
        assert response.status_code == 200
        html = body(response)
        row_id = f"approval-{_approval(change, board['me']).pk}"
        assert html.lstrip().startswith(f'<article id="{row_id}"')
        assert "You approved" in html and "waiting for one more decision" in html
        assert "<html" not in html and 'class="chg-decide"' not in html
        approval = _approval(change, board["me"])
        assert (approval.decision, approval.comment) == ("approved", "Tested in staging")

    def test_the_last_approval_approves_the_change_and_the_row_says_so(
        self, client, l2, change_manager, board
    ):
        change = raised(l2, change_manager, Status.CAB_REVIEW)
        services.change_decide(change=change, decision="approved", actor=board["other"])
        client.force_login(board["me"])
        html = body(_decide(client, fresh(change)))
        assert fresh(change).status == Status.APPROVED
        assert "The change is now Approved." in html

    def test_rejecting_needs_a_comment_said_next_to_it(self, client, l2, change_manager, board):
        change = raised(l2, change_manager, Status.CAB_REVIEW)
        client.force_login(board["me"])
        response = _decide(client, change, decision="rejected", comment="  ")
        assert response.status_code == 422
        pk = _approval(change, board["me"]).pk
        html = body(response)
        assert "Say why you reject" in error_of(html, "comment", auto_id=f"id_decide_{pk}_%s")
        assert 'class="chg-decide"' in html
        assert _approval(change, board["me"]).decision == "pending"

    def test_a_second_decision_is_refused_in_the_row(self, client, l2, change_manager, board):
        change = raised(l2, change_manager, Status.CAB_REVIEW)
        client.force_login(board["me"])
        _decide(client, change)
        response = _decide(client, change, decision="rejected", comment="Changed my mind")
        assert response.status_code == 422
        assert "You have already decided on this change." in body(response)
        assert _approval(change, board["me"]).decision == "approved"

    def test_a_decision_no_longer_needed_is_refused(self, client, l2, change_manager, board):
        change = raised(l2, change_manager, Status.CAB_REVIEW)
        services.change_cancel(change=change, actor=change_manager, reason="Withdrawn")
        client.force_login(board["me"])
        response = _decide(client, change)
        assert response.status_code == 422
        assert "no longer needed" in body(response)

    def test_without_javascript_the_page_reloads_with_a_message(
        self, client, l2, change_manager, board
    ):
        change = raised(l2, change_manager, Status.CAB_REVIEW)
        client.force_login(board["me"])
        response = _decide(client, change, htmx=False)
        assert response.status_code == 302 and response["Location"] == APPROVALS
        assert f"You approved {change.number}." in body(client.get(APPROVALS))

    def test_without_javascript_a_refusal_shows_the_list_with_the_input(
        self, client, l2, change_manager, board
    ):
        change = raised(l2, change_manager, Status.CAB_REVIEW)
        client.force_login(board["me"])
        response = client.post(
            reverse("changes:decide", args=[change.number]),
            {"decision": "maybe", "comment": "Typed comment", "on": "list"},
        )
        assert response.status_code == 422
        html = body(response)
        assert "<html" in html and "Typed comment" in html and "Select a valid choice" in html

    def test_someone_who_is_not_asked_may_not_decide(self, client, l2, change_manager, board):
        change = raised(l2, change_manager, Status.CAB_REVIEW)
        client.force_login(change_manager)
        assert _decide(client, change).status_code == 403
        assert _decide(client, change, on="page").status_code == 403


class TestDecidingOnTheChangePage:
    def test_a_waiting_approver_gets_the_form_on_the_page(self, client, l2, change_manager, board):
        change = raised(l2, change_manager, Status.CAB_REVIEW)
        page = reverse("changes:detail", args=[change.number])
        client.force_login(board["me"])
        assert f'data-decide="{change.number}"' in body(client.get(page))
        client.force_login(change_manager)
        assert "data-decide=" not in body(client.get(page))

    def test_htmx_rerenders_the_change_with_the_decision(self, client, l2, change_manager, board):
        change = raised(l2, change_manager, Status.CAB_REVIEW)
        client.force_login(board["me"])
        response = _decide(client, change, comment="Go", on="page")
        assert response.status_code == 200 and "changeChanged" in response["HX-Trigger"]
        html = body(response)
        assert html.lstrip().startswith('<article id="change"')
        assert 'data-approver="cab_member" data-decision="approved"' in html
        assert "data-decide=" not in html

    def test_without_javascript_it_goes_back_to_the_page(self, client, l2, change_manager, board):
        change = raised(l2, change_manager, Status.CAB_REVIEW)
        client.force_login(board["me"])
        response = _decide(
            client, change, decision="rejected", comment="Too risky", on="page", htmx=False
        )
        assert response["Location"] == reverse("changes:detail", args=[change.number])

    def test_a_refusal_on_the_page_keeps_the_comment(self, client, l2, change_manager, board):
        change = raised(l2, change_manager, Status.CAB_REVIEW)
        client.force_login(board["me"])
        response = client.post(
            reverse("changes:decide", args=[change.number]),
            {"decision": "", "comment": "Half a thought", "on": "page"},
            headers=HTMX,
        )
        assert response.status_code == 422
        assert "Half a thought" in body(response)


def test_the_page_shows_every_rounds_decisions(client, l1, l2, change_manager, board):
    change = raised(l2, change_manager, Status.CAB_REVIEW)
    decide_all(change, "rejected")
    services.change_revise(change=change, actor=change_manager)
    services.change_submit(change=fresh(change), actor=change_manager)
    services.change_start_assessment(change=fresh(change), actor=change_manager)
    services.change_send_to_cab(change=fresh(change), actor=change_manager)
    services.change_decide(change=fresh(change), decision="approved", actor=board["other"])
    client.force_login(l1)
    html = body(client.get(reverse("changes:detail", args=[change.number])))
    cab = html.split('id="cab"')[1].split("</section>")[0]
    assert "Round 2" in cab and "Round 1" in cab
    assert cab.index("Round 2") < cab.index("Round 1")
    assert cab.count('data-decision="rejected"') >= 1 and "Too risky." in cab
    assert cab.count('data-decision="approved"') == 1
    history = html.split('id="history"')[1]
    assert "Round 2: asked" in history and 'data-vote="rejected"' in history


def test_a_cab_member_lands_on_my_approvals(client, cab_member):
    client.force_login(cab_member)
    response = client.get("/")
    assert response.status_code == 302 and response["Location"] == APPROVALS
    assert f'href="{APPROVALS}"' in body(client.get(APPROVALS))

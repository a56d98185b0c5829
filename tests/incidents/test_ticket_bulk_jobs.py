"""Bulk actions on many tickets as a background job (servicedesk/bulk_jobs.py): over the
threshold the ticket list's bulk view starts a job and shows its page; the job works
through the tickets a batch at a time, each done or left as it was on its own, exactly
once however often its task runs, and its page says how far it got, what it left as it
was and why, and when and why it stopped early. Who sees the page."""

import pytest
from django.urls import reverse

from incidents.models import Incident, Status
from servicedesk import bulk_jobs, bulk_views
from servicedesk.bulk_jobs import bulk_job_run
from servicedesk.models import BulkJob, BulkJobRefusal, BulkJobState
from tests.factories import IncidentFactory, make_incident_in

pytestmark = pytest.mark.django_db

URL = "/tickets/list/bulk/"


@pytest.fixture(autouse=True)
def small_threshold(monkeypatch):
    """More than two chosen tickets run as a job, three tickets to a task."""
    monkeypatch.setattr("incidents.ticket_lists.bulk.INLINE_MAX", 2)
    monkeypatch.setattr(bulk_jobs, "BATCH", 3)


@pytest.fixture
def committing(django_capture_on_commit_callbacks):
    return lambda: django_capture_on_commit_callbacks(execute=True)


def post(client, action, tickets, **fields):
    data = {"action": action, "tickets": [t.pk for t in tickets], "confirm": "1"}
    data.update({f"{action}-{name}": value for name, value in fields.items()})
    return client.post(URL, data)


def job_page(client, job, **headers) -> str:
    response = client.get(reverse("bulk_job", args=[job.pk]), headers=headers)
    assert response.status_code == 200
    return response.content.decode()


class TestStarting:
    def test_a_few_tickets_are_changed_in_the_request(self, client, l1, l1_group):
        tickets = [IncidentFactory(), IncidentFactory()]
        client.force_login(l1)
        response = post(client, "assign", tickets, group=l1_group.pk)
        assert response.status_code == 200 and "2 tickets done." in response.content.decode()
        assert not BulkJob.objects.exists()

    def test_the_confirmation_says_it_runs_in_the_background(self, client, l1):
        tickets = [IncidentFactory() for _ in range(3)]
        client.force_login(l1)
        response = client.post(URL, {"action": "assign", "tickets": [t.pk for t in tickets]})
        assert "data-in-background" in response.content.decode()

    def test_many_tickets_become_a_job_that_runs_after_commit(
        self, client, committing, l1, l1_group
    ):
        fresh = [IncidentFactory() for _ in range(6)]
        held = make_incident_in(Status.ASSIGNED)  # has a group: reassigning needs a reason
        client.force_login(l1)
        with committing():
            response = post(client, "assign", [*fresh, held], group=l1_group.pk, reason="")
        job = BulkJob.objects.get()
        assert response.status_code == 302
        assert response["Location"] == reverse("bulk_job", args=[job.pk])
        assert (job.state, job.total, job.position, job.done, job.refused) == (
            BulkJobState.DONE,
            7,
            7,
            6,
            1,
        )
        assert job.started_by == l1 and job.started_at and job.finished_at
        assert job.parameters["assign-group"] == [str(l1_group.pk)]
        assert Incident.objects.filter(support_group=l1_group).count() == 6
        (refusal,) = job.refusals.all()
        assert (refusal.label, refusal.url) == (held.number, f"/tickets/{held.number}/")
        assert refusal.reason == "Say why the ticket is reassigned."
        # Each change is the single action's: history says who and why.
        assert fresh[0].history.latest().history_user == l1

    def test_an_invalid_form_starts_no_job(self, client, l1, l2_group):
        tickets = [make_incident_in(Status.ASSIGNED) for _ in range(3)]
        client.force_login(l1)
        response = post(client, "escalate", tickets, to_group=l2_group.pk, reason="")
        assert response.status_code == 422 and not BulkJob.objects.exists()


def start(actor, tickets, action="priority", **fields) -> BulkJob:
    """A queued job (its task not run: no commit in the test's transaction)."""
    from servicedesk.bulk import bulk_action

    chosen = bulk_action("tickets", action, actor)
    assert chosen is not None
    data = {f"{action}-{name}": [str(value)] for name, value in fields.items()}
    return bulk_jobs.bulk_job_start(
        list_name="tickets",
        action=chosen,
        ids=[t.pk for t in tickets],
        data=data,
        actor=actor,
        back_url="/tickets/list/?status=open",
    )


PRIORITY = {"urgency": 1, "impact": 1, "reason": "Whole site down"}


class TestRunning:
    def test_batches_until_done_and_a_doubled_run_changes_nothing(self, l1):
        tickets = [IncidentFactory() for _ in range(5)]
        job = start(l1, tickets, **PRIORITY)
        assert bulk_job_run(job_id=job.pk) is True  # 3 of 5
        job.refresh_from_db()
        assert (job.state, job.position, job.done) == (BulkJobState.RUNNING, 3, 3)
        assert bulk_job_run(job_id=job.pk) is False
        assert bulk_job_run(job_id=job.pk) is False
        job.refresh_from_db()
        assert (job.state, job.position, job.done, job.refused) == (BulkJobState.DONE, 5, 5, 0)
        assert all(t.history.count() == 2 for t in tickets)  # registered, reprioritised once

    def test_a_record_already_worked_on_is_not_worked_on_again(self, l1):
        ticket = IncidentFactory()
        job = start(l1, [ticket, IncidentFactory()], **PRIORITY)
        BulkJob.objects.filter(pk=job.pk).update(position=1, state=BulkJobState.RUNNING)
        bulk_job_run(job_id=job.pk)
        ticket.refresh_from_db()
        assert ticket.urgency != 1

    def test_a_deleted_ticket_and_a_fault_are_left_as_they_were_the_rest_goes_on(
        self, l1, monkeypatch
    ):
        gone, faulty, fine = IncidentFactory(), IncidentFactory(), IncidentFactory()
        job = start(l1, [gone, faulty, fine], **PRIORITY)
        Incident.objects.filter(pk=gone.pk).delete()
        from incidents import bulk_actions

        real = bulk_actions.ChangePriority.apply

        def broken(self, record, actor, data):
            if record.pk == faulty.pk:
                raise RuntimeError("disk full")
            real(self, record, actor, data)

        monkeypatch.setattr(bulk_actions.ChangePriority, "apply", broken)
        bulk_job_run(job_id=job.pk)
        job.refresh_from_db()
        assert (job.state, job.done, job.refused) == (BulkJobState.DONE, 1, 2)
        reasons = dict(job.refusals.values_list("record_id", "reason"))
        assert reasons == {
            gone.pk: "It no longer exists.",
            faulty.pk: "Something went wrong: it was left as it was.",
        }

    def test_it_stops_saying_why_when_its_choices_are_gone(self, client, l1):
        major = IncidentFactory()
        Incident.objects.filter(pk=major.pk).update(is_major=True)
        tickets = [IncidentFactory() for _ in range(4)]
        job = start(l1, tickets, action="major", major=major.number)
        bulk_job_run(job_id=job.pk, batch=1)
        Incident.objects.filter(pk=major.pk).update(is_major=False)
        bulk_job_run(job_id=job.pk)
        job.refresh_from_db()
        assert (job.state, job.position, job.done) == (BulkJobState.STOPPED, 1, 1)
        assert "no longer valid" in job.stop_reason
        client.force_login(l1)
        page = job_page(client, job)
        assert "data-bulk-stopped" in page and "3 records were not worked on" in page

    def test_a_starter_who_may_no_longer_act_stops_it(self, l1):
        job = start(l1, [IncidentFactory()], **PRIORITY)
        l1.groups.clear()
        l1.__dict__.pop("_servicedesk_roles", None)
        bulk_job_run(job_id=job.pk)
        job.refresh_from_db()
        assert job.state == BulkJobState.STOPPED and job.done == 0


class TestPage:
    def test_a_queued_job_polls_and_reloads_without_javascript(self, client, l1):
        job = start(l1, [IncidentFactory()], **PRIORITY)
        client.force_login(l1)
        page = job_page(client, job)
        assert "Waiting for the background worker to start it." in page
        assert 'hx-trigger="every 1s"' in page
        assert '<noscript><meta http-equiv="refresh" content="2"></noscript>' in page
        assert 'href="/tickets/list/?status=open"' in page
        fragment = job_page(client, job, HX_Request="true")
        assert fragment.lstrip().startswith('<div id="bulk-progress"')

    def test_a_finished_job_stops_polling_and_lists_what_it_left(self, client, l1, l1_group):
        held = make_incident_in(Status.ASSIGNED)
        job = start(l1, [IncidentFactory(), held], action="assign", group=l1_group.pk)
        bulk_job_run(job_id=job.pk)
        client.force_login(l1)
        for page in (job_page(client, job), job_page(client, job, HX_Request="true")):
            assert "hx-trigger" not in page and "data-bulk-finished" in page
            assert "2 of 2 worked through" in page
            assert f'<a href="/tickets/{held.number}/">{held.number}</a>' in page
            assert "Say why the ticket is reassigned." in page
        assert "<noscript>" not in job_page(client, job)

    def test_what_it_left_comes_a_page_at_a_time(self, client, l1, monkeypatch):
        monkeypatch.setattr(bulk_views, "PAGE", 2)
        job = start(l1, [IncidentFactory()], **PRIORITY)
        BulkJobRefusal.objects.bulk_create(
            BulkJobRefusal(job=job, record_id=n, label=f"INC-{n}", reason=f"Reason {n}")
            for n in range(1, 6)
        )
        client.force_login(l1)
        url = reverse("bulk_job", args=[job.pk])

        first = client.get(url)
        cursor = first.context["next_cursor"]
        more = client.get(url, {"after": cursor}, headers={"HX-Request": "true"})
        plain = client.get(url, {"after": cursor})
        polled = client.get(url, headers={"HX-Request": "true"})

        assert [r.label for r in first.context["refusals"]] == ["INC-1", "INC-2"]
        assert f'href="{url}?after={cursor}"' in first.content.decode()
        html = more.content.decode()
        assert html.lstrip().startswith("<li data-refusal>") and "bulk-progress" not in html
        assert [r.label for r in more.context["refusals"]] == ["INC-3", "INC-4"]
        assert "<html" in plain.content.decode()
        assert [r.label for r in plain.context["refusals"]] == ["INC-3", "INC-4"]
        assert polled.content.decode().lstrip().startswith('<div id="bulk-progress"')
        assert [r.label for r in polled.context["refusals"]] == ["INC-1", "INC-2"]

    @pytest.mark.parametrize("cursor", ["x", "3-", "99999999999999999999-1"])
    def test_a_made_up_cursor_lists_from_the_first(self, client, l1, monkeypatch, cursor):
        monkeypatch.setattr(bulk_views, "PAGE", 2)
        job = start(l1, [IncidentFactory()], **PRIORITY)
        BulkJobRefusal.objects.bulk_create(
            BulkJobRefusal(job=job, record_id=n, label=f"INC-{n}", reason="x") for n in (1, 2, 3)
        )
        client.force_login(l1)
        response = client.get(reverse("bulk_job", args=[job.pk]), {"after": cursor})
        assert response.status_code == 200
        assert [r.label for r in response.context["refusals"]] == ["INC-1", "INC-2"]

    def test_a_cursor_shows_nothing_to_those_who_may_not_see_the_job(self, client, l1, l2):
        job = start(l1, [IncidentFactory()], **PRIORITY)
        client.force_login(l2)
        assert client.get(reverse("bulk_job", args=[job.pk]), {"after": "1-1"}).status_code == 404

    @pytest.mark.parametrize(
        ("actor", "expected"),
        [
            ("l1", 200),  # the starter
            ("desk_manager", 200),
            ("l2", 404),
            ("problem_manager", 404),
            ("contact_a", 403),
            ("outsider", 403),
        ],
    )
    def test_only_its_starter_and_the_desk_managers_see_it(self, client, actors, actor, expected):
        job = start(actors["l1"], [IncidentFactory()], **PRIORITY)
        client.force_login(actors[actor])
        assert client.get(reverse("bulk_job", args=[job.pk])).status_code == expected

    def test_unknown_jobs_are_404_and_post_is_refused(self, client, l1):
        client.force_login(l1)
        assert client.get(reverse("bulk_job", args=[999])).status_code == 404
        job = start(l1, [IncidentFactory()], **PRIORITY)
        assert client.post(reverse("bulk_job", args=[job.pk])).status_code == 405

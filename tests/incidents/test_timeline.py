"""Friction: the timeline says each thing once — a status move and the comment that
went with it (a question, a resolution, a rejection) are one entry."""

import pytest
from django.urls import reverse

from incidents import services
from incidents.timeline import timeline_for
from tests.factories import make_incident_in

pytestmark = pytest.mark.django_db


@pytest.fixture
def worked(desk_manager, contact_a, l2, l2_group):
    return make_incident_in(
        "in_progress", actor=desk_manager, group=l2_group, assignee=l2, contact=contact_a.contact
    )


def test_a_question_to_the_contact_is_one_entry_with_the_status_move(worked, l2):
    services.incident_request_information(incident=worked, comment="Which VM exactly?", actor=l2)
    entries = [
        e
        for e in timeline_for(worked)
        if "Which VM exactly?" in (e.reason or "")
        or (e.comment and e.comment.body == "Which VM exactly?")
    ]
    assert len(entries) == 1
    (entry,) = entries
    assert entry.kind == "status" and entry.target == "information_needed"
    assert entry.comment is not None and entry.comment.is_public


def test_the_ticket_page_shows_the_resolution_text_once(client, worked, l2):
    services.incident_complete(
        incident=worked, closure_code="resolved", resolution="Rebooted the VM host.", actor=l2
    )
    client.force_login(l2)
    page = client.get(reverse("incidents:detail", args=[worked.number])).content.decode()
    assert page.count("Rebooted the VM host.") == 1


def test_a_separate_comment_stays_its_own_entry(worked, l2):
    services.incident_add_comment(incident=worked, body="Looking into it.", actor=l2)
    entries = timeline_for(worked)
    assert [e.kind for e in entries if e.comment] == ["comment"]


def test_the_portal_timeline_still_lists_public_comments(worked, l2):
    services.incident_request_information(incident=worked, comment="Which VM?", actor=l2)
    entries = timeline_for(worked, public_only=True)
    assert [e.comment.body for e in entries] == ["Which VM?"]


def test_the_timeline_tells_the_major_incidents_steps(worked, desk_manager, l1, settings):
    from datetime import datetime
    from zoneinfo import ZoneInfo

    from tests.factories import IncidentFactory

    settings.TIME_ZONE = "Europe/Berlin"
    started = datetime(2026, 11, 2, 9, 40, tzinfo=ZoneInfo("Europe/Berlin"))
    services.incident_declare_major(
        incident=worked,
        manager=desk_manager,
        outage_started_at=started,
        reason="Storage down",
        actor=desk_manager,
    )
    child = IncidentFactory()
    services.incident_link_child(parent=worked, child=child, actor=l1)

    (declared,) = [e for e in timeline_for(worked) if e.reason.startswith("Declared")]
    changes = {c.label: (c.old, c.new) for c in declared.changes}
    assert changes["major incident"] == ("no", "yes")
    assert changes["outage started"] == ("", "02 Nov 2026 09:40")  # local time
    assert changes["major incident manager"][1] == desk_manager.get_full_name()
    (linked,) = [e for e in timeline_for(child) if e.reason.startswith("Linked")]
    assert linked.reason == f"Linked to major incident {worked.number}"
    assert [(c.label, c.new) for c in linked.changes] == [("part of major incident", str(worked))]

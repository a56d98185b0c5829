"""When a problem is resolved, the contact of every linked incident that is still open
hears, once and in their language, that the cause behind their ticket is fixed for good
(problems/receivers.py → problems/notifications.py, on the platform's notification log)."""

import pytest
from django.core import mail
from django.db import transaction

from incidents.cc import incident_cc_add
from incidents.models import Status as TicketStatus
from knowledge.models import Status as ArticleStatus
from problems import notifications, services
from problems.models import Problem, Status
from servicedesk.models import Notification
from tests.factories import ContactFactory, IncidentFactory, make_incident_in
from tests.knowledge.factories import move_to as publish
from tests.problems.factories import ProblemFactory

pytestmark = pytest.mark.django_db

EVENT = notifications.EVENT_PROBLEM_RESOLVED


@pytest.fixture
def committing(django_capture_on_commit_callbacks):
    return lambda: django_capture_on_commit_callbacks(execute=True)


@pytest.fixture
def known_error(org_a, problem_manager):
    """A known error with one open incident of organisation A (contact Jana Becker)."""
    contact = ContactFactory(organisation=org_a, name="Jana Becker", email="jana@a.test")
    incident = IncidentFactory(contact=contact, title="Mail stuck")
    return ProblemFactory(status=Status.KNOWN_ERROR, incidents=[incident], actor=problem_manager)


def resolve(problem: Problem, actor, committing) -> None:
    with committing():
        services.problem_resolve(problem=problem, actor=actor, permanent_fix="Agent 2.4 on mx01")


def told() -> list[Notification]:
    return list(Notification.objects.filter(event=EVENT).order_by("pk"))


def test_the_contact_of_every_open_incident_is_told_once_its_problem_is_resolved(
    org_a, problem_manager, committing
):
    still_open = [
        IncidentFactory(contact=ContactFactory(organisation=org_a)),
        make_incident_in(TicketStatus.IN_PROGRESS),
        make_incident_in(TicketStatus.REJECTED_BY_USER),
    ]
    finished = [make_incident_in(TicketStatus.COMPLETED), make_incident_in(TicketStatus.CLOSED)]
    problem = ProblemFactory(status=Status.KNOWN_ERROR, incidents=[*still_open, *finished])

    resolve(problem, problem_manager, committing)

    messages = told()
    assert [n.target_id for n in messages] == [incident.pk for incident in still_open]
    assert sorted(m.to[0] for m in mail.outbox) == sorted(i.contact.email for i in still_open)
    for notification, incident in zip(messages, still_open, strict=True):
        assert notification.contact == incident.contact
        assert notification.status == "sent"


def test_the_message_names_the_ticket_and_says_the_cause_is_fixed_for_good(
    known_error, problem_manager, committing
):
    resolve(known_error, problem_manager, committing)
    incident = known_error.incident_links.get().incident
    (message,) = mail.outbox
    assert message.subject == f"[{incident.number}] The cause is fixed – Mail stuck"
    assert f'your ticket {incident.number} "Mail stuck"' in message.body
    assert "it has now been fixed permanently" in message.body
    # It threads under the ticket, like every other mail about it.
    assert incident.number in message.extra_headers["Message-ID"]
    assert message.extra_headers["In-Reply-To"].startswith(f"<{incident.number}@")


def test_the_permanent_fix_written_for_staff_is_not_quoted(
    known_error, problem_manager, committing
):
    resolve(known_error, problem_manager, committing)
    assert "mx01" not in mail.outbox[0].body


def test_a_public_article_of_the_problem_is_linked_for_the_customer(
    known_error, problem_manager, committing, settings
):
    article = services.problem_write_article(problem=known_error, actor=problem_manager)
    article.visibility = "public"
    article.save(update_fields=["visibility"])
    publish(article, ArticleStatus.PUBLISHED)
    resolve(known_error, problem_manager, committing)
    assert f"{settings.SITE_URL}/portal/kb/{article.number}/" in mail.outbox[0].body


def test_an_internal_article_is_not_linked(known_error, problem_manager, committing):
    article = services.problem_write_article(problem=known_error, actor=problem_manager)
    publish(article, ArticleStatus.PUBLISHED)
    resolve(known_error, problem_manager, committing)
    assert article.number not in mail.outbox[0].body


def test_contacts_copied_on_the_ticket_are_told_too(
    org_a, l1, l1_group, problem_manager, committing
):
    incident = IncidentFactory(contact=ContactFactory(organisation=org_a))
    colleague = ContactFactory(organisation=org_a, email="colleague@a.test")
    incident_cc_add(incident=incident, contact=colleague, actor=l1)
    problem = ProblemFactory(status=Status.UNDER_INVESTIGATION, incidents=[incident])
    resolve(problem, problem_manager, committing)
    assert sorted(n.recipient_email for n in told()) == sorted(
        [incident.contact.email, "colleague@a.test"]
    )


def test_announcing_the_same_resolution_again_tells_nobody_twice(
    known_error, problem_manager, committing
):
    resolve(known_error, problem_manager, committing)
    known_error.refresh_from_db()
    with committing():
        assert notifications.notify_problem_resolved(problem=known_error) == []
    assert len(told()) == 1 and len(mail.outbox) == 1


def test_a_problem_resolved_again_after_its_fix_failed_tells_them_again(
    known_error, problem_manager, committing
):
    resolve(known_error, problem_manager, committing)
    services.problem_reopen(problem=known_error, actor=problem_manager, reason="Came back")
    resolve(known_error, problem_manager, committing)
    assert len(told()) == 2 and len(mail.outbox) == 2


def test_nothing_is_sent_when_the_resolution_rolls_back(known_error, problem_manager, committing):
    with committing(), pytest.raises(RuntimeError), transaction.atomic():
        services.problem_resolve(problem=known_error, actor=problem_manager, permanent_fix="Fix")
        raise RuntimeError("the request failed after the service")
    assert told() == [] and mail.outbox == []


def test_other_steps_of_the_problem_tell_no_contact(org_a, problem_manager, committing):
    incident = IncidentFactory(contact=ContactFactory(organisation=org_a))
    with committing():
        problem = ProblemFactory(status=Status.KNOWN_ERROR, incidents=[incident])
        services.problem_cancel(problem=problem, actor=problem_manager, reason="Duplicate")
    assert told() == []


def test_the_message_is_in_the_tickets_notification_log(
    client, l1, known_error, problem_manager, committing
):
    resolve(known_error, problem_manager, committing)
    incident = known_error.incident_links.get().incident
    client.force_login(l1)
    page = client.get(f"/tickets/{incident.number}/").content.decode()
    assert "Cause of the ticket fixed for good" in page


@pytest.mark.translations
def test_the_contact_reads_it_in_their_language(org_a, problem_manager, committing):
    contact = ContactFactory(
        organisation=org_a,
        name="Jana Becker",
        language="de",
        form_of_address=ContactFactory._meta.model.FormOfAddress.MS,
    )
    incident = IncidentFactory(contact=contact, title="Mail")
    problem = ProblemFactory(status=Status.KNOWN_ERROR, incidents=[incident])
    resolve(problem, problem_manager, committing)
    body = mail.outbox[0].body
    assert body.startswith("Sehr geehrte Frau Becker,\n")
    assert "Ihr Service Desk" in body
    assert "Diese Nachricht wurde automatisch versendet." in body

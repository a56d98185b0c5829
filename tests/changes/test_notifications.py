"""Planned maintenance by mail: when the change manager chose it, the contacts of the
affected organisations are mailed once when the change is scheduled — from a task queued
after the commit, each in their language with the window in their time zone, through the
notification log — and never about what is written for staff."""

from datetime import UTC, datetime, timedelta

import pytest
from django.core import mail as outbox
from django.utils import timezone

from changes import services, tasks
from changes.models import ChangeRequest, Status
from changes.notifications import EVENT_MAINTENANCE, change_notify_customers
from servicedesk.models import Notification, Organisation
from tests.changes.factories import ChangeFactory
from tests.factories import ConfigurationItemFactory, ContactFactory, ServiceFactory

pytestmark = pytest.mark.django_db

START = datetime(2030, 1, 10, 15, 0, tzinfo=UTC)  # a Thursday
END = START + timedelta(hours=2)


@pytest.fixture
def web(db):
    return ServiceFactory(name="Web hosting")


@pytest.fixture
def customers(org_a, org_b, web):
    """A (New York) and B (Berlin) each run a server on Web hosting; C runs nothing there."""
    Organisation.objects.filter(pk=org_a.pk).update(time_zone="America/New_York")
    ConfigurationItemFactory(service=web, organisation=org_a)
    ConfigurationItemFactory(service=web, organisation=org_b)
    unaffected = ContactFactory(email="carl@c.test")
    return {
        "ann": ContactFactory(organisation=org_a, email="ann@a.test", language="en"),
        "berta": ContactFactory(organisation=org_b, email="berta@b.test", language="de"),
        "gone": ContactFactory(organisation=org_a, email="gone@a.test", is_active=False),
        "carl": unaffected,
    }


def approved(web, **kwargs) -> ChangeRequest:
    return ChangeFactory.create(
        status=Status.APPROVED,
        services=[web],
        planned_start=START,
        planned_end=END,
        notify_customers=kwargs.pop("notify_customers", True),
        title="Kernel upgrade on the INTERNAL cluster",
        implementation_plan="reboot SECRET-HOST",
        **kwargs,
    )


def schedule(change, actor, capture) -> None:
    with capture(execute=True):
        services.change_schedule(change=change, actor=actor)


def mails_to(address: str) -> list:
    return [m for m in outbox.outbox if m.to == [address]]


class TestWhenScheduled:
    def test_the_affected_contacts_are_mailed_once_each(
        self, web, customers, change_manager, django_capture_on_commit_callbacks
    ):
        change = approved(web, actor=change_manager)
        schedule(change, change_manager, django_capture_on_commit_callbacks)
        sent = {m.to[0] for m in outbox.outbox}
        assert {"ann@a.test", "berta@b.test"} <= sent
        assert "carl@c.test" not in sent and "gone@a.test" not in sent
        assert len(mails_to("ann@a.test")) == 1
        change.refresh_from_db()
        assert change.customers_notified_at is not None
        logged = Notification.objects.filter(event=EVENT_MAINTENANCE)
        assert logged.filter(contact=customers["ann"], status="sent").count() == 1
        assert all(row.subject_ref == change.number for row in logged)

    def test_the_window_is_in_each_contact_s_time_zone_and_language(
        self, web, customers, change_manager, django_capture_on_commit_callbacks
    ):
        schedule(
            approved(web, actor=change_manager), change_manager, django_capture_on_commit_callbacks
        )
        [ann] = mails_to("ann@a.test")
        assert "Thu 10 Jan 2030 10:00" in ann.body  # New York
        assert "America/New_York" in ann.body
        assert "Web hosting" in ann.subject and "Web hosting" in ann.body
        assert ann.body.startswith("Dear ")
        [berta] = mails_to("berta@b.test")
        # Berlin, with the weekday and month in German (Django's own catalogue).
        assert "Do 10 Jan 2030 16:00" in berta.body
        assert "Europe/Berlin" in berta.body

    def test_the_mail_says_nothing_written_for_staff(
        self, web, customers, change_manager, django_capture_on_commit_callbacks
    ):
        schedule(
            approved(web, actor=change_manager), change_manager, django_capture_on_commit_callbacks
        )
        for message in outbox.outbox:
            text = message.subject + message.body
            assert "INTERNAL" not in text and "SECRET-HOST" not in text

    def test_without_the_change_manager_s_choice_nobody_is_mailed(
        self, web, customers, change_manager, django_capture_on_commit_callbacks
    ):
        change = approved(web, actor=change_manager, notify_customers=False)
        schedule(change, change_manager, django_capture_on_commit_callbacks)
        assert outbox.outbox == []
        change.refresh_from_db()
        assert change.customers_notified_at is None

    def test_the_task_waits_for_the_commit(
        self, web, customers, change_manager, django_capture_on_commit_callbacks
    ):
        change = approved(web, actor=change_manager)
        with django_capture_on_commit_callbacks(execute=False) as callbacks:
            services.change_schedule(change=change, actor=change_manager)
        assert callbacks  # the announcement, which queues the task once it runs
        assert not Notification.objects.filter(event=EVENT_MAINTENANCE).exists()


class TestOnce:
    def test_running_the_task_again_mails_nobody_again(
        self, web, customers, change_manager, django_capture_on_commit_callbacks
    ):
        change = approved(web, actor=change_manager)
        schedule(change, change_manager, django_capture_on_commit_callbacks)
        before = len(outbox.outbox)
        with django_capture_on_commit_callbacks(execute=True):
            assert tasks.notify_customers(change.pk) == 0
            assert tasks.notify_customers(change.pk) == 0
        assert len(outbox.outbox) == before

    def test_a_change_not_scheduled_is_not_announced(self, web, customers, change_manager):
        change = approved(web, actor=change_manager)
        assert change_notify_customers(change_id=change.pk) == []
        assert change_notify_customers(change_id=999999) == []

    def test_the_history_says_who_was_told(
        self, web, customers, change_manager, django_capture_on_commit_callbacks
    ):
        change = approved(web, actor=change_manager)
        schedule(change, change_manager, django_capture_on_commit_callbacks)
        scheduled_version = change.version
        reasons = list(change.history.values_list("history_change_reason", flat=True))
        assert "Affected customers told (2 contacts)" in reasons
        # Telling customers makes no open form of the change stale.
        change.refresh_from_db()
        assert change.version == scheduled_version


class TestCatchUp:
    def test_a_change_whose_task_was_lost_is_caught_up(
        self, web, customers, change_manager, django_capture_on_commit_callbacks
    ):
        change = approved(web, actor=change_manager)
        with django_capture_on_commit_callbacks(execute=False):  # the task never runs
            services.change_schedule(change=change, actor=change_manager)
        assert tasks.notify_customers_pending() == 0  # within the grace period
        ChangeRequest.objects.filter(pk=change.pk).update(
            scheduled_at=timezone.now() - timedelta(minutes=11)
        )
        with django_capture_on_commit_callbacks(execute=True):
            assert tasks.notify_customers_pending() == 1
        assert len(mails_to("ann@a.test")) == 1
        with django_capture_on_commit_callbacks(execute=True):
            assert tasks.notify_customers_pending() == 0

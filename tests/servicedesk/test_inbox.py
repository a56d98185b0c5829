"""In-app notifications for staff: the header's unread badge, the list, marking read
(plain POST and htmx), mail preferences; each user sees and marks only their own."""

import pytest
from django.core import mail
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from servicedesk.inbox import StaffMail, inbox_notify, inbox_unread_count
from servicedesk.models import InAppNotification, Notification, NotificationPreference
from servicedesk.notifications import notification_queue, notification_send
from tests.factories import OrganisationFactory, UserFactory

pytestmark = pytest.mark.django_db
HTMX = {"HX-Request": "true"}


def tell(user, n: int = 1, *, actor=None, start: int = 0) -> list[InAppNotification]:
    target = OrganisationFactory.create()
    rows = []
    for i in range(start, start + n):
        rows += inbox_notify(
            recipients=[user],
            event="ticket_assigned",
            verb="Assigned to you",
            target=target,
            target_label=f"INC-{i:06d} Printer on fire",
            url="/tickets/INC-000001/",
            actor=actor,
            occurrence=f"v{i}",
        )
    return rows


class TestTelling:
    def test_each_occurrence_is_told_once_and_never_to_the_actor(self, l1, l2):
        target = OrganisationFactory()
        kwargs = dict(
            event="ticket_assigned",
            verb="Assigned to you",
            target=target,
            target_label="x",
            url="",
            actor=l1,
            occurrence="v2",
            mail=StaffMail(subject="s", body="b"),
        )
        first = inbox_notify(recipients=[l1, l2, l2], **kwargs)
        again = inbox_notify(recipients=[l1, l2], **kwargs)
        assert [row.recipient for row in first] == [l2]
        assert again == []
        assert list(Notification.objects.values_list("recipient_email", flat=True)) == [l2.email]

    def test_inactive_users_are_not_told(self, l2):
        l2.is_active = False
        l2.save()
        assert tell(l2) == []


class TestBadge:
    def test_the_header_shows_the_unread_count(self, client, l2):
        tell(l2, 3)
        client.force_login(l2)
        page = client.get(reverse("inbox:index")).content.decode()
        assert 'data-unread="3"' in page

    def test_no_badge_when_all_is_read(self, client, l2):
        client.force_login(l2)
        page = client.get(reverse("inbox:index")).content.decode()
        assert 'id="inbox-link"' in page and "data-unread" not in page

    def test_the_count_is_one_indexed_query(self, l2):
        tell(l2, 5)
        with CaptureQueriesContext(connection) as queries:
            assert inbox_unread_count(l2) == 5
        (query,) = queries.captured_queries
        assert "COUNT(" in query["sql"].upper()

    def test_contacts_get_no_badge(self, client, contact_a):
        client.force_login(contact_a)
        page = client.get(reverse("portal:home")).content.decode()
        assert 'id="inbox-link"' not in page


class TestList:
    def test_only_my_own_notifications_are_listed(self, client, l1, l2):
        tell(l1, 1)
        tell(l2, 2, start=10)
        client.force_login(l2)
        page = client.get(reverse("inbox:index")).content.decode()
        assert page.count('class="inbox-item') == 2
        assert "INC-000000" not in page

    def test_query_count_stays_flat(self, client, l2, django_assert_max_num_queries):
        tell(l2, 3)
        client.force_login(l2)
        client.get(reverse("inbox:index"))
        with CaptureQueriesContext(connection) as small:
            client.get(reverse("inbox:index"))
        tell(l2, 60, start=100)
        with django_assert_max_num_queries(len(small)):
            response = client.get(reverse("inbox:index"))
        assert len(response.context["items"]) == 50

    def test_unread_filter(self, client, l2):
        first, second = tell(l2, 2)
        client.post(reverse("inbox:mark_read", args=[first.pk]))  # not logged in: nothing
        client.force_login(l2)
        client.post(reverse("inbox:mark_read", args=[first.pk]))
        page = client.get(reverse("inbox:index") + "?show=unread").content.decode()
        assert f'id="inbox-item-{second.pk}"' in page
        assert f'id="inbox-item-{first.pk}"' not in page


class TestMarking:
    def test_a_plain_post_marks_read_and_goes_back(self, client, l2):
        (item,) = tell(l2)
        client.force_login(l2)
        response = client.post(reverse("inbox:mark_read", args=[item.pk]))
        assert response.status_code == 302
        assert response["Location"] == reverse("inbox:index")
        item.refresh_from_db()
        assert item.read_at is not None

    def test_htmx_gets_the_row_and_the_new_badge(self, client, l2):
        item, _other = tell(l2, 2)
        client.force_login(l2)
        response = client.post(reverse("inbox:mark_read", args=[item.pk]), headers=HTMX)
        body = response.content.decode()
        assert response.status_code == 200
        assert f'id="inbox-item-{item.pk}"' in body and "unread" not in body.split("<a id")[0]
        assert 'hx-swap-oob="true"' in body and 'data-unread="1"' in body

    def test_mark_all_read(self, client, l1, l2):
        tell(l2, 3)
        tell(l1, 1)
        client.force_login(l2)
        assert client.post(reverse("inbox:mark_all_read")).status_code == 302
        assert inbox_unread_count(l2) == 0
        assert inbox_unread_count(l1) == 1

    def test_marking_needs_post(self, client, l2):
        (item,) = tell(l2)
        client.force_login(l2)
        assert client.get(reverse("inbox:mark_read", args=[item.pk])).status_code == 405
        assert client.get(reverse("inbox:mark_all_read")).status_code == 405


class TestPermissions:
    def test_another_staff_member_cannot_mark_my_notification(self, client, l1, l2):
        (item,) = tell(l2)
        client.force_login(l1)
        assert client.post(reverse("inbox:mark_read", args=[item.pk])).status_code == 404
        client.post(reverse("inbox:mark_all_read"))
        item.refresh_from_db()
        assert item.read_at is None

    @pytest.mark.parametrize("who", ["contact_a", "outsider"])
    def test_non_staff_are_refused(self, client, actors, who, l2):
        (item,) = tell(l2)
        client.force_login(actors[who])
        assert client.get(reverse("inbox:index")).status_code == 403
        assert client.post(reverse("inbox:mark_read", args=[item.pk])).status_code == 403
        assert client.post(reverse("inbox:mark_all_read")).status_code == 403
        assert client.get(reverse("inbox:preferences")).status_code == 403
        item.refresh_from_db()
        assert item.read_at is None

    def test_anonymous_users_are_sent_to_log_in(self, client):
        response = client.get(reverse("inbox:index"))
        assert response.status_code in (302, 403)


class TestPreferences:
    def test_mail_can_be_switched_off_per_kind(self, client, l2):
        client.force_login(l2)
        page = client.get(reverse("inbox:preferences")).content.decode()
        assert "The customer answers" in page
        response = client.post(
            reverse("inbox:preferences"),
            {"mail_enabled": "on", "muted_events": ["customer_replied"]},
        )
        assert response.status_code == 302
        preference = NotificationPreference.objects.get(user=l2)
        assert preference.mail_enabled and preference.muted_events == ["customer_replied"]
        assert not preference.wants_mail("customer_replied")
        assert preference.wants_mail("ticket_assigned")
        assert preference.history.get().history_user == l2

    def test_an_unknown_kind_is_refused_next_to_the_field(self, client, l2):
        client.force_login(l2)
        response = client.post(reverse("inbox:preferences"), {"muted_events": ["nonsense"]})
        assert response.status_code == 422
        assert "nonsense is not one of the available choices" in response.content.decode()
        assert not NotificationPreference.objects.exists()


class TestAdmin:
    @pytest.fixture
    def admin_client(self, client):
        client.force_login(UserFactory(username="root", is_staff=True, is_superuser=True))
        return client

    def test_the_mail_log_shows_events_in_words(self, admin_client, l2):
        notification_queue(
            recipient_email="a@b.test",
            event="status_changed:completed",
            target=None,
            subject="s",
            body="b",
            dedupe_key=None,
            thread_root="INC-000001",
        )
        tell(l2)
        page = admin_client.get(reverse("admin:servicedesk_notification_changelist"))
        assert "Status changed to Completed" in page.content.decode()
        inbox = admin_client.get(reverse("admin:servicedesk_inappnotification_changelist"))
        assert "Assigned to you" in inbox.content.decode()
        assert (
            admin_client.get(reverse("admin:servicedesk_notificationpreference_changelist"))
        ).status_code == 200
        assert admin_client.get(reverse("admin:incidents_ticketcc_changelist")).status_code == 200


def test_an_attachment_deleted_before_sending_is_left_out(l2, settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path
    (tmp_path / "kept.txt").write_bytes(b"kept")
    row = notification_queue(
        recipient_email="a@b.test",
        event="public_reply",
        target=None,
        subject="s",
        body="b",
        dedupe_key=None,
        thread_root="INC-000001",
        attachments=[
            {"name": "kept.txt", "path": "kept.txt", "content_type": "text/plain"},
            {"name": "gone.txt", "path": "gone.txt", "content_type": "text/plain"},
        ],
    )
    assert notification_send(notification_id=row.pk)
    assert mail.outbox[-1].attachments == [("kept.txt", "kept", "text/plain")]

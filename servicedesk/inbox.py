"""Telling staff what happened: an in-app notification for each recipient (always) and
a mail (unless the recipient switched it off), each event once per recipient.

Apps decide who hears what and in which words (incidents/staff_notifications.py); this
module owns the rules every app shares: nobody is told about their own action, a
repeated announcement adds nothing (dedupe keys), and mail follows each user's
NotificationPreference. Reading: the unread count (one indexed count) and the list."""

from collections.abc import Iterable
from dataclasses import dataclass

from django.contrib.auth.models import AbstractBaseUser, User
from django.contrib.contenttypes.models import ContentType
from django.core.exceptions import ValidationError
from django.db import models, transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from servicedesk.models import InAppNotification, NotificationPreference
from servicedesk.notification_events import staff_event_kinds
from servicedesk.notifications import notification_queue, recipient_key
from servicedesk.workflow import record_history

LIST_LIMIT = 50


@dataclass(frozen=True)
class StaffMail:
    """The mail that goes with an in-app notification (already in the desk's language)."""

    subject: str
    body: str
    thread_root: str = ""


def inbox_notify(
    *,
    recipients: Iterable[AbstractBaseUser],
    event: str,
    verb: str,
    target: models.Model | None,
    target_label: str,
    url: str,
    actor: User | None,
    occurrence: str,
    mail: StaffMail | None = None,
) -> list[InAppNotification]:
    """Tell each recipient once about this `occurrence` of `event`; returns the new rows.

    `occurrence` names this happening of the event on this target (a ticket version, a
    comment id), so the same announcement made twice creates nothing the second time."""
    people = _distinct_active(recipients, exclude=actor)
    if not people:
        return []
    target_type = ContentType.objects.get_for_model(target) if target is not None else None
    target_id = target.pk if target is not None else None
    base = f"{target_type.pk if target_type else '-'}:{target_id}:{event}:{occurrence}"
    preferences = _preferences(people)
    created: list[InAppNotification] = []
    with transaction.atomic():
        for user in people:
            row, is_new = InAppNotification.objects.get_or_create(
                dedupe_key=f"inbox:{base}:u{user.pk}",
                defaults={
                    "recipient": user,
                    "actor": actor if getattr(actor, "pk", None) else None,
                    "event": event,
                    "verb": verb[:200],
                    "target_type": target_type,
                    "target_id": target_id,
                    "target_label": target_label[:250],
                    "url": url[:300],
                },
            )
            if not is_new:
                continue
            created.append(row)
            preference = preferences.get(user.pk)
            if (
                mail is not None
                and user.email
                and (preference is None or preference.wants_mail(event))
            ):
                notification_queue(
                    recipient_email=user.email,
                    event=event,
                    target=target,
                    subject=mail.subject,
                    body=mail.body,
                    dedupe_key=f"staff:{base}:{recipient_key(user.email)}",
                    thread_root=mail.thread_root,
                    user=user,
                )
    return created


def _distinct_active(users: Iterable[AbstractBaseUser], *, exclude) -> list:
    seen: dict[int, AbstractBaseUser] = {}
    exclude_pk = getattr(exclude, "pk", None)
    for user in users:
        if user is None or not user.is_active or user.pk == exclude_pk:
            continue
        seen.setdefault(user.pk, user)
    return list(seen.values())


def _preferences(users: list) -> dict[int, NotificationPreference]:
    rows = NotificationPreference.objects.filter(user__in=[u.pk for u in users])
    return {row.user_id: row for row in rows}


# ----- reading and marking -------------------------------------------------------------------


def inbox_unread_count(user) -> int:
    """The header's badge: one count on the (recipient, read_at) index."""
    return InAppNotification.objects.for_user(user).unread().count()


def inbox_for(user, *, unread_only: bool = False) -> models.QuerySet[InAppNotification]:
    """The user's newest notifications, in one query (the actor comes along)."""
    rows = InAppNotification.objects.for_user(user).select_related("actor")
    if unread_only:
        rows = rows.unread()
    return rows.order_by("-created_at", "-pk")[:LIST_LIMIT]


def inbox_mark_read(*, user, notification_id: int) -> InAppNotification:
    """Mark one of the user's own notifications read (someone else's: DoesNotExist)."""
    row = InAppNotification.objects.for_user(user).get(pk=notification_id)
    if row.read_at is None:
        row.read_at = timezone.now()
        InAppNotification.objects.filter(pk=row.pk, read_at__isnull=True).update(
            read_at=row.read_at
        )
    return row


def inbox_mark_all_read(*, user) -> int:
    return InAppNotification.objects.for_user(user).unread().update(read_at=timezone.now())


# ----- preferences ---------------------------------------------------------------------------


def preference_for(user) -> NotificationPreference:
    """The user's preferences (defaults, unsaved, when they never changed them)."""
    found = NotificationPreference.objects.filter(user=user).first()
    return found or NotificationPreference(user=user)


def preference_update(
    *, user, mail_enabled: bool, muted_events: Iterable[str]
) -> NotificationPreference:
    """Save the user's own mail settings; unknown event kinds are refused."""
    known = {kind.key for kind in staff_event_kinds()}
    muted = sorted(set(muted_events))
    unknown = [key for key in muted if key not in known]
    if unknown:
        raise ValidationError({"muted_events": _("Unknown kind of notification.")})
    preference = preference_for(user)
    preference.mail_enabled = bool(mail_enabled)
    preference.muted_events = muted
    record_history(preference, actor=user)
    preference.save()
    return preference

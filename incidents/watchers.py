"""Staff following a ticket (watchers). A follower hears what the people working the
ticket hear, and its status changes (incidents/staff_notifications.py); contacts are never
followers: other contacts are copied on the contact's mail instead (incidents/cc.py).

The rules live here: any staff user who may see the ticket follows it for themselves,
one click on the ticket page; not a closed ticket (nothing more happens to it);
unfollowing always works. Each follow and unfollow is in the Watch's history. Who is
told is decided when something happens: a follower who lost their staff role or was
deactivated since is no longer told."""

from django.contrib.auth import get_user_model
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import IntegrityError, transaction
from django.db.models import QuerySet
from django.utils.translation import gettext as _

from incidents import rules
from incidents.models import Incident, Watch
from servicedesk.roles import staff_members
from servicedesk.workflow import Actor, person, record_history, save_with_history
from servicedesk.workspaces import forget_nav_counts


def watchers_for(incident: Incident) -> QuerySet[Watch]:
    """The ticket's followers with their users, in one query, oldest first."""
    return incident.watches.select_related("user").order_by("created_at", "pk")


def watchers_to_tell(incident: Incident) -> list:
    """The followers who are told now: active, and still staff (who may see the ticket)."""
    users = get_user_model().objects.filter(ticket_watches__incident=incident, is_active=True)
    return list(staff_members(users).order_by("pk"))


def incident_follow(*, incident: Incident, actor: Actor) -> Watch:
    """The actor follows the ticket (following it again changes nothing)."""
    user = person(actor)
    if user is None or not rules.may_follow(incident, user):
        raise PermissionDenied(_("Only support staff may follow a ticket."))
    existing = Watch.objects.filter(incident=incident, user=user).first()
    if existing is not None:
        return existing
    if incident.is_final:
        raise ValidationError(_("The ticket is closed: nothing more happens to it to follow."))
    watch = Watch(incident=incident, user=user)
    try:
        with transaction.atomic():
            save_with_history(watch, actor=actor, reason=_("Followed"))
    except IntegrityError:  # a second click that raced the first
        return Watch.objects.get(incident=incident, user=user)
    forget_nav_counts(user)  # Following's count
    return watch


def incident_unfollow(*, incident: Incident, actor: Actor) -> None:
    """The actor stops following the ticket (not following it: nothing to do)."""
    user = person(actor)
    watch = Watch.objects.filter(incident=incident, user=user).first() if user else None
    if watch is None:
        return
    record_history(watch, actor=actor, reason=_("Unfollowed"))
    watch.delete()
    forget_nav_counts(user)

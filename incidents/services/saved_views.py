"""Saved ticket-list views: made by their owner, shared with one of the owner's groups,
deleted by their owner only."""

from django.core.exceptions import PermissionDenied, ValidationError
from django.utils.translation import gettext as _

from incidents.models import SavedView
from servicedesk.models import SupportGroup
from servicedesk.workflow import Actor, person, record_history
from servicedesk.workspaces import forget_nav_counts


def saved_view_create(
    *, owner: Actor, name: str, query: str, shared_with: SupportGroup | None = None
) -> SavedView:
    user = person(owner)
    if user is None:
        raise PermissionDenied(_("Sign in to save a view."))
    name = " ".join(name.split())
    if not name:
        raise ValidationError({"name": _("Give the view a name.")})
    if SavedView.objects.filter(owner=user, name__iexact=name).exists():
        raise ValidationError({"name": _("You already have a view of this name.")})
    if shared_with is not None and not shared_with.members.filter(pk=user.pk).exists():
        raise ValidationError({"shared_with": _("Share only with a group you belong to.")})
    view = SavedView(owner=user, name=name, query=query, shared_with=shared_with)
    record_history(view, actor=owner)
    view.save()
    forget_nav_counts(user)
    return view


def saved_view_delete(*, view: SavedView, actor: Actor) -> None:
    user = person(actor)
    if user is None or view.owner_id != user.pk:
        raise PermissionDenied(_("Only its owner deletes a view."))
    record_history(view, actor=actor)
    view.delete()
    forget_nav_counts(user)

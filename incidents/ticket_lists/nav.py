"""The ticket list's views in the staff navigation (servicedesk.workspaces counted links):
*Following* and the user's saved views (own and shared with their groups), each with how
many tickets it has now — two queries whatever the number of views and tickets: the
views, then every capped count in one statement."""

from django.urls import reverse
from django.utils.translation import gettext as _

from incidents.models import SavedView
from incidents.ticket_lists.filters import form_for
from servicedesk.pagination import Tab, capped_counts
from servicedesk.workspaces import CountedLink

#: The open tickets the user follows (incidents/watchers.py).
FOLLOWING = "watching=me"
#: At most this many saved views are listed and counted.
VIEWS_SHOWN = 20


def saved_views(user) -> list[SavedView]:
    views = SavedView.objects.visible_to(user).select_related("shared_with")
    return list(views[:VIEWS_SHOWN])


def counts(queries: list[str], user) -> list[Tab]:
    """The capped count of each filter's tickets, in one query."""
    return capped_counts([form_for(query, user, lookups=False).tickets() for query in queries])


def list_url(query: str) -> str:
    base = reverse("incidents:tickets")
    return f"{base}?{query}" if query else base


def nav_links(user) -> list[CountedLink]:
    views = saved_views(user)
    queries = [FOLLOWING, *(view.query for view in views)]
    labels = [_("Following"), *(view.name for view in views)]
    return [
        CountedLink(label=label, url=list_url(query), count=count)
        for label, query, count in zip(labels, queries, counts(queries, user), strict=True)
    ]

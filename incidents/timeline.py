"""A ticket's timeline: what servicedesk.timeline merges, chosen for tickets: which fields
it spells out, which comments a contact sees, and a status move shown once with the
comment that explains it. The number of queries does not grow with the timeline."""

from datetime import timedelta

from incidents.models import Comment, Incident
from servicedesk.people import display_name
from servicedesk.timeline import Entry, history_entries, merge

#: Fields whose changes the timeline spells out (the rest stay in the admin's history).
SHOWN_FIELDS = [
    "kind",
    "category",
    "service",
    "configuration_item",
    "urgency",
    "impact",
    "priority",
    "support_group",
    "assignee",
    "third_party",
    "closure_code",
    "resolved_with",
    "urgency_confirmed",
    # Major incidents: declared, its manager and outage window; a child's link to it.
    "is_major",
    "major_manager",
    "outage_started_at",
    "outage_ended_at",
    "parent",
]


#: A transition's comment is written in the same transaction as its history row.
SAME_MOMENT = timedelta(seconds=5)


def timeline_for(incident: Incident, *, public_only: bool = False) -> list[Entry[Comment]]:
    """Everything for staff; for the portal only the public comments."""
    entries: list[Entry[Comment]] = [] if public_only else history_entries(incident, SHOWN_FIELDS)
    comments = incident.comments.select_related("author", "author_contact").prefetch_related(
        "attachments"
    )
    if public_only:
        comments = comments.filter(is_public=True)
    return merge(entries, comments, author=_comment_author, joins=_merge_into_status_move)


def _merge_into_status_move(entries: list[Entry[Comment]], comment: Comment) -> bool:
    """A status move whose reason is this comment (asking the contact, a resolution, a
    rejection) shows it once: the comment joins the move's entry."""
    for entry in entries:
        if (
            entry.kind == "status"
            and entry.comment is None
            and entry.reason == comment.body
            and entry.actor_id == comment.author_id
            and abs(entry.at - comment.created_at) <= SAME_MOMENT
        ):
            entry.comment = comment
            return True
    return False


def _comment_author(comment: Comment) -> str:
    """A contact who wrote by email has no user when they have no portal login."""
    if comment.author is None and comment.author_contact is not None:
        return comment.author_contact.name
    return display_name(comment.author)

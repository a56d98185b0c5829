"""A closed change's review becomes a knowledge article: a draft prefilled from the change
(what was changed and why as the symptoms, the review and how it was done as the
resolution), linked both ways (change.article; the article's reverse relation `changes`)."""

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.utils.translation import gettext as _

from changes import rules
from changes.models import ChangeRequest, Status
from changes.services._workflow import CHANGES
from knowledge.models import Article
from knowledge.services import article_draft_from
from servicedesk.workflow import Actor, copy_into


def may_write_article(change: ChangeRequest, user: Actor) -> bool:
    """The change manager turns a closed change's review into an article, once."""
    return (
        rules.is_change_manager(user)
        and change.status == Status.CLOSED
        and bool(change.review.strip())
        and change.article_id is None
    )


def change_write_article(*, change: ChangeRequest, actor: Actor) -> Article:
    """The review's article: a new internal draft, or the one already written."""
    if not rules.is_change_manager(actor):
        raise PermissionDenied(_("Only the change manager may do this."))
    with transaction.atomic():
        fresh = CHANGES.lock(change)
        if fresh.article_id is not None:
            copy_into(change, fresh)
            return fresh.article  # type: ignore[return-value]
        if fresh.status != Status.CLOSED or not fresh.review.strip():
            raise ValidationError(_("Only the review of a closed change becomes an article."))
        article = article_draft_from(
            source_label=fresh.number,
            title=fresh.title,
            symptoms=_what(fresh),
            resolution=_learned(fresh),
            service=fresh.services.order_by("name").first(),
            actor=actor,
        )
        fresh.article = article
        CHANGES.save(
            fresh,
            actor=actor,
            reason=_("Article %(number)s written from the review") % {"number": article.number},
            fields=["article", "version", "updated_at"],
        )
    copy_into(change, fresh)
    return article


def _what(change: ChangeRequest) -> str:
    parts = [change.description]
    if change.reason:
        parts.append(_("Why: %(text)s") % {"text": change.reason})
    return "\n\n".join(part for part in parts if part)


def _learned(change: ChangeRequest) -> str:
    parts = [change.review]
    if change.implementation_plan:
        parts.append(_("How it was done: %(text)s") % {"text": change.implementation_plan})
    return "\n\n".join(part for part in parts if part)

"""Knowledge on a ticket: the articles linked to it (agents link and remove them on the
ticket page), the article it was resolved with (its use counted once per ticket), and a
draft article written from a resolved ticket. What an article may be, and who writes
one, is the knowledge base's (knowledge.services, knowledge.rules)."""

from collections.abc import Iterable

from django.contrib.auth.models import User
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import IntegrityError, transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from incidents.models import Incident, Status, TicketArticle
from incidents.services.comments import add_comment
from knowledge import rules as kb_rules
from knowledge import services as kb_services
from knowledge.models import Article
from knowledge.models import Status as ArticleStatus
from servicedesk.roles import is_agent
from servicedesk.workflow import Actor, record_history, save_with_history

#: A ticket teaches something once it is resolved.
WRITABLE_FROM = frozenset({Status.COMPLETED, Status.CLOSED})


def incident_article_link(*, incident: Incident, article: Article, actor: Actor) -> TicketArticle:
    """Link the article to the ticket; linking it again changes nothing."""
    _check_agent(actor)
    with transaction.atomic():
        return _link(incident, article, actor)


def incident_articles_link(
    *, incident: Incident, articles: Iterable[Article], actor: Actor
) -> list[TicketArticle]:
    """Link several articles at once (those an agent ticked while logging the call)."""
    _check_agent(actor)
    with transaction.atomic():
        return [_link(incident, article, actor) for article in articles]


def incident_article_unlink(*, incident: Incident, article_id: int, actor: Actor) -> None:
    """Remove a link; the article that resolved the ticket stays (its use was counted)."""
    _check_agent(actor)
    with transaction.atomic():
        link = (
            TicketArticle.objects.select_for_update(of=("self",))
            .select_related("article")
            .filter(incident=incident, article_id=article_id)
            .first()
        )
        if link is None:
            raise ValidationError(_("This article is not linked to the ticket."))
        if link.use_counted_at is not None:
            raise ValidationError(
                _("%(number)s resolved this ticket: it stays linked.")
                % {"number": link.article.number}
            )
        record_history(link, actor=actor, reason=_("Removed from the ticket"))
        link.delete()
        _note(incident, actor, _("Knowledge article %(number)s removed.") % _named(link.article))


def record_resolution(incident: Incident, article: Article, actor: Actor) -> None:
    """The ticket was resolved with `article` (incident_complete calls this in its
    transaction): the article is linked and its use counted, once per ticket however
    often the ticket is completed again after the contact rejected it."""
    link = _link(incident, article, actor)
    first_time = TicketArticle.objects.filter(pk=link.pk, use_counted_at__isnull=True).update(
        use_counted_at=timezone.now()
    )
    if first_time:
        kb_services.article_record_use(article=article, actor=actor)


def check_resolves(article: Article | None) -> None:
    if article is not None and article.status != ArticleStatus.PUBLISHED:
        raise ValidationError(
            {"resolved_with": _("Only a published article can be the resolution.")}
        )


def incident_write_article(*, incident: Incident, actor: Actor) -> Article:
    """A draft article written from a resolved ticket, in one click: its summary is the
    title, its description the symptoms and the resolution given to the contact the
    resolution, in the contact's language; the draft is linked to the ticket."""
    if not kb_rules.may_write(actor):
        raise PermissionDenied(_("You may not write knowledge articles."))
    if incident.status not in WRITABLE_FROM:
        raise ValidationError(_("Write an article once the ticket is resolved."))
    with transaction.atomic():
        article = kb_services.article_draft_from(
            source_label=incident.number,
            title=incident.title,
            symptoms=incident.description,
            resolution=resolution_text(incident),
            service=incident.service,
            language=incident.contact.language,
            actor=actor,
        )
        _link(incident, article, actor, reason=_("Written from the ticket"))
    return article


def resolution_text(incident: Incident) -> str:
    """What the ticket's last completion told the contact (the reason of the history row
    that moved it to Completed)."""
    rows = incident.history.order_by("-history_date", "-history_id").values_list(
        "status", "history_change_reason"
    )
    text = ""
    for status, reason in rows[:200]:
        if status == Status.COMPLETED:
            text = reason or ""  # earlier rows of the same stay: the move itself comes last
        elif text:
            break
    return text


# ----- helpers ------------------------------------------------------------------------------


def _link(incident: Incident, article: Article, actor: Actor, reason: str = "") -> TicketArticle:
    existing = TicketArticle.objects.filter(incident=incident, article=article).first()
    if existing is not None:
        return existing
    link = TicketArticle(incident=incident, article=article, linked_by=_person(actor))
    try:
        with transaction.atomic():
            save_with_history(link, actor=actor, reason=reason or _("Linked to the ticket"))
    except IntegrityError:  # linked by someone else at the same moment
        return TicketArticle.objects.get(incident=incident, article=article)
    _note(incident, actor, _("Knowledge article %(number)s linked: %(title)s") % _named(article))
    return link


def _named(article: Article) -> dict[str, str]:
    return {"number": article.number, "title": article.title}


def _note(incident: Incident, actor: Actor, text: str) -> None:
    """A work note on the timeline; a closed ticket takes no further notes."""
    if not incident.is_final:
        add_comment(incident, body=text, is_public=False, author=_person(actor))


def _check_agent(actor: Actor) -> None:
    if not is_agent(actor):
        raise PermissionDenied(_("Only support staff link articles to tickets."))


def _person(actor: Actor) -> User | None:
    return actor if isinstance(actor, User) else None

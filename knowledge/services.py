"""What can happen to a knowledge article. Every change goes through here: a service
checks who is asking, locks the row, refuses stale edits, calls the model's transition
(through the platform's runner, servicedesk.workflow), saves, records actor and reason
in the history, and announces the change after commit."""

from django.conf import settings
from django.contrib.auth.models import User
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.files.uploadedfile import UploadedFile
from django.db import IntegrityError, transaction
from django.db.models import F
from django.utils import translation
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from knowledge import rules
from knowledge.exceptions import StaleArticle
from knowledge.files import sniff_content_type
from knowledge.models import (
    Article,
    ArticleAttachment,
    ArticleFeedback,
    Audience,
    Category,
    PortalDeflection,
    SearchLog,
    Status,
    Visibility,
)
from knowledge.search import SearchResults, search_articles
from knowledge.signals import article_status_changed
from servicedesk.models import Service
from servicedesk.roles import contact_of, is_agent
from servicedesk.sanitise import clean_text
from servicedesk.uploads import validate_upload
from servicedesk.workflow import (
    Actor,
    Workflow,
    after_commit,
    copy_into,
    record_history,
    save_with_history,
)

#: The fields an author edits (article_update); the lifecycle's own are the runner's.
CONTENT_FIELDS = ("title", "body", "service", "category", "keywords", "visibility", "language")
LIFECYCLE_FIELDS = ["status", "published_at", "reviewed_at", "version", "updated_at"]
MAX_BODY_LENGTH = 200_000
MAX_COMMENT_LENGTH = 2000
TITLE_LENGTH, KEYWORDS_LENGTH = 200, 500  # the columns' lengths


class _ArticleWorkflow(Workflow[Article]):
    model = Article
    fields = LIFECYCLE_FIELDS
    stale_error = StaleArticle
    not_now = gettext_lazy("This is not possible while the article is %(status)s.")
    not_allowed = gettext_lazy("You may not do this with this article.")
    input_missing = gettext_lazy("An article needs a title and a text before this step.")

    def announce(self, record: Article, *, source: str, actor: Actor, reason: str) -> None:
        target = record.status
        after_commit(
            record,
            lambda article: article_status_changed.send(
                sender=Article,
                article=article,
                source=source,
                target=target,
                actor=actor,
                reason=reason,
            ),
        )


_ARTICLES = _ArticleWorkflow()


# ----- writing ------------------------------------------------------------------------------


def article_create(
    *,
    title: str,
    body: str = "",
    service: Service | None = None,
    category: Category | None = None,
    keywords: str = "",
    visibility: str = Visibility.INTERNAL,
    language: str | None = None,
    actor: Actor,
) -> Article:
    """A new draft by `actor`; it takes the next KB number."""
    if not rules.may_write(actor):
        raise PermissionDenied(_("You may not write knowledge articles."))
    article = Article(author=_person(actor), language=language or settings.LANGUAGE_CODE)
    _apply_content(
        article,
        title=title,
        body=body,
        service=service,
        category=category,
        keywords=keywords,
        visibility=visibility,
    )
    save_with_history(article, actor=actor, reason=_("Created"))
    return article


def article_draft_from(
    *,
    source_label: str,
    title: str,
    symptoms: str = "",
    resolution: str = "",
    service: Service | None = None,
    language: str | None = None,
    actor: Actor,
) -> Article:
    """A new internal draft prefilled from what was learned elsewhere (a resolved
    incident, a known error, a change review): its title, and the symptoms and the
    resolution as sections of the text, headed in the article's language. The history
    names the source (`source_label`, e.g. INC-000123); the caller links it back."""
    if not rules.may_write(actor):
        raise PermissionDenied(_("You may not write knowledge articles."))
    if language not in dict(settings.LANGUAGES):
        language = settings.LANGUAGE_CODE
    article = Article(author=_person(actor), language=language)
    _apply_content(
        article,
        title=clean_text(title)[:TITLE_LENGTH],
        body=_sections(language, symptoms=symptoms, resolution=resolution),
        service=service,
    )
    save_with_history(
        article, actor=actor, reason=_("Written from %(source)s") % {"source": source_label}
    )
    return article


def _sections(language: str, *, symptoms: str, resolution: str) -> str:
    with translation.override(language):
        parts = [
            f"## {_('Symptoms')}\n\n{clean_text(symptoms)}",
            f"## {_('Resolution')}\n\n{clean_text(resolution)}",
        ]
    return "\n\n".join(parts)[:MAX_BODY_LENGTH].strip() + "\n"


def article_update(
    *, article: Article, actor: Actor, expected_version: int | None, **changes
) -> Article:
    """Change the text and classification (CONTENT_FIELDS) of an article `actor` may edit."""
    unknown = set(changes) - set(CONTENT_FIELDS)
    if unknown:
        raise TypeError(f"article_update() does not change {', '.join(sorted(unknown))}")
    with transaction.atomic():
        fresh = _ARTICLES.lock(article, expected_version)
        if not rules.may_edit(fresh, actor):
            raise PermissionDenied(_("You may not change this article now."))
        _apply_content(fresh, **changes)
        fields = [*changes, "version", "updated_at"]
        _ARTICLES.save(fresh, actor=actor, reason=_("Edited"), fields=fields)
    copy_into(article, fresh)
    return fresh


def _apply_content(article: Article, **changes) -> None:
    """Set the fields after cleaning them; a ValidationError names the field at fault."""
    for name, value in changes.items():
        if name in ("title", "body", "keywords"):
            value = clean_text(value)
        setattr(article, name, value)
    errors = {}
    if not article.title:
        errors["title"] = _("An article needs a title.")
    for name, limit in (("title", TITLE_LENGTH), ("keywords", KEYWORDS_LENGTH)):
        if len(getattr(article, name)) > limit:
            errors[name] = _("Please keep it under %(limit)s characters.") % {"limit": limit}
    if len(article.body) > MAX_BODY_LENGTH:
        errors["body"] = _("The text is longer than %(limit)s characters.") % {
            "limit": f"{MAX_BODY_LENGTH:,}"
        }
    if article.visibility not in Visibility.values:
        errors["visibility"] = _("Choose internal or public.")
    if article.language not in dict(settings.LANGUAGES):
        errors["language"] = _("Choose one of the offered languages.")
    if errors:
        raise ValidationError(errors)


# ----- the lifecycle ------------------------------------------------------------------------


def article_submit(
    *, article: Article, actor: Actor, reason: str = "", expected_version: int | None = None
) -> Article:
    return _ARTICLES.run(
        article,
        "submit",
        actor=actor,
        reason=reason or _("Submitted for review"),
        expected_version=expected_version,
    )


def article_publish(
    *, article: Article, actor: Actor, reason: str = "", expected_version: int | None = None
) -> Article:
    return _ARTICLES.run(
        article,
        "publish",
        actor=actor,
        reason=reason or _("Published"),
        expected_version=expected_version,
    )


def article_send_back(
    *, article: Article, reason: str, actor: Actor, expected_version: int | None = None
) -> Article:
    """Back to draft; the reason (what to change) is required."""
    if not clean_text(reason):
        raise ValidationError({"reason": _("Say what should change.")})
    return _ARTICLES.run(
        article,
        "send_back",
        actor=actor,
        reason=clean_text(reason),
        expected_version=expected_version,
    )


def article_retire(
    *, article: Article, actor: Actor, reason: str = "", expected_version: int | None = None
) -> Article:
    return _ARTICLES.run(
        article,
        "retire",
        actor=actor,
        reason=reason or _("Retired"),
        expected_version=expected_version,
    )


def article_new_revision(
    *, article: Article, actor: Actor, reason: str = "", expected_version: int | None = None
) -> Article:
    return _ARTICLES.run(
        article,
        "new_revision",
        actor=actor,
        reason=reason or _("New revision started"),
        expected_version=expected_version,
    )


def available_transitions(article: Article, user: Actor) -> list[str]:
    """Names of the transitions this user may start from the article's current status."""
    return _ARTICLES.available_transitions(article, user)


# ----- readers: feedback, uses, attachments -------------------------------------------------


def feedback_record(
    *,
    article: Article,
    helpful: bool,
    comment: str = "",
    before_raising: bool = False,
    actor: Actor,
) -> ArticleFeedback:
    """A reader's verdict on a published article they may read; given again, it replaces
    their earlier one (one per person and article). A contact's yes given
    `before_raising` a ticket (the portal's new-ticket page) also records a ticket not
    raised (PortalDeflection), each time it is given."""
    if not getattr(actor, "is_authenticated", False) or not _may_read_published(article, actor):
        raise PermissionDenied(_("You cannot give feedback on this article."))
    comment = clean_text(comment)
    if len(comment) > MAX_COMMENT_LENGTH:
        raise ValidationError(
            {
                "comment": _("Please keep it under %(limit)s characters.")
                % {"limit": MAX_COMMENT_LENGTH}
            }
        )
    try:
        feedback = _save_feedback(article, actor, helpful, comment)
    except IntegrityError:  # their first verdict, given twice at once: the other one won
        feedback = _save_feedback(article, actor, helpful, comment)
    contact = contact_of(actor)
    if helpful and before_raising and contact is not None:
        PortalDeflection.objects.create(article=article, contact=contact)
    return feedback


def _save_feedback(article: Article, actor, helpful: bool, comment: str) -> ArticleFeedback:
    with transaction.atomic():
        mine = ArticleFeedback.objects.select_for_update().filter(article=article, user=actor)
        feedback = mine.first() or ArticleFeedback(article=article, user=actor)
        feedback.helpful = helpful
        feedback.comment = comment
        record_history(feedback, actor=actor)
        feedback.save()
    return feedback


def _may_read_published(article: Article, user: Actor) -> bool:
    if article.status != Status.PUBLISHED:
        return False
    if rules.may_see_internal(user):
        return True
    return contact_of(user) is not None and article.visibility == Visibility.PUBLIC


def article_record_use(*, article: Article, actor: Actor) -> None:
    """A ticket was resolved with the article (incidents call this on resolution). Counted
    in place: no new version, so nobody's open form goes stale."""
    if not is_agent(actor):
        raise PermissionDenied(_("Only support staff resolve tickets with articles."))
    Article.objects.filter(pk=article.pk).update(use_count=F("use_count") + 1)


def attachment_add(*, article: Article, upload: UploadedFile, actor: Actor) -> ArticleAttachment:
    """A file for the article (an image its text shows, or a download), within the
    upload size limit of tickets."""
    if not rules.may_edit(article, actor):
        raise PermissionDenied(_("You may not change this article now."))
    validate_upload(upload)
    attachment = ArticleAttachment(
        article=article,
        original_name=(upload.name or "file")[-200:],
        content_type=sniff_content_type(upload),
        size=upload.size or 0,
        uploaded_by=_person(actor),
    )
    record_history(attachment, actor=actor)
    with transaction.atomic():
        attachment.file.save(upload.name or "file", upload, save=False)
        attachment.save()
    return attachment


# ----- search -------------------------------------------------------------------------------


def article_search(
    *,
    text: str,
    actor: Actor,
    service: Service | None = None,
    category: Category | None = None,
    language: str | None = None,
    status: str = Status.PUBLISHED,
    limit: int = 20,
    offset: int = 0,
    count_up_to: int = 0,
    log: bool = True,
) -> SearchResults:
    """Search what `actor` may read (staff: internal articles too, and drafts, reviews
    and retired articles by `status`; a contact: public published ones); the first page
    of a search of published articles is logged, so the gaps show (log=False for
    suggestions made while someone types)."""
    staff = rules.may_see_internal(actor)
    if not staff and (contact_of(actor) is None or status != Status.PUBLISHED):
        raise PermissionDenied
    results = search_articles(
        text=text,
        user_can_see_internal=staff,
        service=service,
        category=category,
        language=language,
        status=status,
        limit=limit,
        offset=offset,
        count_up_to=count_up_to,
    )
    if log and offset == 0 and results.terms and status == Status.PUBLISHED:
        search_log_record(text=text, language=language or "", results=results, actor=actor)
    return results


def search_log_record(
    *, text: str, language: str, results: SearchResults, actor: Actor
) -> SearchLog:
    query = " ".join(clean_text(text).split())[:200]
    contact = contact_of(actor)
    return SearchLog.objects.create(
        query=query,
        normalised=query.lower(),
        language=language[:10],
        # The first page's articles with every word of the query: none is a gap.
        result_count=results.answered,
        audience=Audience.PORTAL if contact is not None else Audience.STAFF,
        user=_person(actor),
        contact=contact,
    )


def _person(actor: Actor) -> User | None:
    """The signed-in user behind an actor (None for the system or an anonymous one)."""
    return actor if isinstance(actor, User) else None

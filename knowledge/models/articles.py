"""Knowledge articles: Markdown text with a review lifecycle, numbered KB-000123."""

from typing import TYPE_CHECKING

from django.conf import settings
from django.db import models, transaction
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from django_fsm import FSMField, transition
from simple_history.models import HistoricalRecords

from knowledge import rules
from servicedesk.models.sequences import NumberSequence
from servicedesk.workflow import ConcurrentStateModel

if TYPE_CHECKING:
    from collections.abc import Callable, Iterator

    from django_fsm import Transition

NUMBER_PREFIX = "KB"
ARTICLE_SEQUENCE = "article"


def current_time():
    """timezone.now, looked up at call time so tests can move the clock."""
    return timezone.now()


def language_choices() -> list[tuple[str, str]]:
    """The offered languages (settings.LANGUAGES): a callable, so changing them needs no
    migration."""
    return [(code, str(name)) for code, name in settings.LANGUAGES]


class Status(models.TextChoices):
    DRAFT = "draft", _("Draft")
    IN_REVIEW = "in_review", _("In review")
    PUBLISHED = "published", _("Published")
    RETIRED = "retired", _("Retired")


class Visibility(models.TextChoices):
    INTERNAL = "internal", _("Internal")
    PUBLIC = "public", _("Public")


class Category(models.Model):
    """A small list the knowledge managers keep in the admin (How-to, Troubleshooting …)."""

    name = models.CharField(_("name"), max_length=100, unique=True)
    description = models.TextField(_("description"), blank=True)
    is_active = models.BooleanField(_("active"), default=True)
    history = HistoricalRecords()

    class Meta:
        ordering = ["name"]
        verbose_name = _("article category")
        verbose_name_plural = _("article categories")

    def __str__(self) -> str:
        return self.name


class ArticleSequence(NumberSequence):
    """Hands out article numbers (sequence "article")."""

    class Meta:
        verbose_name = _("article number sequence")


class Article(ConcurrentStateModel, models.Model):
    number = models.CharField(_("number"), max_length=20, unique=True, editable=False)
    title = models.CharField(_("title"), max_length=200)
    body = models.TextField(_("text"), blank=True, help_text=_("Markdown."))
    service = models.ForeignKey(
        "servicedesk.Service",
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="articles",
        verbose_name=_("service"),
        help_text=_("Empty when the article covers no single service."),
    )
    category = models.ForeignKey(
        Category,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="articles",
        verbose_name=_("category"),
    )
    keywords = models.CharField(
        _("keywords"),
        max_length=500,
        blank=True,
        help_text=_("Words people search for that the text may not use, separated by commas."),
    )
    visibility = models.CharField(
        _("visibility"), max_length=10, choices=Visibility.choices, default=Visibility.INTERNAL
    )
    language = models.CharField(
        _("language"), max_length=10, choices=language_choices, default=settings.LANGUAGE_CODE
    )
    status = FSMField(
        _("status"), max_length=20, choices=Status.choices, default=Status.DRAFT, protected=True
    )
    author = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="kb_articles",
        verbose_name=_("author"),
    )
    published_at = models.DateTimeField(_("published"), null=True, blank=True, editable=False)
    reviewed_at = models.DateTimeField(_("last reviewed"), null=True, blank=True, editable=False)
    #: Tickets resolved with the article (knowledge.services.article_record_use).
    use_count = models.PositiveIntegerField(_("uses"), default=0, editable=False)
    created_at = models.DateTimeField(_("created"), default=current_time, editable=False)
    updated_at = models.DateTimeField(_("updated"), auto_now=True)
    #: Bumped on every change (knowledge/services.py, the admin); a form carries the
    #: version it was rendered from so a stale edit is refused instead of silently
    #: overwriting someone else's work.
    version = models.PositiveIntegerField(default=1, editable=False)

    # Added by django-fsm's FSMField for the `status` field.
    get_all_status_transitions: "Callable[[], Iterator[Transition]]"
    # Every revision is kept, the text included: the history is the article's versions.
    history = HistoricalRecords(
        excluded_fields=["use_count", "updated_at"],
        history_change_reason_field=models.TextField(null=True),
    )

    class Meta:
        ordering = ["-id"]
        verbose_name = _("knowledge article")
        verbose_name_plural = _("knowledge articles")
        indexes = [
            # The knowledge manager's lists: drafts and reviews waiting, never used, not
            # reviewed for a year; the portal's and the filters' narrowing.
            models.Index(fields=["status", "updated_at"], name="kb_status_updated"),
            models.Index(fields=["status", "reviewed_at"], name="kb_status_reviewed"),
            models.Index(fields=["status", "use_count"], name="kb_status_uses"),
            models.Index(fields=["service", "status"], name="kb_service_status"),
            models.Index(fields=["category", "status"], name="kb_category_status"),
        ]

    def __str__(self) -> str:
        return f"{self.number} {self.title}"

    def save(self, *args, **kwargs) -> None:
        """A new article takes the next KB number, however it is saved."""
        if self.number:
            super().save(*args, **kwargs)
            return
        with transaction.atomic():  # the sequence row stays locked until the article is in
            self.assign_number()
            super().save(*args, **kwargs)

    def assign_number(self) -> None:
        self.number = f"{NUMBER_PREFIX}-{ArticleSequence.next_value(ARTICLE_SEQUENCE):06d}"

    # ----- predicates -----------------------------------------------------------------

    @property
    def is_published(self) -> bool:
        return self.status == Status.PUBLISHED

    @property
    def is_public(self) -> bool:
        return self.visibility == Visibility.PUBLIC

    def has_text(self) -> bool:
        return bool(self.title.strip() and self.body.strip())

    # ----- the lifecycle --------------------------------------------------------------
    # Each transition states its sources, one-line conditions and who may perform it.
    # services.py calls it on the locked row, saves and records who and why.

    @transition(
        field=status,
        source=Status.DRAFT,
        target=Status.IN_REVIEW,
        conditions=[has_text],  # type: ignore[list-item]  # django-fsm: Callable[[Model], bool]
        permission=rules.can_submit,
    )
    def submit(self) -> None:
        """Ask a knowledge manager to review it."""

    @transition(
        field=status,
        source=Status.IN_REVIEW,
        target=Status.PUBLISHED,
        conditions=[has_text],  # type: ignore[list-item]  # django-fsm: Callable[[Model], bool]
        permission=rules.can_publish,
    )
    def publish(self) -> None:
        now = timezone.now()
        self.published_at = now
        self.reviewed_at = now

    @transition(
        field=status, source=Status.IN_REVIEW, target=Status.DRAFT, permission=rules.can_send_back
    )
    def send_back(self) -> None:
        """Back to its author for changes; the reason says which."""

    @transition(
        field=status, source=Status.PUBLISHED, target=Status.RETIRED, permission=rules.can_retire
    )
    def retire(self) -> None:
        """Out of search and the portal; kept with its history."""

    @transition(
        field=status,
        source=[Status.PUBLISHED, Status.RETIRED],
        target=Status.DRAFT,
        permission=rules.can_start_revision,
    )
    def new_revision(self) -> None:
        """Editable again; out of search until it is published again."""

"""A known error becomes a knowledge article: a draft prefilled from the problem, linked
both ways (problem.article; the article's reverse relation `problems`)."""

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.utils.translation import gettext as _

from knowledge.models import Article
from knowledge.services import article_draft_from
from problems import rules
from problems.models import Problem
from problems.services._workflow import PROBLEMS
from servicedesk.workflow import Actor, copy_into


def problem_write_article(*, problem: Problem, actor: Actor) -> Article:
    """The known error's article: a new internal draft (symptoms from the description,
    the workaround and root cause as the resolution), or the one already written."""
    if not rules.is_problem_manager(actor):
        raise PermissionDenied(_("Only a problem manager may do this."))
    with transaction.atomic():
        fresh = PROBLEMS.lock(problem)
        if fresh.article_id is not None:
            copy_into(problem, fresh)
            return fresh.article  # type: ignore[return-value]
        if not fresh.is_known_error:
            raise ValidationError(_("Only a known error becomes an article."))
        article = article_draft_from(
            source_label=fresh.number,
            title=fresh.title,
            symptoms=fresh.description,
            resolution=_resolution(fresh),
            service=fresh.service,
            actor=actor,
        )
        fresh.article = article
        PROBLEMS.save(
            fresh,
            actor=actor,
            reason=_("Article %(number)s written") % {"number": article.number},
            fields=["article", "version", "updated_at"],
        )
    copy_into(problem, fresh)
    return article


def _resolution(problem: Problem) -> str:
    parts = []
    if problem.workaround:
        parts.append(_("Workaround: %(text)s") % {"text": problem.workaround})
    if problem.root_cause:
        parts.append(_("Root cause: %(text)s") % {"text": problem.root_cause})
    return "\n\n".join(parts)

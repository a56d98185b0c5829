"""Knowledge articles in the global search (servicedesk/search/), through the knowledge
base's own search (knowledge/search/: stemming per article language, typo correction,
ranking): staff find internal articles too and may look through other statuses; contacts
in the portal find the public, published ones."""

from django.urls import reverse
from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _

from knowledge import rules
from knowledge.models import NUMBER_PREFIX, Article, Status, Visibility
from knowledge.search import SearchHit, search_articles
from servicedesk.search import Hit, KindResults, SearchKind, SearchRequest, register_kind
from servicedesk.search.numbered import numbers_meant


class ArticleKind(SearchKind):
    key = "articles"
    label = _("Knowledge articles")
    order = 40
    filters = frozenset({"status", "service"})
    in_portal = True

    def may(self, user) -> bool:
        return rules.may_see_internal(user)

    def statuses(self):
        return list(Status.choices)

    def exact(self, request: SearchRequest) -> str | None:
        numbers = numbers_meant(request.text, (NUMBER_PREFIX,))
        if not numbers:
            return None
        articles = Article.objects.filter(number__in=numbers)
        if request.portal or not rules.may_see_internal(request.user):
            articles = articles.filter(status=Status.PUBLISHED, visibility=Visibility.PUBLIC)
        number = articles.values_list("number", flat=True).first()
        if number is None:
            return None
        name = "portal:kb_article" if request.portal else "knowledge:detail"
        return reverse(name, args=[number])

    def search(self, request: SearchRequest, *, limit: int, offset: int) -> KindResults:
        staff = not request.portal and rules.may_see_internal(request.user)
        status = request.status if staff and request.status else Status.PUBLISHED
        found = search_articles(
            text=request.text,
            user_can_see_internal=staff,
            service=request.service_id,
            status=status,
            limit=limit,
            offset=offset,
        )
        note = ""
        if found.corrections:
            read_as = ", ".join(f"{typed} → {word}" for typed, word in found.corrections.items())
            note = gettext("Read as: %(words)s") % {"words": read_as}
        hits = [self._hit(hit, request) for hit in found.hits]
        return KindResults(self, hits, has_more=found.has_more, note=note)

    def _hit(self, hit: SearchHit, request: SearchRequest) -> Hit:
        article = hit.article
        name = "portal:kb_article" if request.portal else "knowledge:detail"
        details = [article.service.name] if article.service else []
        if article.category:
            details.append(article.category.name)
        return Hit(
            url=reverse(name, args=[article.number]),
            reference=article.number,
            title=hit.title,
            snippet=hit.snippet,
            status="" if request.portal else article.get_status_display(),
            status_key=article.status,
            when=article.updated_at,
            details=tuple(details),
        )


def register() -> None:
    register_kind(ArticleKind())

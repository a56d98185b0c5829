"""Demo knowledge base: the articles of the labelled search set
(knowledge/search/quality/articles/), written by the demo staff over the weeks before the
first ticket, reviewed and published by the knowledge manager (`kb-manager`) through
knowledge.services, so each has its history. Some stay drafts or wait for review, one is
retired and one has a second revision; contacts gave feedback and searched, some of it
for things no article answers yet."""

from collections import Counter
from datetime import timedelta

from django.db import transaction

from knowledge import services
from knowledge.models import Article, ArticleFeedback, Category, SearchLog, Status
from knowledge.search.quality import FixtureArticle, fixture_articles
from servicedesk.demo import DemoData, frozen_clock

#: The articles that are not simply published: key → what became of them.
STATES = {
    "vm-high-cpu": Status.DRAFT,
    "password-windows-admin": Status.DRAFT,
    "spla-licence-report": Status.IN_REVIEW,
    "ru-vm-slow": Status.IN_REVIEW,
    "mail-blacklist": Status.RETIRED,
}
#: Published, then revised: the second revision adds a paragraph.
REVISED = {
    "ssl-renew": "\nWildcard certificates cannot be issued by the HTTP challenge: use the DNS "
    "challenge and a TXT record in your zone.\n"
}
AUTHORS = ["l1", "l2", "l3", "kb-manager"]
#: (login, article key, helpful, comment)
FEEDBACK = [
    ("northwind", "password-portal-reset", True, ""),
    ("contoso", "password-portal-reset", True, ""),
    ("northwind", "dns-propagation", True, "The dig commands helped."),
    ("contoso", "mail-spf-dkim", False, "Where do I find the DKIM key for my domain?"),
    ("dmitri", "ru-backup-restore", True, ""),
    ("camille", "vm-snapshot", False, "Please translate this into French."),
]
#: (login, query): what people looked for; some of it no article answers.
SEARCHES = [
    ("northwind", "reset password"),
    ("contoso", "dkim key"),
    ("contoso", "invoice copy"),
    ("northwind", "invoice copy"),
    ("camille", "facture"),
    ("l1", "kubernetes ingress"),
    ("l1", "kubernetes ingress"),
    ("l2", "ipsec tunnel drops"),
    ("dmitri", "резервная копия"),
]
USES = {"password-portal-reset": 4, "backup-restore-file": 2, "disk-full-linux": 3}
#: The first article is written this long before the demo's "now" (after the staff and
#: catalogue were set up), the others spread evenly after it.
FIRST_ARTICLE = timedelta(days=40)


def seed(data: DemoData) -> None:
    categories: dict[str, Category] = {}
    fixtures = fixture_articles()
    step = FIRST_ARTICLE / (len(fixtures) + 1)
    with frozen_clock(data.now - FIRST_ARTICLE) as clock:
        for index, fixture in enumerate(fixtures):
            clock.move_to(data.now - FIRST_ARTICLE + step * index)
            with transaction.atomic():
                _article(data, fixture, index, categories, clock)
        clock.move_to(data.now - timedelta(days=2))
        with transaction.atomic():
            _readers(data)


def _article(data: DemoData, fixture: FixtureArticle, index: int, categories, clock) -> None:
    author = data.users[AUTHORS[index % len(AUTHORS)]]
    manager = data.users["kb-manager"]
    if fixture.category and fixture.category not in categories:
        categories[fixture.category], _ = Category.objects.get_or_create(name=fixture.category)
    article = services.article_create(
        title=fixture.title,
        body=fixture.body,
        service=data.services.get(fixture.service),
        category=categories.get(fixture.category),
        keywords=fixture.keywords,
        visibility=fixture.visibility,
        language=fixture.language,
        actor=author,
    )
    state = STATES.get(fixture.key, Status.PUBLISHED)
    if state == Status.DRAFT:
        return
    services.article_submit(article=article, actor=author)
    if state == Status.IN_REVIEW:
        return
    clock.shift(timedelta(hours=3))
    services.article_publish(article=article, actor=manager)
    if state == Status.RETIRED:
        clock.shift(timedelta(days=20))
        services.article_retire(
            article=article, actor=manager, reason="The relay pool was replaced; no longer listed."
        )
    elif fixture.key in REVISED:
        clock.shift(timedelta(days=10))
        services.article_new_revision(article=article, actor=manager)
        services.article_update(
            article=article,
            actor=manager,
            expected_version=article.version,
            body=article.body + REVISED[fixture.key],
        )
        services.article_submit(article=article, actor=manager)
        services.article_publish(article=article, actor=manager, reason="Wildcard certificates")


def _readers(data: DemoData) -> None:
    articles = {a.title: a for a in Article.objects.filter(status=Status.PUBLISHED)}
    by_key = {f.key: articles.get(f.title) for f in fixture_articles()}
    for login, key, helpful, comment in FEEDBACK:
        if (article := by_key.get(key)) is not None:
            services.feedback_record(
                article=article, helpful=helpful, comment=comment, actor=data.users[login]
            )
    for key, uses in USES.items():
        if (article := by_key.get(key)) is not None:
            for _ in range(uses):
                services.article_record_use(article=article, actor=data.users["l1"])
    for login, query in SEARCHES:
        services.article_search(text=query, actor=data.users[login], limit=10)


def summary(data: DemoData) -> list[str]:
    counts = Counter(Article.objects.values_list("status", flat=True))
    public = Article.objects.filter(status=Status.PUBLISHED, visibility="public").count()
    statuses = ", ".join(f"{counts.get(s.value, 0)} {s.label.lower()}" for s in Status)
    return [
        f"{sum(counts.values())} knowledge articles ({public} published for the portal): "
        f"{statuses}; {ArticleFeedback.objects.count()} feedback, "
        f"{SearchLog.objects.filter(result_count=0).count()} searches that found nothing"
    ]

"""Knowledge search, on whichever database the suite runs (SQLite or PostgreSQL): ranking,
both languages, word forms, typos, who sees what, filters, pages, the index following
every save, and highlights that never let an article's markup through."""

import re
from io import StringIO

import pytest
from django.core.management import call_command
from django.db import connection

from knowledge import search, services
from knowledge.models import Article, Status
from knowledge.search import search_articles
from tests.factories import ServiceFactory
from tests.knowledge.factories import ArticleFactory, CategoryFactory

pytestmark = pytest.mark.django_db


def numbers(results) -> list[str]:
    return [hit.article.number for hit in results.hits]


def titles(text: str, *, internal: bool = True, **filters) -> list[str]:
    results = search_articles(text=text, user_can_see_internal=internal, **filters)
    return [hit.article.title for hit in results.hits]


def publish(**fields) -> Article:
    return ArticleFactory.create(status=Status.PUBLISHED, **fields)


class TestRanking:
    def test_a_title_match_ranks_above_a_mention_in_the_text(self):
        publish(title="Firewall change log", body="Mentions a certificate once, in passing.")
        publish(title="Renew a certificate", body="Order the renewal in time.")
        assert titles("certificate")[0] == "Renew a certificate"

    def test_articles_with_every_word_come_before_those_with_some(self):
        publish(title="Restart the mail relay", body="Queue stuck.")
        publish(title="Mail relay queue", body="How to restart the relay when the queue grows.")
        publish(title="Restart a server", body="Use the console.")
        results = search_articles(text="restart relay queue", user_can_see_internal=True)
        assert [hit.exact for hit in results.hits] == [True, True, False]
        assert results.hits[-1].article.title == "Restart a server"

    def test_other_word_forms_match(self):
        publish(title="Restore a file from the backup", body="Choose a restore point.")
        assert titles("restoring backups") == ["Restore a file from the backup"]

    def test_words_only_in_the_keywords_match(self):
        publish(title="Mailbox full", body="Delete old mail.", keywords="quota, storage limit")
        assert titles("quota") == ["Mailbox full"]

    def test_stop_words_alone_find_nothing(self):
        publish(title="How to do it", body="The steps.")
        assert titles("how to") == []
        assert titles("") == []


class TestLanguages:
    def test_russian_word_forms_match_a_russian_article(self):
        publish(
            title="Восстановление файлов из резервной копии",
            body="Выберите точку восстановления.",
            language="ru",
        )
        assert titles("резервные копии") == ["Восстановление файлов из резервной копии"]

    def test_yo_and_ye_are_one_letter(self):
        publish(title="Удалённый рабочий стол", body="Подключение.", language="ru")
        assert titles("удаленный") == ["Удалённый рабочий стол"]

    def test_latin_words_in_a_russian_article_are_stemmed_as_english(self):
        publish(title="Настройка backups", body="Сервер.", language="ru")
        assert titles("backup") == ["Настройка backups"]

    def test_the_language_filter(self):
        publish(title="VPN client", body="Install it.", language="en")
        publish(title="Клиент VPN", body="Установите его.", language="ru")
        assert titles("vpn", language="ru") == ["Клиент VPN"]


class TestTypos:
    def test_a_misspelt_word_is_read_as_the_title_word_most_like_it(self):
        publish(title="Reset a forgotten password", body="Use the link.")
        publish(title="Reset the router", body="Hold the button.")
        results = search_articles(text="pasword reset", user_can_see_internal=True)
        assert results.corrections == {"pasword": "password"}
        assert results.hits[0].article.title == "Reset a forgotten password"
        assert "<mark>password</mark>" in results.hits[0].title

    def test_a_russian_typo(self):
        publish(title="Продление SSL-сертификата", body="Закажите продление.", language="ru")
        assert titles("сертефикат") == ["Продление SSL-сертификата"]

    def test_nothing_like_it_finds_nothing(self):
        publish(title="Reset a forgotten password", body="Use the link.")
        assert titles("xylophone") == []


class TestWhoSeesWhat:
    def test_internal_articles_are_for_staff_only(self):
        publish(title="Gateway internals", visibility="internal")
        publish(title="Gateway for customers", visibility="public")
        assert titles("gateway", internal=False) == ["Gateway for customers"]
        assert sorted(titles("gateway", internal=True)) == [
            "Gateway for customers",
            "Gateway internals",
        ]

    @pytest.mark.parametrize("status", [Status.DRAFT, Status.IN_REVIEW, Status.RETIRED])
    def test_only_published_articles_are_found(self, status):
        ArticleFactory(title="Gateway notes", status=status)
        assert titles("gateway") == []

    def test_the_service_and_category_filters(self):
        network, mail = ServiceFactory(name="Network"), ServiceFactory(name="Mail")
        howto = CategoryFactory(name="How-to")
        publish(title="Gateway for network", service=network, category=howto)
        publish(title="Gateway for mail", service=mail)
        assert titles("gateway", service=network) == ["Gateway for network"]
        assert titles("gateway", category=howto) == ["Gateway for network"]
        assert titles("gateway", service=mail, category=howto) == []


class TestPages:
    def test_limit_offset_and_whether_there_is_more(self):
        for n in range(5):
            publish(title=f"Gateway note {n}", body="gateway " * (n + 1))
        first = search_articles(text="gateway", user_can_see_internal=True, limit=2)
        second = search_articles(text="gateway", user_can_see_internal=True, limit=2, offset=2)
        last = search_articles(text="gateway", user_can_see_internal=True, limit=2, offset=4)
        assert (len(first.hits), first.has_more) == (2, True)
        assert (len(second.hits), second.has_more) == (2, True)
        assert (len(last.hits), last.has_more) == (1, False)
        seen = numbers(first) + numbers(second) + numbers(last)
        assert len(set(seen)) == 5


class TestTheIndexFollowsEverySave:
    def test_an_edit_through_the_service(self, kb_manager):
        article = publish(title="Gateway", body="Old text.")
        services.article_update(
            article=article, body="Now about fibre.", actor=kb_manager, expected_version=3
        )
        assert titles("fibre") == ["Gateway"]
        assert titles("old") == []

    def test_a_save_outside_the_services(self):
        article = publish(title="Gateway", body="Old text.")
        article.body = "Written in a shell about fibre."
        article.save()
        assert titles("fibre") == ["Gateway"]

    def test_a_delete(self):
        publish(title="Gateway").delete()
        assert titles("gateway") == []

    def test_rebuilding_the_index(self):
        article = publish(title="Gateway", body="About fibre.")
        Article.objects.filter(pk=article.pk).update(body="Now about copper.")  # no signal
        out = StringIO()
        call_command("rebuild_search_index", stdout=out)
        assert "Indexed 1 articles" in out.getvalue()
        assert titles("copper") == ["Gateway"]
        assert titles("fibre") == []

    def test_new_title_words_can_correct_typos(self):
        publish(title="Kubernetes ingress")
        assert search_articles(text="kuberentes", user_can_see_internal=True).corrections == {
            "kuberentes": "kubernetes"
        }


ONLY_MARKS = re.compile(r"</?mark>")


class TestHighlights:
    PAYLOAD = (
        'Run <script>alert("x")</script> then <img src=x onerror=alert(1)> '
        "and &lt;b&gt; the gateway restart, <b>bold</b> gateway."
    )

    def test_matches_are_marked(self):
        publish(title="Gateway restart", body="Restart the gateway at night.")
        hit = search_articles(text="gateway restarting", user_can_see_internal=True).hits[0]
        assert "<mark>Gateway</mark> <mark>restart</mark>" in hit.title
        assert "<mark>gateway</mark>" in hit.snippet

    @pytest.mark.parametrize("query", ["gateway", "script alert", "img onerror", "bold"])
    def test_no_markup_of_the_article_gets_through(self, query):
        publish(title='Gateway <script>alert("t")</script>', body=self.PAYLOAD)
        for hit in search_articles(text=query, user_can_see_internal=True).hits:
            for html in (hit.title, hit.snippet):
                assert "<" not in ONLY_MARKS.sub("", html), html
                assert html.count("<mark>") == html.count("</mark>")

    def test_the_snippet_shows_the_text_without_markdown(self):
        publish(title="Gateway", body="## Steps\n\n1. Open **the gateway** [page](https://x.test)")
        snippet = search_articles(text="gateway", user_can_see_internal=True).hits[0].snippet
        assert "**" not in snippet and "https" not in snippet and "##" not in snippet


def test_the_backend_is_the_databases_own():
    expected = {"sqlite": "SqliteBackend", "postgresql": "PostgresBackend"}[connection.vendor]
    assert type(search.backend()).__name__ == expected


def test_a_search_inside_a_transaction_keeps_what_it_wrote(l1):
    from django.db import transaction

    with transaction.atomic():
        article = publish(title="Gateway", body="Written just now.")
        assert titles("gateway") == ["Gateway"]
        article.refresh_from_db()  # still there: the search undid only its own settings
    assert Article.objects.filter(pk=article.pk).exists()

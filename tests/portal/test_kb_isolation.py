"""The portal's help articles as a matrix: every knowledge portal URL (page, fragment,
action, file) about an article a contact may not read (internal, not yet published,
retired, unknown) answers 404 and changes nothing, even when the number is typed by
hand; staff and other users get 403, anonymous visitors the login."""

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse

from knowledge import portal_urls, services
from knowledge.models import ArticleFeedback, Status
from tests.knowledge.factories import ArticleFactory, move_to

pytestmark = pytest.mark.django_db

#: (url name, method, data) for every portal URL about one article.
ARTICLE_REQUESTS = [
    ("portal:kb_article", "get", None),
    ("portal:kb_feedback", "post", {"helpful": "yes"}),
    ("portal:kb_feedback", "htmx-post", {"helpful": "no", "comment": "?"}),
    ("portal:kb_file", "get", None),
]
#: Knowledge portal URLs not about one article.
LIST_URLS = ["portal:kb", "portal:kb_suggestions"]
HIDDEN = ["internal", "draft", "in_review", "retired", "unknown"]


def request(client, method: str, url: str, data=None):
    headers = {"HX-Request": "true"} if method.startswith("htmx-") else {}
    if method.endswith("post"):
        return client.post(url, data or {}, headers=headers)
    return client.get(url, headers=headers)


def article_url(name: str, number: str, file_id: int) -> str:
    args = [number, file_id] if name == "portal:kb_file" else [number]
    return reverse(name, args=args)


@pytest.fixture
def articles(l2, kb_manager, settings, tmp_path):
    """One article in each state a contact must not read, each with a file, and a public one."""
    settings.MEDIA_ROOT = tmp_path
    made = {}
    for name, status, visibility in [
        ("public", Status.PUBLISHED, "public"),
        ("internal", Status.PUBLISHED, "internal"),
        ("draft", Status.DRAFT, "public"),
        ("in_review", Status.IN_REVIEW, "public"),
        ("retired", Status.RETIRED, "public"),
    ]:
        article = ArticleFactory(author=l2, visibility=visibility, title=f"Secret {name} VPN")
        services.attachment_add(
            article=article, upload=SimpleUploadedFile(f"{name}.txt", b"secret"), actor=l2
        )
        made[name] = move_to(article, status, author=l2)
    return made


def target(articles, which: str) -> tuple[str, int]:
    if which == "unknown":
        return "KB-999999", 999999
    article = articles[which]
    return article.number, article.attachments.get().pk


def test_the_matrix_covers_every_knowledge_portal_url():
    names = {f"portal:{p.name}" for p in portal_urls.urlpatterns}
    assert names == {name for name, _, _ in ARTICLE_REQUESTS} | set(LIST_URLS)


@pytest.mark.parametrize("which", HIDDEN)
@pytest.mark.parametrize(("url_name", "method", "data"), ARTICLE_REQUESTS)
def test_a_contact_gets_404_for_what_is_not_public_and_published(
    client, contact_a, articles, which, url_name, method, data
):
    number, file_id = target(articles, which)
    client.force_login(contact_a)
    response = request(client, method, article_url(url_name, number, file_id), data)
    assert response.status_code == 404
    assert b"Secret" not in response.content
    assert not ArticleFeedback.objects.exists()


@pytest.mark.parametrize(("url_name", "method", "data"), ARTICLE_REQUESTS)
@pytest.mark.parametrize("actor", ["contact_a", "contact_b"])
def test_every_contact_reads_a_public_article(
    client, actors, articles, actor, url_name, method, data
):
    number, file_id = target(articles, "public")
    client.force_login(actors[actor])
    response = request(client, method, article_url(url_name, number, file_id), data)
    assert response.status_code in (200, 302)


@pytest.mark.parametrize("actor", ["l1", "kb_manager", "desk_manager", "outsider"])
def test_staff_and_other_users_get_403(client, actors, articles, actor):
    number, file_id = target(articles, "public")
    client.force_login(actors[actor])
    for url_name, method, data in ARTICLE_REQUESTS:
        response = request(client, method, article_url(url_name, number, file_id), data)
        assert response.status_code == 403, url_name
    for url_name in LIST_URLS:
        assert client.get(reverse(url_name), {"q": "vpn"}).status_code == 403, url_name
    assert not ArticleFeedback.objects.exists()


def test_anonymous_visitors_are_sent_to_the_login(client, articles):
    number, file_id = target(articles, "public")
    urls = [reverse(name) for name in LIST_URLS]
    urls += [article_url(name, number, file_id) for name, _, _ in ARTICLE_REQUESTS]
    for url in urls:
        response = client.get(url)
        assert response.status_code == 302
        assert response["Location"].startswith(reverse("login"))


@pytest.mark.parametrize("url_name", LIST_URLS)
def test_searches_and_suggestions_show_only_public_published_articles(
    client, contact_a, articles, url_name
):
    client.force_login(contact_a)
    words = {"q": "secret vpn", "title": "secret vpn"}
    response = client.get(reverse(url_name), words, headers={"HX-Request": "true"})
    page = response.content.decode()
    assert articles["public"].number in page
    for which in HIDDEN[:-1]:
        assert articles[which].number not in page

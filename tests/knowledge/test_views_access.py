"""Who may open which knowledge page: every staff page × every actor (anonymous visitors
go to the login page; contacts and users without a role get 403 — contacts read
articles in the portal), unknown numbers 404, and the methods each endpoint refuses."""

import pytest
from django.urls import reverse

from knowledge.models import Status
from tests.knowledge.factories import ArticleFactory

pytestmark = pytest.mark.django_db

STAFF = [
    "l1",
    "l2",
    "l3",
    "desk_manager",
    "problem_manager",
    "change_manager",
    "cab_member",
    "kb_manager",
]
EVERYONE = [*STAFF, "contact_a", "contact_b", "outsider"]


@pytest.fixture
def article(l2):
    """A published public article: even so, the staff pages are not the contacts'."""
    return ArticleFactory(status=Status.PUBLISHED, author=l2, visibility="public")


def _pages(article) -> list[str]:
    number = article.number
    return [
        reverse("knowledge:home"),
        reverse("knowledge:home") + "?q=thing",
        reverse("knowledge:home") + "?list=review",
        reverse("knowledge:home") + "?status=draft",
        reverse("knowledge:new"),
        reverse("knowledge:detail", args=[number]),
        reverse("knowledge:history", args=[number]),
    ]


@pytest.mark.parametrize("actor", EVERYONE)
def test_staff_pages_are_for_staff_only(client, actors, article, actor):
    client.force_login(actors[actor])
    expected = 200 if actor in STAFF else 403
    for url in _pages(article):
        assert client.get(url).status_code == expected, url


def test_anonymous_visitors_are_sent_to_the_login_page(client, article):
    for url in [
        *_pages(article),
        reverse("knowledge:edit", args=[article.number]),
        reverse("knowledge:transition", args=[article.number, "retire"]),
    ]:
        response = client.get(url)
        assert response.status_code == 302, url
        assert response["Location"].startswith(reverse("login")), url


@pytest.mark.parametrize("actor", ["contact_a", "outsider"])
def test_contacts_cannot_post_to_the_staff_pages(client, actors, article, actor):
    client.force_login(actors[actor])
    number = article.number
    for url, data in [
        (reverse("knowledge:new"), {"title": "x"}),
        (reverse("knowledge:feedback", args=[number]), {"helpful": "yes"}),
        (reverse("knowledge:transition", args=[number, "retire"]), {"version": 3}),
        (reverse("knowledge:preview"), {"body": "x"}),
    ]:
        assert client.post(url, data).status_code == 403, url


@pytest.mark.parametrize(
    "url_name",
    ["knowledge:detail", "knowledge:edit", "knowledge:history", "knowledge:edit_preview"],
)
def test_unknown_numbers_are_404(client, kb_manager, url_name):
    client.force_login(kb_manager)
    url = reverse(url_name, args=["KB-999999"])
    response = client.post(url) if url_name == "knowledge:edit_preview" else client.get(url)
    assert response.status_code == 404


def test_a_number_is_found_whatever_its_case(client, l1, article):
    client.force_login(l1)
    assert client.get(reverse("knowledge:detail", args=[article.number.lower()])).status_code == 200


def test_unknown_transition_is_404_and_one_not_open_to_the_user_403(client, l1, article):
    client.force_login(l1)
    assert (
        client.get(reverse("knowledge:transition", args=[article.number, "teleport"])).status_code
        == 404
    )
    response = client.post(
        reverse("knowledge:transition", args=[article.number, "retire"]),
        {"version": article.version},
    )
    assert response.status_code == 403
    assert "while it is published" in response.content.decode()


def test_attachment_of_another_article_is_404(client, l1, article):
    client.force_login(l1)
    url = reverse("knowledge:attachment", args=[article.number, 999])
    assert client.get(url).status_code == 404


@pytest.mark.parametrize("url_name", ["knowledge:detail", "knowledge:history"])
def test_read_only_pages_refuse_post(client, l1, article, url_name):
    client.force_login(l1)
    assert client.post(reverse(url_name, args=[article.number])).status_code == 405


def test_home_refuses_post(client, l1):
    client.force_login(l1)
    assert client.post(reverse("knowledge:home")).status_code == 405


@pytest.mark.parametrize("url_name", ["knowledge:feedback", "knowledge:edit_preview"])
def test_changing_endpoints_refuse_get(client, l1, article, url_name):
    client.force_login(l1)
    assert client.get(reverse(url_name, args=[article.number])).status_code == 405


def test_preview_and_new_refuse_put(client, l2, article):
    client.force_login(l2)
    assert client.get(reverse("knowledge:preview")).status_code == 405
    assert client.put(reverse("knowledge:new")).status_code == 405
    assert client.put(reverse("knowledge:edit", args=[article.number])).status_code == 405
    url = reverse("knowledge:transition", args=[article.number, "new_revision"])
    assert client.put(url).status_code == 405

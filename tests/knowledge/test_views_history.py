"""The history page: every revision with who, when and why, and a line diff between two
chosen revisions."""

import pytest
from django.urls import reverse

from knowledge import services
from knowledge.models import Status
from tests.knowledge.factories import ArticleFactory

pytestmark = pytest.mark.django_db


@pytest.fixture
def revised(l2, kb_manager):
    """Published, then revised: the second text adds a line and changes one."""
    article = ArticleFactory(
        status=Status.PUBLISHED, author=l2, body="Step one.\nStep two.\nStep three."
    )
    services.article_new_revision(article=article, actor=l2)
    services.article_update(
        article=article,
        actor=l2,
        expected_version=article.version,
        body="Step one.\nStep 2, carefully.\nStep three.\nStep four.",
    )
    return article


def history(client, article, **params):
    return client.get(reverse("knowledge:history", args=[article.number]), params)


def test_lists_every_revision_with_who_when_and_why(client, l1, l2, revised):
    client.force_login(l1)
    body = history(client, revised).content.decode()
    ids = list(revised.history.values_list("history_id", flat=True))
    assert all(f'data-revision="{i}"' in body for i in ids)
    assert "New revision started" in body and "Edited" in body and "Published" in body
    assert l2.get_full_name() in body
    edited = body.split(f'data-revision="{ids[0]}"')[1].split("</tr>")[0]
    assert "text" in edited  # the field the edit changed


def test_the_diff_between_two_revisions(client, l1, revised):
    client.force_login(l1)
    newest, *_, oldest = revised.history.values_list("history_id", flat=True)
    body = history(client, revised, a=newest, b=oldest).content.decode()  # either order
    assert f"From revision {oldest} to revision {newest}" in body
    assert '<tr class="removed">' in body and "<del>Step two.</del>" in body
    assert "<ins>Step 2, carefully.</ins>" in body and "<ins>Step four.</ins>" in body


def test_revisions_with_the_same_text_say_so(client, l1, revised):
    client.force_login(l1)
    ids = list(revised.history.values_list("history_id", flat=True))
    body = history(client, revised, a=ids[-1], b=ids[-2]).content.decode()
    assert "are the same in both revisions" in body


def test_a_revision_of_another_article_is_404(client, l1, revised):
    other = ArticleFactory()
    client.force_login(l1)
    foreign = other.history.values_list("history_id", flat=True).first()
    mine = revised.history.values_list("history_id", flat=True).first()
    assert history(client, revised, a=foreign, b=mine).status_code == 404


def test_text_in_a_revision_is_escaped(client, l1):
    article = ArticleFactory(author=l1, body="<b>x</b>")
    services.article_update(
        article=article, actor=l1, expected_version=article.version, body="<img src=x>"
    )
    client.force_login(l1)
    newest, oldest = article.history.values_list("history_id", flat=True)
    body = history(client, article, a=oldest, b=newest).content.decode()
    assert "&lt;img src=x&gt;" in body and "<img src=x>" not in body


def test_long_histories_come_a_page_at_a_time(client, l1, monkeypatch):
    monkeypatch.setattr("knowledge.views.history.PAGE", 2)
    article = ArticleFactory(author=l1)
    for n in range(3):
        services.article_update(
            article=article, actor=l1, expected_version=article.version, title=f"Title {n}"
        )
    client.force_login(l1)
    ids = list(article.history.values_list("history_id", flat=True))
    first = history(client, article).content.decode()
    assert f'data-revision="{ids[2]}"' not in first and f"?before={ids[1]}" in first
    older = history(client, article, before=ids[1]).content.decode()
    assert f'data-revision="{ids[2]}"' in older and f'data-revision="{ids[0]}"' not in older

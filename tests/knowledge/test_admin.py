"""Admins see every knowledge model and its history; an article's status changes only
through its lifecycle."""

import pytest
from django.urls import reverse

from knowledge import services
from knowledge.models import Article, Category, SearchLog, Status
from tests.factories import UserFactory
from tests.knowledge.factories import ArticleFactory

pytestmark = pytest.mark.django_db


@pytest.fixture
def admin_client(client):
    client.force_login(UserFactory(username="root", is_superuser=True, is_staff=True))
    return client


def test_every_model_has_a_changelist(admin_client, public_article, contact_a):
    services.feedback_record(article=public_article, helpful=True, actor=contact_a)
    services.article_search(text="password", actor=contact_a)
    for model in ["article", "category", "articlefeedback", "articleattachment", "searchlog"]:
        url = reverse(f"admin:knowledge_{model}_changelist")
        assert admin_client.get(url).status_code == 200, model
    assert SearchLog.objects.exists()


def test_an_article_edited_in_the_admin_keeps_its_status_and_records_who(admin_client):
    article = ArticleFactory(status=Status.PUBLISHED, title="Old title")
    version = article.version
    url = reverse("admin:knowledge_article_change", args=[article.pk])
    page = admin_client.get(url)
    assert page.status_code == 200
    response = admin_client.post(
        url,
        {
            "title": "New title",
            "body": article.body,
            "keywords": "",
            "visibility": "public",
            "language": "en",
            "status": Status.DRAFT,  # read-only: ignored
            "attachments-TOTAL_FORMS": "0",
            "attachments-INITIAL_FORMS": "0",
        },
    )
    assert response.status_code == 302, response.content.decode()[:2000]
    article.refresh_from_db()
    assert (article.title, article.status) == ("New title", Status.PUBLISHED)
    assert article.version == version + 1  # forms open elsewhere are now stale
    latest = article.history.first()
    assert (latest.history_user.username, latest.history_change_reason) == (
        "root",
        "Changed in the admin",
    )
    history = reverse("admin:knowledge_article_history", args=[article.pk])
    assert admin_client.get(history).status_code == 200


def test_an_article_added_in_the_admin_gets_a_number(admin_client):
    category = Category.objects.create(name="How-to")
    response = admin_client.post(
        reverse("admin:knowledge_article_add"),
        {
            "title": "Added by an admin",
            "body": "Text",
            "category": category.pk,
            "keywords": "",
            "visibility": "internal",
            "language": "en",
            "attachments-TOTAL_FORMS": "0",
            "attachments-INITIAL_FORMS": "0",
        },
    )
    assert response.status_code == 302
    article = Article.objects.get()
    assert article.number == "KB-000001"
    assert article.status == Status.DRAFT


def test_the_search_log_is_read_only(admin_client):
    assert admin_client.get(reverse("admin:knowledge_searchlog_add")).status_code == 403

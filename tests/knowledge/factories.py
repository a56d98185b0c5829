"""Knowledge test data. Articles are created and moved only through knowledge.services
(the status field is protected): `ArticleFactory(status=Status.PUBLISHED)` writes the
draft as its author and has a knowledge manager review and publish it."""

from __future__ import annotations

import factory
from django.contrib.auth.models import User

from knowledge import services
from knowledge.models import Article, Category, Status
from servicedesk import roles
from tests.factories import UserFactory


def knowledge_manager() -> User:
    return UserFactory.create(username="factory_kb_manager", roles=[roles.KNOWLEDGE_MANAGER])


def writer() -> User:
    return UserFactory.create(username="factory_writer", roles=[roles.L2_AGENT])


class CategoryFactory(factory.django.DjangoModelFactory[Category]):
    class Meta:
        model = Category
        django_get_or_create = ("name",)

    name = factory.Sequence(lambda n: f"Category {n}")


class ArticleFactory(factory.django.DjangoModelFactory[Article]):
    """`status` says how far through its lifecycle the article goes; `author` writes it."""

    class Meta:
        model = Article

    title = factory.Sequence(lambda n: f"How to do thing number {n}")
    body = "Open the portal and follow the steps."
    visibility = "internal"
    language = "en"

    @classmethod
    def _create(cls, model_class, *args, status=Status.DRAFT, author=None, **kwargs):
        author = author or writer()
        article = services.article_create(actor=author, **kwargs)
        return move_to(article, status, author=author)


def move_to(article: Article, status: str, *, author: User | None = None) -> Article:
    """Take a new draft through the lifecycle up to `status`."""
    author = author or writer()
    manager = knowledge_manager()
    if status == Status.DRAFT:
        return article
    services.article_submit(article=article, actor=author)
    if status == Status.IN_REVIEW:
        return article
    services.article_publish(article=article, actor=manager)
    if status == Status.RETIRED:
        services.article_retire(article=article, actor=manager)
    return article

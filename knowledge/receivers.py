"""The search index follows every save and delete of an article, whoever makes it (a
service, the admin, a shell). On PostgreSQL a trigger does it and these do nothing."""

from django.db.models.signals import post_delete, post_save
from django.dispatch import receiver

from knowledge import search
from knowledge.models import Article


@receiver(post_save, sender=Article, dispatch_uid="knowledge.index_article")
def index_article(sender, instance: Article, update_fields=None, **kwargs) -> None:
    if update_fields is None or search.INDEXED_FIELDS & set(update_fields):
        search.index_articles([instance])


@receiver(post_delete, sender=Article, dispatch_uid="knowledge.unindex_article")
def unindex_article(sender, instance: Article, **kwargs) -> None:
    search.remove_articles([instance.pk])

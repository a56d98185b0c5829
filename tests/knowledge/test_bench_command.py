"""The benchmark tooling works end to end on a small volume, and removes what it loaded."""

import re
from io import StringIO

import pytest
from django.core.management import call_command

from knowledge.models import Article
from knowledge.search import search_articles
from knowledge.search.quality import fixture_articles


@pytest.mark.django_db
def test_loading_measuring_resuming_and_removing():
    out = StringIO()
    call_command("bench_kb_search", count=60, batch=25, repeat=1, stdout=out)
    report = out.getvalue()
    assert Article.objects.filter(number__startswith="KBB-").count() == 60
    assert Article.objects.filter(number__startswith="KBQ-").count() == len(fixture_articles())
    assert re.search(r"p50 [\d.]+ ms\s+p99 [\d.]+ ms", report), report
    assert re.search(r"labelled set among them: top-3 accuracy: \d+/\d+", report), report
    assert (
        search_articles(text="vpn tunnel", user_can_see_internal=True).hits
        or search_articles(text="certificate", user_can_see_internal=True).hits
    )  # the loaded articles are indexed

    call_command("bench_kb_search", count=80, batch=25, repeat=1, stdout=StringIO())
    numbers = list(Article.objects.values_list("number", flat=True))
    labelled = len(fixture_articles())
    assert len(numbers) == len(set(numbers)) == 80 + labelled

    call_command("bench_kb_search", delete=True, stdout=out)
    assert not Article.objects.exists()
    assert f"Removed {80 + labelled} benchmark articles" in out.getvalue()

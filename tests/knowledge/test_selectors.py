"""Read queries: who reads which articles, the revisions and their differences."""

import pytest

from knowledge import services
from knowledge.models import Status
from knowledge.selectors import article_revisions, articles_for, diff_lines, revision_diff
from tests.knowledge.factories import ArticleFactory

pytestmark = pytest.mark.django_db


class TestArticlesFor:
    def test_staff_read_every_article_a_contact_the_published_public_ones(
        self, l1, kb_manager, contact_a, outsider
    ):
        draft = ArticleFactory(title="Draft", visibility="public")
        internal = ArticleFactory(title="Internal", status=Status.PUBLISHED)
        public = ArticleFactory(title="Public", status=Status.PUBLISHED, visibility="public")
        retired = ArticleFactory(title="Retired", status=Status.RETIRED, visibility="public")
        everything = {draft, internal, public, retired}
        assert set(articles_for(l1)) == everything
        assert set(articles_for(kb_manager)) == everything
        assert list(articles_for(contact_a)) == [public]
        assert list(articles_for(outsider)) == []


class TestRevisions:
    def test_every_revision_is_kept_newest_first_with_who_and_why(self, l2, kb_manager):
        article = ArticleFactory(author=l2, body="Step one.\nStep two.")
        services.article_update(
            article=article, body="Step one.\nStep 2.", actor=kb_manager, expected_version=1
        )
        revisions = list(article_revisions(article))
        assert [r.history_change_reason for r in revisions] == ["Edited", "Created"]
        assert [r.history_user for r in revisions] == [kb_manager, l2]
        assert revisions[1].body == "Step one.\nStep two."

    def test_the_diff_between_two_revisions_line_by_line(self, l2):
        article = ArticleFactory(author=l2, title="VPN", body="Open the client.\nConnect.")
        services.article_update(
            article=article,
            title="VPN client",
            body="Open the client.\nSign in.\nConnect.",
            actor=l2,
            expected_version=1,
        )
        newer, older = article_revisions(article)[:2]
        diffs = revision_diff(article, older_id=older.history_id, newer_id=newer.history_id)
        assert [d.field for d in diffs] == ["title", "body"]
        title, body = diffs
        assert [(line.kind, line.text) for line in title.lines] == [
            ("removed", "VPN"),
            ("added", "VPN client"),
        ]
        assert [
            (line.kind, line.text, line.old_number, line.new_number) for line in body.lines
        ] == [
            ("same", "Open the client.", 1, 1),
            ("added", "Sign in.", None, 2),
            ("same", "Connect.", 2, 3),
        ]

    def test_long_unchanged_stretches_are_left_out(self):
        before = "\n".join(f"line {n}" for n in range(1, 31))
        after = before.replace("line 15", "line fifteen")
        kinds = [line.kind for line in diff_lines(before, after)]
        assert kinds == ["gap", *["same"] * 3, "removed", "added", *["same"] * 3, "gap"]

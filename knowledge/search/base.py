"""What both search backends share: the filters every query applies, and the interface
knowledge/search/__init__.py drives (postgres.py, sqlite.py)."""

from collections.abc import Sequence
from contextlib import AbstractContextManager
from dataclasses import dataclass
from typing import Protocol

from django.utils.safestring import SafeString

from knowledge.models import Status, Visibility
from servicedesk.search.text import Term


@dataclass(frozen=True)
class Filters:
    """Articles in one status (published, unless staff look through drafts and reviews);
    public ones only unless the reader sees internal ones."""

    internal: bool
    status: str = Status.PUBLISHED.value
    service_id: int | None = None
    category_id: int | None = None
    language: str | None = None

    def where(self, alias: str = "a") -> tuple[str, list]:
        """A SQL condition on the article table (as `alias`) and its parameters."""
        sql = [f"{alias}.status = %s"]
        params: list = [self.status]
        if not self.internal:
            sql.append(f"{alias}.visibility = %s")
            params.append(Visibility.PUBLIC.value)
        for column, value in (
            ("service_id", self.service_id),
            ("category_id", self.category_id),
            ("language", self.language),
        ):
            if value is not None:
                sql.append(f"{alias}.{column} = %s")
                params.append(value)
        return " AND ".join(sql), params


@dataclass(frozen=True)
class Document:
    """What a hit's snippet is made from."""

    title: str
    text: str  # the body as plain text (knowledge.markdown.plain_text)
    language: str


#: A search ranks at most this many matching articles: when more match (words that most
#: articles have), it ranks the first this many it finds, so its time stays bounded.
CANDIDATE_CAP = 500


class Backend(Protocol):
    def session(self) -> AbstractContextManager[None]:
        """Around the queries of one search."""
        ...

    def match(
        self,
        terms: Sequence[Term],
        filters: Filters,
        *,
        require_all: bool,
        limit: int,
    ) -> list[tuple[int, float]]:
        """(article id, score) of the best matches, best first; higher scores are better.
        At most CANDIDATE_CAP matches are ranked."""
        ...

    def count(self, terms: Sequence[Term], filters: Filters, *, up_to: int) -> int:
        """How many articles have every term, counting at most `up_to` of them."""
        ...

    def common(self, terms: Sequence[Term]) -> list[Term]:
        """The terms more than CANDIDATE_CAP articles have (an estimate will do)."""
        ...

    def unknown(self, terms: Sequence[Term]) -> list[Term]:
        """The terms no article has, whatever its status (typos, most likely)."""
        ...

    def spellings(self, words: Sequence[str], *, limit: int) -> dict[str, list[str]]:
        """Words of titles and keywords like each of these (typos), most alike first."""
        ...

    def term_hits(self, ids: Sequence[int], terms: Sequence[Term]) -> dict[int, int]:
        """How many of the terms each of these articles has."""
        ...

    def highlight(
        self, documents: Sequence[Document], terms: Sequence[Term]
    ) -> list[tuple[SafeString, SafeString]]:
        """(title, snippet) per document: escaped text, the matches in <mark>."""
        ...

    def index(self, rows: Sequence[tuple[int, str, str, str, str]]) -> None:
        """(id, title, keywords, body, language) of articles saved; their title and
        keyword words join the vocabulary."""
        ...

    def remove(self, ids: Sequence[int]) -> None: ...

    def rebuild(self, *, batch: int) -> int:
        """Index every article anew; returns how many."""
        ...

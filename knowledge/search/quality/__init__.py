"""The labelled set that measures search quality: realistic articles of a hosting
provider in English and Russian (articles/*.md, a few lines of front matter then the
Markdown text) and queries with the articles that answer them (queries.json): other word
forms than the articles use, typos, words from the text only.

tests/knowledge/test_search_quality.py loads the articles into the test database and
asserts that the right article is among the first three results for at least 90 % of the
queries; knowledge/demo.py publishes the same articles for the demo."""

import json
from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from pathlib import Path

HERE = Path(__file__).resolve().parent
TOP = 3


@dataclass(frozen=True)
class FixtureArticle:
    key: str
    title: str
    body: str
    language: str
    visibility: str
    keywords: str = ""
    service: str = ""
    category: str = ""


@dataclass(frozen=True)
class LabelledQuery:
    query: str
    expect: tuple[str, ...]
    kind: str
    language: str = "en"


@dataclass
class Report:
    total: int = 0
    answered: int = 0
    misses: list[tuple[LabelledQuery, list[str]]] = field(default_factory=list)

    @property
    def accuracy(self) -> float:
        return self.answered / self.total if self.total else 0.0

    def summary(self) -> str:
        lines = [f"top-{TOP} accuracy: {self.answered}/{self.total} = {self.accuracy:.1%}"]
        for query, got in self.misses:
            lines.append(f"  missed [{query.kind}] {query.query!r}: want {query.expect}, got {got}")
        return "\n".join(lines)


def fixture_articles() -> list[FixtureArticle]:
    return [_read(path) for path in sorted((HERE / "articles").glob("*.md"))]


def _read(path: Path) -> FixtureArticle:
    text = path.read_text(encoding="utf-8")
    _, head, body = text.split("---\n", 2)
    meta = dict(line.split(": ", 1) for line in head.strip().splitlines())
    return FixtureArticle(key=path.stem, body=body.strip() + "\n", **meta)


def labelled_queries() -> list[LabelledQuery]:
    data = json.loads((HERE / "queries.json").read_text(encoding="utf-8"))
    return [
        LabelledQuery(
            query=q["query"],
            expect=tuple(q["expect"]),
            kind=q["kind"],
            language=q.get("language", "en"),
        )
        for q in data["queries"]
    ]


def evaluate(numbers: Mapping[str, str], search: Callable[[str], list[str]]) -> Report:
    """Run every labelled query through `search` (query → article numbers, best first);
    `numbers` maps each fixture key to its article's number."""
    keys = {number: key for key, number in numbers.items()}
    report = Report()
    for query in labelled_queries():
        found = [keys.get(number, number) for number in search(query.query)[:TOP]]
        report.total += 1
        if set(found) & set(query.expect):
            report.answered += 1
        else:
            report.misses.append((query, found))
    return report

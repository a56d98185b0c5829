"""A kind of numbered record (PRB-000012, CHG-000034…) searched through a full-text index
of its text columns: the record whose number is the query first, then those with every
word, best rank first among the newest CANDIDATE_CAP; when none has every word, those
similar (typos, PostgreSQL) or with some of the words, said in a note. An app subclasses
`NumberedRecordKind` with its model (or the records the asker may see) and how a hit
shows; the status, service and date filters are applied here."""

import re
from typing import Any

from django.db.models import BooleanField, Model, QuerySet
from django.db.models.expressions import RawSQL
from django.utils.translation import gettext

from servicedesk.search import Hit, KindResults, SearchKind, SearchRequest
from servicedesk.search.fulltext import CANDIDATE_CAP, FullTextIndex
from servicedesk.search.text import Term


def condition(sql: tuple[str, list]) -> RawSQL:
    """A full-text condition (fulltext.FullTextIndex.match_sql) for QuerySet.filter()."""
    return RawSQL(sql[0], sql[1], output_field=BooleanField())


def numbers_meant(text: str, prefixes: tuple[str, ...]) -> list[str]:
    """The record numbers `text` may mean: PRB-000012, prb12 or 12 (any of the prefixes)."""
    pattern = "|".join(re.escape(prefix) for prefix in prefixes)
    match = re.match(rf"^(?:(?P<prefix>{pattern})-?)?(?P<digits>\d{{1,9}})$", text.strip().upper())
    if match is None:
        return []
    chosen = [match["prefix"]] if match["prefix"] else list(prefixes)
    return [f"{prefix}-{int(match['digits']):06d}" for prefix in chosen]


def best_first(
    records: QuerySet[Any], index: FullTextIndex, terms: list[Term], *, require_all: bool
) -> list[int]:
    """Ids of the newest CANDIDATE_CAP records with the words, best rank first."""
    matching = records.filter(condition(index.match_sql(terms, require_all=require_all)))
    ids = list(matching.order_by("-pk").values_list("pk", flat=True)[:CANDIDATE_CAP])
    ranks = index.ranks(ids, terms, require_all=require_all)
    return sorted(ids, key=lambda pk: (-ranks.get(pk, 0.0), -pk))


class NumberedRecordKind(SearchKind):
    model: type[Model]
    index: FullTextIndex
    prefixes: tuple[str, ...]
    filters = frozenset({"status", "service", "dates"})
    #: The date the dates filter narrows by, and the lookup of the record's service(s).
    date_field = "created_at"
    service_lookup = "service_id"

    def records(self, request: SearchRequest) -> QuerySet[Any]:
        """The records the asker may find (override to narrow), with the filters set."""
        records = self.model._default_manager.all()
        if request.status:
            records = records.filter(status=request.status)
        if request.service_id:
            records = records.filter(**{self.service_lookup: request.service_id})
        if request.since:
            records = records.filter(**{f"{self.date_field}__date__gte": request.since})
        if request.until:
            records = records.filter(**{f"{self.date_field}__date__lte": request.until})
        return records

    def hit(self, record: Any, request: SearchRequest) -> Hit:
        raise NotImplementedError

    def related(self, records: QuerySet[Any]) -> QuerySet[Any]:
        """What a hit shows besides the record (select_related)."""
        return records

    def exact(self, request: SearchRequest) -> str | None:
        numbers = numbers_meant(request.text, self.prefixes)
        if not numbers:
            return None
        record = self.records(request).filter(number__in=numbers).order_by("pk").first()
        return self.hit(record, request).url if record else None

    def search(self, request: SearchRequest, *, limit: int, offset: int) -> KindResults:
        records = self.records(request)
        terms = list(request.terms)
        numbered = list(
            records.filter(number__in=numbers_meant(request.text, self.prefixes)).values_list(
                "pk", flat=True
            )
        )
        ranked, note = self.ranked(records, terms, number=request.is_number)
        order = numbered + [pk for pk in ranked if pk not in numbered]
        page = order[offset : offset + limit]
        rows = self.related(records).in_bulk(page)
        hits = [self.hit(rows[pk], request) for pk in page if pk in rows]
        return KindResults(self, hits, has_more=len(order) > offset + limit, note=note)

    def ranked(
        self, records: QuerySet[Any], terms: list[Term], *, number: bool = False
    ) -> tuple[list[int], str]:
        """Ids best first, and a note when they are not the records with every word. A
        number is only looked for as it is (no typos, no single words of it)."""
        if not terms:
            return [], ""
        ranked = best_first(records, self.index, terms, require_all=True)
        if ranked or number:
            return ranked, ""
        typo = self.index.typo_sql(terms)
        if typo is not None:
            similar = list(
                records.filter(condition(typo))
                .order_by("-pk")
                .values_list("pk", flat=True)[:CANDIDATE_CAP]
            )
            if similar:
                return similar, gettext("Nothing has these words; these have similar ones.")
        if len(terms) > 1:
            some = best_first(records, self.index, terms, require_all=False)
            if some:
                return some, gettext("Nothing has every word; these have some of them.")
        return [], ""

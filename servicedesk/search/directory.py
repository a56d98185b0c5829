"""The platform's own records in the global search, for staff: organisations, contacts and
configuration items, found by name (contacts also by email and phone). Every word must
appear in one of the fields; a name that is the query comes first, then names that start
with it. On PostgreSQL a misspelt name is still found (pg_trgm's word similarity) when
nothing has the words as typed."""

from collections.abc import Sequence
from typing import Any

from django.db import connection
from django.db.models import Case, IntegerField, Q, QuerySet, Value, When
from django.urls import reverse
from django.utils.html import escape
from django.utils.safestring import mark_safe
from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _

from servicedesk.models import ConfigurationItem, Contact, Organisation
from servicedesk.search import Hit, KindResults, SearchKind, SearchRequest, register_kind
from servicedesk.search.highlight import highlight_all

#: pg_trgm word similarity a name must reach to be offered for a misspelt query.
SIMILAR_NAME = 0.45


class NamedRecordKind(SearchKind):
    fields: tuple[str, ...] = ("name",)

    def records(self, request: SearchRequest) -> QuerySet[Any]:
        raise NotImplementedError

    def hit(self, record: Any, request: SearchRequest) -> Hit:
        raise NotImplementedError

    def search(self, request: SearchRequest, *, limit: int, offset: int) -> KindResults:
        words = [term.word for term in request.terms]
        if not words:
            return KindResults(self, [], has_more=False)
        records = self.records(request)
        text = " ".join(request.text.split())
        rows = list(
            records.filter(_every_word(words, self.fields))
            .annotate(closeness=_closeness(text))
            .order_by("closeness", "name", "pk")[offset : offset + limit + 1]
        )
        note = ""
        if not rows and offset == 0 and connection.vendor == "postgresql":
            rows = self._similar(records, text, limit)
            if rows:
                note = gettext("Nothing has these words; these names are similar.")
        hits = [self.hit(record, request) for record in rows[:limit]]
        return KindResults(self, hits, has_more=len(rows) > limit, note=note)

    @staticmethod
    def _similar(records: QuerySet[Any], text: str, limit: int) -> list[Any]:
        from django.contrib.postgres.search import TrigramWordSimilarity

        return list(
            records.annotate(similarity=TrigramWordSimilarity(text, "name"))
            .filter(similarity__gte=SIMILAR_NAME)
            .order_by("-similarity", "name", "pk")[:limit]
        )


def _every_word(words: Sequence[str], fields: Sequence[str]) -> Q:
    condition = Q()
    for word in words:
        any_field = Q()
        for field in fields:
            any_field |= Q(**{f"{field}__icontains": word})
        condition &= any_field
    return condition


def _closeness(text: str) -> Case:
    return Case(
        When(name__iexact=text, then=Value(0)),
        When(name__istartswith=text, then=Value(1)),
        default=Value(2),
        output_field=IntegerField(),
    )


def _marked(text: str, request: SearchRequest) -> Any:
    return highlight_all(text, request.terms, "ru")


class OrganisationKind(NamedRecordKind):
    key = "organisations"
    label = _("Organisations")
    order = 50
    filters = frozenset({"organisation"})
    fields = ("name", "contract_number")

    def records(self, request: SearchRequest) -> QuerySet[Organisation]:
        records = Organisation.objects.all()
        if request.organisation_id:
            records = records.filter(pk=request.organisation_id)
        return records

    def hit(self, record: Organisation, request: SearchRequest) -> Hit:
        return Hit(
            url=reverse("organisation", args=[record.pk]),
            reference=gettext("Organisation"),
            title=_marked(record.name, request),
            snippet=mark_safe(
                escape(gettext("Contract %(number)s") % {"number": record.contract_number})
            ),
            status="" if record.is_active else gettext("inactive"),
            status_key="" if record.is_active else "inactive",
        )


class ContactKind(NamedRecordKind):
    key = "contacts"
    label = _("Contacts")
    order = 60
    filters = frozenset({"organisation"})
    fields = ("name", "email", "phone")

    def records(self, request: SearchRequest) -> QuerySet[Contact]:
        records = Contact.objects.select_related("organisation")
        if request.organisation_id:
            records = records.filter(organisation_id=request.organisation_id)
        return records

    def hit(self, record: Contact, request: SearchRequest) -> Hit:
        reach = " · ".join(value for value in (record.email, record.phone) if value)
        return Hit(
            url=reverse("organisation", args=[record.organisation_id]) + f"#contact-{record.pk}",
            reference=gettext("Contact"),
            title=_marked(record.name, request),
            snippet=_marked(reach, request),
            status="" if record.is_active else gettext("inactive"),
            status_key="" if record.is_active else "inactive",
            details=(record.organisation.name,),
        )


class ConfigurationItemKind(NamedRecordKind):
    key = "configuration_items"
    label = _("Configuration items")
    order = 70
    filters = frozenset({"organisation", "service"})

    def records(self, request: SearchRequest) -> QuerySet[ConfigurationItem]:
        records = ConfigurationItem.objects.select_related("service", "organisation")
        if request.organisation_id:
            records = records.filter(organisation_id=request.organisation_id)
        if request.service_id:
            records = records.filter(service_id=request.service_id)
        return records

    def hit(self, record: ConfigurationItem, request: SearchRequest) -> Hit:
        details = [record.service.name]
        if record.organisation:
            details.append(record.organisation.name)
        return Hit(
            url=reverse("configuration_item", args=[record.pk]),
            reference=record.get_kind_display(),
            title=_marked(record.name, request),
            snippet=mark_safe(""),
            status="" if record.is_active else gettext("inactive"),
            status_key="" if record.is_active else "inactive",
            details=tuple(details),
        )


def register() -> None:
    for kind in (OrganisationKind(), ContactKind(), ConfigurationItemKind()):
        register_kind(kind)

"""Changes in the global search (servicedesk/search/), for the roles that read them: by
number and by the words of the title, what is changed and why."""

from django.db.models import QuerySet
from django.urls import reverse
from django.utils.translation import gettext_lazy as _

from changes import rules
from changes.models import NUMBER_PREFIX, ChangeRequest, Status
from servicedesk.search import Hit, SearchRequest, register_kind
from servicedesk.search.fulltext import FullTextIndex, register_index
from servicedesk.search.highlight import highlight_all, snippet
from servicedesk.search.numbered import NumberedRecordKind

INDEX = register_index(FullTextIndex("changes_changerequest", ("title", "description", "reason")))


class ChangeKind(NumberedRecordKind):
    key = "changes"
    label = _("Changes")
    order = 30
    model = ChangeRequest
    service_lookup = "services__id"
    index = INDEX
    prefixes = (NUMBER_PREFIX,)

    def may(self, user) -> bool:
        return rules.may_read(user)

    def statuses(self):
        return list(Status.choices)

    def related(self, records: QuerySet[ChangeRequest]) -> QuerySet[ChangeRequest]:
        return records.prefetch_related("services")

    def hit(self, record: ChangeRequest, request: SearchRequest) -> Hit:
        text = "\n".join(part for part in (record.description, record.reason) if part)
        return Hit(
            url=reverse("changes:detail", args=[record.number]),
            reference=record.number,
            title=highlight_all(record.title, request.terms, "ru"),
            snippet=snippet(text[:4000], request.terms, "ru"),
            status=record.get_status_display(),
            status_key=record.status,
            when=record.created_at,
            details=tuple(service.name for service in record.services.all()),
        )


def register() -> None:
    register_kind(ChangeKind())

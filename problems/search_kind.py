"""Problems in the global search (servicedesk/search/), for the roles that read them:
by number and by the words of the title, description, root cause and workaround."""

from django.db.models import QuerySet
from django.urls import reverse
from django.utils.translation import gettext_lazy as _

from problems import rules
from problems.models import NUMBER_PREFIX, Problem, Status
from servicedesk.search import Hit, SearchRequest, register_kind
from servicedesk.search.fulltext import FullTextIndex, register_index
from servicedesk.search.highlight import highlight_all, snippet
from servicedesk.search.numbered import NumberedRecordKind

INDEX = register_index(
    FullTextIndex("problems_problem", ("title", "description", "root_cause", "workaround"))
)


class ProblemKind(NumberedRecordKind):
    key = "problems"
    label = _("Problems")
    order = 20
    model = Problem
    index = INDEX
    prefixes = (NUMBER_PREFIX,)

    def may(self, user) -> bool:
        return rules.may_read(user)

    def statuses(self):
        return list(Status.choices)

    def related(self, records: QuerySet[Problem]) -> QuerySet[Problem]:
        return records.select_related("service", "owner")

    def hit(self, record: Problem, request: SearchRequest) -> Hit:
        text = "\n".join(
            part for part in (record.description, record.root_cause, record.workaround) if part
        )
        return Hit(
            url=reverse("problems:detail", args=[record.number]),
            reference=record.number,
            title=highlight_all(record.title, request.terms, "ru"),
            snippet=snippet(text[:4000], request.terms, "ru"),
            status=record.get_status_display(),
            status_key=record.status,
            when=record.created_at,
            details=(record.service.name,) if record.service else (),
        )


def register() -> None:
    register_kind(ProblemKind())

"""Tickets in the global search (servicedesk/search/): by number, by the words of their
summary and description, and by those of the comments the asker may read (staff: all;
a contact in the portal: the public ones of their organisation's tickets)."""

from collections.abc import Sequence

from django.urls import reverse
from django.utils.html import format_html
from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _

from incidents.models import NUMBER_PREFIX, Comment, Incident, IncidentQuerySet
from servicedesk.models.tickets import TicketStatus
from servicedesk.people import display_name
from servicedesk.search import Hit, KindResults, SearchKind, SearchRequest
from servicedesk.search.fulltext import (
    CANDIDATE_CAP,
    FullTextIndex,
    register_index,
    through_the_index,
)
from servicedesk.search.highlight import highlight_all, snippet
from servicedesk.search.numbered import condition as _condition
from servicedesk.search.numbered import numbers_meant
from servicedesk.search.text import Term

TICKETS = register_index(FullTextIndex("incidents_incident", ("title", "description")))
COMMENTS = register_index(FullTextIndex("incidents_comment", ("body",)))
#: A ticket found only through a comment ranks below one with the words itself.
COMMENT_WEIGHT = 0.5
#: Snippets are made in Python (the same on both databases) from this much text.
SNIPPET_SOURCE = 4000


def ticket_numbers(text: str) -> list[str]:
    """The ticket numbers `text` may mean: INC-000123, REQ-124, inc123 or just 123."""
    return numbers_meant(text, tuple(NUMBER_PREFIX.values()))


class TicketKind(SearchKind):
    key = "tickets"
    label = _("Tickets")
    order = 10
    filters = frozenset({"status", "organisation", "service", "dates"})
    in_portal = True

    def statuses(self):
        return list(TicketStatus.choices)

    def exact(self, request: SearchRequest) -> str | None:
        """The page of the one ticket whose number is the whole query."""
        numbers = ticket_numbers(request.text)
        if not numbers:
            return None
        number = (
            self._tickets(request)
            .filter(number__in=numbers)
            .order_by("id")
            .values_list("number", flat=True)
            .first()
        )
        return self._url(request, number) if number else None

    def search(self, request: SearchRequest, *, limit: int, offset: int) -> KindResults:
        tickets = self._tickets(request)
        terms = list(request.terms)
        ranked, via_comment, note = self._ranked(request, tickets, terms)
        numbered = list(
            tickets.filter(number__in=ticket_numbers(request.text)).values_list("id", flat=True)
        )
        order = numbered + [pk for pk in ranked if pk not in numbered]
        page = order[offset : offset + limit]
        rows = tickets.select_related("organisation", "service", "assignee").in_bulk(page)
        comments = self._comment_texts([via_comment[pk] for pk in page if pk in via_comment])
        hits = [
            self._hit(request, rows[pk], terms, comments.get(via_comment.get(pk, 0)))
            for pk in page
            if pk in rows
        ]
        return KindResults(self, hits, has_more=len(order) > offset + limit, note=note)

    # ----- finding -------------------------------------------------------------------

    def _tickets(self, request: SearchRequest) -> IncidentQuerySet:
        tickets = Incident.objects.visible_to(request.user)
        if request.status:
            tickets = tickets.filter(status=request.status)
        if request.organisation_id:
            tickets = tickets.filter(organisation_id=request.organisation_id)
        if request.service_id:
            tickets = tickets.filter(service_id=request.service_id)
        if request.since:
            tickets = tickets.filter(registered_at__date__gte=request.since)
        if request.until:
            tickets = tickets.filter(registered_at__date__lte=request.until)
        return tickets

    def _ranked(
        self, request: SearchRequest, tickets: IncidentQuerySet, terms: list[Term]
    ) -> tuple[list[int], dict[int, int], str]:
        """Ticket ids best first, the comment that found each ticket found only by one,
        and a note when the hits have only some of the words."""
        if not terms:
            return [], {}, ""
        ranked, via_comment = self._matching(request, tickets, terms, require_all=True)
        if ranked or request.is_number:
            return ranked, via_comment, ""
        # Similar words only within a narrowed search: over every ticket, a misspelt
        # common word (sertificate) is like a tenth of all titles (bench_search: 1.2 s).
        typo = TICKETS.typo_sql(terms) if request.portal or request.filtered else None
        similar: list[int] = []
        if typo is not None:
            with through_the_index():
                similar = self._capped(tickets.filter(_condition(typo)))
        if similar:
            return similar, {}, gettext("No ticket has these words; these have similar ones.")
        if len(terms) > 1:
            ranked, via_comment = self._matching(request, tickets, terms, require_all=False)
            if ranked:
                note = gettext("No ticket has every word; these have some of them.")
                return ranked, via_comment, note
        return [], {}, ""

    def _matching(
        self,
        request: SearchRequest,
        tickets: IncidentQuerySet,
        terms: list[Term],
        require_all: bool,
    ) -> tuple[list[int], dict[int, int]]:
        narrowed = request.portal or bool(request.filtered)
        own = None if narrowed else TICKETS.newest(terms, require_all=require_all)
        if own is None:
            matching = tickets.filter(_condition(TICKETS.match_sql(terms, require_all=require_all)))
            with through_the_index():
                own = self._capped(matching)
        found = self._comments(request, tickets, terms, require_all, narrowed)
        commented = set(
            tickets.filter(id__in={incident for _, incident in found}).values_list("id", flat=True)
        )
        scores = TICKETS.ranks(own, terms, require_all=require_all)
        comment_ranks = COMMENTS.ranks([pk for pk, _ in found], terms, require_all=require_all)
        via_comment: dict[int, int] = {}
        for comment_id, incident_id in found:
            if incident_id not in commented:
                continue
            score = COMMENT_WEIGHT * comment_ranks.get(comment_id, 0.0)
            if incident_id not in scores:
                via_comment.setdefault(incident_id, comment_id)
            if score > scores.get(incident_id, float("-inf")):
                scores[incident_id] = score
        ranked = sorted(scores, key=lambda pk: (-scores[pk], -pk))
        return ranked, {pk: c for pk, c in via_comment.items() if pk in scores}

    @staticmethod
    def _comments(
        request: SearchRequest,
        tickets: IncidentQuerySet,
        terms: list[Term],
        require_all: bool,
        narrowed: bool,
    ) -> list[tuple[int, int]]:
        """(comment id, ticket id) of the newest comments with the words that the asker
        may read (on tickets it may find: checked by the caller when not `narrowed`)."""
        newest = None if narrowed else COMMENTS.newest(terms, require_all=require_all)
        if newest is not None:
            comments = Comment.objects.filter(id__in=newest)
        else:
            match = COMMENTS.match_sql(terms, require_all=require_all)
            comments = Comment.objects.filter(_condition(match))
        if request.portal:
            comments = comments.filter(is_public=True)
        if narrowed:
            # Else the newest matches could all be on tickets the asker may not see.
            comments = comments.filter(incident__in=tickets.values("id"))
        with through_the_index():
            return list(comments.order_by("-id").values_list("id", "incident_id")[:CANDIDATE_CAP])

    @staticmethod
    def _capped(tickets: IncidentQuerySet) -> list[int]:
        return list(tickets.order_by("-id").values_list("id", flat=True)[:CANDIDATE_CAP])

    @staticmethod
    def _comment_texts(ids: Sequence[int]) -> dict[int, str]:
        if not ids:
            return {}
        return dict(Comment.objects.filter(id__in=ids).values_list("id", "body"))

    # ----- showing ---------------------------------------------------------------------

    def _url(self, request: SearchRequest, number: str) -> str:
        name = "portal:ticket" if request.portal else "incidents:detail"
        return reverse(name, args=[number])

    def _hit(
        self, request: SearchRequest, ticket: Incident, terms: list[Term], comment: str | None
    ) -> Hit:
        if comment is not None:
            text = snippet(comment[:SNIPPET_SOURCE], terms, "ru")
            found_in = format_html(gettext("In a comment: {text}"), text=text)
        else:
            found_in = snippet(ticket.description[:SNIPPET_SOURCE], terms, "ru")
        details = [ticket.organisation.name]
        if ticket.service:
            details.append(ticket.service.name)
        if ticket.assignee and not request.portal:
            details.append(display_name(ticket.assignee))
        return Hit(
            url=self._url(request, ticket.number),
            reference=ticket.number,
            title=highlight_all(ticket.title, terms, "ru"),
            snippet=found_in,
            status=ticket.get_status_display(),
            status_key=ticket.status,
            when=ticket.registered_at,
            details=tuple(details),
        )


TICKET_KIND = TicketKind()

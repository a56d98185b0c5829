"""Read queries the staff pages share, already scoped to what the caller may see."""

from django.db.models import Q, QuerySet

from incidents.models import OPEN_STATUSES, Incident, TicketArticle
from knowledge.models import Article
from knowledge.models import Status as ArticleStatus
from servicedesk.models import ConfigurationItem, SlaPolicy


def configuration_items_for(
    *, organisation_id: int | None, service_id: int | None = None
) -> QuerySet[ConfigurationItem]:
    """Active CIs a ticket of this customer may name: its own and shared ones (no
    organisation). Without a customer, only shared ones; narrowed to a service if given."""
    owner = Q(organisation__isnull=True)
    if organisation_id is not None:
        owner |= Q(organisation_id=organisation_id)
    items = ConfigurationItem.objects.filter(owner, is_active=True)
    if service_id is not None:
        items = items.filter(service_id=service_id)
    return items.select_related("service").order_by("service__name", "name")


def ticket_text_match(text: str, *, people: bool = False) -> Q:
    """Tickets whose title (summary) or number contains `text`; with `people`, also those
    whose contact's name or email, or organisation's name, contains it, or whose
    organisation's contract number it is."""
    match = Q(title__icontains=text) | Q(number__icontains=text)
    if people:
        match |= (
            Q(contact__name__icontains=text)
            | Q(contact__email__icontains=text)
            | Q(organisation__name__icontains=text)
            | Q(organisation__contract_number__iexact=text)
        )
    return match


def search_tickets(user, text: str, *, after: int | None, limit: int) -> list[Incident]:
    """Tickets whose title or number contains `text`, newest first, as far as `user` may
    see them (staff: as the queues do). Keyset pagination on the id: one query per page,
    `limit + 1` rows so the caller knows whether there is more."""
    text = text.strip()
    if not text:
        return []
    tickets = Incident.objects.visible_to(user).filter(ticket_text_match(text))
    if after is not None:
        tickets = tickets.filter(id__lt=after)
    return list(tickets.for_list().order_by("-id")[: limit + 1])


def article_links(incident: Incident) -> QuerySet[TicketArticle]:
    """The knowledge articles linked to the ticket, with who linked them, in one query."""
    return incident.article_links.select_related(
        "article", "article__service", "linked_by"
    ).order_by("linked_at", "pk")


def linked_published_articles(incident: Incident) -> QuerySet[Article]:
    """The published articles linked to the ticket: what it may be resolved with."""
    return Article.objects.filter(
        ticket_links__incident=incident, status=ArticleStatus.PUBLISHED
    ).order_by("ticket_links__linked_at", "pk")


def organisation_service_ids(organisation_id: int) -> list[int]:
    """The services an organisation's problems and changes are looked up by: those its
    contract's SLA covers and those of its open tickets (one query)."""
    covered = SlaPolicy.services.through.objects.filter(
        slapolicy__organisation_id=organisation_id
    ).values_list("service_id", flat=True)
    ticketed = (
        Incident.objects.filter(
            organisation_id=organisation_id, status__in=OPEN_STATUSES, service__isnull=False
        )
        .order_by()
        .values_list("service_id", flat=True)
    )
    return sorted(set(covered.union(ticketed)))

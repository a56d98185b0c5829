"""Read queries the staff pages share, already scoped to what the caller may see."""

from django.db.models import Q, QuerySet

from servicedesk.models import ConfigurationItem


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

"""Read queries of the organisation and configuration-item pages (servicedesk.record_views).

The pages show what the platform owns: an organisation, its contacts and its contract's
SLA; a configuration item, its service and owner. What the apps know about them (tickets,
problems, changes) they add as panels (servicedesk/panels.py, slots ORGANISATION_SLOT,
ORGANISATION_SLA_SLOT and CONFIGURATION_ITEM_SLOT). Every read here is one query whatever
the number of rows."""

from dataclasses import dataclass

from django.http import Http404

from servicedesk.models import ConfigurationItem, Contact, Organisation, SlaPolicy
from servicedesk.pagination import COUNT_CAP

#: The organisation page's main column: record an Organisation.
ORGANISATION_SLOT = "servicedesk.organisation"
#: Inside the organisation page's SLA section: record an Organisation (only when it has
#: an SLA policy).
ORGANISATION_SLA_SLOT = "servicedesk.organisation.sla"
#: The configuration-item page's main column: record a ConfigurationItem.
CONFIGURATION_ITEM_SLOT = "servicedesk.configuration_item"

#: Contacts listed on the organisation page; beyond it the page says how many more.
CONTACTS_SHOWN = 50


def get_organisation(pk: int) -> Organisation:
    organisation = Organisation.objects.filter(pk=pk).first()
    if organisation is None:
        raise Http404
    return organisation


@dataclass
class ContactList:
    rows: list[Contact]
    #: How many contacts the organisation has, counted up to COUNT_CAP + 1.
    total: int

    @property
    def more(self) -> int:
        return max(0, self.total - len(self.rows))

    @property
    def capped(self) -> bool:
        return self.total > COUNT_CAP


def contacts_of(organisation: Organisation, *, shown: int = CONTACTS_SHOWN) -> ContactList:
    """The first `shown` contacts by name (active ones first) and how many there are: two
    queries, the second only when the first is full."""
    rows = list(
        Contact.objects.filter(organisation=organisation).order_by("-is_active", "name", "pk")[
            :shown
        ]
    )
    total = len(rows)
    if total == shown:
        total = (
            Contact.objects.filter(organisation=organisation)
            .order_by()
            .values("pk")[: COUNT_CAP + 1]
            .count()
        )
    return ContactList(rows=rows, total=total)


def sla_policy_of(organisation: Organisation) -> SlaPolicy | None:
    """The contract's SLA policy (active or not) with its calendar, targets and covered
    services: three queries, one when there is none."""
    return (
        SlaPolicy.objects.filter(organisation=organisation)
        .select_related("calendar")
        .prefetch_related("targets", "services")
        .first()
    )


def get_configuration_item(pk: int) -> ConfigurationItem:
    item = ConfigurationItem.objects.select_related("service", "organisation").filter(pk=pk).first()
    if item is None:
        raise Http404
    return item

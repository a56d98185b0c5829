"""The organisation page (/organisations/<id>/) and the configuration-item page
(/cis/<id>/), for any staff role. The platform shows what it owns; the apps add their
sections through the panel registry (servicedesk/records.py names the slots). An htmx
request gets the page's record partial, a plain one the whole page."""

from django.http import HttpResponse
from django.shortcuts import render
from django.views.decorators.http import require_GET

from servicedesk import records
from servicedesk.access import staff_required
from servicedesk.http import AuthenticatedHttpRequest


@require_GET
@staff_required
def organisation(request: AuthenticatedHttpRequest, pk: int) -> HttpResponse:
    organisation = records.get_organisation(pk)
    context = {
        "organisation": organisation,
        "contacts": records.contacts_of(organisation),
        "policy": records.sla_policy_of(organisation),
        "slot": records.ORGANISATION_SLOT,
        "sla_slot": records.ORGANISATION_SLA_SLOT,
    }
    template = "servicedesk/organisation.html"
    if request.htmx:
        template += "#record"
    return render(request, template, context)


@require_GET
@staff_required
def configuration_item(request: AuthenticatedHttpRequest, pk: int) -> HttpResponse:
    item = records.get_configuration_item(pk)
    context = {"item": item, "slot": records.CONFIGURATION_ITEM_SLOT}
    template = "servicedesk/configuration_item.html"
    if request.htmx:
        template += "#record"
    return render(request, template, context)

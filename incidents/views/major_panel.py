"""What the ticket page shows about major incidents (templates/incidents/_major_panel.html
and _major_member.html): on a major incident its panel (children, suggestions, outage,
update log and the forms of who may use them); on a child the major incident it is part
of; on an open incident not linked yet the open major incident on its service, one click
to link it; and whether this user gets the "Declare major incident" button."""

from dataclasses import dataclass
from typing import Any

from django import forms

from incidents import rules
from incidents.forms_major import LinkChildrenForm, MajorUpdateForm, ManagerForm, OutageForm
from incidents.major import children_of, link_candidates, open_major_on_service, updates_of
from incidents.models import Incident, MajorIncidentUpdate, Status
from incidents.services.major import incident_suggest_children, why_not_major
from servicedesk.http import AuthenticatedHttpRequest


@dataclass
class MajorPanel:
    children: list[Incident]
    updates: list[MajorIncidentUpdate]
    suggestions: list[Incident]
    #: Who may link tickets (any agent, while the major incident is open).
    may_link: bool
    #: Who coordinates it: takes tickets off, sets the outage, posts updates.
    coordinates: bool
    link_form: forms.Form | None
    update_form: forms.Form | None
    outage_form: forms.Form | None
    #: Hand over to another manager (who coordinates, while the major incident is open).
    manager_form: forms.Form | None = None
    #: A search for tickets to link: what was typed and what it found (None: no search).
    query: str = ""
    candidates: list[Incident] | None = None
    notice: str = ""
    notice_error: bool = False

    @property
    def suggested_numbers(self) -> str:
        return " ".join(t.number for t in self.suggestions)


def major_context(
    request: AuthenticatedHttpRequest, incident: Incident, **panel: Any
) -> dict[str, Any]:
    """The ticket page's major incident context; `panel` overrides the panel's parts (a
    form with errors, a search, a notice)."""
    user = request.user
    context: dict[str, Any] = {
        "major_panel": None,
        "major_parent": None,
        "may_leave_parent": False,
        "major_proposal": None,
        "may_declare": False,
    }
    if incident.is_major:
        context["major_panel"] = major_panel(request, incident, **panel)
    elif incident.parent_id is not None:
        parent = incident.parent
        context["major_parent"] = parent
        context["may_leave_parent"] = (
            parent is not None and parent.is_open and rules.coordinates_major(parent, user)
        )
    else:
        if rules.may_link_children(user):
            context["major_proposal"] = open_major_on_service(incident)
        context["may_declare"] = rules.may_declare_major(user) and not why_not_major(incident)
    return context


def major_panel(request: AuthenticatedHttpRequest, incident: Incident, **panel: Any) -> MajorPanel:
    user = request.user
    may_link = incident.is_open and rules.may_link_children(user)
    coordinates = rules.coordinates_major(incident, user)
    editable = coordinates and incident.status != Status.CLOSED
    found = MajorPanel(
        children=list(children_of(incident)),
        updates=list(updates_of(incident)),
        suggestions=list(incident_suggest_children(incident)) if may_link else [],
        may_link=may_link,
        coordinates=coordinates,
        link_form=LinkChildrenForm() if may_link else None,
        update_form=MajorUpdateForm() if editable else None,
        outage_form=(
            OutageForm(
                initial={
                    "version": incident.version,
                    "outage_started_at": incident.outage_started_at,
                    "outage_ended_at": incident.outage_ended_at,
                },
                record=incident,
            )
            if editable
            else None
        ),
    )
    if coordinates and incident.is_open:
        found.manager_form = ManagerForm(
            initial={"version": incident.version, "manager": incident.major_manager_id},
            record=incident,
        )
    for name, value in panel.items():
        setattr(found, name, value)
    if found.query and found.candidates is None and may_link:
        found.candidates = link_candidates(user, incident, found.query)
    return found

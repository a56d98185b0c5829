"""The tickets' transition runner: servicedesk.workflow's, with what is about tickets.
Every save of a locked ticket puts what happened to its SLA clocks on the ledger (status
change, first response, new targets), and every transition is announced after commit by
`ticket_status_changed`."""

from collections.abc import Callable, Iterable

from django.db.models import QuerySet
from django.utils.translation import gettext_lazy as _

from incidents import sla
from incidents.exceptions import StaleTicket
from incidents.models import Incident, SlaEvent
from incidents.signals import ticket_status_changed
from servicedesk.workflow import Actor, Workflow, after_commit

#: The fields a transition may touch; saved together with update_fields.
LIFECYCLE_FIELDS = [
    "status",
    "version",
    "updated_at",
    "support_group",
    "assignee",
    "closure_code",
    "duplicate_of",
    "resolved_with",
    "third_party",
    "assigned_at",
    "first_response_at",
    "resolved_at",
    "closed_at",
    "highest_line",
    "rejection_count",
]


class _TicketWorkflow(Workflow[Incident]):
    model = Incident
    fields = LIFECYCLE_FIELDS
    stale_error = StaleTicket
    not_now = _("This is not possible while the ticket is %(status)s.")
    not_allowed = _("You may not do this on this ticket.")

    def rows(self) -> QuerySet[Incident]:
        return Incident.objects.select_related("sla_policy__calendar")

    def lock(self, record: Incident, expected_version: int | None = None) -> Incident:
        fresh = super().lock(record, expected_version)
        fresh._responded_when_locked = fresh.first_response_at is not None
        return fresh

    def save_transition(self, record: Incident, *, actor: Actor, reason: str) -> None:
        save_ticket(
            record,
            actor=actor,
            reason=reason,
            fields=LIFECYCLE_FIELDS,
            sla_events=[sla.event_for_status(record)],
        )

    def announce(self, record: Incident, *, source: str, actor: Actor, reason: str) -> None:
        _announce_status_change(record, source=source, actor=actor, reason=reason)


_TICKETS = _TicketWorkflow()


def run_transition(
    incident: Incident,
    name: str,
    *,
    actor: Actor,
    reason: str,
    expected_version: int | None = None,
    prepare: Callable[[Incident], str | None] | None = None,
    after: Callable[[Incident], object] | None = None,
    by_system: bool = False,
) -> Incident:
    """Run the ticket's transition `name` (see servicedesk.workflow.Workflow.run)."""
    return _TICKETS.run(
        incident,
        name,
        actor=actor,
        reason=reason,
        expected_version=expected_version,
        prepare=prepare,
        after=after,
        by_system=by_system,
    )


def available_transitions(incident: Incident, user: Actor) -> list[str]:
    """Names of the transitions this user may start from the ticket's current status.
    Input conditions (a comment, a closure code) are asked for by the action's form."""
    return _TICKETS.available_transitions(incident, user)


def lock_ticket(incident: Incident, expected_version: int | None = None) -> Incident:
    """The ticket's row, locked, with its SLA policy and calendar; StaleTicket when
    `expected_version` is not the row's."""
    return _TICKETS.lock(incident, expected_version)


def save_ticket(
    incident: Incident,
    *,
    actor: Actor,
    reason: str,
    fields: list[str],
    sla_events: Iterable[SlaEvent] = (),
    bump: bool = True,
) -> None:
    """Save a locked ticket: bump its version (unless `bump` is False), record who and
    why, and put what happened to its SLA clock (status change, first response, new
    targets) on the ledger."""
    events = list(sla_events)
    if incident.first_response_at and not getattr(incident, "_responded_when_locked", True):
        events.append(sla.event_for_response(incident))
        incident._responded_when_locked = True
    if events:
        sla.record(incident, events)
        fields = [*fields, *sla.SLA_FIELDS]
    _TICKETS.save(incident, actor=actor, reason=reason, fields=fields, bump=bump)
    sla.persist(incident, events)


def _announce_status_change(incident: Incident, *, source: str, actor: Actor, reason: str) -> None:
    """Announce this transition once the transaction commits, as it is now (each
    announcement carries its own status, version and reason, even when the caller runs
    further transitions on the same object before the commit, as seed_demo does)."""
    after_commit(
        incident,
        lambda ticket: ticket_status_changed.send(
            sender=Incident,
            incident=ticket,
            source=source,
            target=ticket.status,
            actor=actor,
            reason=reason,
        ),
    )

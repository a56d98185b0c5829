"""When an SLA's terms change (a holiday added, working hours or targets edited, pause
statuses changed), the open tickets it governs get their due times replayed from their
ledgers by the new terms. Runs in the background (incidents.tasks.sla_recompute), one
batch of tickets per call, so a policy with 100,000 open tickets is never loaded at once.
Replaying is deterministic: running a batch twice changes nothing the second time."""

from typing import cast

from django.db import transaction
from django.db.models import Prefetch
from django.utils import timezone
from django.utils.translation import gettext as _

from incidents import sla
from incidents.dashboard import rollup
from incidents.models import OPEN_STATUSES, Incident, SlaEvent
from servicedesk.models import SlaPolicy

RECOMPUTE_BATCH = 500
#: What a replay may change; saved with bulk_update.
RECOMPUTED_FIELDS = [f for f in sla.SLA_FIELDS if f != "sla_policy"]
_DUE_FIELDS = ("response_due_at", "resolution_due_at")


def sla_recompute_open(
    *, policy_ids: list[int], after: int = 0, batch: int = RECOMPUTE_BATCH
) -> int | None:
    """Replay the clocks of the next `batch` open tickets (id > `after`) governed by the
    policies. Returns the last id done, or None when no ticket was left."""
    with transaction.atomic():
        tickets = list(
            Incident.objects.filter(
                sla_policy_id__in=policy_ids, status__in=OPEN_STATUSES, pk__gt=after
            )
            .order_by("pk")
            .select_for_update(of=("self",))
            .prefetch_related(
                Prefetch("sla_events", queryset=SlaEvent.objects.order_by("at", "pk"))
            )[:batch]
        )
        if not tickets:
            return None
        policies = _policies(policy_ids)
        now = timezone.now()
        changed_events = []
        for ticket in tickets:
            # Only tickets of these policies were selected.
            ticket.sla_policy = policies[cast(int, ticket.sla_policy_id)]
            before = [getattr(ticket, f) for f in _DUE_FIELDS]
            sla.apply_clock(ticket, sla.clock_for(ticket, list(ticket.sla_events.all())), now)
            if [getattr(ticket, f) for f in _DUE_FIELDS] != before:
                changed_events.append(_policy_event(ticket, now))
        Incident.objects.bulk_update(tickets, RECOMPUTED_FIELDS)
        SlaEvent.objects.bulk_create(changed_events)
        # The breach flags may have changed: the dashboard's roll-up of those days.
        rollup.touch(ticket.registered_at for ticket in tickets)
    return tickets[-1].pk


def _policies(policy_ids: list[int]) -> dict[int, SlaPolicy]:
    """The policies with everything the replay reads, so it asks the database nothing
    per ticket (each calendar's schedule is built once)."""
    rows = SlaPolicy.objects.with_targets().prefetch_related("fulfilment_targets")
    return {policy.pk: policy for policy in rows.filter(pk__in=policy_ids)}


def _policy_event(ticket: Incident, now) -> SlaEvent:
    return SlaEvent(
        incident=ticket,
        kind=SlaEvent.Kind.POLICY,
        at=now,
        status=ticket.status,
        priority=ticket.priority,
        note=_("due times recomputed")[:200],
    )

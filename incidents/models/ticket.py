"""Incidents and service requests: one ticket model with a strict status lifecycle."""

from datetime import datetime
from typing import TYPE_CHECKING, Any

from django.conf import settings
from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from django_fsm import FSMField, transition
from simple_history.models import HistoricalRecords

from incidents import rules
from incidents.models.choices import (
    INVALID_CLOSURE_CODES,
    NUMBER_PREFIX,
    OPEN_STATUSES,
    REASSIGNABLE,
    Category,
    Channel,
    ClosureCode,
    Kind,
    Status,
)
from incidents.models.clock import current_time
from servicedesk.models import Impact, Line, Priority, Urgency
from servicedesk.models.sequences import NumberSequence
from servicedesk.workflow import ConcurrentStateModel

if TYPE_CHECKING:
    from collections.abc import Callable, Iterator

    from django_fsm import Transition

    from incidents.queue_rows import SlaCell
    from incidents.sla import Countdown

#: What the SLA sweep has marked (incidents/services/sweep.py): open tickets past a
#: warning threshold and not breached, and open tickets with a breached clock. The SLA
#: page reads these flags through small partial indexes, never the due times of every
#: open ticket.
SLA_AT_RISK = models.Q(
    status__in=OPEN_STATUSES, sla_warned=True, response_breached=False, resolution_breached=False
)
SLA_BREACHED = models.Q(status__in=OPEN_STATUSES) & (
    models.Q(response_breached=True) | models.Q(resolution_breached=True)
)

#: INC and REQ numbers come from one sequence.
TICKET_SEQUENCE = "ticket"


class IncidentQuerySet(models.QuerySet["Incident"]):
    def open(self) -> "IncidentQuerySet":
        return self.filter(status__in=OPEN_STATUSES)

    def for_list(self) -> "IncidentQuerySet":
        """What a queue row shows, in one query (named relations: nullable FKs included)."""
        return self.select_related(
            "organisation", "contact", "support_group", "assignee", "service"
        )

    def visible_to(self, user) -> "IncidentQuerySet":
        from servicedesk.roles import contact_of, is_staff_member

        if is_staff_member(user):
            return self
        contact = contact_of(user)
        if contact is not None:
            return self.filter(organisation_id=contact.organisation_id)
        return self.none()


class Incident(ConcurrentStateModel, models.Model):
    number = models.CharField(_("number"), max_length=20, unique=True, editable=False)
    kind = models.CharField(_("kind"), max_length=10, choices=Kind.choices, default=Kind.INCIDENT)
    title = models.CharField(_("title"), max_length=200)
    description = models.TextField(_("description"), blank=True)

    organisation = models.ForeignKey(
        "servicedesk.Organisation",
        on_delete=models.PROTECT,
        related_name="incidents",
        verbose_name=_("organisation"),
    )
    contact = models.ForeignKey(
        "servicedesk.Contact",
        on_delete=models.PROTECT,
        related_name="incidents",
        verbose_name=_("contact"),
    )
    channel = models.CharField(_("channel"), max_length=12, choices=Channel.choices)
    service = models.ForeignKey(
        "servicedesk.Service",
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="incidents",
        verbose_name=_("service"),
    )
    configuration_item = models.ForeignKey(
        "servicedesk.ConfigurationItem",
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="incidents",
        verbose_name=_("configuration item"),
    )
    category = models.CharField(
        _("category"), max_length=20, choices=Category.choices, default=Category.OTHER
    )

    urgency = models.PositiveSmallIntegerField(
        _("urgency"), choices=Urgency.choices, default=Urgency.MEDIUM
    )
    urgency_confirmed = models.BooleanField(_("urgency confirmed"), default=True)
    impact = models.PositiveSmallIntegerField(
        _("impact"), choices=Impact.choices, default=Impact.LOW
    )
    priority = models.PositiveSmallIntegerField(
        _("priority"), choices=Priority.choices, default=Priority.LOW
    )

    support_group = models.ForeignKey(
        "servicedesk.SupportGroup",
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="incidents",
        verbose_name=_("support group"),
    )
    assignee = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="assigned_incidents",
        verbose_name=_("assignee"),
    )
    status = FSMField(
        _("status"),
        max_length=20,
        choices=Status.choices,
        default=Status.REGISTERED,
        protected=True,
    )
    closure_code = models.CharField(
        _("closure code"), max_length=20, choices=ClosureCode.choices, blank=True
    )
    #: The knowledge article the resolution followed (incident_complete counts its use).
    resolved_with = models.ForeignKey(
        "knowledge.Article",
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="resolved_tickets",
        verbose_name=_("resolved with article"),
    )
    third_party = models.CharField(_("third party"), max_length=200, blank=True)
    # Kept by the transitions for the desk manager's figures (incidents/dashboard/): the
    # deepest support line the ticket has been with (escalation rate, first contact
    # resolution), and how often the contact rejected a resolution (reopen rate).
    highest_line = models.CharField(
        _("deepest support line"), max_length=2, choices=Line.choices, blank=True, editable=False
    )
    rejection_count = models.PositiveSmallIntegerField(
        _("resolutions rejected"), default=0, editable=False
    )
    # Major incidents (incidents/services/major.py): a ticket declared major stands for an
    # outage of its service; the customers' tickets about it are its children. PROTECT:
    # a ticket is a record, and deleting a parent must not silently detach its children
    # (their history and the SLA report name it); take them off first.
    is_major = models.BooleanField(_("major incident"), default=False)
    parent = models.ForeignKey(
        "self",
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="children",
        verbose_name=_("part of major incident"),
    )
    major_manager = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="managed_major_incidents",
        verbose_name=_("major incident manager"),
    )
    #: A ticket completed as a duplicate points to the original (which lists its
    #: duplicates); PROTECT for the same reason as `parent`.
    duplicate_of = models.ForeignKey(
        "self",
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="duplicates",
        verbose_name=_("duplicate of"),
    )
    #: The service's downtime, which the customer SLA report counts against availability.
    outage_started_at = models.DateTimeField(_("outage started"), null=True, blank=True)
    outage_ended_at = models.DateTimeField(_("outage ended"), null=True, blank=True)

    registered_at = models.DateTimeField(_("registered"), default=current_time, editable=False)
    first_response_at = models.DateTimeField(_("first response"), null=True, blank=True)
    #: The first assignment (a reassignment or an escalation keeps it).
    assigned_at = models.DateTimeField(_("assigned"), null=True, blank=True)
    resolved_at = models.DateTimeField(_("resolved"), null=True, blank=True)
    closed_at = models.DateTimeField(_("closed"), null=True, blank=True)
    updated_at = models.DateTimeField(_("updated"), auto_now=True)
    # SLA: derived from the ticket's SlaEvent ledger by incidents/sla.py, stored for
    # indexed queries (queues sorted by time left, the breach sweep).
    sla_policy = models.ForeignKey(
        "servicedesk.SlaPolicy",
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="incidents",
        verbose_name=_("SLA policy"),
    )
    response_due_at = models.DateTimeField(_("reaction due"), null=True, blank=True)
    response_warn_at = models.DateTimeField(null=True, blank=True, editable=False)
    resolution_due_at = models.DateTimeField(_("resolution due"), null=True, blank=True)
    resolution_warn_at = models.DateTimeField(null=True, blank=True, editable=False)
    response_breached = models.BooleanField(_("reaction breached"), default=False)
    resolution_breached = models.BooleanField(_("resolution breached"), default=False)
    sla_warned = models.BooleanField(default=False, editable=False)

    # The portal: answers to the service's own request form, as a list so the order
    # survives PostgreSQL's jsonb: {"answers": [{"label": "Hostname", "value": "web-01"}]}.
    form_answers = models.JSONField(_("request form answers"), default=dict, blank=True)
    # A contact asked for a higher urgency; support decides (incident_classify clears it).
    requested_urgency = models.PositiveSmallIntegerField(
        _("urgency requested by the contact"), choices=Urgency.choices, null=True, blank=True
    )

    #: Bumped on every save; a form carries the version it was rendered from so a
    #: stale edit is refused instead of silently overwriting someone else's work.
    version = models.PositiveIntegerField(default=1, editable=False)

    # incidents/services/_runner.py notes on the row it locks whether it had its first
    # response then.
    _responded_when_locked: bool
    # Queue rows only: sla.annotate_countdowns gives each row its clock, and
    # incidents.major.mark_queue_rows the number of its major incident, or of an open
    # one on its service it may belong to.
    sla_countdown: "Countdown"
    major_number: str
    major_proposal: str
    # Table rows only (incidents.queue_rows.shown and prepare_rows): what the row prints.
    organisation_name: str
    contact_name: str
    group_name: str | None
    service_name: str | None
    assignee_first_name: str | None
    assignee_last_name: str | None
    assignee_username: str | None
    url: str
    group_shown: str
    service_shown: str
    assignee_shown: str
    priority_label: str
    status_label: str
    registered_iso: str
    registered_shown: str
    sla_cell: "SlaCell | None"
    # Everything the row prints, its cache key (servicedesk.fragments).
    fragment_key: tuple[Any, ...]
    # The portal's list (incidents.views.portal), besides url, status_label and the names.
    kind_label: str
    raised: str
    # Added by django-fsm's FSMField for the `status` field.
    get_all_status_transitions: "Callable[[], Iterator[Transition]]"
    history = HistoricalRecords(
        # The SLA fields are derived; their audit trail is the SlaEvent ledger.
        excluded_fields=[
            "description",
            "updated_at",
            "response_due_at",
            "response_warn_at",
            "resolution_due_at",
            "resolution_warn_at",
            "sla_warned",
        ],
        history_change_reason_field=models.TextField(null=True),
    )

    objects = IncidentQuerySet.as_manager()
    #: The registration and resolution times as loaded from the database (from_db).
    loaded_times: tuple[datetime | None, ...] = ()

    class Meta:
        ordering = ["priority", "id"]
        verbose_name = _("ticket")
        verbose_name_plural = _("tickets")
        indexes = [
            # Queues filter on these and sort by (priority, id): see incidents/queues.py.
            models.Index(fields=["status", "priority", "id"], name="inc_queue_status"),
            models.Index(
                fields=["support_group", "status", "priority", "id"], name="inc_queue_group"
            ),
            models.Index(
                fields=["assignee", "status", "priority", "id"], name="inc_queue_assignee"
            ),
            models.Index(fields=["organisation", "status", "id"], name="inc_queue_org"),
            models.Index(fields=["contact", "registered_at"], name="inc_contact"),
            # The ticket list's (and All open's) default order, priority then number, read
            # in order from an index instead of sorting every open ticket; the same over
            # every status; and Recently resolved (incidents/ticket_lists/filters.py).
            models.Index(
                fields=["priority", "id"],
                name="inc_open_priority",
                condition=models.Q(status__in=OPEN_STATUSES),
            ),
            models.Index(fields=["priority", "id"], name="inc_priority"),
            models.Index(
                fields=["resolved_at", "id"],
                name="inc_resolved",
                condition=models.Q(resolved_at__isnull=False),
            ),
            # The SLA sweep: only tickets whose clock can still breach or warn.
            models.Index(
                fields=["resolution_due_at"],
                name="inc_sla_resolution_due",
                condition=models.Q(resolution_breached=False, resolution_due_at__isnull=False),
            ),
            models.Index(
                fields=["response_due_at"],
                name="inc_sla_response_due",
                condition=models.Q(response_breached=False, response_due_at__isnull=False),
            ),
            models.Index(
                fields=["resolution_warn_at"],
                name="inc_sla_warn",
                condition=models.Q(sla_warned=False, resolution_warn_at__isnull=False),
            ),
            models.Index(
                fields=["response_warn_at"],
                name="inc_sla_response_warn",
                condition=models.Q(sla_warned=False, response_warn_at__isnull=False),
            ),
            # Queues sorted by time left: only running clocks have a due time.
            models.Index(
                fields=["resolution_due_at", "id"],
                name="inc_sla_due_sort",
                condition=models.Q(resolution_due_at__isnull=False),
            ),
            # The same for the open tickets alone (All open, a line's groups, My work
            # sorted by time left): read in order from the index, or from the queue's
            # own entries alone, instead of a bitmap scan of the table and a sort.
            models.Index(
                fields=["resolution_due_at", "id"],
                name="inc_open_due",
                condition=models.Q(status__in=OPEN_STATUSES, resolution_due_at__isnull=False),
            ),
            models.Index(
                fields=["support_group", "resolution_due_at", "id"],
                name="inc_open_group_due",
                condition=models.Q(status__in=OPEN_STATUSES, resolution_due_at__isnull=False),
            ),
            models.Index(
                fields=["assignee", "resolution_due_at", "id"],
                name="inc_open_assignee_due",
                condition=models.Q(status__in=OPEN_STATUSES, resolution_due_at__isnull=False),
            ),
            # The SLA page: the lists and per-group counts of what the sweep marked.
            models.Index(fields=["priority", "id"], name="inc_sla_risk", condition=SLA_AT_RISK),
            models.Index(
                fields=["support_group", "id"], name="inc_sla_risk_group", condition=SLA_AT_RISK
            ),
            models.Index(fields=["priority", "id"], name="inc_sla_breach", condition=SLA_BREACHED),
            models.Index(
                fields=["support_group", "id"],
                name="inc_sla_breach_group",
                condition=SLA_BREACHED,
            ),
            models.Index(fields=["status", "resolved_at"], name="inc_completed_since"),
            # Recent incidents: the problem manager's patterns and figures (problems/).
            models.Index(fields=["kind", "registered_at"], name="inc_kind_registered"),
            # The API's updated_since filter (integrations polling for changes).
            models.Index(fields=["updated_at"], name="inc_updated_at"),
            # Major incidents: the open ones per service (the proposal on a new ticket,
            # the triage marker, the portal's banner), and a service's recent tickets
            # (the children suggested for a major incident).
            models.Index(
                fields=["service", "status"],
                name="inc_major_service",
                condition=models.Q(is_major=True),
            ),
            models.Index(fields=["service", "registered_at"], name="inc_service_registered"),
            # The desk manager's dashboard (incidents/dashboard/): tickets registered and
            # resolved in a period, of all groups or one; and the open backlog by age,
            # group, assignee and breach, read from the last index alone (an index-only
            # scan of the open tickets' entries, not of the table).
            models.Index(fields=["registered_at"], name="inc_registered"),
            models.Index(fields=["support_group", "registered_at"], name="inc_group_registered"),
            models.Index(
                fields=["support_group", "resolved_at"],
                name="inc_group_resolved",
                condition=models.Q(resolved_at__isnull=False),
            ),
            models.Index(
                fields=[
                    "registered_at",
                    "support_group",
                    "assignee",
                    "response_breached",
                    "resolution_breached",
                ],
                name="inc_backlog",
                condition=models.Q(status__in=OPEN_STATUSES),
            ),
            # The dashboard's median time to resolve: the resolutions that are work done
            # in order of their time to resolve, read from this index alone from the
            # median's band on (incidents/dashboard/metrics.py).
            models.Index(
                models.ExpressionWrapper(
                    models.F("resolved_at") - models.F("registered_at"),
                    output_field=models.DurationField(),
                ),
                models.F("resolved_at"),
                models.F("status"),
                models.F("support_group"),
                name="inc_resolved_took",
                condition=models.Q(resolved_at__isnull=False)
                & ~models.Q(closure_code__in=INVALID_CLOSURE_CODES),
            ),
            # The dashboard's knowledge figures: resolutions that followed an article.
            models.Index(
                fields=["resolved_at", "support_group", "resolved_with"],
                name="inc_resolved_with_article",
                condition=models.Q(resolved_at__isnull=False, resolved_with__isnull=False),
            ),
        ]
        constraints = [
            models.CheckConstraint(
                condition=models.Q(is_major=False) | models.Q(parent__isnull=True),
                name="inc_major_is_no_child",
            ),
            models.CheckConstraint(
                condition=models.Q(outage_ended_at__isnull=True)
                | models.Q(
                    outage_started_at__isnull=False,
                    outage_ended_at__gte=models.F("outage_started_at"),
                ),
                name="inc_outage_ends_after_start",
            ),
        ]
        permissions = [
            # Held by an L2 agent (directly or through a group), it lets them declare a
            # major incident; the service desk manager may anyway (incidents/rules.py).
            ("declare_major", "Can declare a major incident"),
        ]

    def __str__(self) -> str:
        return f"{self.number} {self.title}"

    @classmethod
    def from_db(cls, db, field_names, values, **kwargs):
        """Remember the registration and resolution times as loaded: a save that moves
        or clears them touches the dashboard's roll-up of the days they were on."""
        instance = super().from_db(db, field_names, values, **kwargs)
        instance.loaded_times = (
            instance.__dict__.get("registered_at"),
            instance.__dict__.get("resolved_at"),
        )
        return instance

    # ----- derived values and predicates ---------------------------------------------

    @property
    def is_open(self) -> bool:
        return self.status in OPEN_STATUSES

    @property
    def is_final(self) -> bool:
        return self.status == Status.CLOSED

    @property
    def is_request(self) -> bool:
        return self.kind == Kind.REQUEST

    @property
    def awaits_information(self) -> bool:
        """Information needed: waiting for the contact's answer."""
        return self.status == Status.INFORMATION_NEEDED

    @property
    def awaits_confirmation(self) -> bool:
        """Completed: waiting for the contact to confirm or reject the resolution."""
        return self.status == Status.COMPLETED

    @property
    def is_with_third_party(self) -> bool:
        """External processing, with the third party named."""
        return self.status == Status.EXTERNAL_PROCESSING and bool(self.third_party)

    @property
    def answers(self) -> list[dict]:
        """The request form's questions and answers, in the order they were asked."""
        answers = (self.form_answers or {}).get("answers", [])
        return [a for a in answers if isinstance(a, dict) and a.get("label")]

    @property
    def urgency_request_pending(self) -> bool:
        return self.requested_urgency is not None and self.requested_urgency < self.urgency

    def assign_number(self) -> None:
        """INC-000123 or REQ-000124, from the shared sequence; kept if the kind changes."""
        self.number = (
            f"{NUMBER_PREFIX[Kind(self.kind)]}-{TicketSequence.next_value(TICKET_SEQUENCE):06d}"
        )

    def mark_first_response(self, when=None) -> None:
        if self.first_response_at is None:
            self.first_response_at = when or timezone.now()

    def note_line(self, line: str) -> None:
        """Remember the deepest support line the ticket reached (l1 < l2 < l3)."""
        self.highest_line = max(self.highest_line, line)

    def has_assignee(self) -> bool:
        return self.assignee_id is not None

    def has_group(self) -> bool:
        return self.support_group_id is not None

    def note_public_comment(self, text: str) -> None:
        """The public comment that goes with the next transition (not stored here)."""
        self._public_comment = text.strip()

    def has_public_comment(self) -> bool:
        return bool(getattr(self, "_public_comment", ""))

    def has_third_party(self) -> bool:
        return bool(self.third_party.strip())

    def has_closure_code(self) -> bool:
        return bool(self.closure_code)

    def has_invalid_closure_code(self) -> bool:
        return self.closure_code in INVALID_CLOSURE_CODES

    def has_parent(self) -> bool:
        return self.parent_id is not None

    @property
    def outage_is_ongoing(self) -> bool:
        return self.outage_started_at is not None and self.outage_ended_at is None

    # ----- the lifecycle --------------------------------------------------------------
    # Each transition states its sources, one-line conditions and who may perform it.
    # A service (incidents/services/) sets the fields a transition needs, calls it, saves
    # and records why.

    @transition(
        field=status,
        source=REASSIGNABLE,
        target=Status.ASSIGNED,
        conditions=[has_group],  # type: ignore[list-item]  # django-fsm: Callable[[Model], bool]
        permission=rules.can_triage,
    )
    def assign(self) -> None:
        """To a group and usually a named person; also used on escalation."""
        if self.assigned_at is None:
            self.assigned_at = timezone.now()
        self.note_line(self.support_group.line if self.support_group else "")
        self.mark_first_response()

    @transition(
        field=status,
        source=[Status.ASSIGNED, Status.REJECTED_BY_USER],
        target=Status.IN_PROGRESS,
        conditions=[has_assignee],  # type: ignore[list-item]  # django-fsm: Callable[[Model], bool]
        permission=rules.works_on,
    )
    def start_work(self) -> None:
        self.mark_first_response()

    @transition(
        field=status,
        source=Status.IN_PROGRESS,
        target=Status.INFORMATION_NEEDED,
        conditions=[has_public_comment],  # type: ignore[list-item]  # django-fsm: Callable[[Model], bool]
        permission=rules.works_on,
    )
    def request_information(self) -> None:
        """Waiting for the contact; the public comment says what is needed."""

    @transition(
        field=status,
        source=Status.IN_PROGRESS,
        target=Status.EXTERNAL_PROCESSING,
        conditions=[has_third_party],  # type: ignore[list-item]  # django-fsm: Callable[[Model], bool]
        permission=rules.works_on,
    )
    def engage_third_party(self) -> None:
        """A third party (vendor, carrier, manufacturer) is engaged."""

    @transition(
        field=status,
        source=[Status.INFORMATION_NEEDED, Status.EXTERNAL_PROCESSING],
        target=Status.IN_PROGRESS,
        permission=rules.works_on,
    )
    def resume(self) -> None:
        """The contact answered, or the third party is done: work goes on."""

    @transition(
        field=status,
        source=[Status.INFORMATION_NEEDED],
        target=Status.IN_PROGRESS,
        permission=rules.speaks_for_customer,
    )
    def customer_replied(self) -> None:
        """The contact answered what was asked: work goes on."""

    @transition(
        field=status,
        source=[Status.INFORMATION_NEEDED],
        target=Status.IN_PROGRESS,
        permission=rules.nobody,
    )
    def email_reply_received(self) -> None:
        """The contact answered by email (taken by the email intake on the system's behalf,
        once it has matched the sender to a contact of the ticket's organisation)."""

    @transition(
        field=status,
        source=Status.IN_PROGRESS,
        target=Status.COMPLETED,
        conditions=[has_closure_code],  # type: ignore[list-item]  # django-fsm: Callable[[Model], bool]
        permission=rules.works_on,
    )
    def complete(self) -> None:
        self.resolved_at = timezone.now()

    @transition(
        field=status,
        source=[Status.REGISTERED, Status.ASSIGNED],
        target=Status.COMPLETED,
        conditions=[has_invalid_closure_code],  # type: ignore[list-item]  # django-fsm: Callable[[Model], bool]
        permission=rules.can_triage,
    )
    def complete_as_invalid(self) -> None:
        """An invalid, duplicate or out-of-scope ticket, completed without being worked."""
        self.resolved_at = timezone.now()
        self.mark_first_response()

    @transition(
        field=status,
        source=Status.COMPLETED,
        target=Status.CLOSED,
        permission=rules.speaks_for_customer,
    )
    def confirm(self) -> None:
        """The contact is satisfied."""
        self.closed_at = timezone.now()

    @transition(
        field=status,
        source=Status.COMPLETED,
        target=Status.REJECTED_BY_USER,
        permission=rules.speaks_for_customer,
    )
    def reject_resolution(self) -> None:
        """The contact is not satisfied; the ticket must be reworked."""
        self.rejection_count += 1
        self.resolved_at = None
        self.closure_code = ""
        self.duplicate_of = None
        self.resolved_with = None

    @transition(
        field=status,
        source=Status.COMPLETED,
        target=Status.CLOSED,
        permission=rules.takes_calls,
    )
    def confirm_on_behalf(self) -> None:
        """The contact confirmed by phone; an agent records it on their behalf."""
        self.closed_at = timezone.now()

    @transition(
        field=status,
        source=Status.COMPLETED,
        target=Status.REJECTED_BY_USER,
        permission=rules.takes_calls,
    )
    def reject_on_behalf(self) -> None:
        """The contact rejected by phone; an agent records it on their behalf."""
        self.rejection_count += 1
        self.resolved_at = None
        self.closure_code = ""
        self.duplicate_of = None
        self.resolved_with = None

    @transition(
        field=status,
        source=OPEN_STATUSES,
        target=Status.COMPLETED,
        conditions=[has_parent, has_closure_code],  # type: ignore[list-item]  # django-fsm: Callable[[Model], bool]
        permission=rules.nobody,
    )
    def complete_with_major_incident(self) -> None:
        """Resolved with its major incident: completing the parent completes each open
        child with the parent's resolution (run by the system for whoever completed the
        parent, never by a person; incidents/services/major.py). The resolution time is
        the parent's when the service set it."""
        if self.resolved_at is None:
            self.resolved_at = timezone.now()
        self.mark_first_response(self.resolved_at)

    @transition(
        field=status, source=Status.COMPLETED, target=Status.CLOSED, permission=rules.nobody
    )
    def auto_close(self) -> None:
        """Three quiet days in Completed (run by the system, never by a person)."""
        self.closed_at = timezone.now()


class TicketSequence(NumberSequence):
    """Hands out ticket numbers: INC and REQ share one sequence ("ticket")."""

    class Meta:
        verbose_name = _("ticket number sequence")

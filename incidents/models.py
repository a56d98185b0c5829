"""Incidents and service requests: one ticket model with a strict status lifecycle."""

from typing import TYPE_CHECKING

from django.conf import settings
from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from django_fsm import ConcurrentTransitionMixin, FSMField, transition
from simple_history.models import HistoricalRecords

from incidents import rules
from servicedesk.models import Impact, Priority, Urgency

if TYPE_CHECKING:
    from collections.abc import Callable, Iterator

    from django.contrib.auth.models import User
    from django_fsm import Transition

    from incidents.sla import Countdown


def current_time():
    """timezone.now, looked up at call time so tests can move the clock."""
    return timezone.now()


class Status(models.TextChoices):
    REGISTERED = "registered", _("Registered")
    ASSIGNED = "assigned", _("Assigned")
    IN_PROGRESS = "in_progress", _("In progress")
    INFORMATION_NEEDED = "information_needed", _("Information needed")
    EXTERNAL_PROCESSING = "external_processing", _("External processing")
    COMPLETED = "completed", _("Completed")
    REJECTED_BY_USER = "rejected_by_user", _("Rejected by user")
    CLOSED = "closed", _("Closed")


OPEN_STATUSES = [
    Status.REGISTERED,
    Status.ASSIGNED,
    Status.IN_PROGRESS,
    Status.INFORMATION_NEEDED,
    Status.EXTERNAL_PROCESSING,
    Status.REJECTED_BY_USER,
]
WORKING_STATUSES = [Status.IN_PROGRESS, Status.INFORMATION_NEEDED, Status.EXTERNAL_PROCESSING]
REASSIGNABLE = [Status.REGISTERED, Status.ASSIGNED, Status.IN_PROGRESS, Status.REJECTED_BY_USER]


class Kind(models.TextChoices):
    INCIDENT = "incident", _("Incident")
    REQUEST = "request", _("Service request")


NUMBER_PREFIX = {Kind.INCIDENT: "INC", Kind.REQUEST: "REQ"}


class Channel(models.TextChoices):
    PORTAL = "portal", _("Portal")
    EMAIL = "email", _("Email")
    PHONE = "phone", _("Phone")
    MONITORING = "monitoring", _("Monitoring")
    AGENT = "agent", _("Agent")


CUSTOMER_CHANNELS = {Channel.PORTAL, Channel.EMAIL}


class Category(models.TextChoices):
    OUTAGE = "outage", _("Outage")
    DEGRADATION = "degradation", _("Degradation")
    ERROR = "error", _("Error or malfunction")
    SECURITY = "security", _("Security")
    CONSULTATION = "consultation", _("Consultation")
    LICENCE = "licence", _("Licence")
    RESOURCES = "resources", _("Resources")
    ACCESS = "access", _("Access")
    OTHER = "other", _("Other")


class ClosureCode(models.TextChoices):
    RESOLVED = "resolved", _("Resolved")
    WORKAROUND = "workaround", _("Resolved with a workaround")
    FULFILLED = "fulfilled", _("Request fulfilled")
    NO_FAULT_FOUND = "no_fault_found", _("No fault found")
    INVALID = "invalid", _("Invalid request")
    DUPLICATE = "duplicate", _("Duplicate")
    OUT_OF_SCOPE = "out_of_scope", _("Not covered by the contract")


#: Closure codes that may complete a ticket that was never worked (straight from triage).
INVALID_CLOSURE_CODES = [ClosureCode.INVALID, ClosureCode.DUPLICATE, ClosureCode.OUT_OF_SCOPE]


#: What the SLA sweep has marked (incidents/services.py sla_sweep): open tickets past a
#: warning threshold and not breached, and open tickets with a breached clock. The SLA
#: page reads these flags through small partial indexes, never the due times of every
#: open ticket.
SLA_AT_RISK = models.Q(
    status__in=OPEN_STATUSES, sla_warned=True, response_breached=False, resolution_breached=False
)
SLA_BREACHED = models.Q(status__in=OPEN_STATUSES) & (
    models.Q(response_breached=True) | models.Q(resolution_breached=True)
)


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


class Incident(ConcurrentTransitionMixin, models.Model):
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
    third_party = models.CharField(_("third party"), max_length=200, blank=True)
    major_incident = models.ForeignKey(
        "self",
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="child_incidents",
        verbose_name=_("major incident"),
    )

    registered_at = models.DateTimeField(_("registered"), default=current_time, editable=False)
    first_response_at = models.DateTimeField(_("first response"), null=True, blank=True)
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

    # Read by simple-history when it writes the history row of the next save.
    _history_user: "User | None"
    _change_reason: str
    # services.py notes on the row it locks whether it had its first response then.
    _responded_when_locked: bool
    # Queue rows only: sla.annotate_countdowns gives each row its clock.
    sla_countdown: "Countdown"
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
            # The API's updated_since filter (integrations polling for changes).
            models.Index(fields=["updated_at"], name="inc_updated_at"),
        ]

    def __str__(self) -> str:
        return f"{self.number} {self.title}"

    # ----- derived values and predicates ---------------------------------------------

    @property
    def is_open(self) -> bool:
        return self.status in OPEN_STATUSES

    @property
    def is_final(self) -> bool:
        return self.status == Status.CLOSED

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
        self.number = f"{NUMBER_PREFIX[Kind(self.kind)]}-{TicketSequence.next_value():06d}"

    def mark_first_response(self, when=None) -> None:
        if self.first_response_at is None:
            self.first_response_at = when or timezone.now()

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

    # ----- the lifecycle --------------------------------------------------------------
    # Each transition states its sources, one-line conditions and who may perform it.
    # services.py sets the fields a transition needs, calls it, saves and records why.

    @transition(
        field=status,
        source=REASSIGNABLE,
        target=Status.ASSIGNED,
        conditions=[has_group],  # type: ignore[list-item]  # django-fsm: Callable[[Model], bool]
        permission=rules.can_triage,
    )
    def assign(self) -> None:
        """To a group and usually a named person; also used on escalation."""
        self.assigned_at = timezone.now()
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
        self.resolved_at = None
        self.closure_code = ""

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
        self.resolved_at = None
        self.closure_code = ""

    @transition(
        field=status, source=Status.COMPLETED, target=Status.CLOSED, permission=rules.nobody
    )
    def auto_close(self) -> None:
        """Three quiet days in Completed (run by the system, never by a person)."""
        self.closed_at = timezone.now()


class SlaEvent(models.Model):
    """One entry of a ticket's SLA ledger (see incidents/sla.py)."""

    class Kind(models.TextChoices):
        START = "start", _("Clock started")
        STATUS = "status", _("Status changed")
        RESPOND = "respond", _("First response")
        RETARGET = "retarget", _("Targets changed")
        POLICY = "policy", _("SLA policy changed")
        BREACH = "breach", _("Breached")
        WARN = "warn", _("At risk")

    incident = models.ForeignKey(Incident, on_delete=models.CASCADE, related_name="sla_events")
    kind = models.CharField(max_length=10, choices=Kind.choices)
    at = models.DateTimeField(default=current_time)
    status = models.CharField(max_length=20, choices=Status.choices)
    priority = models.PositiveSmallIntegerField(choices=Priority.choices)
    note = models.CharField(max_length=200, blank=True)

    class Meta:
        ordering = ["at", "pk"]
        verbose_name = _("SLA event")
        verbose_name_plural = _("SLA events")
        indexes = [models.Index(fields=["incident", "at"], name="sla_event_ledger")]

    def __str__(self) -> str:
        return f"{self.incident_id} {self.kind} {self.at:%Y-%m-%d %H:%M}"

    def describe(self) -> str:
        if self.note:
            return f"{self.get_kind_display()}: {self.note}"
        if self.kind == self.Kind.START:
            return _("Clock started at %(priority)s") % {"priority": self.get_priority_display()}
        return str(self.get_kind_display())


class TicketSequence(models.Model):
    """Hands out ticket numbers: one row, incremented under its row lock, so numbers are
    never reused (not even after a delete) and INC/REQ share one sequence."""

    name = models.CharField(max_length=20, primary_key=True)
    last_value = models.PositiveBigIntegerField(default=0)

    class Meta:
        verbose_name = _("ticket number sequence")

    def __str__(self) -> str:
        return f"{self.name}: {self.last_value}"

    @classmethod
    def next_value(cls, name: str = "ticket") -> int:
        """Call inside a transaction: the row stays locked until it commits."""
        cls.objects.get_or_create(name=name)
        cls.objects.filter(name=name).update(last_value=models.F("last_value") + 1)
        return cls.objects.values_list("last_value", flat=True).get(name=name)


class Comment(models.Model):
    """A public reply (the contact sees it) or an internal work note."""

    incident = models.ForeignKey(
        Incident, on_delete=models.CASCADE, related_name="comments", verbose_name=_("ticket")
    )
    author = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("author"),
    )
    #: The contact who wrote it by email (a contact without a portal login has no user).
    author_contact = models.ForeignKey(
        "servicedesk.Contact",
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("author (contact)"),
    )
    body = models.TextField(_("text"))
    is_public = models.BooleanField(_("public"), default=False)
    created_at = models.DateTimeField(_("created"), default=current_time, editable=False)
    # Read by simple-history when it writes the history row of the next save.
    _history_user: "User | None"
    _change_reason: str
    history = HistoricalRecords()

    class Meta:
        ordering = ["created_at", "pk"]
        verbose_name = _("comment")
        verbose_name_plural = _("comments")
        indexes = [models.Index(fields=["incident", "created_at"], name="comment_timeline")]

    def __str__(self) -> str:
        return f"{self.incident.number}: {self.body[:40]}"


def attachment_path(instance: "Attachment", filename: str) -> str:
    # The stored name never comes from the user: no traversal, no collisions.
    import uuid

    return f"attachments/{instance.incident_id}/{uuid.uuid4().hex}"


class Attachment(models.Model):
    incident = models.ForeignKey(
        Incident, on_delete=models.CASCADE, related_name="attachments", verbose_name=_("ticket")
    )
    comment = models.ForeignKey(
        Comment, on_delete=models.SET_NULL, null=True, blank=True, related_name="attachments"
    )
    file = models.FileField(_("file"), upload_to=attachment_path, max_length=200)
    original_name = models.CharField(_("file name"), max_length=200)
    content_type = models.CharField(_("content type"), max_length=100)
    size = models.PositiveBigIntegerField(_("size"))
    uploaded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, related_name="+"
    )
    created_at = models.DateTimeField(_("uploaded"), default=current_time, editable=False)
    history = HistoricalRecords()

    class Meta:
        ordering = ["created_at", "pk"]
        verbose_name = _("attachment")
        verbose_name_plural = _("attachments")

    def __str__(self) -> str:
        return self.original_name


# ----- API tokens and monitoring intake ----------------------------------------------------


class ApiToken(models.Model):
    """A bearer token for the JSON API (/api/v1/). It acts either as a staff user (and may
    do what that user's roles allow) or as a customer contact (scoped to the contact's
    organisation, acting through the contact's portal login). Only the SHA-256 hash of the
    token is stored; the admin shows the token once, when it is issued."""

    name = models.CharField(_("name"), max_length=100, help_text=_("What the token is for."))
    prefix = models.CharField(_("token prefix"), max_length=16, editable=False)
    token_hash = models.CharField(max_length=64, unique=True, editable=False)
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.CASCADE,
        null=True,
        blank=True,
        related_name="api_tokens",
        verbose_name=_("staff user"),
        help_text=_("A staff member: the token may do what this user's roles allow."),
    )
    contact = models.ForeignKey(
        "servicedesk.Contact",
        on_delete=models.CASCADE,
        null=True,
        blank=True,
        related_name="api_tokens",
        verbose_name=_("contact"),
        help_text=_(
            "A customer contact with a portal login: the token sees only the contact's "
            "organisation."
        ),
    )
    is_active = models.BooleanField(_("active"), default=True)
    created_at = models.DateTimeField(_("created"), default=current_time, editable=False)
    last_used_at = models.DateTimeField(_("last used"), null=True, blank=True, editable=False)
    history = HistoricalRecords(excluded_fields=["token_hash", "last_used_at"])

    class Meta:
        ordering = ["name", "pk"]
        verbose_name = _("API token")
        verbose_name_plural = _("API tokens")
        constraints = [
            models.CheckConstraint(
                condition=(
                    models.Q(user__isnull=False, contact__isnull=True)
                    | models.Q(user__isnull=True, contact__isnull=False)
                ),
                name="apitoken_user_xor_contact",
            )
        ]

    def __str__(self) -> str:
        return f"{self.name} ({self.prefix}…)"

    def clean(self) -> None:
        from django.core.exceptions import ValidationError

        from servicedesk.roles import is_staff_member

        if (self.user_id is None) == (self.contact_id is None):
            raise ValidationError(_("Choose either a staff user or a contact, not both."))
        if self.user_id is not None and not is_staff_member(self.user):
            raise ValidationError({"user": _("This user has no staff role.")})
        if self.contact is not None and self.contact.user_id is None:
            raise ValidationError(
                {"contact": _("Give the contact a portal login first: the token acts as it.")}
            )

    def issue_secret(self) -> str:
        """Set a new token (replacing any old one) and return its plaintext, once."""
        from incidents import tokens

        issued = tokens.issue(tokens.API_TOKEN_KIND)
        self.prefix, self.token_hash = issued.prefix, issued.digest
        return issued.plaintext


class AlertSource(models.Model):
    """A monitoring system allowed to post alerts (POST /api/v1/alerts). Its alerts become
    incidents of its organisation, raised for its contact. Token as for ApiToken."""

    name = models.CharField(_("name"), max_length=100, unique=True)
    prefix = models.CharField(_("token prefix"), max_length=16, editable=False)
    token_hash = models.CharField(max_length=64, unique=True, editable=False)
    organisation = models.ForeignKey(
        "servicedesk.Organisation",
        on_delete=models.PROTECT,
        related_name="alert_sources",
        verbose_name=_("organisation"),
    )
    contact = models.ForeignKey(
        "servicedesk.Contact",
        on_delete=models.PROTECT,
        related_name="alert_sources",
        verbose_name=_("contact"),
        help_text=_("Tickets are raised for this authorised contact of the organisation."),
    )
    service = models.ForeignKey(
        "servicedesk.Service",
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="alert_sources",
        verbose_name=_("default service"),
        help_text=_("Used when an alert names no service, or one the catalogue does not know."),
    )
    is_active = models.BooleanField(_("active"), default=True)
    created_at = models.DateTimeField(_("created"), default=current_time, editable=False)
    last_used_at = models.DateTimeField(_("last used"), null=True, blank=True, editable=False)
    history = HistoricalRecords(excluded_fields=["token_hash", "last_used_at"])

    class Meta:
        ordering = ["name"]
        verbose_name = _("monitoring alert source")
        verbose_name_plural = _("monitoring alert sources")

    def __str__(self) -> str:
        return self.name

    def clean(self) -> None:
        from django.core.exceptions import ValidationError

        if (
            self.contact_id is not None
            and self.organisation_id is not None
            and self.contact.organisation_id != self.organisation_id
        ):
            raise ValidationError({"contact": _("The contact must belong to the organisation.")})

    def issue_secret(self) -> str:
        from incidents import tokens

        issued = tokens.issue(tokens.ALERT_TOKEN_KIND)
        self.prefix, self.token_hash = issued.prefix, issued.digest
        return issued.plaintext


class AlertStatus(models.TextChoices):
    FIRING = "firing", _("Firing")
    RESOLVED = "resolved", _("Resolved")


class MonitoringAlert(models.Model):
    """Links an alert (its source's `source` label and `key`) to the incident it opened.
    While that incident is open, the alert's repeats are occurrences on it; the one
    *current* row per (alert source, source, key) is found and locked through a partial
    unique index, so two identical alerts at the same moment open one incident.
    Counters are updated in place; history records creation and status changes."""

    alert_source = models.ForeignKey(
        AlertSource,
        on_delete=models.CASCADE,
        related_name="alerts",
        verbose_name=_("alert source"),
    )
    source = models.CharField(_("source"), max_length=100)
    key = models.CharField(_("key"), max_length=200)
    incident = models.ForeignKey(
        Incident,
        on_delete=models.CASCADE,
        related_name="monitoring_alerts",
        verbose_name=_("ticket"),
    )
    status = models.CharField(
        _("status"), max_length=10, choices=AlertStatus.choices, default=AlertStatus.FIRING
    )
    severity = models.CharField(_("severity"), max_length=10)
    is_current = models.BooleanField(
        _("current"),
        default=True,
        help_text=_("Repeats of this alert go to this ticket (until it is no longer open)."),
    )
    occurrences = models.PositiveIntegerField(_("occurrences"), default=1)
    first_seen_at = models.DateTimeField(_("first seen"), default=current_time)
    last_seen_at = models.DateTimeField(_("last seen"), default=current_time)
    last_note_at = models.DateTimeField(_("last work note"), null=True, blank=True)
    #: Occurrences and recoveries since the last work note (notes are rate-limited).
    unreported = models.PositiveIntegerField(default=0)
    last_payload = models.JSONField(_("last payload"), default=dict, blank=True)
    history = HistoricalRecords(excluded_fields=["last_payload"])

    class Meta:
        ordering = ["-last_seen_at", "pk"]
        verbose_name = _("monitoring alert")
        verbose_name_plural = _("monitoring alerts")
        constraints = [
            models.UniqueConstraint(
                fields=["alert_source", "source", "key"],
                condition=models.Q(is_current=True),
                name="alert_one_current_per_key",
            )
        ]

    def __str__(self) -> str:
        return f"{self.source}/{self.key} → {self.incident_id}"


# Inbound email and the IMAP mailboxes belong to this app; they live beside their intake code.
from incidents.intake.models import InboundEmail, Mailbox, Submission  # noqa: E402, F401


class SatisfactionRating(models.Model):
    """How satisfied the contact was with a closed ticket: one rating per ticket."""

    class Score(models.IntegerChoices):
        VERY_DISSATISFIED = 1, _("Very dissatisfied")
        DISSATISFIED = 2, _("Dissatisfied")
        NEUTRAL = 3, _("Neither satisfied nor dissatisfied")
        SATISFIED = 4, _("Satisfied")
        VERY_SATISFIED = 5, _("Very satisfied")

    incident = models.OneToOneField(
        Incident,
        on_delete=models.CASCADE,
        related_name="satisfaction_rating",
        verbose_name=_("ticket"),
    )
    score = models.PositiveSmallIntegerField(_("score"), choices=Score.choices)
    comment = models.TextField(_("comment"), blank=True)
    rated_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("rated by"),
    )
    created_at = models.DateTimeField(_("rated"), default=current_time, editable=False)
    history = HistoricalRecords()

    class Meta:
        ordering = ["-created_at", "pk"]
        verbose_name = _("satisfaction rating")
        verbose_name_plural = _("satisfaction ratings")
        constraints = [
            models.CheckConstraint(
                condition=models.Q(score__gte=1, score__lte=5), name="satisfaction_score_1_to_5"
            )
        ]

    def __str__(self) -> str:
        return f"{self.incident_id}: {self.score}/5"


class TicketCc(models.Model):
    """Another contact of the ticket's organisation who gets the contact's mail about the
    ticket (public replies and status changes) as well. Added and removed by agents on
    the ticket page (incidents/cc.py); history records who did it."""

    incident = models.ForeignKey(
        Incident, on_delete=models.CASCADE, related_name="cc_entries", verbose_name=_("ticket")
    )
    contact = models.ForeignKey(
        "servicedesk.Contact",
        on_delete=models.CASCADE,
        related_name="+",
        verbose_name=_("contact"),
    )
    added_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("added by"),
    )
    created_at = models.DateTimeField(_("added"), default=current_time, editable=False)
    # Read by simple-history when it writes the history row of the next save.
    _history_user: "User | None"
    _change_reason: str
    history = HistoricalRecords(history_change_reason_field=models.TextField(null=True))

    class Meta:
        ordering = ["created_at", "pk"]
        verbose_name = _("CC on a ticket")
        verbose_name_plural = _("CCs on tickets")
        constraints = [
            models.UniqueConstraint(fields=["incident", "contact"], name="ticket_cc_once")
        ]

    def __str__(self) -> str:
        return f"{self.incident_id} cc {self.contact_id}"

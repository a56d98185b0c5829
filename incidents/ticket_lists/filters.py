"""The ticket list's filter: a form over the query string, and the tickets it selects."""

from datetime import date, datetime, time, timedelta
from typing import Any
from urllib.parse import urlencode

from django import forms
from django.contrib.auth import get_user_model
from django.db.models import Case, F, IntegerField, Q, QuerySet, Value, When
from django.db.models.functions import Coalesce, Concat, Lower, NullIf, Trim
from django.http import QueryDict
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from incidents.models import (
    OPEN_STATUSES,
    SLA_AT_RISK,
    SLA_BREACHED,
    Channel,
    Incident,
    Kind,
    Status,
    Watch,
)
from servicedesk.models import Organisation, Priority, Service, SupportGroup
from servicedesk.people import display_name

OPEN = "open"
CLOSED = "closed"
ANY = "any"
#: The status choice: a group of statuses, or one status.
STATUS_CHOICES = [
    (OPEN, _("Open")),
    (CLOSED, _("Completed or closed")),
    (ANY, _("Any status")),
    *Status.choices,
]


def _name(path: str) -> Lower:
    """A related record's name to sort by: never null (nothing sorts first), any case."""
    return Lower(Coalesce(F(path), Value("")))


#: What the sorts order by that is not a column of the ticket, annotated by keyset_page
#: only when sorting by it: the lifecycle's order of the statuses, names as shown.
SORT_KEYS: dict[str, Any] = {
    "status_rank": Case(
        *(When(status=status, then=Value(rank)) for rank, status in enumerate(Status.values)),
        default=Value(len(Status.values)),
        output_field=IntegerField(),
    ),
    "title_key": Lower("title"),
    "organisation_key": _name("organisation__name"),
    "contact_key": _name("contact__name"),
    "service_key": _name("service__name"),
    "group_key": _name("support_group__name"),
    # As servicedesk.people.display_name writes it: the full name, else the login.
    "assignee_key": Lower(
        Coalesce(
            NullIf(
                Trim(Concat("assignee__first_name", Value(" "), "assignee__last_name")),
                Value(""),
            ),
            "assignee__username",
            Value(""),
        )
    ),
}

#: sort key → (label, what keyset pagination orders by: a column or one of SORT_KEYS,
#: what a row must have).
SORTS: dict[str, tuple[Any, str, Q]] = {
    "priority": (_("Priority, most urgent first"), "priority", Q()),
    "-priority": (_("Priority, least urgent first"), "-priority", Q()),
    "-registered": (_("Newest first"), "-registered_at", Q()),
    "registered": (_("Oldest first"), "registered_at", Q()),
    "-updated": (_("Recently updated"), "-updated_at", Q()),
    "due": (
        _("Time left, soonest breach first"),
        "resolution_due_at",
        Q(resolution_due_at__isnull=False),
    ),
    "-due": (
        _("Time left, latest breach first"),
        "-resolution_due_at",
        Q(resolution_due_at__isnull=False),
    ),
    "-resolved": (_("Recently resolved"), "-resolved_at", Q(resolved_at__isnull=False)),
    "-number": (_("Number, highest first"), "-id", Q()),
    "number": (_("Number, lowest first"), "id", Q()),
    "status": (_("Status, in lifecycle order"), "status_rank", Q()),
    "-status": (_("Status, in reverse lifecycle order"), "-status_rank", Q()),
    "title": (_("Summary, A to Z"), "title_key", Q()),
    "-title": (_("Summary, Z to A"), "-title_key", Q()),
    "organisation": (_("Organisation, A to Z"), "organisation_key", Q()),
    "-organisation": (_("Organisation, Z to A"), "-organisation_key", Q()),
    "contact": (_("Contact, A to Z"), "contact_key", Q()),
    "-contact": (_("Contact, Z to A"), "-contact_key", Q()),
    "service": (_("Service, A to Z (none first)"), "service_key", Q()),
    "-service": (_("Service, Z to A (none last)"), "-service_key", Q()),
    "group": (_("Group, A to Z (none first)"), "group_key", Q()),
    "-group": (_("Group, Z to A (none last)"), "-group_key", Q()),
    "assignee": (_("Assignee, A to Z (nobody first)"), "assignee_key", Q()),
    "-assignee": (_("Assignee, Z to A (nobody last)"), "-assignee_key", Q()),
}
DEFAULT_SORT = "priority"

SLA_STATES = {
    "on_track": Q(status__in=OPEN_STATUSES, sla_policy__isnull=False)
    & ~SLA_AT_RISK
    & ~SLA_BREACHED,
    "at_risk": SLA_AT_RISK,
    "breached": SLA_BREACHED,
    "none": Q(sla_policy__isnull=True),
}
SLA_CHOICES = [
    ("", _("Any")),
    ("on_track", _("On track")),
    ("at_risk", _("At risk")),
    ("breached", _("Breached")),
    ("none", _("No SLA")),
]

ME = "me"
NOBODY = "none"


class TicketFilterForm(forms.Form):
    status = forms.ChoiceField(label=_("Status"), choices=STATUS_CHOICES, required=False)
    priority = forms.TypedMultipleChoiceField(
        label=_("Priority"),
        choices=Priority.choices,
        coerce=int,
        required=False,
        widget=forms.CheckboxSelectMultiple,
    )
    kind = forms.ChoiceField(
        label=_("Kind"), choices=[("", _("Any")), *Kind.choices], required=False
    )
    organisation = forms.ModelChoiceField(
        label=_("Organisation"),
        empty_label=_("Any"),
        queryset=Organisation.objects.none(),
        required=False,
    )
    service = forms.ModelChoiceField(
        label=_("Service"), empty_label=_("Any"), queryset=Service.objects.none(), required=False
    )
    group = forms.ModelChoiceField(
        label=_("Group"), empty_label=_("Any"), queryset=SupportGroup.objects.none(), required=False
    )
    assignee = forms.ChoiceField(label=_("Assignee"), required=False)
    watching = forms.ChoiceField(
        label=_("Followers"),
        choices=[("", _("Any")), (ME, _("Followed by me"))],
        required=False,
    )
    channel = forms.ChoiceField(
        label=_("Channel"), choices=[("", _("Any")), *Channel.choices], required=False
    )
    sla = forms.ChoiceField(label=_("SLA"), choices=SLA_CHOICES, required=False)
    registered_from = forms.DateField(
        label=_("Registered from"),
        required=False,
        widget=forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d"),
    )
    registered_to = forms.DateField(
        label=_("Registered until"),
        required=False,
        widget=forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d"),
    )
    sort = forms.ChoiceField(
        label=_("Sort"),
        choices=[(key, label) for key, (label, _column, _need) in SORTS.items()],
        required=False,
    )

    #: The order of the query string a filter is written in (and saved as).
    FIELDS = [
        "status",
        "priority",
        "kind",
        "organisation",
        "service",
        "group",
        "assignee",
        "watching",
        "channel",
        "sla",
        "registered_from",
        "registered_to",
        "sort",
    ]

    def __init__(self, data: QueryDict | dict | None, *, user: Any, lookups: bool = True) -> None:
        """`lookups=False`: only to select tickets, never shown: reading the filter costs
        no query (ids are taken as given; an unknown one matches no ticket)."""
        super().__init__(data)
        self.user = user
        if not lookups:
            for name in ("organisation", "service", "group"):
                self.fields[name] = forms.IntegerField(required=False, min_value=1)
            self.fields["assignee"] = forms.RegexField(
                regex=rf"^({ME}|{NOBODY}|[0-9]+)$", required=False
            )
            return
        self.fields["organisation"].queryset = Organisation.objects.order_by("name")  # type: ignore[attr-defined]
        self.fields["service"].queryset = Service.objects.order_by("name")  # type: ignore[attr-defined]
        self.fields["group"].queryset = SupportGroup.objects.order_by("line", "name")  # type: ignore[attr-defined]
        agents = (
            get_user_model()
            .objects.filter(support_groups__isnull=False, is_active=True)
            .distinct()
            .order_by("first_name", "last_name", "username")
        )
        self.fields["assignee"].choices = [  # type: ignore[attr-defined]
            ("", _("Anyone")),
            (ME, _("Me")),
            (NOBODY, _("Nobody")),
            *((str(agent.pk), display_name(agent)) for agent in agents),
        ]

    def clean(self) -> dict[str, Any]:
        cleaned = super().clean() or {}
        first, last = cleaned.get("registered_from"), cleaned.get("registered_to")
        if first and last and last < first:
            self.add_error("registered_to", _("The end is before the start."))
        return cleaned

    # ----- reading it ---------------------------------------------------------------------

    def value(self, name: str) -> Any:
        """A field's clean value; None when not chosen or not valid (its error shows
        beside it, and the other fields still apply)."""
        if not self.is_bound:
            return None
        self.is_valid()
        return self.cleaned_data.get(name)

    @property
    def sort_key(self) -> str:
        return self.value("sort") or DEFAULT_SORT

    def tickets(self) -> QuerySet[Incident]:
        """The tickets the filter selects (the defaults when it has errors: open ones)."""
        tickets = Incident.objects.filter(_statuses(self.value("status") or OPEN))
        if priorities := self.value("priority"):
            tickets = tickets.filter(priority__in=priorities)
        for name, column in [
            ("kind", "kind"),
            ("organisation", "organisation"),
            ("service", "service"),
            ("group", "support_group"),
            ("channel", "channel"),
        ]:
            if chosen := self.value(name):
                tickets = tickets.filter(**{column: chosen})
        tickets = tickets.filter(self._assignee())
        if self.value("watching") == ME:
            followed = Watch.objects.filter(user=self.user).values("incident_id")
            tickets = tickets.filter(pk__in=followed)
        if state := self.value("sla"):
            tickets = tickets.filter(SLA_STATES[state])
        if first := self.value("registered_from"):
            tickets = tickets.filter(registered_at__gte=_midnight(first))
        if last := self.value("registered_to"):
            tickets = tickets.filter(registered_at__lt=_midnight(last + timedelta(days=1)))
        _label, _column, needs = SORTS[self.sort_key]
        return tickets.filter(needs)

    @property
    def order(self) -> str:
        return SORTS[self.sort_key][1]

    @property
    def sort_keys(self) -> dict[str, Any]:
        """The annotation the order names, if it is not a column (keyset_page's keys)."""
        name = self.order.removeprefix("-")
        return {name: SORT_KEYS[name]} if name in SORT_KEYS else {}

    def _assignee(self) -> Q:
        chosen = self.value("assignee")
        if not chosen:
            return Q()
        if chosen == ME:
            return Q(assignee=self.user)
        if chosen == NOBODY:
            return Q(assignee__isnull=True)
        return Q(assignee_id=int(chosen))

    def query_string(self, **changes: str) -> str:
        """The filter as a canonical query string (what a saved view keeps)."""
        pairs: list[tuple[str, str]] = []
        source = self.data if self.is_bound else {}
        for name in self.FIELDS:
            if name in changes:
                if changes[name]:
                    pairs.append((name, changes[name]))
                continue
            values: list[Any] | tuple[Any, ...]
            if isinstance(source, QueryDict):
                values = source.getlist(name)
            else:
                given = source.get(name)
                values = given if isinstance(given, list | tuple) else [given]
            pairs.extend((name, str(v)) for v in values if v not in (None, ""))
        return urlencode(pairs)

    @property
    def narrowed(self) -> bool:
        """Whether anything beyond the defaults is chosen."""
        return bool(self.query_string(sort=""))


def _statuses(choice: str) -> Q:
    if choice == ANY:
        return Q()
    if choice == CLOSED:
        return Q(status__in=[Status.COMPLETED, Status.CLOSED])
    if choice == OPEN:
        return Q(status__in=OPEN_STATUSES)
    return Q(status=choice)


def _midnight(day: date) -> datetime:
    return timezone.make_aware(datetime.combine(day, time.min))


def form_for(query: str, user: Any, *, lookups: bool = True) -> TicketFilterForm:
    """The filter of a saved view's query string (`lookups=False`: to count or select its
    tickets without a query to read it, see TicketFilterForm)."""
    return TicketFilterForm(QueryDict(query), user=user, lookups=lookups)

"""Test data. Tickets are created and moved only through incidents/services/: the
status field is protected, and a factory that set it would test a ticket the product
can never produce."""

from __future__ import annotations

import factory
from django.contrib.auth.models import Group, User

from incidents import services
from incidents.models import Channel, ClosureCode, Incident, Kind, Status
from servicedesk import roles
from servicedesk.models import (
    BusinessCalendar,
    CalendarHoliday,
    ConfigurationItem,
    Contact,
    FulfilmentTarget,
    Line,
    Organisation,
    Service,
    SlaPolicy,
    SlaTarget,
    Specialisation,
    SupportGroup,
    Urgency,
    WorkingHours,
)

PASSWORD = "demo"


def role_group(name: str) -> Group:
    """The role's Django group (created by migration servicedesk 0002; get_or_create keeps
    the factories working after a transactional test has flushed the database)."""
    group, _ = Group.objects.get_or_create(name=name)
    return group


class UserFactory(factory.django.DjangoModelFactory[User]):
    """A user; `roles=[roles.L1_AGENT, …]` puts it in those role groups."""

    class Meta:
        model = User
        django_get_or_create = ("username",)
        skip_postgeneration_save = True

    username = factory.Sequence(lambda n: f"user{n}")
    email = factory.LazyAttribute(lambda u: f"{u.username}@example.test")
    first_name = factory.Faker("first_name")
    last_name = factory.Faker("last_name")
    password = factory.django.Password(PASSWORD)

    @factory.post_generation
    def roles(self, create, extracted, **kwargs):
        if create and extracted:
            self.groups.add(*(role_group(name) for name in extracted))


class OrganisationFactory(factory.django.DjangoModelFactory[Organisation]):
    class Meta:
        model = Organisation

    name = factory.Sequence(lambda n: f"Organisation {n}")
    contract_number = factory.Sequence(lambda n: f"C-{n:05d}")


class ContactFactory(factory.django.DjangoModelFactory[Contact]):
    """A customer contact; `ContactFactory(with_login=True)` also creates its portal user."""

    class Meta:
        model = Contact

    class Params:
        with_login = factory.Trait(
            user=factory.SubFactory(UserFactory, username=factory.Sequence(lambda n: f"contact{n}"))
        )

    organisation = factory.SubFactory(OrganisationFactory)
    name = factory.Faker("name")
    email = factory.Sequence(lambda n: f"contact{n}@customer.test")
    is_authorised = True


class ServiceFactory(factory.django.DjangoModelFactory[Service]):
    class Meta:
        model = Service

    name = factory.Sequence(lambda n: f"Service {n}")


class ConfigurationItemFactory(factory.django.DjangoModelFactory[ConfigurationItem]):
    class Meta:
        model = ConfigurationItem

    name = factory.Sequence(lambda n: f"ci-{n:04d}")
    service = factory.SubFactory(ServiceFactory)
    kind = ConfigurationItem.Kind.SERVER


class SupportGroupFactory(factory.django.DjangoModelFactory[SupportGroup]):
    """A support group; `members=[user, …]` adds members."""

    class Meta:
        model = SupportGroup
        skip_postgeneration_save = True

    name = factory.Sequence(lambda n: f"Support group {n}")
    line = Line.L1
    specialisation = Specialisation.GENERAL

    @factory.post_generation
    def members(self, create, extracted, **kwargs):
        if create and extracted:
            self.members.add(*extracted)


def desk_manager_user(**kwargs) -> User:
    return UserFactory.create(roles=[roles.DESK_MANAGER], **kwargs)


class IncidentFactory(factory.django.DjangoModelFactory[Incident]):
    """A Registered ticket, created by `incident_register` (so it has a real number,
    priority and history). Pass `actor=` to choose who registers it; by default a
    service desk manager does, by phone."""

    class Meta:
        model = Incident

    contact = factory.SubFactory(ContactFactory)
    title = factory.Sequence(lambda n: f"Ticket {n}")
    description = ""
    kind = Kind.INCIDENT
    channel = Channel.PHONE
    category = "other"
    urgency = Urgency.MEDIUM
    impact = None
    service = None
    configuration_item = None
    actor = None

    @classmethod
    def _build(cls, model_class, *args, **kwargs):
        raise NotImplementedError("Build tickets with incident_register: use create().")

    @classmethod
    def _create(cls, model_class, *args, actor=None, **kwargs):
        return services.incident_register(actor=actor or desk_manager_user(), **kwargs)


def make_incident_in(
    status: str,
    *,
    actor=None,
    group: SupportGroup | None = None,
    assignee=None,
    closure_code: str = ClosureCode.RESOLVED,
    **register_kwargs,
) -> Incident:
    """A ticket brought to `status` through the real services, the way people would.

    `actor` (default: a new service desk manager) registers and assigns it; `group`
    (default: a new L1 group) receives it with `assignee` (optional; must be a member).
    The work is done by the assignee if there is one, else by the actor, who then
    becomes the assignee. The customer's steps (confirm, reject) are taken by the
    contact's portal user when it has one, else by the actor (a desk manager may speak
    for the customer). Remaining keyword arguments go to IncidentFactory.
    """
    status = Status(status)
    actor = actor or desk_manager_user()
    incident = IncidentFactory.create(actor=actor, **register_kwargs)
    if status == Status.REGISTERED:
        return incident

    if group is None:
        group = SupportGroupFactory.create(members=[assignee] if assignee is not None else [])
    services.incident_assign(incident=incident, group=group, assignee=assignee, actor=actor)
    if status == Status.ASSIGNED:
        return incident

    worker = assignee or actor
    services.incident_start_work(incident=incident, actor=worker)
    if status == Status.IN_PROGRESS:
        return incident
    if status == Status.INFORMATION_NEEDED:
        services.incident_request_information(
            incident=incident, comment="Which server is affected?", actor=worker
        )
        return incident
    if status == Status.EXTERNAL_PROCESSING:
        services.incident_engage_third_party(
            incident=incident, third_party="Carrier NOC", actor=worker
        )
        return incident

    services.incident_complete(
        incident=incident, closure_code=closure_code, resolution="Fixed it.", actor=worker
    )
    if status == Status.COMPLETED:
        return incident

    customer = incident.contact.user or actor
    if status == Status.CLOSED:
        services.incident_confirm(incident=incident, actor=customer)
    elif status == Status.REJECTED_BY_USER:
        services.incident_reject_resolution(
            incident=incident, reason="Still broken.", actor=customer
        )
    else:  # pragma: no cover - Status is exhaustive
        raise ValueError(status)
    return incident


# ----- SLA: business calendars and policies ------------------------------------------------

import datetime  # noqa: E402

# Mon-Fri 09:00-18:00
OFFICE_HOURS = [(weekday, datetime.time(9), datetime.time(18)) for weekday in range(5)]

# Priority → (reaction, resolution) in business minutes.
DEFAULT_SLA_TARGETS = {
    1: (15, 4 * 60),
    2: (30, 8 * 60),
    3: (2 * 60, 3 * 9 * 60),
    4: (4 * 60, 5 * 9 * 60),
    5: (2 * 9 * 60, 20 * 9 * 60),
}


class BusinessCalendarFactory(factory.django.DjangoModelFactory[BusinessCalendar]):
    """A calendar, by default Mon-Fri 09:00-18:00 Europe/Berlin without public holidays.

    `hours=[(weekday, start, end), …]` replaces the office hours (`hours=[]`: none);
    `extra_dates=[date, …]` adds extra closed dates. A 24x7 calendar gets no hours."""

    class Meta:
        model = BusinessCalendar
        skip_postgeneration_save = True

    name = factory.Sequence(lambda n: f"Calendar {n}")
    time_zone = "Europe/Berlin"
    holiday_country = ""
    holiday_subdivision = ""
    is_24x7 = False

    @factory.post_generation
    def hours(self, create, extracted, **kwargs):
        if not create:
            return
        rows = OFFICE_HOURS if extracted is None and not self.is_24x7 else extracted or []
        for weekday, start, end in rows:
            self.working_hours.create(weekday=weekday, start=start, end=end)

    @factory.post_generation
    def extra_dates(self, create, extracted, **kwargs):
        if create and extracted:
            for day in extracted:
                self.extra_holidays.create(date=day, name="Extra holiday")


class WorkingHoursFactory(factory.django.DjangoModelFactory[WorkingHours]):
    class Meta:
        model = WorkingHours

    calendar = factory.SubFactory(BusinessCalendarFactory, hours=[])
    weekday = 0
    start = datetime.time(9)
    end = datetime.time(18)


class CalendarHolidayFactory(factory.django.DjangoModelFactory[CalendarHoliday]):
    class Meta:
        model = CalendarHoliday

    calendar = factory.SubFactory(BusinessCalendarFactory)
    date = factory.Sequence(lambda n: datetime.date(2030, 1, 1) + datetime.timedelta(days=n))
    name = "Company holiday"


class SlaPolicyFactory(factory.django.DjangoModelFactory[SlaPolicy]):
    """An active policy for a new organisation on an office-hours calendar, with a
    target for every priority (DEFAULT_SLA_TARGETS). `targets={priority: (reaction,
    resolution)}` replaces them (`targets={}`: none)."""

    class Meta:
        model = SlaPolicy
        skip_postgeneration_save = True

    name = factory.Sequence(lambda n: f"SLA {n}")
    organisation = factory.SubFactory(OrganisationFactory)
    calendar = factory.SubFactory(BusinessCalendarFactory)

    @factory.post_generation
    def targets(self, create, extracted, **kwargs):
        if not create:
            return
        targets = DEFAULT_SLA_TARGETS if extracted is None else extracted
        for priority, (reaction, resolution) in targets.items():
            self.targets.create(
                priority=priority, reaction_minutes=reaction, resolution_minutes=resolution
            )


class SlaTargetFactory(factory.django.DjangoModelFactory[SlaTarget]):
    class Meta:
        model = SlaTarget

    policy = factory.SubFactory(SlaPolicyFactory, targets={})
    priority = 3
    reaction_minutes = 60
    resolution_minutes = 8 * 60


class FulfilmentTargetFactory(factory.django.DjangoModelFactory[FulfilmentTarget]):
    class Meta:
        model = FulfilmentTarget

    policy = factory.SubFactory(SlaPolicyFactory)
    service = factory.SubFactory(ServiceFactory)
    fulfilment_minutes = 5 * 9 * 60

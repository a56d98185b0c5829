"""The demo's ground floor: two customers with their contacts and SLAs, the service
catalogue, support groups on every line and a login per role (`manage.py seed_demo`).

Each app that has demo data has a `demo.py` with `seed(data)`; the command runs them in
the order of INSTALLED_APPS, this one first. Times in the demo are set with a frozen
clock (`frozen_clock`), so what an app seeds happens "back then" through its own
services and its history, ledgers and mails carry those times.
"""

import re
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from datetime import datetime, time, timedelta
from decimal import Decimal

import time_machine
from django.contrib.auth import get_user_model
from django.contrib.auth.hashers import make_password
from django.contrib.auth.models import Group

from servicedesk import roles
from servicedesk.models import (
    BusinessCalendar,
    ConfigurationItem,
    Contact,
    Line,
    Organisation,
    Service,
    SlaPolicy,
    Specialisation,
    SupportGroup,
)

PASSWORD = "demo"

ORGANISATIONS = [
    # key, name, contract number, time zone
    ("nw", "Northwind Hosting GmbH", "C-1001", "Europe/Berlin"),
    ("cc", "Contoso Cloud Ltd", "C-2002", "Europe/London"),
]

CONTACTS = [
    # key, organisation, name, email, phone, form of address[/title], language, authorised,
    # login
    (
        "jana",
        "nw",
        "Jana Becker",
        "jana.becker@northwind-hosting.example",
        "+49 30 5550 1201",
        "ms",
        "de",
        True,
        "northwind",
    ),
    (
        "stefan",
        "nw",
        "Stefan Hoffmann",
        "stefan.hoffmann@northwind-hosting.example",
        "+49 30 5550 1202",
        "mr/dr",
        "de",
        True,
        "",
    ),
    (
        "mehmet",
        "nw",
        "Mehmet Yilmaz",
        "mehmet.yilmaz@northwind-hosting.example",
        "+49 30 5550 1207",
        "mr",
        "en",
        True,
        "",
    ),
    (
        "katrin",
        "nw",
        "Katrin Schulz",
        "katrin.schulz@northwind-hosting.example",
        "+49 30 5550 1215",
        "ms/dr",
        "de",
        True,
        "",
    ),
    (
        "dmitri",
        "nw",
        "Dmitri Volkov",
        "dmitri.volkov@northwind-hosting.example",
        "+49 30 5550 1233",
        "mr",
        "ru",
        True,
        "dmitri",
    ),
    (
        "lisa",
        "nw",
        "Lisa Wagner",
        "lisa.wagner@northwind-hosting.example",
        "+49 30 5550 1290",
        "ms",
        "de",
        False,
        "",
    ),
    (
        "oliver",
        "cc",
        "Oliver Hughes",
        "oliver.hughes@contoso-cloud.example",
        "+44 20 7946 0101",
        "mr",
        "en",
        True,
        "contoso",
    ),
    (
        "priya",
        "cc",
        "Priya Shah",
        "priya.shah@contoso-cloud.example",
        "+44 20 7946 0114",
        "ms",
        "en",
        True,
        "",
    ),
    (
        "camille",
        "cc",
        "Camille Laurent",
        "camille.laurent@contoso-cloud.example",
        "+33 1 70 36 55 20",
        "ms",
        "fr",
        True,
        "camille",
    ),
    (
        "anna",
        "cc",
        "Anna Smirnova",
        "anna.smirnova@contoso-cloud.example",
        "+44 20 7946 0152",
        "ms",
        "ru",
        True,
        "",
    ),
    (
        "daniel",
        "cc",
        "Daniel Price",
        "daniel.price@contoso-cloud.example",
        "+44 20 7946 0188",
        "mr",
        "en",
        False,
        "",
    ),
]

SERVICES = [
    ("Virtual servers", "Managed virtual machines on the VMware clusters in Frankfurt."),
    ("Managed network", "Routing, firewalls, load balancers and VPN gateways."),
    ("Backup & storage", "Nightly backups, restores, NFS shares and object storage."),
    ("Email hosting", "Hosted Exchange mailboxes, SMTP relay and spam filtering."),
    ("Licences", "Microsoft SPLA and other software licences provided with the contract."),
]

# The portal's request form of each service: (label, kind, choices, required, help text).
SERVICE_FORM_FIELDS = {
    "Virtual servers": [
        ("Server name", "text", "", True, "As shown in the portal or the vSphere client."),
        ("Environment", "choice", "Production\nStaging\nTest", True, ""),
        ("vCPUs needed", "number", "", False, "For resource requests only."),
        ("Maintenance window from", "date", "", False, "When a reboot is acceptable."),
    ],
    "Managed network": [
        ("Affected site or VPN", "text", "", True, ""),
        ("Since when", "date", "", False, ""),
    ],
    "Backup & storage": [
        ("Server or share", "text", "", True, ""),
        ("Restore point", "date", "", False, "For a restore: the day to restore from."),
    ],
    "Email hosting": [
        ("Mailbox or domain", "text", "", True, ""),
        ("Number of users affected", "number", "", False, ""),
    ],
    "Licences": [
        ("Product", "choice", "Windows Server\nSQL Server\nRemote Desktop\nOther", True, ""),
        ("Number of licences", "number", "", True, ""),
        ("Details", "textarea", "", False, "Editions, durations, who will use them."),
    ],
}

CONFIGURATION_ITEMS = [
    # service, name, kind, organisation key (None: shared infrastructure)
    ("Virtual servers", "vSphere cluster FRA-1", "server", None),
    ("Virtual servers", "nw-web-01", "vm", "nw"),
    ("Virtual servers", "nw-web-02", "vm", "nw"),
    ("Virtual servers", "nw-db-01", "vm", "nw"),
    ("Virtual servers", "cc-app-01", "vm", "cc"),
    ("Virtual servers", "cc-app-02", "vm", "cc"),
    ("Managed network", "Core router FRA-CR1", "network", None),
    ("Managed network", "Firewall cluster nw-fw", "network", "nw"),
    ("Managed network", "Load balancer cc-lb-01", "network", "cc"),
    ("Managed network", "VPN gateway cc-vpn", "network", "cc"),
    ("Backup & storage", "Backup repository BR-2", "storage", None),
    ("Backup & storage", "NFS share nw-nfs-01", "storage", "nw"),
    ("Backup & storage", "Object storage bucket cc-assets", "storage", "cc"),
    ("Email hosting", "Exchange DAG MX-1", "application", None),
    ("Email hosting", "SMTP relay smtp-out", "application", None),
    ("Licences", "Microsoft SPLA", "other", None),
]

BUSINESS_DAY = 10 * 60  # business minutes in a day 08:00-18:00
DAY = 24 * 60

CALENDARS = [
    # name, time zone, public holidays (country, region), 24x7, weekly windows
    (
        "Mon-Fri 08:00-18:00 Berlin",
        "Europe/Berlin",
        "DE",
        "BE",
        False,
        [(weekday, time(8), time(18)) for weekday in range(5)],
    ),
    ("24x7 London", "Europe/London", "GB", "", True, []),
]

SLA_POLICIES = [
    # organisation key, name, calendar, warning %, availability %, compensation rule,
    # {priority: (reaction, resolution)} and {service: fulfilment}, in business minutes
    (
        "nw",
        "Northwind Business Hours SLA",
        "Mon-Fri 08:00-18:00 Berlin",
        75,
        "99.900",
        "5 % of the monthly fee per started hour of downtime beyond the availability target "
        "and 1 % per ticket resolved late, at most 50 %.",
        {
            1: (15, 4 * 60),
            2: (30, 8 * 60),
            3: (2 * 60, 2 * BUSINESS_DAY),
            4: (4 * 60, 5 * BUSINESS_DAY),
            5: (2 * BUSINESS_DAY, 20 * BUSINESS_DAY),
        },
        {"Licences": 2 * BUSINESS_DAY, "Virtual servers": 5 * BUSINESS_DAY},
    ),
    (
        "cc",
        "Contoso 24x7 SLA",
        "24x7 London",
        80,
        "99.950",
        "10 % of the monthly fee per started hour of downtime beyond the availability "
        "target and 2 % per ticket resolved late, at most 100 %.",
        {
            1: (15, 4 * 60),
            2: (30, 8 * 60),
            3: (60, DAY),
            4: (4 * 60, 3 * DAY),
            5: (2 * DAY, 20 * DAY),
        },
        {"Licences": 2 * DAY, "Virtual servers": 3 * DAY},
    ),
]

# What the monthly SLA report measures and credits (servicedesk.SlaPolicy.service_credit):
# services covered, monthly fee, currency, credit % per started hour of excess downtime,
# per ticket resolved late, and the cap.
CONTRACT_TERMS = {
    "nw": (
        ["Virtual servers", "Managed network", "Backup & storage", "Email hosting"],
        "4800.00",
        "EUR",
        "5",
        "1",
        "50",
    ),
    "cc": (
        ["Virtual servers", "Managed network", "Backup & storage", "Email hosting"],
        "12500.00",
        "GBP",
        "10",
        "2",
        "100",
    ),
}

SUPPORT_GROUPS = [
    # name, line, specialisation, email
    ("Service Desk", Line.L1, Specialisation.GENERAL, "servicedesk@hosting.example"),
    ("Platform Operations", Line.L2, Specialisation.VIRTUALISATION, "platform-ops@hosting.example"),
    ("Network Operations", Line.L2, Specialisation.NETWORK, "noc@hosting.example"),
    ("Network Engineering", Line.L3, Specialisation.NETWORK, "net-eng@hosting.example"),
    ("Storage Engineering", Line.L3, Specialisation.STORAGE, "storage-eng@hosting.example"),
    (
        "Virtualisation Engineering",
        Line.L3,
        Specialisation.VIRTUALISATION,
        "virt-eng@hosting.example",
    ),
]

STAFF = [
    # username, first name, last name, role (None: superuser), support groups
    ("l1", "Lukas", "Weber", roles.L1_AGENT, ["Service Desk"]),
    ("l2", "Aylin", "Demir", roles.L2_AGENT, ["Platform Operations", "Network Operations"]),
    ("l3", "Marek", "Nowak", roles.L3_ENGINEER, ["Network Engineering", "Storage Engineering"]),
    ("desk-manager", "Sabine", "Krüger", roles.DESK_MANAGER, []),
    ("problem-manager", "Tom", "Richter", roles.PROBLEM_MANAGER, []),
    ("change-manager", "Priya", "Raman", roles.CHANGE_MANAGER, []),
    ("cab1", "Jonas", "Brandt", roles.CAB_MEMBER, []),
    ("cab2", "Claire", "Dubois", roles.CAB_MEMBER, []),
    ("kb-manager", "Hannah", "Vogel", roles.KNOWLEDGE_MANAGER, []),
    ("admin", "Site", "Administrator", None, []),
]


@dataclass
class DemoData:
    """What the reference data created, by the keys the demo specs use."""

    now: datetime
    users: dict = field(default_factory=dict)
    groups: dict = field(default_factory=dict)
    organisations: dict = field(default_factory=dict)
    contacts: dict = field(default_factory=dict)
    services: dict = field(default_factory=dict)
    cis: dict = field(default_factory=dict)


def contract_numbers() -> list[str]:
    return [contract for _, _, contract, _ in ORGANISATIONS]


def logins() -> list[str]:
    return [s[0] for s in STAFF] + [c[8] for c in CONTACTS if c[8]]


def is_seeded() -> bool:
    """The demo organisations are the marker that the demo was loaded."""
    return Organisation.objects.filter(contract_number__in=contract_numbers()).exists()


def clashes() -> list[str]:
    """Names the demo would create that exist without the demo organisations."""
    user_model = get_user_model()
    return sorted(
        [
            *user_model.objects.filter(username__in=logins()).values_list("username", flat=True),
            *Organisation.objects.filter(name__in=[o[1] for o in ORGANISATIONS]).values_list(
                "name", flat=True
            ),
            *Service.objects.filter(name__in=[s[0] for s in SERVICES]).values_list(
                "name", flat=True
            ),
            *SupportGroup.objects.filter(name__in=[g[0] for g in SUPPORT_GROUPS]).values_list(
                "name", flat=True
            ),
            *BusinessCalendar.objects.filter(name__in=[c[0] for c in CALENDARS]).values_list(
                "name", flat=True
            ),
        ]
    )


# ----- the clock ---------------------------------------------------------------------------

_DURATION = re.compile(r"^(?:(\d+)d)?(?:(\d+)h)?(?:(\d+)m)?$")


def duration(text: str) -> timedelta:
    """'2d', '3h30m', '45m' → a timedelta."""
    match = _DURATION.match(text.replace(" ", ""))
    if not text or match is None:
        raise ValueError(f"not a demo duration: {text!r}")
    days, hours, minutes = (int(part or 0) for part in match.groups())
    return timedelta(days=days, hours=hours, minutes=minutes)


@contextmanager
def frozen_clock(start: datetime) -> Iterator[time_machine.Traveller]:
    """Stop the clock at `start`; move it on with `.move_to(when)`. Everything that reads
    the time (timezone.now, model defaults, history, mail Date headers) reads this one."""
    with time_machine.travel(start, tick=False) as traveller:
        yield traveller


# ----- seeding -----------------------------------------------------------------------------


def seed(data: DemoData) -> None:
    """Logins, support groups, customers and contacts, the catalogue and the SLAs, all
    dated a few weeks before the first ticket."""
    password = make_password(PASSWORD)  # hashed once: about a second of PBKDF2 each time
    _staff(data, password)
    _customers(data, password)
    _catalogue(data)
    _sla(data)


def _staff(data: DemoData, password: str) -> None:
    user_model = get_user_model()
    for username, first, last, role, _groups in STAFF:
        user = user_model.objects.create(
            username=username,
            first_name=first,
            last_name=last,
            email=f"{username}@hosting.example",
            password=password,
            is_staff=role is None,
            is_superuser=role is None,
        )
        if role is not None:
            user.groups.add(Group.objects.get(name=role))
        data.users[username] = user
    for name, line, specialisation, email in SUPPORT_GROUPS:
        data.groups[name] = SupportGroup.objects.create(
            name=name, line=line, specialisation=specialisation, email=email
        )
    for username, *_, group_names in STAFF:
        for name in group_names:
            data.groups[name].members.add(data.users[username])


def _customers(data: DemoData, password: str) -> None:
    user_model = get_user_model()
    data.organisations.update(
        {
            key: Organisation.objects.create(name=name, contract_number=contract, time_zone=tz)
            for key, name, contract, tz in ORGANISATIONS
        }
    )
    for key, org, name, email, phone, address, language, authorised, login in CONTACTS:
        address, _slash, title = address.partition("/")
        user = None
        if login:
            first, _, last = name.partition(" ")
            user = user_model.objects.create(
                username=login, first_name=first, last_name=last, email=email, password=password
            )
            data.users[login] = user
        data.contacts[key] = Contact.objects.create(
            organisation=data.organisations[org],
            name=name,
            email=email,
            phone=phone,
            form_of_address=address,
            title=title,
            language=language,
            is_authorised=authorised,
            user=user,
        )


def _catalogue(data: DemoData) -> None:
    for name, description in SERVICES:
        data.services[name] = Service.objects.create(name=name, description=description)
    for service, fields in SERVICE_FORM_FIELDS.items():
        for order, (label, kind, choices, required, help_text) in enumerate(fields):
            data.services[service].form_fields.create(
                label=label,
                kind=kind,
                choices=choices,
                required=required,
                help_text=help_text,
                order=order,
            )
    for service, name, kind, org in CONFIGURATION_ITEMS:
        data.cis[name] = ConfigurationItem.objects.create(
            service=data.services[service],
            name=name,
            kind=kind,
            organisation=data.organisations[org] if org else None,
        )


def _sla(data: DemoData) -> None:
    """A policy per organisation, before the tickets, so that they get due times."""
    calendars: dict[str, BusinessCalendar] = {}
    for name, tz, country, region, is_24x7, windows in CALENDARS:
        calendar = BusinessCalendar.objects.create(
            name=name,
            time_zone=tz,
            holiday_country=country,
            holiday_subdivision=region,
            is_24x7=is_24x7,
        )
        for weekday, start, end in windows:
            calendar.working_hours.create(weekday=weekday, start=start, end=end)
        calendars[name] = calendar
    for org, name, calendar_name, warning, availability, rule, targets, fulfilment in SLA_POLICIES:
        covered, fee, currency, per_hour, per_late, cap = CONTRACT_TERMS[org]
        policy = SlaPolicy.objects.create(
            name=name,
            organisation=data.organisations[org],
            calendar=calendars[calendar_name],
            warning_threshold_percent=warning,
            availability_target_percent=availability,
            compensation_rule=rule,
            monthly_fee=Decimal(fee),
            currency=currency,
            credit_per_downtime_hour_percent=Decimal(per_hour),
            credit_per_resolution_breach_percent=Decimal(per_late),
            credit_cap_percent=Decimal(cap),
        )
        policy.services.set([data.services[service] for service in covered])
        for priority, (reaction, resolution) in targets.items():
            policy.targets.create(
                priority=priority, reaction_minutes=reaction, resolution_minutes=resolution
            )
        for service, minutes in fulfilment.items():
            policy.fulfilment_targets.create(
                service=data.services[service], fulfilment_minutes=minutes
            )


def summary(data: DemoData) -> list[str]:
    portal = sum(1 for c in CONTACTS if c[8])
    return [
        f"{len(ORGANISATIONS)} organisations, {len(CONTACTS)} contacts ({portal} with a portal "
        f"login), {len(SERVICES)} services, {len(CONFIGURATION_ITEMS)} configuration items, "
        f"{len(SUPPORT_GROUPS)} support groups, {len(SLA_POLICIES)} SLA policies",
    ]

"""Benchmark volume: up to millions of plausible tickets, fast.

THIS IS BENCHMARK DATA, NOT BUSINESS LOGIC. Real tickets are only ever created and moved
through incidents.services (status is a protected django-fsm field, every change leaves a
history row). That path costs milliseconds per ticket, far too slow for 1,000,000 rows, so
this command writes finished rows directly, status included: `Incident(status=..., ...)`
objects passed to `bulk_create` (setting the protected field in the constructor is
allowed), or on PostgreSQL the very same column values streamed with COPY (about 8,000
rows/s against bulk_create's 2,000 here: 1,000,000 tickets in about two minutes). Neither
path runs model code or simple-history, so the generated tickets (and the bench contacts)
have no history rows, and tickets have no comments. Use it only to load volume for
`benchmark_queues`, never to produce data anyone works with.

What it creates:
- reference data, reused on later runs (everything is named "Bench ..."): customer
  organisations of very different sizes and their contacts, services with a few shared
  configuration items, support groups on every line (L2 and L3 with specialisations), the
  benchmark logins bench-l1, bench-l2, bench-l3, bench-manager and a pool of bench agents;
- N tickets numbered BNC-0000123 (the "BNC-" prefix never clashes with INC-/REQ- numbers;
  the counter continues after the current highest ticket id), about 97% closed and the
  rest spread over the open statuses, priorities derived from urgency x impact through the
  priority matrix, registered over the last three years (open ones in the last weeks).

On PostgreSQL the ticket table is vacuumed and analysed afterwards (only analysed when run
inside a transaction, as under tests), so the planner sees the new volume at once.
"""

import random
import time
from collections.abc import Iterable
from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import cast

from django.contrib.auth import get_user_model
from django.contrib.auth.models import Group, User
from django.core.management.base import BaseCommand, CommandError, CommandParser
from django.db import connection, transaction
from django.db.models import Max
from django.utils import timezone

from incidents.models import Category, Channel, ClosureCode, Incident, Kind, Status
from servicedesk import roles
from servicedesk.benchmark.loading import RowWriter, analyse
from servicedesk.models import (
    ConfigurationItem,
    Contact,
    Impact,
    Line,
    Organisation,
    PriorityMatrixEntry,
    Service,
    Specialisation,
    SupportGroup,
    Urgency,
)
from servicedesk.models.priority import default_priority

NUMBER_PREFIX = "BNC"

#: Per cent of all tickets in each status: a three-year archive with a small open backlog.
STATUS_WEIGHTS = {
    Status.CLOSED: 97.0,
    Status.REGISTERED: 0.5,
    Status.ASSIGNED: 0.6,
    Status.IN_PROGRESS: 0.8,
    Status.INFORMATION_NEEDED: 0.3,
    Status.EXTERNAL_PROCESSING: 0.2,
    Status.COMPLETED: 0.5,
    Status.REJECTED_BY_USER: 0.1,
}

ORGANISATION_COUNT = 25
CONTACTS_PER_ORGANISATION = 8

SERVICES = {
    "Bench · Virtual servers": ["Bench vSphere cluster A", "Bench vSphere cluster B"],
    "Bench · Managed network": ["Bench core router", "Bench firewall cluster"],
    "Bench · Backup & storage": ["Bench backup repository", "Bench NFS filer"],
    "Bench · Email hosting": ["Bench Exchange DAG", "Bench SMTP relay"],
    "Bench · Databases": ["Bench PostgreSQL cluster", "Bench MySQL cluster"],
    "Bench · Licences": ["Bench SPLA"],
}

# name, line, specialisation
SUPPORT_GROUPS = [
    ("Bench Service Desk", Line.L1, Specialisation.GENERAL),
    ("Bench Platform Operations", Line.L2, Specialisation.VIRTUALISATION),
    ("Bench Network Operations", Line.L2, Specialisation.NETWORK),
    ("Bench Application Support", Line.L2, Specialisation.APPLICATIONS),
    ("Bench Network Engineering", Line.L3, Specialisation.NETWORK),
    ("Bench Storage Engineering", Line.L3, Specialisation.STORAGE),
    ("Bench Virtualisation Engineering", Line.L3, Specialisation.VIRTUALISATION),
    ("Bench Database Engineering", Line.L3, Specialisation.DATABASES),
]

#: The logins benchmark_queues uses: key -> (username, role, lines whose bench groups it joins)
BENCH_USERS = {
    "l1": ("bench-l1", roles.L1_AGENT, [Line.L1]),
    "l2": ("bench-l2", roles.L2_AGENT, [Line.L2]),
    "l3": ("bench-l3", roles.L3_ENGINEER, [Line.L3]),
    "manager": ("bench-manager", roles.DESK_MANAGER, []),
}
LINE_ROLE = {Line.L1: roles.L1_AGENT, Line.L2: roles.L2_AGENT, Line.L3: roles.L3_ENGINEER}
AGENTS_PER_LINE = 8

#: Which line a ticket ended up with: resolved tickets mostly at L1, open work deeper.
LINE_WEIGHTS_DONE = {Line.L1: 55, Line.L2: 30, Line.L3: 15}
LINE_WEIGHTS_OPEN = {Line.L1: 35, Line.L2: 40, Line.L3: 25}

URGENCY_WEIGHTS = {
    Urgency.VERY_HIGH: 4,
    Urgency.HIGH: 14,
    Urgency.MEDIUM: 42,
    Urgency.LOW: 30,
    Urgency.NONE: 10,
}
IMPACT_WEIGHTS = {
    Impact.SIGNIFICANT: 2,
    Impact.HIGH: 8,
    Impact.MEDIUM: 30,
    Impact.LOW: 50,
    Impact.NONE: 10,
}
CHANNEL_WEIGHTS = {
    Channel.PORTAL: 35,
    Channel.EMAIL: 30,
    Channel.PHONE: 20,
    Channel.MONITORING: 10,
    Channel.AGENT: 5,
}
INCIDENT_CATEGORIES = [
    Category.OUTAGE,
    Category.DEGRADATION,
    Category.ERROR,
    Category.ERROR,
    Category.SECURITY,
    Category.ACCESS,
    Category.OTHER,
]
REQUEST_CATEGORIES = [Category.CONSULTATION, Category.LICENCE, Category.RESOURCES, Category.ACCESS]
INCIDENT_TITLES = [
    "{ci}: intermittent 502 errors",
    "{ci} unreachable since this morning",
    "Slow response times on {ci}",
    "Monitoring: disk 92% full on {ci}",
    "Packet loss towards {ci}",
    "Backup job failed on {ci}",
    "Cannot log in to the control panel",
    "Certificate on {ci} expires in 10 days",
    "Mail delivery delayed via {ci}",
    "High CPU load on {ci}",
]
REQUEST_TITLES = [
    "Add two vCPUs to a VM on {ci}",
    "Five additional licences",
    "New VPN user for our Manchester office",
    "Restore a file from last night's backup",
    "Advice on moving our database to {ci}",
    "Increase mailbox quota for three users",
]
DESCRIPTIONS = [
    "Since about 08:15 roughly one in five requests fails. Nothing was changed on our side; "
    "the other servers behind the load balancer look fine.",
    "Reported by phone. The customer's staff cannot work; please call back on the number in "
    "the contact record once you know more.",
    "Alert from monitoring, threshold exceeded for 15 minutes. Growth of 3 GB in the last "
    "24 hours, mostly log files.",
    "Please schedule this for tonight after 22:00, a reboot is fine. Bill it to the usual "
    "cost centre.",
    "",
]
THIRD_PARTIES = ["Carrier (NOC ticket 55121)", "Hardware vendor RMA", "Software vendor support"]
DONE_CLOSURE_CODES = [
    ClosureCode.RESOLVED,
    ClosureCode.RESOLVED,
    ClosureCode.RESOLVED,
    ClosureCode.WORKAROUND,
    ClosureCode.NO_FAULT_FOUND,
    ClosureCode.INVALID,
    ClosureCode.DUPLICATE,
]


@dataclass
class Reference:
    contacts: list[tuple[int, int]]  # (contact id, organisation id)
    contact_weights: list[float]
    services: list[tuple[int, list[int], str]]  # (service id, CI ids, CI name)
    groups: dict[str, list[int]]  # line -> group ids
    members: dict[int, list[int]]  # group id -> user ids
    matrix: dict[tuple[int, int], int]


def role_group(name: str) -> Group:
    group, _ = Group.objects.get_or_create(name=name)
    return group


def ensure_support_groups() -> dict[str, SupportGroup]:
    groups = {
        g.name: g for g in SupportGroup.objects.filter(name__in=[g[0] for g in SUPPORT_GROUPS])
    }
    for name, line, specialisation in SUPPORT_GROUPS:
        if name not in groups:
            groups[name] = SupportGroup.objects.create(
                name=name, line=line, specialisation=specialisation
            )
    return groups


def ensure_user(username: str, role: str) -> tuple[User, bool]:
    user, created = get_user_model().objects.get_or_create(
        username=username, defaults={"email": f"{username}@bench.example"}
    )
    if created:
        user.set_unusable_password()  # benchmark logins use force_login, never a password
        user.save(update_fields=["password"])
        user.groups.add(role_group(role))
    return user, created


def ensure_members(group: SupportGroup, users: list) -> None:
    """Add only who is missing (each add writes a history row for the group)."""
    present = set(group.members.values_list("pk", flat=True))
    missing = [u for u in users if u.pk not in present]
    if missing:
        group.members.add(*missing)


def ensure_bench_users() -> dict[str, User]:
    """bench-l1, bench-l2, bench-l3 and bench-manager in their role groups, the line users
    members of every bench support group of their line. Returns them by key (l1, l2, ...)."""
    groups = ensure_support_groups()
    users = {}
    for key, (username, role, _lines) in BENCH_USERS.items():
        user, created = ensure_user(username, role)
        if not created and not user.groups.filter(name=role).exists():
            user.groups.add(role_group(role))
        users[key] = user
    for name, line, _specialisation in SUPPORT_GROUPS:
        ensure_members(groups[name], [users[k] for k, v in BENCH_USERS.items() if line in v[2]])
    return users


class Command(BaseCommand):
    help = "Bulk-load N benchmark tickets (BNC- numbers, no history). Benchmark data only."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("--count", type=int, required=True, help="tickets to create")
        parser.add_argument("--batch", type=int, default=20000, help="rows per INSERT")
        parser.add_argument("--seed", type=int, default=1, help="random seed")

    def handle(self, *args, count: int, batch: int, seed: int, **options) -> None:
        if count < 0 or batch < 1:
            raise CommandError("--count must be >= 0 and --batch >= 1")
        rng = random.Random(seed)
        started = time.monotonic()
        with transaction.atomic():
            reference = self._reference(rng)
        self.stdout.write(
            f"Reference data: {len(reference.contacts)} contacts, "
            f"{len(reference.services)} services, "
            f"{sum(len(g) for g in reference.groups.values())} support groups, "
            f"{len({u for m in reference.members.values() for u in m})} agents"
        )

        first = (Incident.objects.aggregate(top=Max("id"))["top"] or 0) + 1
        now = timezone.now()
        insert = self._copy if connection.vendor == "postgresql" else self._bulk_create
        done = 0
        while done < count:
            size = min(batch, count - done)
            # A generator: on PostgreSQL the server inserts while Python builds more rows.
            rows = (self._ticket(rng, reference, first + done + i, now) for i in range(size))
            with transaction.atomic():
                insert(rows, now)
            done += size
            elapsed = time.monotonic() - started
            self.stdout.write(
                f"  {done:>10,} / {count:,} tickets  {done / elapsed:>9,.0f} rows/s  "
                f"{elapsed:7.1f} s"
            )
        self._analyse()
        elapsed = time.monotonic() - started
        rate = count / elapsed if elapsed else 0
        self.stdout.write(
            self.style.SUCCESS(
                f"Created {count:,} tickets in {elapsed:.1f} s ({rate:,.0f} rows/s); "
                f"{Incident.objects.count():,} tickets in total."
            )
        )

    # ----- reference data --------------------------------------------------------------

    def _reference(self, rng: random.Random) -> Reference:
        contract_numbers = [f"BENCH-{n:03d}" for n in range(1, ORGANISATION_COUNT + 1)]
        organisations = {
            o.contract_number: o
            for o in Organisation.objects.filter(contract_number__in=contract_numbers)
        }
        for n, number in enumerate(contract_numbers, start=1):
            if number not in organisations:
                organisations[number] = Organisation.objects.create(
                    contract_number=number, name=f"Bench Customer {n:02d}"
                )
        wanted = {
            (organisations[number].pk, f"contact{c}@customer{n:02d}.bench.example"): (n, c)
            for n, number in enumerate(contract_numbers, start=1)
            for c in range(1, CONTACTS_PER_ORGANISATION + 1)
        }
        existing = {
            (c.organisation_id, c.email): c
            for c in Contact.objects.filter(organisation__in=organisations.values())
        }
        missing = [key for key in wanted if key not in existing]
        # Contacts are benchmark data too: bulk_create, no history rows.
        Contact.objects.bulk_create(
            [
                Contact(
                    organisation_id=org_id,
                    email=email,
                    name="Bench Contact {:02d}-{}".format(*wanted[(org_id, email)]),
                )
                for org_id, email in missing
            ]
        )
        if missing:
            existing = {
                (c.organisation_id, c.email): c
                for c in Contact.objects.filter(organisation__in=organisations.values())
            }
        contacts: list[tuple[int, int]] = []
        weights: list[float] = []
        for key, (n, _c) in wanted.items():
            contacts.append((existing[key].pk, key[0]))
            weights.append(1 / n)  # a few big customers, a long tail of small ones

        services = []
        for name, ci_names in SERVICES.items():
            service, _ = Service.objects.get_or_create(name=name)
            cis = [
                ConfigurationItem.objects.get_or_create(service=service, name=ci)[0]
                for ci in ci_names
            ]
            for ci in cis:
                services.append((service.pk, [c.pk for c in cis], ci.name))

        support_groups = ensure_support_groups()
        ensure_bench_users()
        for line, role in LINE_ROLE.items():
            line_groups = [g for g in support_groups.values() if g.line == line]
            for n in range(1, AGENTS_PER_LINE + 1):
                agent, created = ensure_user(f"bench-{line}-agent-{n:02d}", role)
                if created:
                    for group in rng.sample(line_groups, min(2, len(line_groups))):
                        group.members.add(agent)

        groups: dict[str, list[int]] = {line: [] for line in Line}
        members: dict[int, list[int]] = {}
        for group in support_groups.values():
            groups[group.line].append(group.pk)
            members[group.pk] = list(group.members.order_by("pk").values_list("pk", flat=True))
        matrix = {(e.urgency, e.impact): e.priority for e in PriorityMatrixEntry.objects.all()}
        return Reference(contacts, weights, services, groups, members, matrix)

    # ----- one ticket ------------------------------------------------------------------

    def _status_and_registered(
        self, rng: random.Random, n: int, now: datetime
    ) -> tuple[Status, datetime]:
        """The n-th ticket's status (STATUS_WEIGHTS) and registration: closed tickets span
        three years, open ones are recent."""
        status = rng.choices(_STATUSES, _STATUS_WEIGHTS)[0]
        if status == Status.CLOSED:
            registered = now - timedelta(seconds=rng.uniform(4 * 86400, 3 * 365 * 86400))
        elif status == Status.REGISTERED:
            registered = now - timedelta(seconds=rng.uniform(60, 2 * 86400))
        else:
            registered = now - timedelta(seconds=rng.uniform(3600, 30 * 86400))
        return status, registered

    def _ticket(
        self, rng: random.Random, ref: Reference, n: int, now: datetime
    ) -> dict[str, object]:
        """One ticket's column values by attname (fields left out take their default)."""
        status, registered = self._status_and_registered(rng, n, now)
        kind = Kind.REQUEST.value if rng.random() < 0.3 else Kind.INCIDENT.value
        contact_id, organisation_id = rng.choices(ref.contacts, ref.contact_weights)[0]
        service_id, ci_ids, ci_name = rng.choice(ref.services)
        urgency = rng.choices(_URGENCIES, _URGENCY_WEIGHTS)[0]
        impact = rng.choices(_IMPACTS, _IMPACT_WEIGHTS)[0]
        channel = rng.choices(_CHANNELS, _CHANNEL_WEIGHTS)[0]
        if kind == Kind.REQUEST:
            category = rng.choice(REQUEST_CATEGORIES).value
            title = rng.choice(REQUEST_TITLES).format(ci=ci_name)
        else:
            category = rng.choice(INCIDENT_CATEGORIES).value
            title = rng.choice(INCIDENT_TITLES).format(ci=ci_name)

        group_id = assignee_id = None
        first_response = assigned = resolved = closed = None
        closure_code = third_party = ""
        if status != Status.REGISTERED:
            weights = LINE_WEIGHTS_DONE if status in _DONE else LINE_WEIGHTS_OPEN
            line = rng.choices(list(weights), list(weights.values()))[0]
            group_id = rng.choice(ref.groups[line])
            assignee_id = rng.choice(ref.members[group_id]) if ref.members[group_id] else None
            first_response = registered + timedelta(seconds=rng.uniform(60, 4 * 3600))
            assigned = first_response
        if status in _DONE:
            resolved = min(registered + timedelta(seconds=rng.uniform(600, 5 * 86400)), now)
            code = ClosureCode.FULFILLED if kind == Kind.REQUEST else rng.choice(DONE_CLOSURE_CODES)
            closure_code = code.value
        if status == Status.CLOSED:
            closed = cast(datetime, resolved) + timedelta(seconds=rng.uniform(600, 3 * 86400))
        if status == Status.EXTERNAL_PROCESSING:
            third_party = rng.choice(THIRD_PARTIES)

        return dict(
            number=f"{NUMBER_PREFIX}-{n:07d}",
            kind=kind,
            title=title,
            description=rng.choice(DESCRIPTIONS),
            organisation_id=organisation_id,
            contact_id=contact_id,
            channel=channel,
            service_id=service_id,
            configuration_item_id=rng.choice(ci_ids),
            category=category,
            urgency=urgency,
            urgency_confirmed=not (
                status == Status.REGISTERED
                and urgency <= Urgency.HIGH
                and channel in _CUSTOMER_CHANNELS
            ),
            impact=impact,
            priority=ref.matrix.get((urgency, impact)) or default_priority(urgency, impact),
            support_group_id=group_id,
            assignee_id=assignee_id,
            status=status.value,  # benchmark data only: see the module docstring
            closure_code=closure_code,
            third_party=third_party,
            registered_at=registered,
            first_response_at=first_response,
            assigned_at=assigned,
            resolved_at=resolved,
            closed_at=closed,
        )

    # ----- writing rows ----------------------------------------------------------------

    def _bulk_create(self, rows: Iterable[dict[str, object]], now: datetime) -> None:
        # Setting the protected status in the constructor is allowed (benchmark data only).
        tickets = [Incident(**row) for row in rows]
        Incident.objects.bulk_create(tickets, batch_size=len(tickets))

    def _copy(self, rows: Iterable[dict[str, object]], now: datetime) -> None:
        """The same column values as _bulk_create, streamed with PostgreSQL's COPY."""
        RowWriter(Incident).write(rows)

    # ----- statistics ------------------------------------------------------------------

    def _analyse(self) -> None:
        if connection.vendor != "postgresql":
            return
        took = analyse(Incident)
        self.stdout.write(f"Statistics of {Incident._meta.db_table}: {took:.1f} s")


_STATUSES = list(STATUS_WEIGHTS)
_STATUS_WEIGHTS = list(STATUS_WEIGHTS.values())
_DONE = {Status.CLOSED, Status.COMPLETED}
_URGENCIES = [u.value for u in URGENCY_WEIGHTS]
_URGENCY_WEIGHTS = list(URGENCY_WEIGHTS.values())
_IMPACTS = [i.value for i in IMPACT_WEIGHTS]
_IMPACT_WEIGHTS = list(IMPACT_WEIGHTS.values())
_CHANNELS = [c.value for c in CHANNEL_WEIGHTS]
_CHANNEL_WEIGHTS = list(CHANNEL_WEIGHTS.values())
_CUSTOMER_CHANNELS = {Channel.PORTAL.value, Channel.EMAIL.value}

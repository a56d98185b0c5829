"""Benchmark volume for the candidate patterns: plausible incidents of a hosting
provider over a year, with a few recurring faults planted in the last 30 days.

THIS IS BENCHMARK DATA, NOT BUSINESS LOGIC: `manage.py bench_problem_patterns` writes
these rows with bulk_create (status set in the constructor, no history, no SLA), numbered
INB-0000123 (problems PRBB-000123) so they never clash with real numbers, on services,
CIs and contacts of their own ("Bench …"). Incident `n` is the same on every run (its own
random generator)."""

import random
from dataclasses import dataclass
from datetime import datetime, timedelta

from incidents.models import Channel, Incident, Kind, Status
from incidents.models.choices import Category
from problems.models import Problem, ProblemIncident
from problems.models import Status as ProblemStatus
from servicedesk.models import ConfigurationItem, Contact, Organisation, Service

NUMBER_PREFIX = "INB-"
PROBLEM_PREFIX = "PRBB-"
NAME_PREFIX = "Bench "
SERVICES = 40
CIS_PER_SERVICE = 10
CONTACTS = 60
PROBLEMS = 60
#: Shares of the incidents: service requests, linked to a problem, children of a major
#: incident (the first incident of the batch is their parent).
REQUESTS = 0.15
LINKED = 0.03
CHILDREN = 0.01
BUSY = [1 / (rank + 1) for rank in range(SERVICES)]

OBJECTS = [
    "vpn",
    "tunnel",
    "backup",
    "restore",
    "snapshot",
    "certificate",
    "mailbox",
    "smtp",
    "relay",
    "dns",
    "zone",
    "firewall",
    "rule",
    "loadbalancer",
    "pool",
    "disk",
    "volume",
    "database",
    "replication",
    "kubernetes",
    "pod",
    "container",
    "registry",
    "webserver",
    "nginx",
    "cdn",
    "cache",
    "ntp",
    "clock",
    "ssh",
    "key",
    "rdp",
    "licence",
    "storage",
    "bucket",
    "monitoring",
    "agent",
]
SYMPTOMS = [
    "fails",
    "slow",
    "unreachable",
    "timeout",
    "drops",
    "error",
    "expired",
    "full",
    "lost",
    "stuck",
    "refused",
    "degraded",
    "missing",
    "corrupted",
    "delayed",
    "rejected",
    "flapping",
]
CONTEXTS = [
    "after the update",
    "since this morning",
    "during the backup window",
    "intermittently",
    "for all users",
    "at night",
    "after a reboot",
    "on login",
    "when syncing",
]
TEMPLATES = [
    "{A} {s} on {host}",
    "{A} {b} {s}",
    "{A} {s} {ctx}",
    "Customer reports {a} {s}",
    "{A} {s} with error {code}",
    "Cannot reach {a} {b} on {host}",
]
#: Recurring faults planted in the last 30 days: (title template, incidents, by CI).
PLANTED = [
    ("Backup job fails on {host} with error E4041", 60, True),
    ("VPN tunnel drops every hour for {org}", 45, False),
    ("Certificate expired on {host}", 30, True),
    ("Mailbox quota full after migration ({n})", 25, False),
    ("NTP clock drift on {host}", 20, True),
]


@dataclass
class Reference:
    organisation: Organisation
    contacts: list[Contact]
    services: list[Service]
    cis: dict[int, list[ConfigurationItem]]
    problems: list[Problem]


def reference_rows() -> Reference:
    """The benchmark's organisation, contacts, services, CIs and problems (made once)."""
    organisation, _ = Organisation.objects.get_or_create(
        name=f"{NAME_PREFIX}organisation", defaults={"contract_number": "BENCH-PRB"}
    )
    contacts = list(Contact.objects.filter(organisation=organisation).order_by("pk"))
    if not contacts:
        contacts = Contact.objects.bulk_create(
            Contact(
                organisation=organisation,
                name=f"Bench contact {n}",
                email=f"bench{n}@bench.invalid",
            )
            for n in range(CONTACTS)
        )
    services = list(Service.objects.filter(name__startswith=NAME_PREFIX).order_by("pk"))
    if not services:
        services = Service.objects.bulk_create(
            Service(name=f"{NAME_PREFIX}service {n:02d}") for n in range(SERVICES)
        )
        ConfigurationItem.objects.bulk_create(
            ConfigurationItem(name=f"{_host(s.pk, n)}", service=s)
            for s in services
            for n in range(CIS_PER_SERVICE)
        )
    cis: dict[int, list[ConfigurationItem]] = {}
    for ci in ConfigurationItem.objects.filter(service__in=services).order_by("pk"):
        cis.setdefault(ci.service_id, []).append(ci)
    problems = list(Problem.objects.filter(number__startswith=PROBLEM_PREFIX).order_by("pk"))
    if not problems:
        statuses = list(ProblemStatus)
        problems = Problem.objects.bulk_create(
            Problem(
                number=f"{PROBLEM_PREFIX}{n + 1:06d}",
                title=f"Bench problem {n}",
                status=statuses[n % len(statuses)],
                service=services[n % len(services)],
            )
            for n in range(PROBLEMS)
        )
    return Reference(organisation, contacts, services, cis, problems)


def incident(
    n: int, ref: Reference, *, count: int, now: datetime, days: int, seed: int = 0
) -> Incident:
    """The n-th of `count` benchmark incidents (0-based), spread over `days` up to `now`."""
    rng = random.Random(seed * 1_000_003 + n)
    # Services are not equally busy (Zipf: the busiest has a fifth of the incidents).
    service: Service | None = rng.choices(ref.services, weights=BUSY)[0]
    if rng.random() < 0.2:
        service = None
    ci = rng.choice(ref.cis[service.pk]) if service and rng.random() < 0.5 else None
    # Registered in the order of their numbers, as real tickets are (a few hours apart).
    at = min(
        now, now - timedelta(days=days) * (1 - n / count) + timedelta(hours=rng.uniform(-2, 2))
    )
    return Incident(
        number=f"{NUMBER_PREFIX}{n + 1:07d}",
        kind=Kind.REQUEST if rng.random() < REQUESTS else Kind.INCIDENT,
        title=_title(rng, ci),
        organisation_id=ref.organisation.pk,
        contact=rng.choice(ref.contacts),
        channel=rng.choice(list(Channel)),
        service=service,
        configuration_item=ci,
        category=rng.choice(list(Category)),
        priority=rng.randint(1, 5),
        status=Status.CLOSED if at < now - timedelta(days=14) else Status.IN_PROGRESS,
        registered_at=at,
    )


def planted(ref: Reference, *, now: datetime, start: int) -> list[Incident]:
    """The recurring faults of PLANTED, numbered from `start`."""
    rng = random.Random(7)
    rows: list[Incident] = []
    for index, (template, count, by_ci) in enumerate(PLANTED):
        service = ref.services[(index * 7 + 3) % len(ref.services)]
        ci = ref.cis[service.pk][index] if by_ci else None
        for _ in range(count):
            rows.append(
                Incident(
                    number=f"{NUMBER_PREFIX}{start + len(rows) + 1:07d}",
                    kind=Kind.INCIDENT,
                    title=template.format(
                        host=ci.name if ci else "",
                        org=f"customer {rng.randrange(40)}",
                        n=rng.randrange(1000),
                    ),
                    organisation_id=ref.organisation.pk,
                    contact=rng.choice(ref.contacts),
                    channel=Channel.MONITORING if by_ci else Channel.EMAIL,
                    service=service,
                    configuration_item=ci,
                    category=Category.ERROR,
                    registered_at=now - timedelta(seconds=rng.uniform(0, 30 * 86400)),
                )
            )
    return rows


def links(ref: Reference, incident_ids: list[int], *, seed: int = 0) -> list[ProblemIncident]:
    """LINKED of the incidents, linked to the benchmark problems."""
    rng = random.Random(seed + 11)
    chosen = rng.sample(incident_ids, int(len(incident_ids) * LINKED))
    return [ProblemIncident(problem=rng.choice(ref.problems), incident_id=pk) for pk in chosen]


def children(incident_ids: list[int], *, seed: int = 0) -> tuple[int, list[int]]:
    """(the parent, its children): CHILDREN of the incidents under one major incident."""
    rng = random.Random(seed + 13)
    parent, *rest = incident_ids
    return parent, rng.sample(rest, int(len(rest) * CHILDREN))


def _title(rng: random.Random, ci: ConfigurationItem | None) -> str:
    a, b = rng.sample(OBJECTS, 2)
    return rng.choice(TEMPLATES).format(
        a=a,
        A=a.capitalize(),
        b=b,
        s=rng.choice(SYMPTOMS),
        ctx=rng.choice(CONTEXTS),
        host=ci.name if ci else f"{rng.choice(['web', 'db', 'mail', 'app'])}-{rng.randrange(900)}",
        code=f"E{rng.randrange(100000):05d}",
    )


def _host(service_pk: int, n: int) -> str:
    kinds = ["web", "db", "mail", "fw", "lb", "nas", "app", "dns", "vpn", "k8s"]
    return f"{kinds[n % len(kinds)]}-{service_pk:03d}{n:02d}"

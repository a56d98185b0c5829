"""Rows by the hundred for tests/test_list_pages_flat.py: the cast and the records a row
hangs on (the World), and for each kind of row a page lists a maker that writes `n` of
them with bulk_create (status set in the constructor, no history, no SLA ledger), numbered
INC-7…, PRB-7…, CHG-7…, KB-7… so they never meet the factories' numbers.

The rows of one maker differ the way a page's rows do (kind, priority, service and
configuration item, SLA clock, a major incident parent, a status among the page's) with
the same few related records: ten rows already meet every one of them, so a query a page
makes per related record (a calendar, a parent) is there at 10 rows as at 500. Only
the number of rows grows."""

from __future__ import annotations

import itertools
from collections.abc import Sequence
from dataclasses import dataclass, field
from datetime import datetime, timedelta
from typing import Any

from django.contrib.auth.models import User
from django.utils import timezone

from changes.models import Approval, ChangeRequest, ChangeType, Decision
from changes.models import Status as ChangeStatus
from incidents.intake.models import InboundEmail, InboundStatus
from incidents.models import (
    CannedResponse,
    Channel,
    ClosureCode,
    Incident,
    Kind,
    SatisfactionRating,
    SavedView,
    Status,
    Watch,
)
from knowledge.models import Article, ArticleFeedback
from knowledge.models import Status as ArticleStatus
from knowledge.search import index_articles
from problems.models import Problem
from problems.models import Status as ProblemStatus
from servicedesk import roles
from servicedesk.models import (
    ApiToken,
    ConfigurationItem,
    Contact,
    InAppNotification,
    Line,
    Organisation,
    Service,
    Specialisation,
    SupportGroup,
)
from tests.factories import (
    ContactFactory,
    OrganisationFactory,
    SlaPolicyFactory,
    SupportGroupFactory,
    UserFactory,
)

#: The words every row's title carries, so a search finds all of them.
WORD = "printer"
#: The numbers of the rows made here (the world's own records have other numbers).
PREFIXES = ("INC-7", "PRB-7", "CHG-7", "KB-7")


def made_here(record: Any) -> bool:
    """False for the world's own numbered records (the major incident, the article), so
    a page's count of rows is of the rows made here: a record with a number, or a page's
    row holding one (its change, problem or article, a search hit's reference, an API
    item's number); True for anything without a number."""
    for name in ("change", "problem", "article"):
        if not hasattr(record, "number") and not hasattr(record, "reference"):
            record = getattr(record, name, record)
    if isinstance(record, dict):
        number = record.get("number")
    else:
        number = getattr(record, "number", None) or getattr(record, "reference", None)
    return number is None or str(number).startswith(PREFIXES)


class Cycle(tuple):
    """A field value that goes round: row i gets item i % len."""

    def pick(self, i: int) -> Any:
        return self[i % len(self)]


def _values(fields: dict[str, Any], i: int) -> dict[str, Any]:
    return {name: v.pick(i) if isinstance(v, Cycle) else v for name, v in fields.items()}


@dataclass
class World:
    """Who asks (one user per role, as tests/conftest.py makes them) and what rows hang
    on: organisation A with its SLA policy, its contact with a portal login, three
    services with a configuration item of A each, a support group per line, a major
    incident (organisation B's, closed long ago: the parent of one row in seven, listed
    by no page the rows are counted on), an internal article in use, API tokens."""

    users: dict[str, User]
    org: Organisation
    contact: Contact
    services: list[Service]
    cis: list[ConfigurationItem]
    groups: dict[str, SupportGroup]
    major: Incident
    article: Article
    tokens: dict[str, str] = field(default_factory=dict)
    numbers: itertools.count = field(default_factory=lambda: itertools.count(1))
    now: datetime = field(default_factory=timezone.now)

    def number(self) -> int:
        return next(self.numbers)


def build_world() -> World:
    users = {
        "l1": UserFactory.create(username="l1", roles=[roles.L1_AGENT]),
        "l2": UserFactory.create(username="l2", roles=[roles.L2_AGENT]),
        "l3": UserFactory.create(username="l3", roles=[roles.L3_ENGINEER]),
        "desk_manager": UserFactory.create(username="desk_manager", roles=[roles.DESK_MANAGER]),
        "problem_manager": UserFactory.create(
            username="problem_manager", roles=[roles.PROBLEM_MANAGER]
        ),
        "change_manager": UserFactory.create(
            username="change_manager", roles=[roles.CHANGE_MANAGER]
        ),
        "cab_member": UserFactory.create(username="cab_member", roles=[roles.CAB_MEMBER]),
        "kb_manager": UserFactory.create(username="kb_manager", roles=[roles.KNOWLEDGE_MANAGER]),
        "admin": UserFactory.create(username="admin", is_staff=True, is_superuser=True),
    }
    groups = {
        "l1": SupportGroupFactory.create(name="Service desk", line=Line.L1, members=[users["l1"]]),
        "l2": SupportGroupFactory.create(name="Operations", line=Line.L2, members=[users["l2"]]),
        "l3": SupportGroupFactory.create(
            name="Network engineering",
            line=Line.L3,
            specialisation=Specialisation.NETWORK,
            members=[users["l3"]],
        ),
    }
    org = OrganisationFactory.create(name="Organisation A", contract_number="A-001")
    SlaPolicyFactory.create(organisation=org)
    contact = ContactFactory.create(
        organisation=org,
        name="Alice Customer",
        email="alice@a.test",
        with_login=True,
        user__username="contact_a",
    )
    assert contact.user is not None
    users["contact_a"] = contact.user
    org_b = OrganisationFactory.create(name="Organisation B", contract_number="B-001")
    contact_b = ContactFactory.create(organisation=org_b, name="Bob Customer")
    services = Service.objects.bulk_create(Service(name=f"Flat service {n}") for n in range(3))
    # The contract covers them (the organisation page's problems and changes are theirs).
    org.sla_policy.services.set(services)
    cis = ConfigurationItem.objects.bulk_create(
        ConfigurationItem(name=f"flat-ci-{n}", service=s, organisation=org)
        for n, s in enumerate(services)
    )
    article = Article.objects.bulk_create(
        [
            Article(
                number="KB-600001",
                title="Clear a paper jam",
                body="Restart the spooler.",
                visibility="internal",
                use_count=5,
                status=ArticleStatus.PUBLISHED,
                author=users["kb_manager"],
                published_at=timezone.now(),
                reviewed_at=timezone.now(),
            )
        ]
    )[0]
    index_articles([article])
    world = World(users, org, contact, services, cis, groups, None, article)  # type: ignore[arg-type]
    (world.major,) = tickets(
        world,
        1,
        number="INC-600001",
        title="Zz: mail was down",
        organisation=org_b,
        contact=contact_b,
        configuration_item=None,
        is_major=True,
        parent=None,
        status=Status.CLOSED,
        priority=5,
        registered_at=world.now - timedelta(days=400),
        major_manager=users["desk_manager"],
    )
    world.tokens = {
        "l1": _token(user=users["l1"]),
        "problem_manager": _token(user=users["problem_manager"]),
        "contact_a": _token(contact=contact),
    }
    return world


def open_major(world: World) -> Incident:
    """An open major incident on the first service (made once)."""
    found = Incident.objects.filter(is_major=True, status=Status.IN_PROGRESS).first()
    if found is None:
        (found,) = tickets(
            world,
            1,
            number="INC-600002",
            title="Zz: mail is down",
            organisation=world.org,
            is_major=True,
            parent=None,
            status=Status.IN_PROGRESS,
            major_manager=world.users["desk_manager"],
        )
    return found


def _token(**owner: Any) -> str:
    token = ApiToken(name=f"Flat {owner}", **owner)
    plaintext = token.issue_secret()
    token.save()
    return plaintext


# ----- tickets ---------------------------------------------------------------------------

OPEN = (
    Status.REGISTERED,
    Status.ASSIGNED,
    Status.IN_PROGRESS,
    Status.INFORMATION_NEEDED,
    Status.EXTERNAL_PROCESSING,
    Status.REJECTED_BY_USER,
)
WORKED = OPEN[1:]
RESOLVED = (Status.COMPLETED, Status.CLOSED)


def tickets(world: World, n: int, **fields: Any) -> list[Incident]:
    """`n` tickets of organisation A's contact, registered two days ago, on the SLA
    policy with running clocks, one in seven the child of the major incident; `fields`
    (a Cycle goes round) on every one."""
    now = world.now
    rows = []
    for i in range(n):
        k = world.number()
        values = {
            "number": f"INC-7{k:05d}",
            "kind": Kind.REQUEST if i % 4 == 3 else Kind.INCIDENT,
            "title": f"The {WORD} on floor {k} is jammed",
            "description": "Paper everywhere.",
            "organisation": world.org,
            "contact": world.contact,
            "channel": Cycle(Channel).pick(i),
            "service": world.services[i % 3],
            "configuration_item": world.cis[i % 3],
            "category": "error",
            "urgency": 1 + i % 5,
            "impact": 1 + (i // 2) % 5,
            "priority": 1 + i % 5,
            "status": Status.REGISTERED,
            "sla_policy": world.org.sla_policy,
            "registered_at": now - timedelta(days=2, minutes=k),
            "response_due_at": now + timedelta(hours=(i % 9) - 3),
            "resolution_due_at": now + timedelta(hours=(i % 11) * 3 - 6),
            "parent": world.major if i % 7 == 0 and world.major else None,
        }
        values.update(_values(fields, i))
        rows.append(Incident(**values))
    return Incident.objects.bulk_create(rows)


def worked(world: World, n: int, group: str, **fields: Any) -> list[Incident]:
    """Open tickets a line works on: in `group`, assigned to its member one in two."""
    member = world.groups[group].members.first()
    values = {
        "status": Cycle(WORKED),
        "support_group": world.groups[group],
        "assignee": Cycle((member, None)),
        "assigned_at": world.now - timedelta(days=1),
        "first_response_at": world.now - timedelta(days=1),
        "highest_line": world.groups[group].line,
        **fields,
    }
    return tickets(world, n, **values)


def resolved(world: World, n: int, **fields: Any) -> list[Incident]:
    """Completed or closed yesterday, at first contact, by L1."""
    values = {
        "status": Cycle(RESOLVED),
        "support_group": world.groups["l1"],
        "assignee": world.users["l1"],
        "assigned_at": world.now - timedelta(days=2),
        "first_response_at": world.now - timedelta(days=2),
        "resolved_at": world.now - timedelta(days=1),
        "closure_code": Cycle((ClosureCode.RESOLVED, ClosureCode.WORKAROUND)),
        "highest_line": Line.L1,
        **fields,
    }
    return tickets(world, n, **values)


def rated(world: World, n: int) -> list[Incident]:
    rows = resolved(world, n)
    SatisfactionRating.objects.bulk_create(
        SatisfactionRating(
            incident=row,
            score=1 + i % 5,
            rated_by=world.users["contact_a"],
            created_at=world.now - timedelta(hours=12),
        )
        for i, row in enumerate(rows)
    )
    return rows


def followed(world: World, n: int, user: str) -> list[Incident]:
    rows = tickets(world, n)
    Watch.objects.bulk_create(Watch(incident=row, user=world.users[user]) for row in rows)
    return rows


def saved_views(world: World, n: int, user: str) -> None:
    owner = world.users[user]
    queries = Cycle(("status=any", "sort=-registered", "priority=1", "assignee=me"))
    SavedView.objects.bulk_create(
        SavedView(owner=owner, name=f"View {world.number()}", query=queries.pick(i))
        for i in range(n)
    )


# ----- what else the desk lists ------------------------------------------------------------


def mails(world: World, n: int, status: str = InboundStatus.QUARANTINED) -> None:
    InboundEmail.objects.bulk_create(
        InboundEmail(
            message_id=f"<flat-{(k := world.number())}@x.test>",
            from_address=f"sender{k}@x.test",
            from_name=f"Sender {k}",
            subject=f"The {WORD} again ({k})",
            status=status,
            reason="Unknown sender",
            is_auto=status == InboundStatus.IGNORED_AUTO,
        )
        for _ in range(n)
    )


def canned(world: World, n: int, user: str) -> None:
    """Half of them the user's own, half their support group's."""
    owner = world.users[user]
    group = SupportGroup.objects.filter(members=owner).first()
    CannedResponse.objects.bulk_create(
        CannedResponse(
            title=f"Answer {world.number()}",
            body="Hello {contact_name}, it is fixed.",
            translations={"de": "Hallo, erledigt."} if i % 3 == 0 else {},
            owner=owner if i % 2 == 0 else None,
            group=None if i % 2 == 0 else group,
        )
        for i in range(n)
    )


def notifications(world: World, n: int, user: str, *, read_every: int = 3) -> None:
    """One in `read_every` read (0: none)."""
    recipient = world.users[user]
    InAppNotification.objects.bulk_create(
        InAppNotification(
            recipient=recipient,
            actor=world.users["l1"] if i % 2 else None,
            event="ticket_assigned",
            verb="Assigned to you",
            target_label=f"INC-7{(k := world.number()):05d} The {WORD} is jammed",
            url="/tickets/INC-000001/",
            dedupe_key=f"flat:{k}",
            read_at=world.now if read_every and i % read_every == 0 else None,
        )
        for i in range(n)
    )


def organisations(world: World, n: int) -> None:
    Organisation.objects.bulk_create(
        Organisation(name=f"Customer {(k := world.number())}", contract_number=f"F-{k:05d}")
        for _ in range(n)
    )


def contacts(world: World, n: int) -> None:
    Contact.objects.bulk_create(
        Contact(
            organisation=world.org,
            name=f"{WORD.title()} Person {(k := world.number())}",
            email=f"person{k}@a.test",
            phone=f"+49 30 {k:06d}",
        )
        for _ in range(n)
    )


def group_members(world: World, n: int, group: str) -> None:
    """`n` more agents in the support group."""
    people = User.objects.bulk_create(
        User(username=f"agent{(k := world.number())}", first_name="Agent", last_name=f"{k:05d}")
        for _ in range(n)
    )
    world.groups[group].members.add(*people)


def items(world: World, n: int) -> None:
    """Configuration items of organisation A on the first service."""
    ConfigurationItem.objects.bulk_create(
        ConfigurationItem(
            name=f"flat-ci-{world.number():05d}", service=world.services[0], organisation=world.org
        )
        for _ in range(n)
    )


def ticket(world: World) -> Incident:
    """An open ticket of organisation A in L2's hands (made once): for the lists a
    ticket page opens."""
    found = Incident.objects.filter(number="INC-600003").first()
    if found is None:
        (found,) = tickets(
            world,
            1,
            number="INC-600003",
            title="The printer prints nothing",
            status=Status.IN_PROGRESS,
            support_group=world.groups["l2"],
            assignee=world.users["l2"],
            parent=None,
        )
    return found


def services(world: World, n: int) -> None:
    Service.objects.bulk_create(Service(name=f"Catalogue item {world.number()}") for _ in range(n))


# ----- problems --------------------------------------------------------------------------

WORKSPACE_STATUSES = (
    ProblemStatus.NEW,
    ProblemStatus.UNDER_INVESTIGATION,
    ProblemStatus.KNOWN_ERROR,
    ProblemStatus.RESOLVED,
)


def problems(world: World, n: int, **fields: Any) -> list[Problem]:
    now = world.now
    rows = []
    for i in range(n):
        k = world.number()
        values = {
            "number": f"PRB-7{k:05d}",
            "title": f"The {WORD}s of floor {k} keep jamming",
            "description": "Again and again.",
            "status": Cycle(WORKSPACE_STATUSES).pick(i),
            "priority": 1 + i % 5,
            "service": world.services[i % 3],
            "configuration_item": world.cis[i % 3] if i % 2 else None,
            "category": "error",
            "owner": world.users["problem_manager"],
            "created_by": world.users["problem_manager"],
            "created_at": now - timedelta(days=3, minutes=k),
            "workaround": "Restart the spooler and clear the queue.",
            "root_cause": "A driver leaks memory.",
            "article": world.article if i % 2 else None,
        }
        values.update(_values(fields, i))
        rows.append(Problem(**values))
    return Problem.objects.bulk_create(rows)


def known_errors(world: World, n: int) -> list[Problem]:
    return problems(world, n, status=Cycle((ProblemStatus.KNOWN_ERROR, ProblemStatus.RESOLVED)))


# ----- changes ---------------------------------------------------------------------------

PIPELINE = (
    ChangeStatus.SUBMITTED,
    ChangeStatus.ASSESSMENT,
    ChangeStatus.CAB_REVIEW,
    ChangeStatus.APPROVED,
    ChangeStatus.SCHEDULED,
    ChangeStatus.IMPLEMENTING,
    ChangeStatus.FAILED,
    ChangeStatus.REVIEW,
)


def changes(
    world: World,
    n: int,
    *,
    days: float = 3,
    spread: int = 200,
    first: datetime | None = None,
    **fields: Any,
) -> list[ChangeRequest]:
    """Changes with a two-hour window from `first` (default: `days` from now), one an
    hour after another over `spread` hours, each
    on one service; in pairs on the same configuration item, so every change has one
    conflict (the conflicts grow with the changes, never as their square)."""
    if first is None:
        first = world.now.replace(minute=0, second=0, microsecond=0) + timedelta(days=days)
    rows = []
    pairs: list[tuple[int, int]] = []
    for i in range(n):
        k = world.number()
        start = first + timedelta(hours=i % spread)
        values = {
            "number": f"CHG-7{k:05d}",
            "title": f"Replace the {WORD} drivers, round {k}",
            "description": "Driver 4.2.",
            "change_type": Cycle(
                (ChangeType.NORMAL, ChangeType.STANDARD, ChangeType.EMERGENCY)
            ).pick(i),
            "status": Cycle(PIPELINE).pick(i),
            "impact": "medium",
            "likelihood": "low",
            "risk": Cycle(("low", "medium", "high")).pick(i),
            "planned_start": start,
            "planned_end": start + timedelta(hours=2),
            "requested_by": world.users["l1"],
            "implementer": world.users["l2"],
            "created_at": world.now - timedelta(days=5, minutes=k),
            "submitted_at": world.now - timedelta(days=4),
            "approval_round": 1,
            "approval_rule": "all",
        }
        values.update(_values(fields, i))
        rows.append(ChangeRequest(**values))
    rows = ChangeRequest.objects.bulk_create(rows)
    ChangeRequest.services.through.objects.bulk_create(
        ChangeRequest.services.through(changerequest_id=row.pk, service_id=world.services[i % 3].pk)
        for i, row in enumerate(rows)
    )
    for i in range(0, len(rows) - 1, 2):
        pairs.append((rows[i].pk, rows[i + 1].pk))
    ChangeRequest.configuration_items.through.objects.bulk_create(
        ChangeRequest.configuration_items.through(
            changerequest_id=pk, configurationitem_id=world.cis[0].pk
        )
        for pair in pairs
        for pk in pair
    )
    return rows


def planned(world: World, n: int, **fields: Any) -> list[ChangeRequest]:
    """Changes planned and not yet carried out (the conflicts page lists them)."""
    statuses = (ChangeStatus.SUBMITTED, ChangeStatus.CAB_REVIEW, ChangeStatus.SCHEDULED)
    return changes(world, n, status=Cycle(statuses), **fields)


def waiting_for_cab(world: World, n: int) -> list[ChangeRequest]:
    """Changes before the CAB, each with the CAB member's pending approval and another
    approver's decision."""
    rows = changes(world, n, status=ChangeStatus.CAB_REVIEW)
    Approval.objects.bulk_create(
        Approval(change=row, approver=world.users[who], round=1, decision=decision)
        for row in rows
        for who, decision in (
            ("cab_member", Decision.PENDING),
            ("change_manager", Decision.APPROVED),
        )
    )
    return rows


def maintenance(world: World, n: int) -> list[ChangeRequest]:
    """Scheduled changes on organisation A's configuration items (the portal's notices)."""
    return changes(world, n, days=1, status=ChangeStatus.SCHEDULED)


# ----- articles --------------------------------------------------------------------------


def articles(world: World, n: int, **fields: Any) -> list[Article]:
    """Published public articles by L2 (`fields` change that), searchable for WORD."""
    now = world.now
    rows = []
    for i in range(n):
        k = world.number()
        values = {
            "number": f"KB-7{k:05d}",
            "title": f"When the {WORD} jams: step {k}",
            "body": f"Open the {WORD} tray and remove the paper.\n\nThen restart it.",
            "keywords": f"{WORD}, paper",
            "visibility": "public",
            "language": "en",
            "status": ArticleStatus.PUBLISHED,
            "author": world.users["l2"],
            "service": world.services[i % 3],
            "published_at": now - timedelta(days=10),
            "reviewed_at": now - timedelta(days=10),
            "use_count": i % 4,
            "created_at": now - timedelta(days=20, minutes=k),
        }
        values.update(_values(fields, i))
        rows.append(Article(**values))
    rows = Article.objects.bulk_create(rows)
    index_articles(rows)
    return rows


def poorly_rated(world: World, n: int) -> list[Article]:
    rows = articles(world, n, use_count=1)
    voters: Sequence[User] = [world.users["l1"], world.users["l2"], world.users["l3"]]
    ArticleFeedback.objects.bulk_create(
        ArticleFeedback(article=row, user=voter, helpful=v == 0)
        for row in rows
        for v, voter in enumerate(voters)
    )
    return rows


def revisions(world: World, n: int) -> None:
    """`n` more revisions of the world's article (its history rows)."""
    article = world.article
    history = Article.history.model
    kept = {f.attname for f in history._meta.concrete_fields}
    names = [f.attname for f in Article._meta.concrete_fields if f.attname in kept]
    names.remove("title")
    history.objects.bulk_create(
        history(
            **{name: getattr(article, name) for name in names},
            title=f"{article.title} ({i})",
            history_date=world.now - timedelta(minutes=n - i),
            history_type="~",
            history_user=world.users["kb_manager"],
            history_change_reason="Edited",
        )
        for i in range(n)
    )

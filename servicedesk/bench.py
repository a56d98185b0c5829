"""The core's part of the benchmark (servicedesk/benchmark/): a login with a password for
every staff role the harness measures as, portal logins for the bench contacts (given
by the app that makes the contacts), and the floor page.

Benchmark data only: the logins share one password (BENCH_PASSWORD, default below),
printed by `bench_load`; never load this into a database people use."""

from collections.abc import Iterable
from urllib.parse import urlencode

from django.contrib.auth.hashers import make_password
from django.contrib.auth.models import Group, User
from django.db import transaction
from django.urls import reverse

from servicedesk import roles
from servicedesk.benchmark.loading import LoadContext
from servicedesk.benchmark.pages import Page, PageContext
from servicedesk.env import env_str
from servicedesk.models import Contact

DEFAULT_PASSWORD = "bench-desk-2026"
#: key → (username, role). The apps' pages name the key.
STAFF_LOGINS = {
    "l1": ("bench-l1", roles.L1_AGENT),
    "l2": ("bench-l2", roles.L2_AGENT),
    "l3": ("bench-l3", roles.L3_ENGINEER),
    "manager": ("bench-manager", roles.DESK_MANAGER),
    "problem_manager": ("bench-problem-manager", roles.PROBLEM_MANAGER),
    "change_manager": ("bench-change-manager", roles.CHANGE_MANAGER),
    "kb_manager": ("bench-kb-manager", roles.KNOWLEDGE_MANAGER),
}
#: The portal login the harness measures as: the first bench contact of the largest
#: bench customer (portal_logins numbers them in the order they are given).
CONTACT_LOGIN = "contact"
CONTACT_USERNAME = "bench-contact-1"
CONTACT_PREFIX = "bench-contact-"


def password() -> str:
    return env_str("BENCH_PASSWORD", DEFAULT_PASSWORD)


def usernames() -> dict[str, str]:
    """Every login key the pages may name → username."""
    return {
        **{key: username for key, (username, _role) in STAFF_LOGINS.items()},
        CONTACT_LOGIN: CONTACT_USERNAME,
    }


def users() -> dict[str, User]:
    """The logins that exist, by key."""
    wanted = usernames()
    found = {u.username: u for u in User.objects.filter(username__in=wanted.values())}
    return {key: found[name] for key, name in wanted.items() if name in found}


def load(ctx: LoadContext) -> None:
    """Staff logins: created when missing, given their role and the bench password."""
    encoded = make_password(password())
    with transaction.atomic():
        for username, role in STAFF_LOGINS.values():
            user, _created = User.objects.get_or_create(
                username=username, defaults={"email": f"{username}@bench.example"}
            )
            if user.password != encoded:
                user.password = encoded
                user.save(update_fields=["password"])
            user.groups.add(Group.objects.get_or_create(name=role)[0])
    ctx.say(
        f"Staff logins: {', '.join(u for u, _r in STAFF_LOGINS.values())} (password {password()!r})"
    )


def portal_logins(ctx: LoadContext, contacts: Iterable[Contact]) -> int:
    """A portal login bench-contact-N (N from 1, in the given order) for each contact
    without one, all with the bench password; how many were made."""
    contacts = list(contacts)
    encoded = make_password(password())
    wanted = {
        f"{CONTACT_PREFIX}{n}": contact
        for n, contact in enumerate(contacts, start=1)
        if contact.user_id is None
    }
    if not wanted:
        return 0
    with transaction.atomic():
        existing = set(User.objects.filter(username__in=wanted).values_list("username", flat=True))
        User.objects.bulk_create(
            User(username=name, email=contact.email, password=encoded)
            for name, contact in wanted.items()
            if name not in existing
        )
        by_name = {u.username: u.pk for u in User.objects.filter(username__in=wanted)}
        for name, contact in wanted.items():
            contact.user_id = by_name[name]
        Contact.objects.bulk_update(wanted.values(), ["user"])
    ctx.say(f"Portal logins: {len(wanted)} ({CONTACT_PREFIX}1 …, password {password()!r})")
    return len(wanted)


#: What the global search is measured with: two words many tickets have.
SEARCH_QUERY = "backup failed"


def pages(ctx: PageContext) -> list[Page]:
    return [
        Page("floor", "Floor: bare Django, 50 rows", "", "/bench/floor/"),
        Page(
            "search", "Global search", "l1", f"{reverse('search')}?{urlencode({'q': SEARCH_QUERY})}"
        ),
    ]

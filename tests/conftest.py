"""The shared cast: one user per role, two customer organisations, a support group per
line. Tests ask for actors by name (`l1`, `contact_a`, …) or all at once (`actors`)."""

from pathlib import Path

import pytest
from django.conf import settings
from django.contrib.auth.models import User
from django.utils import translation

from servicedesk import roles
from servicedesk.celery import app as celery_app
from servicedesk.models import Line, Organisation, Specialisation, SupportGroup
from tests.factories import (
    ContactFactory,
    OrganisationFactory,
    SupportGroupFactory,
    UserFactory,
)


def pytest_configure(config):
    # "demo" hashed with PBKDF2 costs ~0.3 s per user; tests do not need real hashing.
    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]
    # Tasks run in-process once the transaction commits, whatever broker the environment
    # names (tests/servicedesk/test_celery_worker.py starts a real worker on purpose).
    settings.CELERY_TASK_ALWAYS_EAGER = True
    celery_app.conf.task_always_eager = True


def _catalogues_compiled() -> bool:
    catalogues = list(Path(settings.BASE_DIR, "locale").glob("*/LC_MESSAGES/django.po"))
    return all(po.with_suffix(".mo").exists() for po in catalogues)


def pytest_collection_modifyitems(config, items):
    """Tests marked `translations` read the compiled catalogues (locale/*/django.mo),
    which `make messages` builds with gettext's msgfmt: skipped, saying so, without them."""
    if _catalogues_compiled():
        return
    skip = pytest.mark.skip(
        reason="the translation catalogues are not compiled: apt-get install -y gettext, "
        "then make messages (make test and .ci/run do both)"
    )
    for item in items:
        if "translations" in item.keywords:
            item.add_marker(skip)


@pytest.fixture(autouse=True)
def no_language_left_over():
    """A request in German leaves German active in the thread (LocaleMiddleware does not
    undo it): later tests on the same worker must not read it."""
    yield
    translation.deactivate()


@pytest.fixture
def org_a(db) -> Organisation:
    return OrganisationFactory.create(name="Organisation A", contract_number="A-001")


@pytest.fixture
def org_b(db) -> Organisation:
    return OrganisationFactory.create(name="Organisation B", contract_number="B-001")


@pytest.fixture
def l1(db) -> User:
    return UserFactory.create(username="l1", roles=[roles.L1_AGENT])


@pytest.fixture
def l2(db) -> User:
    return UserFactory.create(username="l2", roles=[roles.L2_AGENT])


@pytest.fixture
def l3(db) -> User:
    return UserFactory.create(username="l3", roles=[roles.L3_ENGINEER])


@pytest.fixture
def l1_group(l1) -> SupportGroup:
    return SupportGroupFactory.create(name="Service desk", line=Line.L1, members=[l1])


@pytest.fixture
def l2_group(l2) -> SupportGroup:
    return SupportGroupFactory.create(name="Operations", line=Line.L2, members=[l2])


@pytest.fixture
def l3_group(l3) -> SupportGroup:
    return SupportGroupFactory.create(
        name="Network engineering",
        line=Line.L3,
        specialisation=Specialisation.NETWORK,
        members=[l3],
    )


@pytest.fixture
def desk_manager(db) -> User:
    return UserFactory.create(username="desk_manager", roles=[roles.DESK_MANAGER])


@pytest.fixture
def problem_manager(db) -> User:
    return UserFactory.create(username="problem_manager", roles=[roles.PROBLEM_MANAGER])


@pytest.fixture
def change_manager(db) -> User:
    return UserFactory.create(username="change_manager", roles=[roles.CHANGE_MANAGER])


@pytest.fixture
def cab_member(db) -> User:
    return UserFactory.create(username="cab_member", roles=[roles.CAB_MEMBER])


@pytest.fixture
def kb_manager(db) -> User:
    return UserFactory.create(username="kb_manager", roles=[roles.KNOWLEDGE_MANAGER])


@pytest.fixture
def contact_a(org_a) -> User:
    """The portal user of an authorised contact of organisation A."""
    contact = ContactFactory.create(
        organisation=org_a,
        name="Alice Customer",
        email="alice@a.test",
        with_login=True,
        user__username="contact_a",
    )
    assert contact.user is not None
    return contact.user


@pytest.fixture
def contact_b(org_b) -> User:
    """The portal user of an authorised contact of organisation B."""
    contact = ContactFactory.create(
        organisation=org_b,
        name="Bob Customer",
        email="bob@b.test",
        with_login=True,
        user__username="contact_b",
    )
    assert contact.user is not None
    return contact.user


@pytest.fixture
def outsider(db) -> User:
    """Logged in, but neither staff nor a customer contact."""
    return UserFactory.create(username="outsider")


@pytest.fixture
def actors(
    l1,
    l2,
    l3,
    l1_group,
    l2_group,
    l3_group,
    desk_manager,
    problem_manager,
    change_manager,
    cab_member,
    kb_manager,
    contact_a,
    contact_b,
    outsider,
) -> dict[str, User]:
    """Role name → user, for tests parametrised over the whole cast."""
    return {
        "l1": l1,
        "l2": l2,
        "l3": l3,
        "desk_manager": desk_manager,
        "problem_manager": problem_manager,
        "change_manager": change_manager,
        "cab_member": cab_member,
        "kb_manager": kb_manager,
        "contact_a": contact_a,
        "contact_b": contact_b,
        "outsider": outsider,
    }


@pytest.fixture(autouse=True)
def _empty_cache() -> None:
    """Throttle counters (servicedesk/throttling.py) live in the cache, a per-process
    memory cache in the tests: each test starts with none. (Never point the tests at a
    shared Redis with CACHE_URL: this would empty it.)"""
    from django.core.cache import cache

    cache.clear()

"""Each role has its own workspace. Apps register, from their AppConfig.ready(), the
navigation entries each audience (a staff role, or CONTACT for a customer's contact) sees,
where it lands, the page the header's ticket-number box jumps to, and sections of counted
links (a user's saved views with how many tickets each has now). The core lists no app:
it only keeps the registry and answers "where does this user go"."""

from collections.abc import Callable, Iterable
from dataclasses import dataclass
from typing import Any

from django.conf import settings
from django.core.cache import cache
from django.urls import reverse
from django.utils.functional import Promise
from django.utils.translation import get_language

from servicedesk import roles
from servicedesk.pagination import Tab

CONTACT = "contact"
"""The audience of a customer's contact (anyone with a Contact), beside the staff roles."""


@dataclass(frozen=True)
class NavEntry:
    url_name: str
    label: str | Promise
    shortcut: str = ""
    #: Lower comes first in the navigation; equal weights keep registration order (apps
    #: register in INSTALLED_APPS order, which follows dependencies, not importance).
    weight: int = 0

    @property
    def url(self) -> str:
        return reverse(self.url_name)


@dataclass(frozen=True)
class Jump:
    """The header's "go to number" box: the page it submits to (GET ?number=), the box's
    label and its placeholder, an example of the number it takes."""

    url_name: str
    label: str | Promise
    placeholder: str | Promise

    @property
    def url(self) -> str:
        return reverse(self.url_name)


_nav: dict[str, list[NavEntry]] = {}
_landing: dict[str, NavEntry] = {}
_default_landing: dict[str, NavEntry] = {}
_jump: list[Jump] = []


def register_workspace(
    audience: str,
    *,
    nav: Iterable[NavEntry],
    landing: NavEntry | None = None,
    default_landing: NavEntry | None = None,
) -> None:
    """Add entries to an audience's navigation (after those already registered, once
    each) and, if none is set yet, where it lands. Apps call this in INSTALLED_APPS order.

    `default_landing` is where the audience lands only while no app registers a `landing`
    for it, whatever the order: an earlier app's stand-in for a role whose own workspace
    comes with a later app (the problem manager sees "All open" until problems says where
    its workspace is)."""
    entries = _nav.setdefault(audience, [])
    entries += [entry for entry in nav if entry not in entries]
    if landing is not None:
        _landing.setdefault(audience, landing)
    if default_landing is not None:
        _default_landing.setdefault(audience, default_landing)


def register_jump(url_name: str, *, label: str | Promise, placeholder: str | Promise) -> None:
    """The header's "go to number" box (see Jump); the first registered wins."""
    if not _jump:
        _jump.append(Jump(url_name, label, placeholder))


def jump() -> Jump | None:
    return _jump[0] if _jump else None


def _audiences(user) -> list[str]:
    """The user's audiences in ALL_ROLES order; a superuser works as a desk manager too."""
    if roles.contact_of(user) is not None:
        return [CONTACT]
    names = roles.role_names(user)
    if user.is_superuser:
        names = names | {roles.DESK_MANAGER}
    return [role for role in roles.ALL_ROLES if role in names]


def landing_for(user) -> str:
    """The first of the user's audiences (in ALL_ROLES order) that has a landing page (its
    own, else its default)."""
    for audience in _audiences(user):
        landing = _landing.get(audience) or _default_landing.get(audience)
        if landing is not None:
            return landing.url
    return reverse("no_workspace")


def navigation_for(user) -> list[NavEntry]:
    entries: list[NavEntry] = []
    for audience in _audiences(user):
        entries += [entry for entry in _nav.get(audience, []) if entry not in entries]
    return sorted(entries, key=lambda entry: entry.weight)


# ----- counted links: a section of the navigation whose links each show a count ----------

#: How long a user's counted links are kept (the counts are at most this old).
NAV_COUNTS_SECONDS = 60


@dataclass(frozen=True)
class CountedLink:
    """A link of a navigation section with its (capped) count, e.g. a saved view."""

    label: str
    url: str
    count: Tab


@dataclass(frozen=True)
class NavSection:
    key: str
    title: str
    links: list[CountedLink]


@dataclass(frozen=True)
class _SectionSource:
    key: str
    title: str | Promise
    links: Callable[[Any], list[CountedLink]]
    audiences: frozenset[str]


_sections: list[_SectionSource] = []


def register_nav_section(
    key: str,
    *,
    title: str | Promise,
    links: Callable[[Any], list[CountedLink]],
    audiences: Iterable[str],
) -> None:
    """A section of counted links for these audiences: `links(user)` returns them, in a
    fixed number of queries; its answer is kept NAV_COUNTS_SECONDS per user and language."""
    if any(source.key == key for source in _sections):
        return
    _sections.append(_SectionSource(key, title, links, frozenset(audiences)))


def nav_sections_for(user) -> list[NavSection]:
    audiences = set(_audiences(user))
    sections = []
    for source in _sections:
        if not audiences & source.audiences:
            continue
        key = _cache_key(source.key, user.pk, get_language())
        links = cache.get(key)
        if links is None:
            links = source.links(user)
            cache.set(key, links, NAV_COUNTS_SECONDS)
        sections.append(NavSection(source.key, str(source.title), links))
    return sections


def forget_nav_counts(user) -> None:
    """Count the user's sections again on their next page (they saved or deleted a view)."""
    keys = [
        _cache_key(source.key, user.pk, code)
        for source in _sections
        for code, _name in settings.LANGUAGES
    ]
    cache.delete_many(keys)


def _cache_key(section: str, user_id: int, language: str | None) -> str:
    return f"nav-counts:{section}:{user_id}:{language or ''}"

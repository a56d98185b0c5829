"""The one search box over everything: each app registers the kinds of record it can be
searched for (`SearchKind`: tickets, problems, changes, articles…; the platform's own are
organisations, contacts and configuration items) from its AppConfig.ready(); `search()`
asks every kind the user may look through and returns their hits grouped by kind.

A kind decides what "matching" means for its records and who sees which of them — the
same rules as its own pages. The platform gives it the words (text.py), a full-text
index on both databases (fulltext.py) and snippets (highlight.py)."""

import re
from abc import ABC, abstractmethod
from dataclasses import dataclass, field
from datetime import date, datetime
from typing import TYPE_CHECKING, Any

from django.core.exceptions import ImproperlyConfigured
from django.utils.safestring import SafeString

from servicedesk.search.text import Term, query_terms

if TYPE_CHECKING:
    from django_stubs_ext import StrOrPromise

#: The longest query read (a pasted paragraph is cut here).
MAX_QUERY = 200
#: A query that is a record number (INC-000123, prb12, 123): looked up, not searched
#: for words it happens to share with other records.
RECORD_NUMBER = re.compile(r"^(?:[A-Za-z]{2,4}-?)?\d{1,9}$")


@dataclass(frozen=True)
class SearchRequest:
    """What was asked, by whom, with which filters (None: not narrowed)."""

    text: str
    user: Any
    #: Asked from the customer portal: only what a contact may see there.
    portal: bool = False
    status: str | None = None
    organisation_id: int | None = None
    service_id: int | None = None
    since: date | None = None
    until: date | None = None
    terms: tuple[Term, ...] = field(init=False)

    def __post_init__(self) -> None:
        object.__setattr__(self, "terms", tuple(query_terms(self.text)))

    @property
    def is_number(self) -> bool:
        return bool(RECORD_NUMBER.match(self.text.strip()))

    @property
    def filtered(self) -> frozenset[str]:
        """The filters set ("status", "organisation", "service", "dates")."""
        given = {
            "status": self.status,
            "organisation": self.organisation_id,
            "service": self.service_id,
            "dates": self.since or self.until,
        }
        return frozenset(name for name, value in given.items() if value)


@dataclass(frozen=True)
class Hit:
    url: str
    #: The record's number or a short name of what it is ("INC-000123", "Contact").
    reference: str
    #: Escaped, the matching words in <mark>.
    title: SafeString
    snippet: SafeString
    status: str = ""
    #: A CSS modifier for the status badge (the record's status value).
    status_key: str = ""
    when: datetime | None = None
    details: tuple[str, ...] = ()


@dataclass(frozen=True)
class KindResults:
    kind: "SearchKind"
    hits: list[Hit]
    has_more: bool
    #: Said above the hits, e.g. that none has every word and these have some.
    note: str = ""


class SearchKind(ABC):
    key: str
    label: "StrOrPromise"
    #: Where the kind appears among the others (lower first).
    order: int = 100
    #: The filters this kind understands; it is left out when another is set.
    filters: frozenset[str] = frozenset()
    #: Whether contacts search it in the portal.
    in_portal: bool = False

    def may(self, user: Any) -> bool:
        """Whether staff user `user` may search this kind at all (portal: in_portal)."""
        return True

    def statuses(self) -> list[tuple[str, "StrOrPromise"]]:
        return []

    def exact(self, request: SearchRequest) -> str | None:
        """The page of the one record whose number is the whole query, if any."""
        return None

    @abstractmethod
    def search(self, request: SearchRequest, *, limit: int, offset: int) -> KindResults:
        """The kind's best hits from `offset`, `limit` of them, as far as the user may see."""


_kinds: dict[str, SearchKind] = {}


def register_kind(kind: SearchKind) -> None:
    if kind.key in _kinds and _kinds[kind.key] is not kind:
        raise ImproperlyConfigured(f"Two search kinds share {kind.key!r}")
    _kinds[kind.key] = kind


def kinds_for(user: Any, *, portal: bool) -> list[SearchKind]:
    chosen = [kind for kind in _kinds.values() if (kind.in_portal if portal else kind.may(user))]
    return sorted(chosen, key=lambda kind: (kind.order, kind.key))


def kind_named(key: str) -> SearchKind | None:
    return _kinds.get(key)


def exact_match(request: SearchRequest, kinds: list[SearchKind]) -> str | None:
    """The page of the record whose number is the query, when exactly one kind has one."""
    found = {url for kind in kinds if (url := kind.exact(request))}
    return found.pop() if len(found) == 1 else None


def search(
    request: SearchRequest, kinds: list[SearchKind], *, limit: int, offset: int = 0
) -> list[KindResults]:
    """Each kind's hits, in the kinds' order; kinds that cannot apply a filter that is set
    are left out."""
    if not request.terms:
        return []
    results = []
    for kind in kinds:
        if request.filtered - kind.filters:
            continue
        results.append(kind.search(request, limit=limit, offset=offset))
    return results

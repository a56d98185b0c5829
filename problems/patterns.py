"""Candidate patterns: recent incidents that no problem covers yet and that look like one
cause. The problem manager's workspace lists them; "Open a problem" turns one into a
problem with its incidents linked.

Which incidents
    Incidents (not service requests) registered in the last 30 days (WINDOW), linked to
    no problem, and not the child of a major incident (its parent stands for them).

Four ways of grouping them (kinds), one SQL query each (problems/pattern_sql.py)
    service   the same service;
    ci        the same configuration item;
    category  the same category within one service ("Other" says no more than the
              service, so it is left out);
    words     similar wording: two significant words their titles share. A title is
              lowercased and split on anything that is not a letter or a digit; words of
              fewer than three characters, numbers and stop words (the knowledge search's
              four languages, and desk words such as "issue", "urgent", "not") are
              dropped, and so are words in more than a tenth of the window's
              incidents (the desk's phrasing, "customer reports"; a flood on one service
              still shows as a service or CI pattern); only a title's first 12 words
              count. Every pair of what is left is a key, so "VPN drops every hour"
              and "vpn connection drops" meet on (drops, vpn) whatever the order or
              the padding.

    A group is a candidate from MIN_INCIDENTS (3) incidents in 30 days.

Overlaps, settled on the few candidates (never on the incidents)
    Word pairs with the same incidents merge into one pattern of all their words (three
    words of the same titles make one pattern, not three); a word pattern that shares
    four fifths of its incidents with a larger word pattern repeats it and goes; two
    patterns of different kinds with the same incidents keep the more specific one (CI,
    category, words, then service). Incidents are compared through each pattern's SAMPLE
    most recent ones: exact for patterns that small, an approximation for larger ones.

    The page shows the PER_KIND busiest (over 7 days, then 30) of each kind, so a busy
    service does not hide a configuration item's or a wording's recurrence.

Cost: one query per kind and one for the incidents shown (5), whatever the volume;
`manage.py bench_problem_patterns` measures it on 100,000 incidents."""

from dataclasses import dataclass, field
from datetime import datetime, timedelta
from typing import TYPE_CHECKING, Any

from django.db.models import Exists, OuterRef, QuerySet
from django.utils import timezone
from django.utils.translation import gettext as _

from incidents.models import Incident, Kind
from incidents.models.choices import Category
from problems import pattern_sql
from problems.models import ProblemIncident
from servicedesk.models import ConfigurationItem, Service

if TYPE_CHECKING:
    from problems.pattern_sql import GroupRow

WINDOW = timedelta(days=30)
RECENT = timedelta(days=7)
MIN_INCIDENTS = 3
#: Candidates read per kind (more for words: pairs of one wording merge into one).
CANDIDATES = {"service": 20, "ci": 20, "category": 20, "words": 120}
#: Incidents read per candidate to compare patterns, and shown on each.
SAMPLE = 25
SHOWN = 8
#: Patterns shown of each kind.
PER_KIND = 6
#: A word pattern sharing this share of its incidents with a larger one repeats it.
REPEAT = 0.8
#: Incidents linked when a problem is opened from a pattern (the most recent).
LINK_CAP = 200
#: The more specific kind first: it stays when two kinds find the same incidents.
KINDS = ("ci", "category", "words", "service")
MAX_WORDS = pattern_sql.TITLE_WORDS


@dataclass
class Pattern:
    kind: str
    #: The group's key within its kind: a service or CI id, "<service id>:<category>",
    #: or the shared words separated by spaces.
    value: str
    n30: int
    n7: int
    organisations: int
    #: The most recent incidents' ids (up to SAMPLE), then the rows shown (up to SHOWN).
    incident_ids: list[int]
    incidents: list[Incident] = field(default_factory=list)

    @property
    def key(self) -> str:
        """What the "Open a problem" form posts back: "<kind>:<value>"."""
        return f"{self.kind}:{self.value}"

    @property
    def words(self) -> list[str]:
        return self.value.split() if self.kind == "words" else []

    @property
    def complete(self) -> bool:
        """Whether incident_ids holds every incident of the pattern."""
        return self.n30 <= len(self.incident_ids)

    @property
    def not_shown(self) -> int:
        return max(0, self.n30 - len(self.incidents))

    @property
    def last_at(self) -> datetime | None:
        return self.incidents[0].registered_at if self.incidents else None

    # ----- what a problem opened from it starts with ----------------------------------

    @property
    def service(self) -> Service | None:
        ci = self.configuration_item
        if ci is not None:
            return ci.service
        return _shared([i.service for i in self.incidents])

    @property
    def configuration_item(self) -> ConfigurationItem | None:
        return _shared([i.configuration_item for i in self.incidents])

    @property
    def category(self) -> str:
        shared = _shared([i.category for i in self.incidents])
        return "" if shared in (None, Category.OTHER) else str(shared)

    @property
    def category_label(self) -> str:
        return str(Category(self.category).label) if self.category else ""

    @property
    def title(self) -> str:
        """The problem's title, to be edited before it opens."""
        service, ci = self.service, self.configuration_item
        if self.kind == "ci" and ci is not None:
            return _("Recurring incidents on %(ci)s") % {"ci": ci.name}
        if self.kind == "category" and service is not None:
            return _("Recurring %(category)s incidents on %(service)s") % {
                "category": self.category_label.lower(),
                "service": service.name,
            }
        if self.kind == "service" and service is not None:
            return _("Recurring incidents on %(service)s") % {"service": service.name}
        return self.incidents[0].title if self.incidents else " ".join(self.words)

    def description(self) -> str:
        return _(
            "Opened from a pattern: %(n30)d incidents in the last 30 days (%(n7)d in the "
            "last 7) that no problem covered, from %(organisations)d organisations."
        ) % {"n30": self.n30, "n7": self.n7, "organisations": self.organisations}


# ----- finding the patterns -----------------------------------------------------------------


def uncovered_incidents(now: datetime) -> QuerySet[Incident, Any]:
    """The incidents patterns are made of (see the module's docstring)."""
    # NOT EXISTS rather than a LEFT JOIN … IS NULL, which PostgreSQL 15 estimates at one
    # row (and then plans every step after it as if the window were empty).
    covered = ProblemIncident.objects.filter(incident=OuterRef("pk"))
    return (
        Incident.objects.filter(
            ~Exists(covered),
            kind=Kind.INCIDENT,
            registered_at__gte=now - WINDOW,
            parent__isnull=True,
        )
        .order_by()
        .values(
            "id",
            "registered_at",
            "organisation_id",
            "service_id",
            "configuration_item_id",
            "category",
            "title",
        )
    )


def find_patterns(*, now: datetime | None = None, per_kind: int = PER_KIND) -> list[Pattern]:
    """The candidate patterns, kind by kind (KINDS) and the busiest first in each, with
    the incidents each shows: a query per kind and one for the incidents, whatever the
    number of incidents."""
    now = now or timezone.now()
    recent = uncovered_incidents(now)
    found: list[Pattern] = []
    for kind in KINDS:
        rows = pattern_sql.top_groups(
            recent,
            kind,
            since7=now - RECENT,
            minimum=MIN_INCIDENTS,
            limit=CANDIDATES[kind],
            sample=SAMPLE,
            category_other=Category.OTHER,
        )
        patterns = _patterns_of(kind, rows)
        found += _merge_word_pairs(patterns) if kind == "words" else patterns
    found = _drop_overlaps(found)
    found.sort(key=lambda p: (KINDS.index(p.kind), -p.n7, -p.n30, p.value))
    shown = [p for kind in KINDS for p in [p for p in found if p.kind == kind][:per_kind]]
    _load_incidents(shown, per_pattern=SHOWN)
    return shown


def pattern_for_key(key: str, *, now: datetime | None = None) -> Pattern | None:
    """The pattern a form posted back, as it is now, with all its incidents (the most
    recent LINK_CAP); None if the key is not one or the pattern no longer holds."""
    now = now or timezone.now()
    parsed = _parse_key(key)
    if parsed is None:
        return None
    kind, value = parsed
    recent = uncovered_incidents(now)
    if kind == "words":
        ids = pattern_sql.incidents_with_words(recent, value.split(), limit=LINK_CAP)
    else:
        ids = pattern_sql.incidents_of(
            recent, kind, value, limit=LINK_CAP, category_other=Category.OTHER
        )
    if len(ids) < MIN_INCIDENTS:
        return None
    pattern = Pattern(kind, value, n30=len(ids), n7=0, organisations=0, incident_ids=ids)
    _load_incidents([pattern], per_pattern=LINK_CAP)
    since7 = now - RECENT
    pattern.n7 = sum(1 for i in pattern.incidents if i.registered_at >= since7)
    pattern.organisations = len({i.organisation_id for i in pattern.incidents})
    return pattern


def _patterns_of(kind: str, rows: "list[GroupRow]") -> list[Pattern]:
    """Rows of (key, counts, incident id), one per sampled incident, into patterns."""
    by_key: dict[str, Pattern] = {}
    for row in rows:
        pattern = by_key.get(row.key)
        if pattern is None:
            pattern = by_key[row.key] = Pattern(
                kind, row.key, row.n30, row.n7, row.organisations, incident_ids=[]
            )
        pattern.incident_ids.append(row.incident_id)
    return list(by_key.values())


def _same_incidents(pattern: Pattern) -> tuple[int, int, frozenset[int]]:
    return pattern.n30, pattern.n7, frozenset(pattern.incident_ids)


def _merge_word_pairs(pairs: list[Pattern]) -> list[Pattern]:
    """Pairs with the same incidents become one pattern of all their words; then, the
    larger first, a word pattern goes when most of its incidents (REPEAT) belong to one
    kept before it: the same wording, give or take a word."""
    merged: dict[tuple[int, int, frozenset[int]], Pattern] = {}
    for pair in pairs:
        same = _same_incidents(pair)
        if same in merged:
            words = sorted(set(merged[same].words) | set(pair.words))
            merged[same].value = " ".join(words)
        else:
            merged[same] = pair
    kept: list[Pattern] = []
    for pattern in sorted(merged.values(), key=lambda p: (-p.n30, -p.n7, p.value)):
        ids = set(pattern.incident_ids)
        if not any(len(ids & set(k.incident_ids)) >= REPEAT * len(ids) for k in kept):
            kept.append(pattern)
    return kept


def _drop_overlaps(patterns: list[Pattern]) -> list[Pattern]:
    """Of patterns of different kinds with the same incidents, the first kind in KINDS
    (the more specific) stays."""
    kept: dict[tuple[int, int, frozenset[int]], Pattern] = {}
    for pattern in sorted(patterns, key=lambda p: KINDS.index(p.kind)):
        kept.setdefault(_same_incidents(pattern), pattern)
    return list(kept.values())


def _load_incidents(patterns: list[Pattern], *, per_pattern: int) -> None:
    """The rows each pattern shows, in one query for all of them."""
    wanted = {pk for p in patterns for pk in p.incident_ids[:per_pattern]}
    rows = Incident.objects.filter(pk__in=wanted).select_related(
        "organisation", "service", "configuration_item__service"
    )
    by_id = {incident.pk: incident for incident in rows.defer("description", "form_answers")}
    for pattern in patterns:
        ids = pattern.incident_ids[:per_pattern]
        pattern.incidents = [by_id[pk] for pk in ids if pk in by_id]


def _parse_key(key: str) -> tuple[str, str] | None:
    kind, _sep, value = key.partition(":")
    match kind:
        case "service" | "ci":
            return (kind, value) if value.isdigit() else None
        case "category":
            service, _sep, category = value.partition(":")
            valid = service.isdigit() and category in Category.values
            return (kind, value) if valid and category != Category.OTHER else None
        case "words":
            words = value.split()
            valid = 2 <= len(words) <= MAX_WORDS and all(3 <= len(w) <= 60 for w in words)
            return (kind, " ".join(sorted(set(words)))) if valid else None
    return None


def _shared[T](values: list[T | None]) -> T | None:
    """The one value all of `values` have, else None."""
    distinct = set(values)
    if len(distinct) == 1:
        return distinct.pop()
    return None

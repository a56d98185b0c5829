"""What the change lists print (my approvals, the CAB agenda, the conflicts, a change's
conflicts), worked out once per page in Python, as incidents/queue_rows.py does for the
ticket queues.

Written with `get_status_display`, `|date` and `{% url %}` in the loop, a row of "my
approvals" cost about 5 ms: each `get_…_display` rebuilds its choices dict and hashes
every lazy label (a dozen translation lookups), each `|date` looks its format and names
up again, and a conflict line holds four dates. Here the labels are looked up once per
page, dates go through servicedesk.dates.LocalDates, addresses are joined to a prefix
reversed once, and the templates print strings. Nothing is kept across requests."""

from collections.abc import Iterable
from dataclasses import dataclass, fields
from datetime import datetime

from django.urls import reverse
from django.utils.translation import gettext as _

from changes.conflicts import Conflict
from changes.models import ChangeType, Decision, Level, Risk, Status
from servicedesk.dates import LocalDates
from servicedesk.people import display_name

#: A list row's window: "Tue 03 Mar 22:00 – 23:30", the end's date only on another day.
ROW_START = "D d M H:i"
#: A conflict's window: "03 Mar 22:00 – 04 Mar 01:00".
CONFLICT = "d M H:i"


def change_url_prefix() -> str:
    """The change page's address without the number (rows add it: no {% url %} a row)."""
    return reverse("changes:detail", args=["CHG-000000"]).removesuffix("CHG-000000/")


@dataclass(frozen=True)
class ShownConflict(Conflict):
    """A conflict with what its line prints (changes/_conflicts.html)."""

    #: The other change's page and state.
    url: str = ""
    state: str = ""
    window: str = ""
    #: The services and configuration items it shares, "every service" for a blackout on
    #: all of them.
    where: str = ""


class Shown:
    """The labels, dates and addresses of one page's rows: make one per request, after
    the language and the time zone are activated."""

    def __init__(self) -> None:
        self.dates = LocalDates()
        self.change_url = change_url_prefix()
        self.status = _labels(Status)
        self.change_type = _labels(ChangeType)
        self.risk = _labels(Risk)
        self.level = _labels(Level)
        self.decision = _labels(Decision)
        self.everywhere = _("every service")

    def state(self, status: str | None) -> str:
        """A change's status as shown (the status field is typed as may be None)."""
        return self.status.get(status or "", status or "")

    def url(self, number: str) -> str:
        return f"{self.change_url}{number}/"

    def window(self, start: datetime | None, end: datetime | None) -> str:
        """A list row's window ("—" without one), as the pipeline's rows write it."""
        if start is None or end is None:
            return "—"
        first = self.dates.format(start, ROW_START)
        same_day = self.dates.format(start, "Ymd") == self.dates.format(end, "Ymd")
        last = self.dates.format(end, "H:i" if same_day else ROW_START)
        return f"{first} – {last}"

    def conflicts(self, found: Iterable[Conflict]) -> list[ShownConflict]:
        return [self.conflict(conflict) for conflict in found]

    def conflict(self, conflict: Conflict) -> ShownConflict:
        given = {f.name: getattr(conflict, f.name) for f in fields(Conflict)}
        if conflict.blackout is not None:
            blackout = conflict.blackout
            where = self.everywhere if conflict.everywhere else _names(conflict.services)
            window = self._conflict_window(blackout.starts_at, blackout.ends_at)
            return ShownConflict(**given, window=window, where=where)
        other = conflict.change
        assert other is not None
        return ShownConflict(
            **given,
            url=self.url(other.number),
            state=self.state(other.status),
            window=self._conflict_window(other.planned_start, other.planned_end),
            where=_names((*conflict.services, *conflict.configuration_items)),
        )

    def _conflict_window(self, start: datetime | None, end: datetime | None) -> str:
        return f"{self.dates.format(start, CONFLICT)} – {self.dates.format(end, CONFLICT)}"


def person(user) -> str:
    """As the `person` filter with `|default:"—"`: the full name, "—" for no one."""
    return "—" if user is None else display_name(user) or "—"


def _labels(choices) -> dict[str, str]:
    return {value: str(label) for value, label in choices.choices}


def _names(records: Iterable) -> str:
    return ", ".join(record.name for record in records)

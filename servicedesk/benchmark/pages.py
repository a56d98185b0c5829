"""What the harness measures: pages, each requested as one login, by GET or by POST.

A POST must change something every time it is sent (a comment, a transition, a new
ticket), so its requests may differ: a page has one or more targets (path and form
fields), used in turn, and a field's value may be

- a plain string, the same every time;
- `Seq(base)`: base + the round (how often the target was used before): the version a
  form carries, one more after every successful transition of the same record;
- `Cycle(values)`: the round's value, in turn (e.g. two assignees, so each
  reassignment changes something);
- `Unique(prefix)`: a value never sent before (a form's one-time submission token).

The k-th request (0-based, per load generator thread) uses target k mod n in round
k div n. The wrk script (wrk.py) does the same in Lua, the profiler and the tests in
Python (`Page.request`)."""

from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass, field
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from django.contrib.auth.models import User


@dataclass(frozen=True)
class Seq:
    base: int


@dataclass(frozen=True)
class Cycle:
    values: tuple[str, ...]


@dataclass(frozen=True)
class Unique:
    prefix: str


Value = str | Seq | Cycle | Unique


@dataclass(frozen=True)
class Target:
    path: str
    data: Mapping[str, Value] = field(default_factory=dict)


@dataclass
class Page:
    #: Short key: `bench_serve_measure --only <name>`, `bench_profile <name>`.
    name: str
    label: str
    #: Whose session (a key of the logins, servicedesk/bench.py: "l1", "contact", …),
    #: "token:<key>" for the API's bearer token of that login, "" for nobody.
    login: str
    path: str = ""
    method: str = "GET"
    #: The form fields of a POST (the CSRF token is added by whoever sends it).
    data: Mapping[str, Value] = field(default_factory=dict)
    #: Several targets used in turn (see the module docstring); default: path and data.
    targets: Sequence[Target] = ()
    #: A POST: how many rows of what it creates exist (counted before and after a run,
    #: so a POST that answers well but creates nothing is caught).
    count: Callable[[], int] | None = None
    #: Removes what the page's POSTs made, after the run (so runs start from the same
    #: data); returns how many records it removed.
    cleanup: Callable[[], int] | None = None
    #: The status a working request answers with (a POST: 302 to the changed record).
    expect: int = 200
    headers: Mapping[str, str] = field(default_factory=dict)
    #: What the page is in the README's profiling notes (one line).
    note: str = ""

    def __post_init__(self) -> None:
        if not self.targets:
            self.targets = (Target(self.path, self.data),)
        if self.method == "POST" and self.expect == 200:
            self.expect = 302

    @property
    def is_post(self) -> bool:
        return self.method == "POST"

    def request(self, k: int, *, tag: str = "", thread: int = 0) -> tuple[str, dict[str, str]]:
        """The k-th request's path and form fields (as wrk.py's script sends them)."""
        index, turn = k % len(self.targets), k // len(self.targets)
        target = self.targets[index]
        return target.path, {
            name: resolve(value, turn=turn, k=k, tag=tag, thread=thread)
            for name, value in target.data.items()
        }


def resolve(value: Value, *, turn: int, k: int, tag: str, thread: int) -> str:
    if isinstance(value, Seq):
        return str(value.base + turn)
    if isinstance(value, Cycle):
        return value.values[turn % len(value.values)]
    if isinstance(value, Unique):
        return f"{value.prefix}{tag}t{thread}n{k}"
    return value


@dataclass
class PageContext:
    """What the apps' `pages(ctx)` get: the logins' users by key, and how many targets
    a POST that can be sent only once per record should offer."""

    users: "dict[str, User]"
    pool: int = 2000
    notes: dict[str, object] = field(default_factory=dict)

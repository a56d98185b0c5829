"""The ticket list's column headers: each sorts by its column, a second click the other
way round (the sorts are filters.SORTS; the filter's other fields are kept)."""

from dataclasses import dataclass

from incidents.ticket_lists.filters import SORTS, TicketFilterForm

#: column → the sort its header chooses first (then the other direction).
FIRST_SORT = {
    "number": "-number",
    "priority": "priority",
    "status": "status",
    "title": "title",
    "organisation": "organisation",
    "contact": "contact",
    "service": "service",
    "group": "group",
    "assignee": "assignee",
    "due": "due",
    "registered": "-registered",
}


@dataclass(frozen=True)
class SortHeader:
    url: str
    #: aria-sort: "ascending", "descending" or "none".
    state: str
    #: What the link does ("Organisation, Z to A").
    title: str


def sort_headers(form: TicketFilterForm, base: str) -> dict[str, SortHeader]:
    current = form.sort_key
    headers = {}
    for column, first in FIRST_SORT.items():
        plain = first.removeprefix("-")
        if current == plain:
            state, target = "ascending", f"-{plain}"
        elif current == f"-{plain}":
            state, target = "descending", plain
        else:
            state, target = "none", first
        url = f"{base}?{form.query_string(sort=target)}"
        headers[column] = SortHeader(url=url, state=state, title=str(SORTS[target][0]))
    return headers

"""Who may open which route of the change's pages, the new-change page and the CAB
member's approvals: every route × every actor (contacts and users without a role get
403, as on the other staff pages; anonymous visitors go to the login page), unknown
numbers 404, and the methods each route refuses (405)."""

from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

import pytest
from django.urls import reverse

from changes.models import ChangeRequest, Status
from tests.changes.factories import policy
from tests.changes.page_helpers import raised
from tests.factories import IncidentFactory

pytestmark = pytest.mark.django_db

STAFF = {
    "l1",
    "l2",
    "l3",
    "desk_manager",
    "problem_manager",
    "change_manager",
    "cab_member",
    "kb_manager",
}
EVERYONE = sorted([*STAFF, "contact_a", "contact_b", "outsider"])
MANAGER = {"change_manager"}
APPROVER = {"cab_member"}


@dataclass
class World:
    """A submitted change (with an incident linked), and one before the CAB whose only
    approver is the cast's CAB member."""

    change: ChangeRequest
    before_cab: ChangeRequest
    linked: Any
    spare: Any


@pytest.fixture
def world(l2, change_manager, cab_member) -> World:
    policy(approvers=[cab_member])
    linked, spare = IncidentFactory(), IncidentFactory()
    return World(
        change=raised(l2, change_manager, Status.SUBMITTED, incidents=[linked]),
        before_cab=raised(l2, change_manager, Status.CAB_REVIEW),
        linked=linked,
        spare=spare,
    )


@dataclass
class Route:
    name: str
    method: str
    allowed: set[str]
    ok: int
    args: Callable[[World], list] = lambda w: [w.change.number]
    data: Callable[[World], dict] = lambda w: {}
    label: str = ""

    @property
    def id(self) -> str:
        return f"{self.method}-{self.label or self.name}"

    @property
    def numbered(self) -> bool:
        return self.name not in {"new", "risk", "items", "approvals"}

    def url(self, w: World, *, number: str | None = None) -> str:
        args = self.args(w)
        if number is not None:
            args = [number, *args[1:]]
        return reverse(f"changes:{self.name}", args=args)


def _plan(w: World) -> dict:
    return {
        "version": w.change.version,
        "change_type": "normal",
        "title": "Patch the mail relays",
        "impact": "low",
        "likelihood": "low",
    }


ROUTES = [
    Route("detail", "get", STAFF, 200),
    Route("new", "get", STAFF, 200, args=lambda w: []),
    Route("new", "post", STAFF, 302, args=lambda w: [], data=_plan),
    Route("risk", "get", STAFF, 200, args=lambda w: []),
    Route("items", "get", STAFF, 200, args=lambda w: []),
    Route("approvals", "get", STAFF, 200, args=lambda w: []),
    Route(
        "action",
        "get",
        MANAGER,
        200,
        args=lambda w: [w.change.number, "cancel"],
        label="action-cancel",
    ),
    Route(
        "action",
        "post",
        MANAGER,
        302,
        args=lambda w: [w.change.number, "start_assessment"],
        data=lambda w: {"version": w.change.version},
        label="action-start-assessment",
    ),
    Route("edit", "get", MANAGER, 200),
    Route("edit", "post", MANAGER, 302, data=_plan),
    Route(
        "decide",
        "post",
        APPROVER,
        302,
        args=lambda w: [w.before_cab.number],
        data=lambda w: {"decision": "approved", "comment": ""},
    ),
    Route("link", "post", STAFF, 302, data=lambda w: {"number": w.spare.number}),
    Route("unlink", "post", STAFF, 302, args=lambda w: [w.change.number, w.linked.number]),
]
ROUTE_PARAMS = [pytest.param(route, id=route.id) for route in ROUTES]


def _send(client, route: Route, url: str, data: dict):
    return client.post(url, data) if route.method == "post" else client.get(url)


@pytest.mark.parametrize("actor", EVERYONE)
@pytest.mark.parametrize("route", ROUTE_PARAMS)
def test_every_route_answers_each_actor_as_the_rules_say(client, actors, world, route, actor):
    client.force_login(actors[actor])
    response = _send(client, route, route.url(world), route.data(world))
    expected = route.ok if actor in route.allowed else 403
    assert response.status_code == expected, (actor, response.content.decode()[:300])


@pytest.mark.parametrize("route", ROUTE_PARAMS)
def test_anonymous_visitors_are_sent_to_the_login_page(client, world, route):
    response = _send(client, route, route.url(world), route.data(world))
    assert response.status_code == 302
    assert response["Location"].startswith(reverse("login"))


@pytest.mark.parametrize("route", [pytest.param(r, id=r.id) for r in ROUTES if r.numbered])
def test_an_unknown_change_number_is_404_on_every_route(client, change_manager, world, route):
    client.force_login(change_manager)
    response = _send(client, route, route.url(world, number="CHG-999999"), route.data(world))
    assert response.status_code == 404


@pytest.mark.parametrize("name", ["decide", "link", "unlink"])
def test_changing_routes_refuse_get(client, change_manager, world, name):
    route = next(r for r in ROUTES if r.name == name)
    client.force_login(change_manager)
    assert client.get(route.url(world)).status_code == 405


@pytest.mark.parametrize("name", ["new", "action", "edit"])
def test_form_routes_refuse_put(client, change_manager, world, name):
    route = next(r for r in ROUTES if r.name == name)
    client.force_login(change_manager)
    assert client.put(route.url(world)).status_code == 405


@pytest.mark.parametrize("name", ["detail", "risk", "items", "approvals"])
def test_reading_routes_refuse_post(client, change_manager, world, name):
    route = next(r for r in ROUTES if r.name == name)
    client.force_login(change_manager)
    assert client.post(route.url(world)).status_code == 405


def test_the_other_routes_answer_htmx_too(client, change_manager, world):
    """The same access with htmx: a refused step is 403, not a swapped page."""
    client.force_login(change_manager)
    headers = {"HX-Request": "true"}
    assert client.get(reverse("changes:approvals"), headers=headers).status_code == 200
    refused = client.post(
        reverse("changes:decide", args=[world.before_cab.number]),
        {"decision": "approved"},
        headers=headers,
    )
    assert refused.status_code == 403


def test_unlinking_what_is_not_linked_is_404(client, l1, world):
    client.force_login(l1)
    url = reverse("changes:unlink", args=[world.change.number, world.spare.number])
    assert client.post(url).status_code == 404


def test_an_unknown_step_is_404_and_one_not_open_now_is_403(client, change_manager, world):
    client.force_login(change_manager)
    number = world.change.number
    assert client.get(reverse("changes:action", args=[number, "teleport"])).status_code == 404
    assert client.get(reverse("changes:action", args=[number, "close"])).status_code == 403


def test_what_is_not_a_change_number_is_not_the_change_page(client, l1):
    client.force_login(l1)
    assert client.get("/changes/PRB-000001/").status_code == 404

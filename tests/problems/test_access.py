"""Who may open which route of the problem's page and the new-problem page: every route ×
every actor (contacts and users without a role get 403, as on the other staff pages;
anonymous visitors go to the login page), unknown numbers and rows 404, and the methods
each route refuses (405). Also the access helper itself."""

from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any

import pytest
from django.core.exceptions import PermissionDenied
from django.http import Http404
from django.urls import reverse
from django.utils import timezone

from problems import services
from problems.access import get_problem_for
from problems.models import Problem, Status
from tests.factories import ConfigurationItemFactory, IncidentFactory, ServiceFactory
from tests.problems.page_fixtures import open_problem

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
MANAGERS = {"problem_manager"}
INVESTIGATORS = {"problem_manager", "l2", "l3"}
LINKERS = {"problem_manager", "l1", "l2", "l3", "desk_manager"}


@dataclass
class World:
    """A problem under investigation with an incident and a row of each RCA part, and a
    known error without an article."""

    problem: Problem
    known_error: Problem
    incident: Any
    spare_incident: Any
    why: Any
    cause: Any
    event: Any


@pytest.fixture
def world(problem_manager) -> World:
    incident, spare = IncidentFactory(), IncidentFactory()
    problem = open_problem(problem_manager, Status.UNDER_INVESTIGATION, incidents=[incident])
    return World(
        problem=problem,
        known_error=open_problem(problem_manager, Status.KNOWN_ERROR),
        incident=incident,
        spare_incident=spare,
        why=services.why_add(problem=problem, answer="The disk filled", actor=problem_manager),
        cause=services.cause_add(
            problem=problem, category="technology", text="No rotation", actor=problem_manager
        ),
        event=services.event_add(
            problem=problem, occurred_at=timezone.now(), text="Deploy", actor=problem_manager
        ),
    )


@dataclass
class Route:
    name: str
    method: str
    allowed: set[str]
    ok: int
    args: Callable[[World], list] = lambda w: [w.problem.number]
    data: Callable[[World], dict] = lambda w: {}
    others: int = 403
    label: str = ""
    extra: dict = field(default_factory=dict)

    @property
    def id(self) -> str:
        return f"{self.method}-{self.label or self.name}"

    def url(self, w: World, *, number: str | None = None) -> str:
        args = self.args(w)
        if number is not None and args:
            args = [number, *args[1:]]
        return reverse(f"problems:{self.name}", args=args)


def _edit_data(w: World) -> dict:
    service = ServiceFactory.create()
    return {
        "version": w.problem.version,
        "title": "A better title",
        "priority": 2,
        "service": service.pk,
        "configuration_item": ConfigurationItemFactory.create(service=service).pk,
        "category": "outage",
    }


ROUTES = [
    Route("detail", "get", STAFF, 200),
    Route("new", "get", MANAGERS, 200, args=lambda w: []),
    Route(
        "new",
        "post",
        MANAGERS,
        302,
        args=lambda w: [],
        data=lambda w: {"title": "Mail bounces", "priority": 3, "category": "error"},
    ),
    Route(
        "action",
        "get",
        MANAGERS,
        200,
        args=lambda w: [w.problem.number, "record_known_error"],
        label="action-known-error",
    ),
    Route(
        "action",
        "post",
        MANAGERS,
        302,
        args=lambda w: [w.problem.number, "cancel"],
        data=lambda w: {"version": w.problem.version, "reason": "Duplicate"},
        label="action-cancel",
    ),
    Route("edit", "get", MANAGERS, 200),
    Route("edit", "post", MANAGERS, 302, data=_edit_data),
    Route("findings", "get", INVESTIGATORS, 200),
    Route(
        "findings",
        "post",
        INVESTIGATORS,
        302,
        data=lambda w: {"version": w.problem.version, "root_cause": "Disk", "workaround": ""},
    ),
    Route(
        "link_incident",
        "post",
        LINKERS,
        302,
        data=lambda w: {"number": w.spare_incident.number},
    ),
    Route(
        "unlink_incident",
        "post",
        LINKERS,
        302,
        args=lambda w: [w.problem.number, w.incident.number],
    ),
    Route("write_article", "post", MANAGERS, 302, args=lambda w: [w.known_error.number]),
    Route("why_add", "post", INVESTIGATORS, 302, data=lambda w: {"answer": "Because"}),
    Route(
        "why_edit",
        "post",
        INVESTIGATORS,
        302,
        args=lambda w: [w.problem.number, w.why.pk],
        data=lambda w: {"answer": "Reworded"},
    ),
    Route("why_remove", "post", INVESTIGATORS, 302, args=lambda w: [w.problem.number, w.why.pk]),
    Route(
        "cause_add",
        "post",
        INVESTIGATORS,
        302,
        data=lambda w: {"category": "people", "text": "No runbook"},
    ),
    Route(
        "cause_verdict",
        "post",
        INVESTIGATORS,
        302,
        args=lambda w: [w.problem.number, w.cause.pk],
        data=lambda w: {"confirmed": "true"},
    ),
    Route(
        "cause_remove", "post", INVESTIGATORS, 302, args=lambda w: [w.problem.number, w.cause.pk]
    ),
    Route(
        "event_add",
        "post",
        INVESTIGATORS,
        302,
        data=lambda w: {"occurred_at": "2026-03-01T10:00", "text": "Alert fired"},
    ),
    Route(
        "event_remove", "post", INVESTIGATORS, 302, args=lambda w: [w.problem.number, w.event.pk]
    ),
]
ROUTE_PARAMS = [pytest.param(route, id=route.id) for route in ROUTES]
WITH_NUMBER = [pytest.param(route, id=route.id) for route in ROUTES if route.name != "new"]


def _send(client, route: Route, url: str, data: dict):
    return getattr(client, route.method)(url, data) if route.method == "post" else client.get(url)


@pytest.mark.parametrize("actor", EVERYONE)
@pytest.mark.parametrize("route", ROUTE_PARAMS)
def test_every_route_answers_each_actor_as_the_rules_say(client, actors, world, route, actor):
    client.force_login(actors[actor])
    response = _send(client, route, route.url(world), route.data(world))
    expected = route.ok if actor in route.allowed else route.others
    assert response.status_code == expected, (actor, response.content.decode()[:300])


@pytest.mark.parametrize("route", ROUTE_PARAMS)
def test_anonymous_visitors_are_sent_to_the_login_page(client, world, route):
    response = _send(client, route, route.url(world), route.data(world))
    assert response.status_code == 302
    assert response["Location"].startswith(reverse("login"))


@pytest.mark.parametrize("route", WITH_NUMBER)
def test_an_unknown_problem_number_is_404_on_every_route(client, problem_manager, world, route):
    client.force_login(problem_manager)
    response = _send(client, route, route.url(world, number="PRB-999999"), route.data(world))
    assert response.status_code == 404


POST_ONLY = [
    pytest.param(r, id=r.id)
    for r in ROUTES
    if r.method == "post"
    and r.name
    not in {
        "new",
        "action",
        "edit",
        "findings",
    }
]


@pytest.mark.parametrize("route", POST_ONLY)
def test_changing_routes_refuse_get(client, problem_manager, world, route):
    client.force_login(problem_manager)
    assert client.get(route.url(world)).status_code == 405


@pytest.mark.parametrize(
    "route",
    [pytest.param(r, id=r.id) for r in ROUTES if r.name in {"new", "action", "edit", "findings"}],
)
def test_form_routes_refuse_put(client, problem_manager, world, route):
    client.force_login(problem_manager)
    assert client.put(route.url(world)).status_code == 405


def test_the_page_refuses_post(client, problem_manager, world):
    client.force_login(problem_manager)
    url = reverse("problems:detail", args=[world.problem.number])
    assert client.post(url).status_code == 405


def test_a_number_is_found_whatever_its_case(client, l1, world):
    client.force_login(l1)
    response = client.get(f"/problems/{world.problem.number.lower()}/")
    assert response.status_code == 200
    assert response.context["problem"] == world.problem


def test_what_is_not_a_problem_number_is_not_the_problem_page(client, l1):
    client.force_login(l1)
    assert client.get("/problems/INC-000001/").status_code == 404


def test_unknown_action_is_404_and_one_not_open_now_is_403(client, problem_manager, world):
    client.force_login(problem_manager)
    number = world.problem.number
    assert client.get(reverse("problems:action", args=[number, "teleport"])).status_code == 404
    response = client.get(reverse("problems:action", args=[number, "close"]))
    assert response.status_code == 403


class TestRowsOfAnotherProblem:
    """A why, cause or event is found only under its own problem's number."""

    @pytest.mark.parametrize(
        ("name", "row", "data"),
        [
            ("why_edit", "why", {"answer": "x"}),
            ("why_remove", "why", {}),
            ("cause_verdict", "cause", {"confirmed": "true"}),
            ("cause_remove", "cause", {}),
            ("event_remove", "event", {}),
        ],
    )
    def test_are_404(self, client, problem_manager, world, name, row, data):
        other = open_problem(problem_manager, Status.UNDER_INVESTIGATION)
        client.force_login(problem_manager)
        url = reverse(f"problems:{name}", args=[other.number, getattr(world, row).pk])
        assert client.post(url, data).status_code == 404

    def test_an_incident_not_linked_to_the_problem_is_404_to_take_off(
        self, client, problem_manager, world
    ):
        client.force_login(problem_manager)
        url = reverse(
            "problems:unlink_incident", args=[world.problem.number, world.spare_incident.number]
        )
        assert client.post(url).status_code == 404


class TestFinishedProblems:
    def test_nobody_edits_a_closed_problem_any_more(self, client, problem_manager, l2):
        closed = open_problem(problem_manager, Status.CLOSED)
        for user in (problem_manager, l2):
            client.force_login(user)
            for name in ("findings", "why_add"):
                response = client.post(
                    reverse(f"problems:{name}", args=[closed.number]), {"answer": "x"}
                )
                assert response.status_code == 403, (user, name)
        client.force_login(problem_manager)
        assert client.get(reverse("problems:edit", args=[closed.number])).status_code == 403


class TestGetProblemFor:
    def test_staff_get_the_problem_with_its_people_and_places_joined(
        self, l1, problem_manager, django_assert_num_queries
    ):
        problem = open_problem(problem_manager, service=ServiceFactory())
        with django_assert_num_queries(3):  # the roles, "is it a contact?", the problem
            found = get_problem_for(l1, problem.number.lower())
            assert found.service is not None and found.owner == problem_manager
            assert found.article is None and found.created_by == problem_manager

    def test_an_unknown_number_is_404(self, l1):
        with pytest.raises(Http404):
            get_problem_for(l1, "PRB-424242")

    @pytest.mark.parametrize("actor", ["contact_a", "outsider"])
    def test_contacts_and_users_without_a_role_are_refused_before_any_lookup(
        self, actors, actor, problem_manager
    ):
        problem = open_problem(problem_manager)
        with pytest.raises(PermissionDenied):
            get_problem_for(actors[actor], problem.number)

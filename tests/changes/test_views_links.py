"""The problems and incidents a change answers, linked by number and taken off from the
change's page, with htmx and without."""

import pytest

from changes.models import Status
from tests.changes.page_helpers import HTMX, body, error_of, fresh, raised, url
from tests.factories import IncidentFactory
from tests.problems.factories import ProblemFactory

pytestmark = pytest.mark.django_db


@pytest.fixture
def change(l2, change_manager):
    return raised(l2, change_manager, Status.SUBMITTED)


def test_a_problem_is_linked_by_its_number_and_the_page_says_so(client, l1, change):
    problem = ProblemFactory()
    client.force_login(l1)
    response = client.post(url("link", change), {"number": problem.number.lower()}, headers=HTMX)
    assert response.status_code == 200 and "changeChanged" in response["HX-Trigger"]
    html = body(response)
    assert f'data-linked="{problem.number}"' in html
    assert f"{problem.number} is linked to the change." in html
    assert list(fresh(change).problems.all()) == [problem]


def test_without_javascript_an_incident_is_linked_and_the_page_reloads(client, l1, change):
    incident = IncidentFactory()
    client.force_login(l1)
    response = client.post(url("link", change), {"number": incident.number})
    assert response.status_code == 302
    page = body(client.get(response["Location"]))
    assert (
        f"{incident.number} is linked to the change." in page
        and f'data-linked="{incident.number}"' in page
    )


def test_an_unknown_number_is_named_next_to_the_field_and_kept(client, l1, change):
    client.force_login(l1)
    response = client.post(url("link", change), {"number": "INC-424242"}, headers=HTMX)
    assert response.status_code == 422 and response["HX-Retarget"] == "#change-links"
    html = body(response)
    assert "INC-424242" in error_of(html, "number") and 'value="INC-424242"' in html


def test_without_javascript_an_unknown_number_shows_the_page_with_the_error(client, l1, change):
    client.force_login(l1)
    response = client.post(url("link", change), {"number": "PRB-424242"})
    assert response.status_code == 422
    html = body(response)
    assert "<html" in html and "PRB-424242" in error_of(html, "number")


def test_a_link_is_taken_off_again(client, l1, l2, change_manager):
    problem, incident = ProblemFactory(), IncidentFactory()
    change = raised(l2, change_manager, problems=[problem], incidents=[incident])
    client.force_login(l1)
    response = client.post(url("unlink", change, problem.number), headers=HTMX)
    assert response.status_code == 200
    assert f"{problem.number} is no longer linked." in body(response)
    assert not fresh(change).problems.exists()
    response = client.post(url("unlink", change, incident.number.lower()))
    assert response.status_code == 302 and not fresh(change).incidents.exists()


def test_the_history_shows_what_was_linked_and_taken_off(client, l1, change):
    problem = ProblemFactory()
    client.force_login(l1)
    client.post(url("link", change), {"number": problem.number})
    client.post(url("unlink", change, problem.number))
    history = body(client.get(url("detail", change))).split('id="history"')[1]
    assert f"<ins>{problem.number}</ins>" in history
    assert f"<del>{problem.number}</del>" in history


def test_a_finished_change_takes_no_more_links(client, l1, l2, change_manager):
    closed = raised(l2, change_manager, Status.CLOSED)
    client.force_login(l1)
    assert 'data-submit="link"' not in body(client.get(url("detail", closed)))
    response = client.post(url("link", closed), {"number": IncidentFactory().number})
    assert response.status_code == 403

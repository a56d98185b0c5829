"""The saved views in the staff navigation (servicedesk.workspaces counted links, filled by
incidents/ticket_lists/nav.py): Following and the user's own and shared views, each with
its capped count, in two queries whatever the number of views and tickets, kept a minute
per user and counted again when the user saves or deletes a view or (un)follows a ticket."""

import pytest
from django.urls import reverse

from incidents import services
from incidents.models import SavedView, Status
from incidents.ticket_lists.nav import nav_links
from incidents.watchers import incident_follow
from servicedesk import pagination
from servicedesk.workspaces import nav_sections_for
from tests.factories import IncidentFactory, make_incident_in

pytestmark = pytest.mark.django_db


def links(user) -> dict[str, str]:
    (section,) = nav_sections_for(user)
    return {link.label: link.count.shown for link in section.links}


def test_following_and_own_and_shared_views_with_their_counts(l1, l2, l1_group):
    l1_group.members.add(l2)
    mine = IncidentFactory()
    IncidentFactory()
    make_incident_in(Status.CLOSED)
    incident_follow(incident=mine, actor=l1)
    services.saved_view_create(owner=l1, name="Closed", query="status=closed")
    services.saved_view_create(owner=l2, name="Any", query="status=any", shared_with=l1_group)
    SavedView.objects.create(owner=l2, name="Private to l2", query="")
    assert links(l1) == {"Following": "1", "Any": "3", "Closed": "1"}
    (section,) = nav_sections_for(l1)
    assert section.title == "Views"
    assert [link.url for link in section.links] == [
        "/tickets/list/?watching=me",
        "/tickets/list/?status=any",
        "/tickets/list/?status=closed",
    ]


def test_counts_are_capped(l1, monkeypatch):
    monkeypatch.setattr(pagination, "COUNT_CAP", 2)
    for _ in range(3):
        incident_follow(incident=IncidentFactory(), actor=l1)
    assert links(l1) == {"Following": "2+"}


def test_two_queries_whatever_the_views_and_tickets(l1, django_assert_num_queries):
    """A view naming an organisation, a group and an agent costs no query to read."""
    query = "organisation=1&service=2&group=3&assignee=4&priority=1&sort=-registered"
    for n in range(15):
        SavedView.objects.create(owner=l1, name=f"View {n}", query=query)
        IncidentFactory()
    with django_assert_num_queries(2):  # the views, then every count in one statement
        found = nav_links(l1)
    assert len(found) == 16


def test_kept_a_minute_and_counted_again_after_a_change(l1, django_assert_num_queries):
    ticket = IncidentFactory()
    assert links(l1) == {"Following": "0"}
    with django_assert_num_queries(0):
        nav_sections_for(l1)
    incident_follow(incident=ticket, actor=l1)
    assert links(l1) == {"Following": "1"}
    view = services.saved_view_create(owner=l1, name="Open", query="")
    assert links(l1) == {"Following": "1", "Open": "1"}
    services.saved_view_delete(view=view, actor=l1)
    assert links(l1) == {"Following": "1"}


def test_contacts_and_strangers_have_no_views(contact_a, outsider):
    assert nav_sections_for(contact_a) == []
    assert nav_sections_for(outsider) == []


@pytest.mark.parametrize("actor", ["l1", "problem_manager", "kb_manager"])
def test_every_staff_page_shows_them_without_javascript(client, actors, actor):
    SavedView.objects.create(owner=actors[actor], name="My open", query="status=open")
    client.force_login(actors[actor])
    page = client.get(reverse("incidents:overview")).content.decode()
    menu = page[page.index('data-nav-menu="ticket_views"') :]
    menu = menu[: menu.index("</details>")]
    assert "<summary>Views</summary>" in menu
    assert 'href="/tickets/list/?status=open"' in menu and "My open" in menu


def test_the_current_view_is_marked(client, l1):
    SavedView.objects.create(owner=l1, name="Closed", query="status=closed")
    client.force_login(l1)
    page = client.get("/tickets/list/?status=closed").content.decode()
    assert 'href="/tickets/list/?status=closed" aria-current="page"' in page

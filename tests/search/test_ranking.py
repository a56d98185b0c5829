"""The global search's ranking on the labelled set (tests/search/labelled.py), English
and Russian, on whichever database the suite runs."""

import pytest

from servicedesk import search as engine
from tests.search.labelled import QUERIES

pytestmark = pytest.mark.django_db


def tickets_kind() -> engine.SearchKind:
    kind = engine.kind_named("tickets")
    assert kind is not None
    return kind


def ticket_hits(user, text: str) -> list[str]:
    request = engine.SearchRequest(text=text, user=user)
    [tickets] = engine.search(request, [tickets_kind()], limit=20)
    return [hit.reference for hit in tickets.hits]


@pytest.mark.parametrize(("query", "first", "found", "not_found"), QUERIES)
def test_labelled_queries(labelled, staff, query, first, found, not_found):
    number = {ticket.number: key for key, ticket in labelled.items()}
    hits = [number[reference] for reference in ticket_hits(staff, query)]
    if first is not None:
        assert hits[:1] == [first], hits
    assert found <= set(hits), hits
    assert not (not_found & set(hits)), hits


def test_a_ticket_number_finds_that_ticket_only(labelled, staff):
    ticket = labelled["vpn-down"]
    assert ticket_hits(staff, ticket.number) == [ticket.number]
    assert ticket_hits(staff, str(int(ticket.number.split("-")[1]))) == [ticket.number]


def test_when_no_ticket_has_every_word_those_with_some_come_with_a_note(labelled, staff):
    request = engine.SearchRequest(text="printer quota", user=staff)
    [tickets] = engine.search(request, [tickets_kind()], limit=20)
    assert tickets.note
    assert tickets.hits


def test_the_matching_words_are_marked_and_the_text_escaped(labelled, staff):
    ticket = labelled["disk-full"]
    ticket.title = "Disk <b>full</b> & more"
    ticket.save()
    request = engine.SearchRequest(text="disk", user=staff)
    [tickets] = engine.search(request, [tickets_kind()], limit=20)
    [hit] = [hit for hit in tickets.hits if hit.reference == ticket.number]
    assert str(hit.title) == "<mark>Disk</mark> &lt;b&gt;full&lt;/b&gt; &amp; more"


def test_the_index_follows_every_change_of_the_text(labelled, staff):
    ticket = labelled["certificate"]
    ticket.title = "Renew the wildcard for the shop"
    ticket.description = ""
    ticket.save()
    assert ticket.number in ticket_hits(staff, "wildcard")
    assert ticket.number not in ticket_hits(staff, "certificate")
    number = ticket.number
    ticket.delete()
    assert number not in ticket_hits(staff, "wildcard")


@pytest.mark.parametrize(("query", "first", "found", "not_found"), QUERIES)
def test_the_newest_rows_shortcut_finds_the_same(
    labelled, staff, monkeypatch, query, first, found, not_found
):
    """On PostgreSQL an unfiltered search looks through the newest rows first and stops
    there when they have enough matches: with 'enough' at one match, every labelled query
    goes that way (elsewhere the shortcut is not taken and this is the test above)."""
    from servicedesk.search import fulltext

    monkeypatch.setattr(fulltext, "ENOUGH_RECENT", 1)
    test_labelled_queries(labelled, staff, query, first, found, not_found)


def test_the_newest_rows_shortcut_is_bounded_by_its_window(labelled, staff, monkeypatch):
    from django.db import connection

    from servicedesk.search import fulltext

    if connection.vendor != "postgresql":
        pytest.skip("the shortcut is PostgreSQL's")
    monkeypatch.setattr(fulltext, "ENOUGH_RECENT", 1)
    monkeypatch.setattr(fulltext, "RECENT_WINDOW", 1)
    newest = max(labelled.values(), key=lambda ticket: ticket.pk)
    words = fulltext.FullTextIndex("incidents_incident", ("title", "description"))
    terms = engine.SearchRequest(text=newest.title, user=staff).terms
    assert words.newest(terms) == [newest.pk]
    older = labelled["mail-bounce"]
    other_terms = engine.SearchRequest(text=older.title, user=staff).terms
    assert words.newest(other_terms) is None

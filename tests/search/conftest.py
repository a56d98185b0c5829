import pytest

from incidents.services.comments import add_comment
from servicedesk import roles
from tests.factories import ContactFactory, IncidentFactory, OrganisationFactory, UserFactory
from tests.search.labelled import TICKETS


@pytest.fixture
def staff(db):
    return UserFactory.create(roles=[roles.L1_AGENT])


@pytest.fixture
def labelled(db, staff):
    """The labelled tickets of one organisation, by key."""
    contact = ContactFactory.create()
    tickets = {}
    for key, (title, description, comment) in TICKETS.items():
        ticket = IncidentFactory.create(contact=contact, title=title, description=description)
        if comment:
            add_comment(ticket, body=comment, is_public=False, author=staff)
        tickets[key] = ticket
    return tickets


@pytest.fixture
def other_organisation(db):
    return OrganisationFactory.create(name="Other Org")

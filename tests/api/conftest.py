"""API actors: a token per kind of caller, and a client that sends it."""

import pytest
from django.test import Client

from incidents.models import AlertSource
from servicedesk.models import ApiToken
from tests.factories import ServiceFactory


def issue_api_token(*, user=None, contact=None, name="Integration") -> str:
    token = ApiToken(name=name, user=user, contact=contact)
    plaintext = token.issue_secret()
    token.save()
    return plaintext


class ApiClient(Client):
    """A test client that sends JSON and a bearer token (None: no Authorization)."""

    def __init__(self, token: str | None = None, **defaults):
        super().__init__(**defaults)
        self.token = token

    def _headers(self, extra):
        headers = dict(extra.pop("headers", None) or {})
        if self.token is not None:
            headers.setdefault("Authorization", f"Bearer {self.token}")
        return headers

    def get(self, path, data=None, **extra):
        return super().get(path, data, headers=self._headers(extra), **extra)

    def post(self, path, data=None, content_type="application/json", **extra):
        return super().post(
            path, data, content_type=content_type, headers=self._headers(extra), **extra
        )


@pytest.fixture
def api_client_for():
    return lambda token: ApiClient(token)


@pytest.fixture
def agent_token(l1, l1_group):
    return issue_api_token(user=l1, name="L1 integration")


@pytest.fixture
def reader_token(problem_manager):
    """A staff member who is not an agent: reads, changes nothing."""
    return issue_api_token(user=problem_manager, name="Problem management")


@pytest.fixture
def contact_a_token(contact_a):
    return issue_api_token(contact=contact_a.contact, name="Customer A's ITSM")


@pytest.fixture
def contact_b_token(contact_b):
    return issue_api_token(contact=contact_b.contact, name="Customer B's ITSM")


@pytest.fixture
def monitored_service(db):
    return ServiceFactory(name="Managed database")


@pytest.fixture
def alert_source(org_a, contact_a):
    """Organisation A's monitoring; its token is in `alert_source.plaintext`."""
    source = AlertSource(name="Prometheus A", organisation=org_a, contact=contact_a.contact)
    source.plaintext = source.issue_secret()
    source.save()
    return source


@pytest.fixture
def alert_token(alert_source):
    return alert_source.plaintext

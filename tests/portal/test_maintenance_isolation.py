"""Portal isolation of planned maintenance (changes/portal.py): a contact sees only the
changes that affect their own organisation, on every portal page that shows maintenance
(the home page, the catalogue's cards, a service's raise page), even on a service both
organisations use; staff and anonymous visitors get no portal page at all."""

from datetime import UTC, datetime, timedelta

import pytest
from django.urls import reverse

from changes.models import Status
from tests.changes.factories import ChangeFactory
from tests.factories import ConfigurationItemFactory, ServiceFactory

pytestmark = pytest.mark.django_db

START = datetime(2030, 3, 5, 8, 0, tzinfo=UTC)


@pytest.fixture
def services(org_a, org_b):
    """Both organisations use Web hosting; only A runs an item on it. B runs Mail."""
    web = ServiceFactory(name="Web hosting")
    mail = ServiceFactory(name="Mail")
    ConfigurationItemFactory(name="a-web", service=web, organisation=org_a)
    ConfigurationItemFactory(name="b-mail", service=mail, organisation=org_b)
    return {"web": web, "mail": mail}


@pytest.fixture
def maintenance(services):
    """A's change on Web hosting and B's on Mail, both scheduled."""
    window = {"planned_start": START, "planned_end": START + timedelta(hours=1)}
    return {
        "a": ChangeFactory(status=Status.SCHEDULED, services=[services["web"]], **window),
        "b": ChangeFactory(status=Status.SCHEDULED, services=[services["mail"]], **window),
    }


def pages(client, services) -> dict[str, str]:
    return {
        "home": client.get(reverse("portal:home")).text,
        "catalogue": client.get(reverse("portal:catalogue")).text,
        "raise web": client.get(reverse("portal:raise", args=[services["web"].pk])).text,
        "raise mail": client.get(reverse("portal:raise", args=[services["mail"].pk])).text,
    }


@pytest.mark.parametrize(
    ("actor", "own", "other"), [("contact_a", "a", "b"), ("contact_b", "b", "a")]
)
def test_a_contact_sees_their_own_maintenance_and_never_the_other_s(
    client, actors, services, maintenance, actor, own, other
):
    client.force_login(actors[actor])
    shown = pages(client, services)
    assert maintenance[own].number in shown["home"]
    assert maintenance[own].number in shown["catalogue"]
    for name, html in shown.items():
        assert maintenance[other].number not in html, name
        assert maintenance[other].title not in html, name


def test_a_service_both_use_carries_the_notice_only_for_the_affected_one(
    client, contact_b, services, maintenance
):
    client.force_login(contact_b)
    page = client.get(reverse("portal:raise", args=[services["web"].pk])).text
    assert "data-maintenance" not in page


@pytest.mark.parametrize("actor", ["l1", "change_manager", "outsider"])
def test_staff_and_others_get_no_portal_page_with_maintenance(
    client, actors, services, maintenance, actor
):
    client.force_login(actors[actor])
    for url in [reverse("portal:home"), reverse("portal:catalogue")]:
        assert client.get(url).status_code == 403

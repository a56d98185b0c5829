"""Portal isolation as a matrix: every portal URL (page, fragment and action) and the
attachment download, asked by a contact of the other organisation, answers 404 and
changes nothing; staff-only URLs answer 403 to contacts; staff and anonymous visitors
do not get portal pages."""

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import URLPattern, reverse

from incidents import portal_urls
from incidents import urls as staff_urls
from incidents.models import Comment, Incident, SatisfactionRating
from incidents.services import incident_add_comment
from tests.factories import IncidentFactory, make_incident_in

pytestmark = pytest.mark.django_db

#: (url name, method, data) for every portal URL about one ticket.
TICKET_REQUESTS = [
    ("portal:ticket", "get", None),
    ("portal:ticket", "htmx-get", None),
    ("portal:comment", "post", {"body": "Let me in"}),
    ("portal:comment", "htmx-post", {"body": "Let me in"}),
    ("portal:request_urgency", "post", {"urgency": 1, "reason": "Now!"}),
    ("portal:confirm", "post", {}),
    ("portal:confirm", "htmx-post", {}),
    ("portal:reject", "post", {"reason": "Not fixed"}),
    ("portal:rate", "post", {"score": 1}),
]
#: Portal URLs that are not about one ticket (each contact sees their own data there).
ORGANISATION_URLS = {"portal:home", "portal:catalogue", "portal:raise"}
TICKET_STATES = ["registered", "information_needed", "completed", "closed"]


def request(client, method: str, url: str, data=None):
    headers = {"HX-Request": "true"} if method.startswith("htmx-") else {}
    if method.endswith("post"):
        return client.post(url, data or {}, headers=headers)
    return client.get(url, headers=headers)


@pytest.fixture
def tickets_a(contact_a):
    """Organisation A's tickets, one in each state a contact acts on."""
    return {
        state: make_incident_in(state, contact=contact_a.contact, title=f"Secret {state} of A")
        for state in TICKET_STATES
    }


def snapshot(incident: Incident) -> tuple:
    incident.refresh_from_db()
    return (
        incident.status,
        incident.version,
        incident.requested_urgency,
        Comment.objects.filter(incident=incident).count(),
        SatisfactionRating.objects.filter(incident=incident).count(),
    )


def test_the_matrix_covers_every_portal_url():
    names = {f"portal:{p.name}" for p in portal_urls.urlpatterns}
    assert names == {name for name, _, _ in TICKET_REQUESTS} | ORGANISATION_URLS


@pytest.mark.parametrize("state", TICKET_STATES)
@pytest.mark.parametrize(("url_name", "method", "data"), TICKET_REQUESTS)
def test_a_contact_of_another_organisation_gets_404_and_changes_nothing(
    client, contact_b, tickets_a, state, url_name, method, data
):
    incident = tickets_a[state]
    before = snapshot(incident)
    client.force_login(contact_b)

    response = request(client, method, reverse(url_name, args=[incident.number]), data)

    assert response.status_code == 404
    assert incident.title.encode() not in response.content
    assert snapshot(incident) == before


@pytest.mark.parametrize(("url_name", "method", "data"), TICKET_REQUESTS)
def test_an_unknown_number_is_404_too(client, contact_a, url_name, method, data):
    client.force_login(contact_a)
    response = request(client, method, reverse(url_name, args=["INC-999999"]), data)
    assert response.status_code == 404


def test_numbers_are_looked_up_case_insensitively_but_still_per_organisation(
    client, contact_a, contact_b, tickets_a
):
    url = reverse("portal:ticket", args=[tickets_a["completed"].number.lower()])
    client.force_login(contact_b)
    assert client.get(url).status_code == 404
    client.force_login(contact_a)
    assert client.get(url).status_code == 200


class TestAttachments:
    @pytest.fixture
    def files(self, contact_a, l1, settings, tmp_path):
        settings.MEDIA_ROOT = tmp_path
        incident = IncidentFactory(contact=contact_a.contact)
        public = incident_add_comment(
            incident=incident,
            actor=contact_a,
            body="Screenshot attached",
            files=[SimpleUploadedFile("screen.png", b"\x89PNG")],
        ).attachments.get()
        internal = incident_add_comment(
            incident=incident,
            actor=l1,
            body="Internal debug log",
            is_public=False,
            files=[SimpleUploadedFile("debug.log", b"secret")],
        ).attachments.get()
        return incident, public, internal

    @pytest.mark.parametrize(
        ("actor", "which", "expected"),
        [
            ("contact_a", "public", 200),
            ("contact_a", "internal", 404),
            ("contact_b", "public", 404),
            ("contact_b", "internal", 404),
        ],
    )
    def test_download(self, client, actors, files, actor, which, expected):
        incident, public, internal = files
        attachment = public if which == "public" else internal
        client.force_login(actors[actor])
        url = reverse("incidents:attachment", args=[incident.number, attachment.pk])
        assert client.get(url).status_code == expected

    def test_another_tickets_attachment_id_under_an_own_number_is_404(
        self, client, contact_a, contact_b, files
    ):
        _incident, public, _internal = files
        own = IncidentFactory(contact=contact_b.contact)
        client.force_login(contact_b)
        url = reverse("incidents:attachment", args=[own.number, public.pk])
        assert client.get(url).status_code == 404

    def test_the_portal_page_lists_public_files_only(self, client, contact_a, files):
        incident, _public, _internal = files
        client.force_login(contact_a)
        page = client.get(reverse("portal:ticket", args=[incident.number])).content.decode()
        assert "screen.png" in page
        assert "debug.log" not in page
        assert "Internal debug log" not in page


class TestOrganisationPages:
    def test_the_list_shows_only_the_own_organisation(self, client, contact_b, tickets_a):
        own = IncidentFactory(contact=contact_b.contact, title="Bob's own ticket")
        client.force_login(contact_b)
        for state in ["open", "closed", "all"]:
            page = client.get(reverse("portal:home"), {"state": state}).content.decode()
            for incident in tickets_a.values():
                assert incident.number not in page
                assert incident.title not in page
        assert own.number in client.get(reverse("portal:home")).content.decode()

    def test_the_list_fragment_shows_only_the_own_organisation(self, client, contact_b, tickets_a):
        client.force_login(contact_b)
        after = max(i.pk for i in tickets_a.values()) + 1
        response = client.get(
            reverse("portal:home"), {"state": "all", "after": after}, headers={"HX-Request": "true"}
        )
        assert response.status_code == 200
        for incident in tickets_a.values():
            assert incident.number not in response.content.decode()


def _staff_url(pattern: URLPattern, number: str) -> str:
    """Fill a staff URL's parameters: the ticket number, an action key, an id."""
    values = {"number": number, "key": "assign"}
    kwargs = {
        name: values.get(name, 1 if converter.regex == "[0-9]+" else "x")
        for name, converter in pattern.pattern.converters.items()
    }
    return reverse(f"incidents:{pattern.name}", kwargs=kwargs)


STAFF_PATTERNS = [p for p in staff_urls.urlpatterns if p.name != "attachment"]


@pytest.mark.parametrize("pattern", STAFF_PATTERNS, ids=lambda p: p.name)
@pytest.mark.parametrize("actor", ["contact_a", "contact_b"])
def test_staff_urls_are_403_for_contacts(client, actors, contact_a, pattern, actor):
    """Even about the contact's own ticket: the staff views are not theirs."""
    incident = IncidentFactory(contact=contact_a.contact)
    client.force_login(actors[actor])
    url = _staff_url(pattern, incident.number)
    statuses = {client.get(url).status_code, client.post(url, {}).status_code}
    assert 403 in statuses
    assert statuses <= {403, 405}


@pytest.mark.parametrize(("url_name", "method", "data"), TICKET_REQUESTS)
@pytest.mark.parametrize("actor", ["l1", "desk_manager", "outsider"])
def test_portal_ticket_urls_are_403_for_anyone_but_contacts(
    client, actors, tickets_a, actor, url_name, method, data
):
    client.force_login(actors[actor])
    response = request(client, method, reverse(url_name, args=[tickets_a["completed"].number]))
    assert response.status_code == 403


@pytest.mark.parametrize("url_name", ["portal:home", "portal:catalogue"])
@pytest.mark.parametrize("actor", ["l1", "outsider"])
def test_portal_pages_are_403_for_anyone_but_contacts(client, actors, actor, url_name):
    client.force_login(actors[actor])
    assert client.get(reverse(url_name)).status_code == 403


def test_anonymous_visitors_are_sent_to_the_login(client, tickets_a):
    for url in [
        reverse("portal:home"),
        reverse("portal:catalogue"),
        reverse("portal:ticket", args=[tickets_a["completed"].number]),
    ]:
        response = client.get(url)
        assert response.status_code == 302
        assert response["Location"].startswith(reverse("login"))

"""The canned responses' pages (incidents/views/canned.py): the staff page with its forms,
and on the ticket page the picker and the insertion into the reply, as plain and as htmx
requests. The permission matrix of every route is in test_views_access.py."""

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from incidents.canned import canned_response_create
from incidents.models import CannedResponse
from incidents.views import canned as canned_views
from servicedesk.models import Contact
from tests.factories import ContactFactory, IncidentFactory, make_incident_in

pytestmark = pytest.mark.django_db

HTMX = {"HX-Request": "true"}


@pytest.fixture
def ticket(org_a):
    contact = ContactFactory(
        organisation=org_a,
        name="Jana Becker",
        form_of_address=Contact.FormOfAddress.MS,
        language="fr",
    )
    return IncidentFactory(contact=contact, title="VPN drops")


def make(actor, title="Greeting", body="Hello {contact_name}", group=None, **translations):
    return canned_response_create(
        title=title, body=body, translations=translations, group=group, actor=actor
    )


class TestStaffPage:
    def test_lists_ones_own_and_ones_groups_responses(self, client, l1, l2, l1_group, desk_manager):
        make(l1, title="Mine")
        make(l2, title="Not mine")
        make(desk_manager, title="Ours", group=l1_group)
        client.force_login(l1)

        page = client.get(reverse("incidents:canned_list")).content.decode()

        assert "Mine" in page and "Ours" in page and "Not mine" not in page

    def test_a_member_gets_no_edit_link_for_the_groups_response(
        self, client, l1, l1_group, desk_manager
    ):
        ours = make(desk_manager, title="Ours", group=l1_group)
        mine = make(l1, title="Mine")
        client.force_login(l1)

        page = client.get(reverse("incidents:canned_list")).content.decode()

        assert reverse("incidents:canned_edit", args=[mine.pk]) in page
        assert reverse("incidents:canned_edit", args=[ours.pk]) not in page

    def test_the_list_has_a_fixed_number_of_queries(
        self, client, desk_manager, l1_group, l2_group, django_assert_max_num_queries
    ):
        make(desk_manager, title="Mine")
        make(desk_manager, title="Ours", group=l1_group)
        client.force_login(desk_manager)
        url = reverse("incidents:canned_list")
        client.get(url)
        with CaptureQueriesContext(connection) as few:
            client.get(url)
        for i in range(15):
            make(desk_manager, title=f"Mine {i}")
            make(desk_manager, title=f"Ours {i}", group=l2_group if i % 2 else l1_group)

        with django_assert_max_num_queries(len(few)):
            response = client.get(url)
        assert response.content.decode().count("data-canned=") == 32

    def test_each_list_comes_a_page_at_a_time_by_title(
        self, client, desk_manager, l1_group, monkeypatch
    ):
        monkeypatch.setattr(canned_views, "PAGE", 2)
        mine = [make(desk_manager, title=t) for t in ("Charlie", "Alpha", "Bravo")]
        ours = [make(desk_manager, title=t, group=l1_group) for t in ("Zulu", "Yankee", "X-ray")]
        client.force_login(desk_manager)
        url = reverse("incidents:canned_list")

        first = client.get(url)
        mine_next = first.context["mine_list"]["next_cursor"]
        ours_next = first.context["shared_list"]["next_cursor"]
        more = client.get(url, {"more": "mine", "mine_after": mine_next}, headers=HTMX)
        plain = client.get(url, {"more": "shared", "shared_after": ours_next})

        assert [r.title for r in first.context["personal"]] == ["Alpha", "Bravo"]
        assert [r.title for r in first.context["shared"]] == ["X-ray", "Yankee"]
        html = more.content.decode()
        assert html.lstrip().startswith(f'<tr data-canned="{mine[0].pk}">')
        assert "<table" not in html and html.count("data-canned=") == 1
        assert "data-more" not in html
        assert [r.title for r in plain.context["shared"]] == ["Zulu"]
        assert [r.title for r in plain.context["personal"]] == ["Alpha", "Bravo"]
        assert "<html" in plain.content.decode() and ours[0].title in plain.content.decode()

    @pytest.mark.parametrize("cursor", ["x", "QQ", "gA~1", "YQB4~1", "YQ~99999999999999999999"])
    def test_a_made_up_cursor_lists_from_the_first(self, client, l1, monkeypatch, cursor):
        monkeypatch.setattr(canned_views, "PAGE", 2)
        for title in ("Charlie", "Alpha", "Bravo"):
            make(l1, title=title)
        client.force_login(l1)
        query = {"more": "mine", "mine_after": cursor}
        page = client.get(reverse("incidents:canned_list"), query)
        rows = client.get(reverse("incidents:canned_list"), query, headers=HTMX)
        assert page.status_code == rows.status_code == 200
        assert [r.title for r in page.context["personal"]] == ["Alpha", "Bravo"]
        assert [r.title for r in rows.context["rows"]] == ["Alpha", "Bravo"]

    def test_a_cursor_shows_another_agent_nothing_of_ones_own(self, client, l1, l2, monkeypatch):
        monkeypatch.setattr(canned_views, "PAGE", 1)
        make(l1, title="Alpha")
        make(l1, title="Bravo")
        client.force_login(l1)
        cursor = client.get(reverse("incidents:canned_list")).context["mine_list"]["next_cursor"]
        client.force_login(l2)
        response = client.get(reverse("incidents:canned_list"), {"mine_after": cursor})
        assert response.status_code == 200 and response.context["personal"] == []

    def test_an_agent_creates_a_personal_response(self, client, l1):
        client.force_login(l1)

        response = client.post(
            reverse("incidents:canned_new"),
            {
                "title": "Reset",
                "body": "{contact_salutation}\nDone.",
                "translation_de": "Erledigt.",
            },
        )

        assert response.status_code == 302
        saved = CannedResponse.objects.get()
        assert (saved.owner, saved.group, saved.translations) == (l1, None, {"de": "Erledigt."})

    def test_an_agent_is_not_offered_to_share_with_a_group(self, client, l1, l1_group):
        client.force_login(l1)

        page = client.get(reverse("incidents:canned_new")).content.decode()
        client.post(
            reverse("incidents:canned_new"),
            {"title": "Reset", "body": "Done.", "shared_with": l1_group.pk},
        )

        assert 'name="shared_with"' not in page
        assert CannedResponse.objects.get().owner == l1

    def test_a_desk_manager_shares_one_with_a_group(self, client, desk_manager, l2_group):
        client.force_login(desk_manager)

        response = client.post(
            reverse("incidents:canned_new"),
            {"title": "Reset", "body": "Done.", "shared_with": l2_group.pk},
        )

        assert response.status_code == 302
        assert CannedResponse.objects.get().group == l2_group

    def test_an_unknown_placeholder_is_shown_next_to_the_field_and_the_input_kept(self, client, l1):
        client.force_login(l1)

        response = client.post(
            reverse("incidents:canned_new"),
            {"title": "Typo", "body": "Hi {contactname}", "translation_ru": "Привет {имя}"},
        )

        assert response.status_code == 422
        page = response.content.decode()
        body_field = page[page.index('id="field-body"') :]
        assert "Unknown placeholder: {contactname}" in body_field[: body_field.index("</div>\n")]
        assert 'id="id_translation_ru_error"' in page
        assert "Hi {contactname}</textarea>" in page and "Привет {имя}</textarea>" in page
        assert CannedResponse.objects.count() == 0

    def test_a_missing_title_is_refused_next_to_it(self, client, l1):
        client.force_login(l1)

        response = client.post(reverse("incidents:canned_new"), {"title": "", "body": "x"})

        assert response.status_code == 422
        assert 'id="id_title_error"' in response.content.decode()

    def test_the_owner_edits_and_deletes_it(self, client, l1):
        response = make(l1, de="Hallo")
        client.force_login(l1)
        url = reverse("incidents:canned_edit", args=[response.pk])

        page = client.get(url).content.decode()
        edited = client.post(url, {"title": "Hi", "body": "Hi {agent_name}", "translation_de": ""})
        response.refresh_from_db()
        deleted = client.post(reverse("incidents:canned_delete", args=[response.pk]))

        assert "Hallo</textarea>" in page
        assert edited.status_code == 302
        assert (response.title, response.body, response.translations) == (
            "Hi",
            "Hi {agent_name}",
            {},
        )
        assert deleted.status_code == 302
        assert not CannedResponse.objects.exists()

    @pytest.mark.parametrize("route", ["incidents:canned_edit", "incidents:canned_delete"])
    def test_another_agents_personal_response_is_404(self, client, l1, l2, route):
        theirs = make(l2)
        client.force_login(l1)

        assert client.post(reverse(route, args=[theirs.pk])).status_code == 404
        assert CannedResponse.objects.filter(pk=theirs.pk).exists()

    @pytest.mark.parametrize("route", ["incidents:canned_edit", "incidents:canned_delete"])
    def test_a_group_they_are_not_in_is_404_and_their_own_groups_403(
        self, client, l1, l1_group, l2_group, desk_manager, route
    ):
        ours = make(desk_manager, group=l1_group)
        theirs = make(desk_manager, group=l2_group)
        client.force_login(l1)

        assert client.post(reverse(route, args=[theirs.pk])).status_code == 404
        assert client.post(reverse(route, args=[ours.pk])).status_code == 403

    def test_a_desk_manager_edits_a_groups_response(self, client, desk_manager, l2_group):
        response = make(desk_manager, group=l2_group)
        client.force_login(desk_manager)

        result = client.post(
            reverse("incidents:canned_edit", args=[response.pk]),
            {"title": "New", "body": "x", "shared_with": l2_group.pk},
        )

        assert result.status_code == 302
        response.refresh_from_db()
        assert (response.title, response.group) == ("New", l2_group)

    def test_delete_refuses_get(self, client, l1):
        response = make(l1)
        client.force_login(l1)

        assert client.get(reverse("incidents:canned_delete", args=[response.pk])).status_code == 405


class TestPicker:
    def test_the_ticket_page_offers_the_picker_with_its_shortcut(self, client, l1, ticket):
        client.force_login(l1)

        page = client.get(reverse("incidents:detail", args=[ticket.number])).content.decode()

        assert 'data-shortcut="c r"' in page
        assert reverse("incidents:canned_picker", args=[ticket.number]) in page

    def test_htmx_gets_the_picker_with_each_response_rendered_for_the_ticket(
        self, client, l1, l1_group, desk_manager, ticket
    ):
        make(l1, title="Mine", body="Hi {contact_name}", fr="Bonjour {contact_name}")
        make(desk_manager, title="Ours", body="{ticket_number}", group=l1_group)
        client.force_login(l1)

        response = client.get(
            reverse("incidents:canned_picker", args=[ticket.number]), headers=HTMX
        )

        page = response.content.decode()
        assert response.status_code == 200
        assert page.lstrip().startswith('<section id="canned-picker"')
        assert 'data-text="Bonjour Jana Becker"' in page
        assert f'data-text="{ticket.number}"' in page

    def test_a_plain_request_shows_the_ticket_page_with_the_picker_open(self, client, l1, ticket):
        make(l1, title="Mine")
        client.force_login(l1)

        response = client.get(reverse("incidents:canned_picker", args=[ticket.number]))

        page = response.content.decode()
        assert response.status_code == 200
        assert "<html" in page and 'id="canned-picker" class="canned-picker"' in page
        assert "Hello Jana Becker" in page

    def test_q_narrows_the_list(self, client, l1, ticket):
        make(l1, title="Password reset", body="Done")
        make(l1, title="Greeting", body="Hello")
        client.force_login(l1)

        page = client.get(
            reverse("incidents:canned_picker", args=[ticket.number]), {"q": "password"}
        ).content.decode()

        assert "Password reset" in page and "Greeting" not in page

    def test_others_responses_are_not_offered(self, client, l1, l2, l2_group, desk_manager, ticket):
        make(l2, title="Theirs")
        make(desk_manager, title="Other group", group=l2_group)
        client.force_login(l1)

        page = client.get(
            reverse("incidents:canned_picker", args=[ticket.number]), headers=HTMX
        ).content.decode()

        assert "Theirs" not in page and "Other group" not in page

    def test_the_picker_has_a_fixed_number_of_queries(
        self, client, l1, l1_group, desk_manager, ticket, django_assert_max_num_queries
    ):
        make(l1, title="Mine")
        make(desk_manager, title="Ours", group=l1_group)
        client.force_login(l1)
        url = reverse("incidents:canned_picker", args=[ticket.number])
        client.get(url, headers=HTMX)
        with CaptureQueriesContext(connection) as few:
            client.get(url, headers=HTMX)
        for i in range(20):
            make(l1, title=f"Mine {i}")
            make(desk_manager, title=f"Ours {i}", group=l1_group)

        with django_assert_max_num_queries(len(few)):
            response = client.get(url, headers=HTMX)
        assert response.content.decode().count("data-canned-item") == 42

    def test_the_picker_offers_the_first_by_title_and_says_how_many_more(
        self, client, l1, ticket, monkeypatch
    ):
        monkeypatch.setattr(canned_views, "PICKER_SHOWN", 2)
        for title in ("Charlie", "Alpha", "Bravo", "Delta"):
            make(l1, title=title)
        client.force_login(l1)
        url = reverse("incidents:canned_picker", args=[ticket.number])

        response = client.get(url, headers=HTMX)
        narrowed = client.get(url, {"q": "delta"}, headers=HTMX)

        offered = [c["response"].title for c in response.context["canned_choices"]]
        assert offered == ["Alpha", "Bravo"]
        note = response.content.decode().split("data-canned-rest>")[1].split("</p>")[0]
        assert "2 more are not shown: filter by title or text to find them." in note
        assert [c["response"].title for c in narrowed.context["canned_choices"]] == ["Delta"]
        assert "data-canned-rest" not in narrowed.content.decode()

    def test_a_closed_ticket_offers_no_picker(self, client, l1):
        closed = make_incident_in("closed")
        client.force_login(l1)

        assert (
            client.get(reverse("incidents:canned_picker", args=[closed.number])).status_code == 403
        )

    def test_an_unknown_ticket_is_404(self, client, l1):
        client.force_login(l1)

        assert (
            client.get(reverse("incidents:canned_picker", args=["INC-999999"])).status_code == 404
        )


class TestInsert:
    def test_a_plain_request_prefills_a_public_reply(self, client, l1, ticket):
        response = make(l1, body="{contact_salutation} {ticket_number}")
        client.force_login(l1)

        page = client.get(
            reverse("incidents:canned_insert", args=[ticket.number, response.pk])
        ).content.decode()

        form = page[page.index('id="comment-form"') :]
        assert f"Madame, {ticket.number}</textarea>" in form or (
            f"Dear Ms Becker, {ticket.number}</textarea>" in form
        )
        assert 'name="is_public" id="id_is_public" checked' in form

    def test_htmx_gets_the_reply_form_back_in_place(self, client, l1, ticket):
        response = make(l1, body="Hi {contact_name}")
        client.force_login(l1)

        result = client.get(
            reverse("incidents:canned_insert", args=[ticket.number, response.pk]), headers=HTMX
        )

        assert result["HX-Retarget"] == "#comment-form"
        page = result.content.decode()
        assert "<html" not in page and "Hi Jana Becker</textarea>" in page

    def test_the_inserted_reply_posts_as_a_public_comment(self, client, l1, ticket):
        response = make(l1, body="Hi {contact_name}, about {ticket_number}.")
        client.force_login(l1)
        page = client.get(reverse("incidents:canned_insert", args=[ticket.number, response.pk]))
        body = page.context["comment_form"].initial["body"]

        client.post(
            reverse("incidents:comment", args=[ticket.number]), {"body": body, "is_public": "on"}
        )

        comment = ticket.comments.get()
        assert comment.is_public and comment.body == f"Hi Jana Becker, about {ticket.number}."

    def test_another_agents_response_is_404(self, client, l1, l2, ticket):
        theirs = make(l2)
        client.force_login(l1)

        url = reverse("incidents:canned_insert", args=[ticket.number, theirs.pk])
        assert client.get(url).status_code == 404

    def test_a_group_they_are_not_in_is_404(self, client, l1, l2_group, desk_manager, ticket):
        theirs = make(desk_manager, group=l2_group)
        client.force_login(l1)

        url = reverse("incidents:canned_insert", args=[ticket.number, theirs.pk])
        assert client.get(url).status_code == 404

    def test_refuses_post(self, client, l1, ticket):
        response = make(l1)
        client.force_login(l1)

        url = reverse("incidents:canned_insert", args=[ticket.number, response.pk])
        assert client.post(url).status_code == 405

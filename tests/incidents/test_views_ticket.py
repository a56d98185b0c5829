"""The ticket page and log-a-call, through the HTTP layer: forms keep what was typed,
errors sit next to their field, stale edits are refused plainly."""

import pytest
from django.urls import reverse

from incidents import services
from incidents.models import Channel, Incident, Status
from incidents.services import incident_assign
from servicedesk.models import Impact, Urgency
from tests.factories import ContactFactory, IncidentFactory, ServiceFactory, make_incident_in

pytestmark = pytest.mark.django_db
HTMX = {"HX-Request": "true"}


def action_url(incident, key):
    return reverse("incidents:action", args=[incident.number, key])


class TestLogCall:
    def test_l1_registers_a_phone_call_for_an_authorised_contact(self, client, l1, contact_a):
        client.force_login(l1)
        service = ServiceFactory()
        response = client.post(
            reverse("incidents:log_call"),
            {
                "contact": contact_a.contact.pk,
                "kind": "incident",
                "title": "Mail is down",
                "description": "Since 9am",
                "category": "outage",
                "service": service.pk,
                "urgency": Urgency.VERY_HIGH,
                "impact": Impact.HIGH,
            },
        )
        incident = Incident.objects.get()
        assert response.status_code == 302
        assert response["Location"] == reverse("incidents:detail", args=[incident.number])
        assert incident.channel == Channel.PHONE
        assert incident.urgency_confirmed  # stated on the phone to an agent
        assert incident.priority == 1
        assert incident.status == Status.REGISTERED

    def test_unauthorised_contact_is_refused_and_the_form_keeps_the_text(self, client, l1, org_a):
        client.force_login(l1)
        contact = ContactFactory(organisation=org_a, is_authorised=False)
        response = client.post(
            reverse("incidents:log_call"),
            {
                "contact": contact.pk,
                "kind": "incident",
                "title": "Please keep me",
                "category": "other",
                "urgency": 3,
                "impact": 4,
            },
        )
        assert response.status_code == 422
        assert "not authorised" in response.content.decode()
        assert 'value="Please keep me"' in response.content.decode()
        assert not Incident.objects.exists()

    def test_missing_caller_is_reported_next_to_the_contact_field(self, client, l1):
        client.force_login(l1)
        response = client.post(
            reverse("incidents:log_call"),
            {"title": "x", "kind": "incident", "category": "other", "urgency": 3, "impact": 4},
        )
        assert response.status_code == 422
        assert "Find and choose the caller first." in response.content.decode()

    @pytest.mark.parametrize("query", ["A-001", "Alice", "alice@a.test", "+49 30"])
    def test_contact_search_by_contract_name_email_or_phone(self, client, l1, contact_a, query):
        contact = contact_a.contact
        contact.phone = "+49 30 555"
        contact.save()
        client.force_login(l1)
        response = client.get(reverse("incidents:contact_search"), {"q": query}, headers=HTMX)
        assert list(response.context["contacts"]) == [contact]

    def test_priority_preview_follows_the_matrix(self, client, l1):
        client.force_login(l1)
        response = client.get(
            reverse("incidents:priority_preview"), {"urgency": 1, "impact": 1}, headers=HTMX
        )
        assert 'data-priority="1"' in response.content.decode()
        response = client.get(
            reverse("incidents:priority_preview"), {"urgency": "junk", "impact": 5}, headers=HTMX
        )
        assert response.status_code == 200


class TestActions:
    def test_action_form_opens_inline_with_the_current_version(self, client, l1):
        incident = IncidentFactory()
        client.force_login(l1)
        response = client.get(action_url(incident, "assign"), headers=HTMX)
        assert response.status_code == 200
        assert response["HX-Retarget"] == "#action-panel"
        assert f'value="{incident.version}"' in response.content.decode()

    def test_successful_action_rerenders_the_ticket_and_signals_the_queues(
        self, client, l1, l1_group
    ):
        incident = IncidentFactory()
        client.force_login(l1)
        response = client.post(
            action_url(incident, "assign"),
            {
                "version": incident.version,
                "group": l1_group.pk,
                "assignee": l1.pk,
            },
            headers=HTMX,
        )
        assert response.status_code == 200
        assert "ticketChanged" in response["HX-Trigger"]
        assert 'id="ticket"' in response.content.decode()
        incident.refresh_from_db()
        assert incident.status == Status.ASSIGNED and incident.assignee == l1

    def test_missing_input_is_shown_next_to_the_field_and_typed_text_kept(
        self, client, l1, l2_group, desk_manager
    ):
        incident = IncidentFactory()
        incident_assign(incident=incident, group=l2_group, actor=desk_manager)
        client.force_login(l1)
        response = client.post(
            action_url(incident, "escalate"),
            {
                "version": incident.version,
                "to_group": l2_group.pk,
                "reason": "Kept reason",
            },
            headers=HTMX,
        )
        # same line as now: the service refuses, next to the group field
        assert response.status_code == 422
        body = response.content.decode()
        assert "another line" in body and "Kept reason" in body

    def test_stale_edit_is_refused_plainly_and_nothing_is_lost(
        self, client, l1, l2, l1_group, l2_group, desk_manager
    ):
        incident = IncidentFactory()
        seen_version = incident.version
        # Someone else assigns it first.
        incident_assign(incident=incident, group=l2_group, actor=desk_manager)
        client.force_login(l1)
        response = client.post(
            action_url(incident, "assign"),
            {
                "version": seen_version,
                "group": l1_group.pk,
                "reason": "My reason to keep",
            },
            headers=HTMX,
        )
        assert response.status_code == 422
        body = response.content.decode()
        assert "Someone else changed this ticket" in body
        assert "My reason to keep" in body
        incident.refresh_from_db()
        assert incident.support_group == l2_group

    def test_without_htmx_success_redirects_to_the_ticket(self, client, l2, l2_group):
        incident = make_incident_in("assigned", group=l2_group, assignee=l2)
        client.force_login(l2)
        response = client.post(action_url(incident, "start_work"), {"version": incident.version})
        assert response.status_code == 302
        incident.refresh_from_db()
        assert incident.status == Status.IN_PROGRESS

    def test_ticket_page_offers_only_this_users_transitions(self, client, l1, l2, l2_group):
        incident = make_incident_in("assigned", group=l2_group, assignee=l2)
        client.force_login(l1)
        l1_actions = {
            a.key
            for a in client.get(reverse("incidents:detail", args=[incident.number])).context[
                "actions"
            ]
        }
        client.force_login(l2)
        l2_actions = {
            a.key
            for a in client.get(reverse("incidents:detail", args=[incident.number])).context[
                "actions"
            ]
        }
        assert "start_work" not in l1_actions and {"assign", "escalate"} <= l1_actions
        assert "start_work" in l2_actions

    def test_ticket_page_query_count_does_not_grow_with_the_timeline(
        self, client, l2, l2_group, django_assert_max_num_queries
    ):
        from incidents.services import incident_add_comment

        incident = make_incident_in("in_progress", group=l2_group, assignee=l2)
        incident_add_comment(incident=incident, actor=l2, body="first note")
        client.force_login(l2)
        url = reverse("incidents:detail", args=[incident.number])
        client.get(url)
        from django.db import connection
        from django.test.utils import CaptureQueriesContext

        with CaptureQueriesContext(connection) as few:
            client.get(url)
        for i in range(30):
            incident_add_comment(incident=incident, actor=l2, body=f"note {i}")
        with django_assert_max_num_queries(len(few)):
            client.get(url)


class TestBadges:
    def test_the_third_party_is_named_only_while_it_holds_the_ticket(
        self, client, l1, desk_manager
    ):
        incident = make_incident_in(Status.EXTERNAL_PROCESSING, actor=desk_manager)
        client.force_login(l1)
        url = reverse("incidents:detail", args=[incident.number])
        assert "With Carrier NOC</span>" in client.get(url).content.decode()

        services.incident_resume(incident=incident, actor=desk_manager)
        assert "With Carrier NOC" not in client.get(url).content.decode()


class TestClassifyAndComments:
    def test_classify_recomputes_priority_and_confirms_urgency(self, client, l1, contact_a):
        from incidents.services import incident_register

        incident = incident_register(
            contact=contact_a.contact,
            actor=contact_a,
            channel=Channel.PORTAL,
            title="Down",
            urgency=1,
        )
        assert not incident.urgency_confirmed
        client.force_login(l1)
        response = client.post(
            reverse("incidents:classify", args=[incident.number]),
            {
                "version": incident.version,
                "kind": "incident",
                "category": "outage",
                "urgency": 1,
                "impact": 1,
            },
            headers=HTMX,
        )
        assert response.status_code == 200
        incident.refresh_from_db()
        assert incident.priority == 1 and incident.urgency_confirmed

    def test_confirm_urgency_button(self, client, l1, contact_a):
        from incidents.services import incident_register

        incident = incident_register(
            contact=contact_a.contact,
            actor=contact_a,
            channel=Channel.EMAIL,
            title="Down",
            urgency=2,
        )
        client.force_login(l1)
        client.post(
            reverse("incidents:confirm_urgency", args=[incident.number]),
            {"version": incident.version},
            headers=HTMX,
        )
        incident.refresh_from_db()
        assert incident.urgency_confirmed

    def test_comment_is_posted_without_a_reload(self, client, l1):
        incident = IncidentFactory()
        client.force_login(l1)
        response = client.post(
            reverse("incidents:comment", args=[incident.number]),
            {"body": "Called the customer back", "is_public": "on"},
            headers=HTMX,
        )
        assert response.status_code == 200
        assert "Called the customer back" in response.content.decode()
        comment = incident.comments.get()
        assert comment.is_public and comment.author == l1

    def test_empty_comment_is_refused_next_to_the_field(self, client, l1):
        incident = IncidentFactory()
        client.force_login(l1)
        response = client.post(
            reverse("incidents:comment", args=[incident.number]), {"body": "   "}, headers=HTMX
        )
        assert response.status_code == 422
        assert response["HX-Retarget"] == "#comment-form"

    def test_comment_html_is_shown_as_text(self, client, l1):
        incident = IncidentFactory()
        client.force_login(l1)
        client.post(
            reverse("incidents:comment", args=[incident.number]),
            {"body": '<script>alert(1)</script><img src=x onerror="alert(2)">'},
        )
        page = client.get(reverse("incidents:detail", args=[incident.number])).content.decode()
        assert "<script>alert(1)" not in page and "<img src=x" not in page
        assert "&lt;script&gt;" in page


def test_jump_box_opens_a_ticket_by_number(client, l1):
    incident = IncidentFactory()
    client.force_login(l1)
    response = client.get(reverse("incidents:jump"), {"number": incident.number.lower()})
    assert response["Location"] == reverse("incidents:detail", args=[incident.number])
    response = client.get(reverse("incidents:jump"), {"number": incident.number[4:]})
    assert response["Location"] == reverse("incidents:detail", args=[incident.number])


def test_the_header_box_is_the_search_with_a_ticket_number_as_example(client, l1):
    client.force_login(l1)
    page = client.get(reverse("incidents:triage")).content.decode()
    assert f'action="{reverse("search")}"' in page
    assert 'placeholder="Search or INC-000123  ( / )"' in page


class TestActionsWithoutJavaScript:
    """Defect 11: every action works from a plain link and a plain form post."""

    def test_plain_get_shows_the_ticket_page_with_the_action_form(self, client, l1):
        incident = IncidentFactory()
        client.force_login(l1)
        response = client.get(action_url(incident, "assign"))
        assert response.status_code == 200
        body = response.content.decode()
        assert 'id="ticket"' in body and "<html" in body
        assert 'data-submit="assign"' in body
        assert f'name="version" value="{incident.version}"' in body

    def test_plain_invalid_post_shows_errors_next_to_fields_and_keeps_input(
        self, client, l1, l2_group, desk_manager
    ):
        incident = IncidentFactory()
        incident_assign(incident=incident, group=l2_group, actor=desk_manager)
        client.force_login(l1)
        response = client.post(
            action_url(incident, "escalate"),
            {"version": incident.version, "to_group": l2_group.pk, "reason": "Kept reason"},
        )
        assert response.status_code == 422
        body = response.content.decode()
        assert "<html" in body and "another line" in body and "Kept reason" in body

    def test_plain_post_missing_a_field_is_422_not_500(self, client, l1):
        incident = IncidentFactory()
        client.force_login(l1)
        response = client.post(action_url(incident, "assign"), {"version": incident.version})
        assert response.status_code == 422
        assert 'id="field-group"' in response.content.decode()

    def test_plain_valid_post_redirects_to_the_ticket(self, client, l1, l1_group):
        incident = IncidentFactory()
        client.force_login(l1)
        response = client.post(
            action_url(incident, "assign"),
            {"version": incident.version, "group": l1_group.pk, "assignee": l1.pk},
        )
        assert response.status_code == 302
        assert response["Location"] == reverse("incidents:detail", args=[incident.number])

    def test_loser_of_two_plain_posts_is_told_plainly_and_keeps_input(
        self, client, l1, l1_group, l2_group, desk_manager
    ):
        incident = IncidentFactory()
        seen = incident.version
        incident_assign(incident=incident, group=l2_group, actor=desk_manager)
        client.force_login(l1)
        response = client.post(
            action_url(incident, "assign"),
            {"version": seen, "group": l1_group.pk, "reason": "My reason to keep"},
        )
        assert response.status_code == 422
        body = response.content.decode()
        assert "Someone else changed this ticket" in body and "My reason to keep" in body
        incident.refresh_from_db()
        assert incident.support_group == l2_group
        # Sending it again, having seen the change, is deliberate and works.
        assert f'name="version" value="{incident.version}"' in body


class TestConfigurationItemLists:
    """Defect 7: every CI list shows the customer's own (and shared) items only."""

    @pytest.fixture
    def cis(self, org_a, org_b):
        from tests.factories import ConfigurationItemFactory

        service = ServiceFactory(name="Firewalls")
        return {
            "own": ConfigurationItemFactory(name="a-fw", service=service, organisation=org_a),
            "shared": ConfigurationItemFactory(name="core-fw", service=service, organisation=None),
            "foreign": ConfigurationItemFactory(name="b-fw", service=service, organisation=org_b),
            "service": service,
        }

    def test_classify_offers_only_the_customers_and_shared_items(self, client, l1, contact_a, cis):
        incident = IncidentFactory(contact=contact_a.contact)
        client.force_login(l1)
        url = reverse("incidents:classify_form", args=[incident.number])
        body = client.get(url, headers=HTMX).content.decode()
        assert "a-fw" in body and "core-fw" in body and "b-fw" not in body

    def test_classify_post_with_another_customers_item_is_refused_next_to_the_field(
        self, client, l1, contact_a, cis
    ):
        incident = IncidentFactory(contact=contact_a.contact)
        client.force_login(l1)
        response = client.post(
            reverse("incidents:classify", args=[incident.number]),
            {
                "version": incident.version,
                "kind": "incident",
                "category": "outage",
                "service": cis["service"].pk,
                "configuration_item": cis["foreign"].pk,
                "urgency": 3,
                "impact": 4,
            },
        )
        assert response.status_code == 422
        assert response.context["classify_form"].errors["configuration_item"]
        incident.refresh_from_db()
        assert incident.configuration_item is None

    def test_log_call_refuses_another_customers_item(self, client, l1, contact_a, cis):
        client.force_login(l1)
        response = client.post(
            reverse("incidents:log_call"),
            {
                "contact": contact_a.contact.pk,
                "kind": "incident",
                "title": "Firewall drops packets",
                "category": "outage",
                "service": cis["service"].pk,
                "configuration_item": cis["foreign"].pk,
                "urgency": 3,
                "impact": 4,
            },
        )
        assert response.status_code == 422
        assert response.context["form"].errors["configuration_item"]
        assert not Incident.objects.exists()

    def test_ci_endpoint_lists_the_callers_organisation_and_shared_items(
        self, client, l1, contact_a, cis
    ):
        client.force_login(l1)
        response = client.get(
            reverse("incidents:configuration_items"),
            {"service": cis["service"].pk, "contact": contact_a.contact.pk},
            headers=HTMX,
        )
        assert set(response.context["items"]) == {cis["own"], cis["shared"]}

    def test_ci_endpoint_without_a_customer_lists_shared_items_only(self, client, l1, cis):
        client.force_login(l1)
        response = client.get(
            reverse("incidents:configuration_items"), {"service": cis["service"].pk}, headers=HTMX
        )
        assert list(response.context["items"]) == [cis["shared"]]


class TestJumpBox:
    """Defect 12: the "go to ticket" box never answers with a technical page."""

    def test_unknown_number_says_so_plainly(self, client, l1):
        client.force_login(l1)
        for typed in ["INC-999999", "999999"]:
            response = client.get(reverse("incidents:jump"), {"number": typed})
            assert response.status_code == 404
            body = response.content.decode()
            assert "There is no ticket" in body and "<nav" in body

    @pytest.mark.parametrize("typed", ["VPN", "a/b", "../admin", "INC-1/2", "  "])
    def test_text_goes_to_search_not_to_an_error(self, client, l1, typed):
        client.force_login(l1)
        response = client.get(reverse("incidents:jump"), {"number": typed}, follow=True)
        assert response.status_code == 200
        assert response.redirect_chain[-1][0].startswith(reverse("search"))

    def test_the_old_ticket_search_is_the_global_search_of_tickets(self, client, l1):
        client.force_login(l1)
        response = client.get(reverse("incidents:search"), {"q": "vpn"})
        assert response["Location"] == f"{reverse('search')}?q=vpn&kind=tickets"

    def test_search_is_for_staff_only(self, client, contact_a):
        client.force_login(contact_a)
        assert client.get(reverse("incidents:search"), {"q": "vpn"}).status_code == 403


class TestReadOnlyRoles:
    """Defect 13: a role that may only read is shown no form it cannot use."""

    @pytest.mark.parametrize("role", ["problem_manager", "cab_member", "kb_manager"])
    def test_read_only_role_sees_no_comment_form(self, client, actors, role):
        incident = IncidentFactory()
        client.force_login(actors[role])
        response = client.get(reverse("incidents:detail", args=[incident.number]))
        body = response.content.decode()
        assert response.status_code == 200
        assert reverse("incidents:comment", args=[incident.number]) not in body
        assert response.context["comment_form"] is None

    def test_agent_sees_the_comment_form(self, client, l1):
        incident = IncidentFactory()
        client.force_login(l1)
        body = client.get(reverse("incidents:detail", args=[incident.number])).content.decode()
        assert reverse("incidents:comment", args=[incident.number]) in body


class TestAssigneeLists:
    """Friction: the assignee list follows the chosen group; people go by name."""

    def test_assignee_choices_are_the_chosen_groups_members_by_full_name(
        self, client, l1, l2, l1_group, l2_group
    ):
        client.force_login(l1)
        response = client.get(
            reverse("incidents:assignee_choices"), {"group": l2_group.pk}, headers=HTMX
        )
        assert list(response.context["people"]) == [l2]
        body = response.content.decode()
        assert l2.get_full_name() in body and ">l2<" not in body

    def test_escalation_lists_only_other_lines_and_their_members(
        self, client, l1, l1_group, l2_group, l3_group
    ):
        incident = IncidentFactory()
        incident_assign(incident=incident, group=l1_group, actor=l1)
        client.force_login(l1)
        response = client.get(action_url(incident, "escalate"), headers=HTMX)
        groups = list(response.context["action_form"].fields["to_group"].queryset)
        assert groups == [l2_group, l3_group]

    def test_an_assignee_outside_the_chosen_group_is_refused_next_to_the_field(
        self, client, l1, l2, l1_group, l2_group
    ):
        incident = IncidentFactory()
        client.force_login(l1)
        response = client.post(
            action_url(incident, "assign"),
            {"version": incident.version, "group": l1_group.pk, "assignee": l2.pk},
        )
        assert response.status_code == 422
        errors = response.context["action_form"].errors["assignee"]
        assert errors == [f"{l2.get_full_name()} is not a member of {l1_group.name}."]

    def test_the_assignee_list_shows_full_names_not_logins(self, client, l1, l1_group):
        incident = IncidentFactory()
        client.force_login(l1)
        body = client.get(action_url(incident, "assign")).content.decode()
        assert f">{l1.get_full_name()}</option>" in body and "(l1)" not in body


class TestAnswerByPhone:
    """Friction: L1 records a contact's phoned-in answer on their behalf."""

    @pytest.fixture
    def completed(self, desk_manager, contact_a, l2, l2_group):
        return make_incident_in(
            "completed", actor=desk_manager, group=l2_group, assignee=l2, contact=contact_a.contact
        )

    def test_l1_is_offered_confirm_and_reject_for_the_contact(self, client, l1, completed):
        client.force_login(l1)
        response = client.get(reverse("incidents:detail", args=[completed.number]))
        keys = {a.key for a in response.context["actions"]}
        assert {"confirm_by_phone", "reject_by_phone"} <= keys
        assert "confirm" not in keys

    def test_l1_confirms_by_phone_for_the_contact(self, client, l1, completed, contact_a):
        client.force_login(l1)
        response = client.post(
            action_url(completed, "confirm_by_phone"),
            {"version": completed.version, "on_behalf_of": contact_a.contact.pk},
        )
        assert response.status_code == 302
        completed.refresh_from_db()
        assert completed.status == Status.CLOSED
        page = client.get(reverse("incidents:detail", args=[completed.number])).content.decode()
        assert f"Confirmed by phone on behalf of {contact_a.contact.name}" in page

    def test_only_the_customers_deciders_are_offered(self, client, l1, completed, contact_b):
        client.force_login(l1)
        response = client.post(
            action_url(completed, "reject_by_phone"),
            {"version": completed.version, "on_behalf_of": contact_b.contact.pk, "reason": "x"},
        )
        assert response.status_code == 422
        assert response.context["action_form"].errors["on_behalf_of"]
        completed.refresh_from_db()
        assert completed.status == Status.COMPLETED


def test_picking_a_caller_reloads_the_ci_list_for_their_organisation(client, l1, contact_a):
    client.force_login(l1)
    response = client.get(
        reverse("incidents:contact_pick", args=[contact_a.contact.pk]), headers=HTMX
    )
    assert "contactPicked" in response["HX-Trigger-After-Settle"]


def test_the_classify_service_select_asks_for_the_tickets_organisation_items(client, l1, contact_a):
    incident = IncidentFactory(contact=contact_a.contact)
    client.force_login(l1)
    response = client.get(reverse("incidents:classify_form", args=[incident.number]))
    attrs = response.context["classify_form"].fields["service"].widget.attrs
    assert attrs["hx-get"].endswith(f"?organisation={incident.organisation_id}")


class TestClassifyFormDrawnWhenOpened:
    """The ticket page draws the Classify box shut and empty; opening it loads the form
    (htmx), and without JavaScript its link opens the page with the form."""

    def test_the_ticket_page_draws_no_classification_form(self, client, l1):
        incident = IncidentFactory()
        client.force_login(l1)
        response = client.get(reverse("incidents:detail", args=[incident.number]))
        body = response.content.decode()
        form_url = reverse("incidents:classify_form", args=[incident.number])
        assert response.context["classify_form"] is None
        assert 'id="id_impact"' not in body
        assert f'hx-get="{form_url}" hx-trigger="toggle once"' in body
        assert f'<a href="{form_url}#classify">' in body

    def test_opened_by_htmx_the_form_comes_alone_with_focus_on_its_first_field(self, client, l1):
        incident = IncidentFactory()
        client.force_login(l1)
        url = reverse("incidents:classify_form", args=[incident.number])
        body = client.get(url, headers=HTMX).content.decode()
        assert body.lstrip().startswith("<form")
        assert reverse("incidents:classify", args=[incident.number]) in body
        kind = body[body.index("<select") : body.index(">", body.index("<select"))]
        assert 'id="id_kind"' in kind and "data-focus-after-swap" in kind
        assert body.count("data-focus-after-swap") == 1
        assert "<html" not in body

    def test_without_javascript_the_page_comes_with_the_form_open(self, client, l1):
        incident = IncidentFactory()
        client.force_login(l1)
        url = reverse("incidents:classify_form", args=[incident.number])
        body = client.get(url).content.decode()
        assert "<html" in body and "<details open>" in body and 'id="id_impact"' in body
        assert "data-focus-after-swap" not in body

    def test_only_agents_may_open_it_and_only_by_get(self, client, l1, problem_manager, contact_a):
        incident = IncidentFactory(contact=contact_a.contact)
        url = reverse("incidents:classify_form", args=[incident.number])
        client.force_login(problem_manager)
        assert client.get(url).status_code == 403
        client.force_login(contact_a)
        assert client.get(url).status_code == 403
        client.force_login(l1)
        assert client.post(url).status_code == 405
        missing = reverse("incidents:classify_form", args=["INC-999999"])
        assert client.get(missing).status_code == 404

    def test_a_refused_classification_comes_back_open_with_its_errors(self, client, l1):
        incident = IncidentFactory()
        client.force_login(l1)
        response = client.post(
            reverse("incidents:classify", args=[incident.number]),
            {"version": incident.version, "kind": "nonsense"},
            headers=HTMX,
        )
        assert response.status_code == 422
        body = response.content.decode()
        assert "<details open>" in body and 'id="id_kind"' in body

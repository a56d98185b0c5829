"""Admins set up change management in the admin (approval policies, standard change
templates, blackout periods) and see every change and the CAB's decisions, read-only:
a change's status moves only through its lifecycle."""

import pytest
from django.urls import reverse

from changes.models import (
    Approval,
    ApprovalPolicy,
    BlackoutPeriod,
    ChangeType,
    Rule,
    StandardChangeTemplate,
    Status,
)
from tests.changes.factories import ChangeFactory, policy
from tests.factories import ServiceFactory, UserFactory

pytestmark = pytest.mark.django_db


@pytest.fixture
def admin_client(client):
    client.force_login(UserFactory(username="root", is_superuser=True, is_staff=True))
    return client


def errors_of(response) -> dict:
    return response.context["adminform"].form.errors


def test_every_model_has_a_changelist_a_change_page_and_a_history_page(admin_client, cab_member):
    service = ServiceFactory()
    template = StandardChangeTemplate.objects.create(name="Renew a TLS certificate")
    template.services.add(service)
    blackout = BlackoutPeriod.objects.create(
        name="Year-end freeze",
        starts_at="2030-12-15T00:00Z",
        ends_at="2031-01-05T00:00Z",
    )
    blackout.services.add(service)
    BlackoutPeriod.objects.create(
        name="UPS test", starts_at="2030-11-02T06:00Z", ends_at="2030-11-02T18:00Z"
    )
    change = ChangeFactory(status=Status.CAB_REVIEW, services=[service])
    objects = {
        "changerequest": change,
        "approval": Approval.objects.get(change=change),
        "approvalpolicy": ApprovalPolicy.objects.get(change_type=ChangeType.NORMAL),
        "standardchangetemplate": template,
        "blackoutperiod": blackout,
    }
    for model, obj in objects.items():
        changelist = admin_client.get(reverse(f"admin:changes_{model}_changelist"))
        assert changelist.status_code == 200, model
        assert (
            admin_client.get(reverse(f"admin:changes_{model}_change", args=[obj.pk])).status_code
            == 200
        ), model
        history = admin_client.get(reverse(f"admin:changes_{model}_history", args=[obj.pk]))
        assert history.status_code == 200, model
    assert (
        "All services" in admin_client.get(reverse("admin:changes_blackoutperiod_changelist")).text
    )


@pytest.mark.parametrize("model", ["approvalpolicy", "standardchangetemplate", "blackoutperiod"])
def test_the_configuration_is_added_in_the_admin(admin_client, model):
    assert admin_client.get(reverse(f"admin:changes_{model}_add")).status_code == 200


def test_the_change_list_searches_and_filters(admin_client):
    wanted = ChangeFactory(title="Upgrade the core router", status=Status.SUBMITTED)
    other = ChangeFactory(title="Rotate backup credentials")
    url = reverse("admin:changes_changerequest_changelist")

    found = admin_client.get(url, {"q": "core router"})
    by_number = admin_client.get(url, {"q": wanted.number})
    submitted = admin_client.get(url, {"status__exact": Status.SUBMITTED})

    for response in (found, by_number, submitted):
        assert list(response.context["cl"].result_list) == [wanted]
    assert other.number in admin_client.get(url, {"change_type__exact": "normal"}).text


def test_changes_and_decisions_are_read_only_and_the_status_cannot_be_edited(admin_client):
    change = ChangeFactory(status=Status.CAB_REVIEW, title="Upgrade the core router")
    url = reverse("admin:changes_changerequest_change", args=[change.pk])

    page = admin_client.get(url)
    refused = admin_client.post(url, {"title": "Edited", "status": Status.APPROVED})

    assert page.status_code == 200
    assert 'name="status"' not in page.text
    assert 'name="title"' not in page.text
    assert refused.status_code == 403
    change.refresh_from_db()
    assert (change.title, change.status) == ("Upgrade the core router", Status.CAB_REVIEW)
    assert admin_client.get(reverse("admin:changes_changerequest_add")).status_code == 403
    approval = Approval.objects.get(change=change)
    approval_url = reverse("admin:changes_approval_change", args=[approval.pk])
    assert admin_client.post(approval_url, {"decision": "approved"}).status_code == 403
    approval.refresh_from_db()
    assert approval.is_pending


def test_the_change_page_shows_the_approvals_inline(admin_client):
    policy(approvers=[UserFactory(username="cdubois")])
    change = ChangeFactory(status=Status.CAB_REVIEW)

    page = admin_client.get(reverse("admin:changes_changerequest_change", args=[change.pk]))

    inline = page.context["inline_admin_formsets"][0]
    assert [form.original.approver.username for form in inline] == ["cdubois"]
    assert "Waiting" in page.text


def test_a_blackout_that_ends_before_it_starts_is_refused_next_to_the_end(admin_client):
    response = admin_client.post(
        reverse("admin:changes_blackoutperiod_add"),
        {
            "name": "Year-end freeze",
            "reason": "",
            "starts_at_0": "2030-12-15",
            "starts_at_1": "00:00",
            "ends_at_0": "2030-12-01",
            "ends_at_1": "00:00",
        },
    )

    assert response.status_code == 200
    assert list(errors_of(response)) == ["ends_at"]
    assert "The end must be after the start." in response.text
    assert 'value="Year-end freeze"' in response.text
    assert not BlackoutPeriod.objects.exists()


def test_a_blackout_without_services_is_on_every_service(admin_client):
    response = admin_client.post(
        reverse("admin:changes_blackoutperiod_add"),
        {
            "name": "Data-centre UPS test",
            "reason": "The operator switches to generator power.",
            "starts_at_0": "2030-11-02",
            "starts_at_1": "06:00",
            "ends_at_0": "2030-11-02",
            "ends_at_1": "18:00",
        },
    )

    assert response.status_code == 302
    blackout = BlackoutPeriod.objects.get()
    assert not blackout.services.exists()
    assert blackout.history.get().history_user.username == "root"


def test_a_template_is_kept_with_its_services(admin_client):
    network, dns = ServiceFactory(name="Managed network"), ServiceFactory(name="DNS")
    response = admin_client.post(
        reverse("admin:changes_standardchangetemplate_add"),
        {
            "name": "Add a DNS record",
            "is_active": "on",
            "risk": "low",
            "services": [network.pk, dns.pk],
            "description": "An A, AAAA or CNAME record in a customer zone.",
            "reason": "",
            "implementation_plan": "Add the record in PowerDNS.",
            "backout_plan": "Delete the record.",
            "test_plan": "dig answers from both name servers.",
        },
    )

    assert response.status_code == 302
    template = StandardChangeTemplate.objects.get()
    assert set(template.services.all()) == {network, dns}


def policy_form(approvers, **overrides) -> dict:
    return {
        "change_type": ChangeType.EMERGENCY,
        "rule": Rule.ANY,
        "quorum": 1,
        "approvers": [user.pk for user in approvers],
        **overrides,
    }


def test_approvers_are_chosen_among_cab_members_and_change_managers(
    admin_client, cab_member, change_manager, l1
):
    add = reverse("admin:changes_approvalpolicy_add")
    offered = admin_client.get(add).context["adminform"].form.fields["approvers"].queryset

    refused = admin_client.post(add, policy_form([cab_member, l1]))
    saved = admin_client.post(add, policy_form([cab_member, change_manager]))

    assert set(offered) == {cab_member, change_manager}
    assert list(errors_of(refused)) == ["approvers"]
    assert saved.status_code == 302
    chosen = ApprovalPolicy.objects.get(change_type=ChangeType.EMERGENCY)
    assert set(chosen.approvers.all()) == {cab_member, change_manager}


def test_a_quorum_larger_than_the_board_is_refused_next_to_the_quorum(admin_client, cab_member):
    response = admin_client.post(
        reverse("admin:changes_approvalpolicy_add"),
        policy_form([cab_member], rule=Rule.QUORUM, quorum=2),
    )

    assert response.status_code == 200
    assert list(errors_of(response)) == ["quorum"]
    assert "At most 1: the number of approvers chosen." in response.text
    assert not ApprovalPolicy.objects.exists()


def test_a_policy_needs_an_approver(admin_client):
    response = admin_client.post(reverse("admin:changes_approvalpolicy_add"), policy_form([]))

    assert list(errors_of(response)) == ["approvers"]

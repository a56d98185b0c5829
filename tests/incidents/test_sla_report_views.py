"""The SLA report pages and sending the report: who may, what the customer receives."""

from datetime import datetime
from decimal import Decimal
from zoneinfo import ZoneInfo

import pytest
import time_machine
from django.core import mail
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.files.storage import default_storage
from django.urls import reverse

from incidents import services
from incidents.models import Incident, SlaReportSending
from incidents.sla_report import views as sla_report_views
from servicedesk.models import Contact, Notification
from tests.factories import (
    ContactFactory,
    IncidentFactory,
    OrganisationFactory,
    ServiceFactory,
    SlaPolicyFactory,
)

pytestmark = pytest.mark.django_db

BERLIN = ZoneInfo("Europe/Berlin")
NOW = datetime(2026, 10, 15, 12, 0, tzinfo=BERLIN)
EVERYONE = [
    "l1",
    "l2",
    "l3",
    "desk_manager",
    "problem_manager",
    "change_manager",
    "cab_member",
    "kb_manager",
    "contact_a",
    "contact_b",
    "outsider",
]


@pytest.fixture(autouse=True)
def frozen():
    with time_machine.travel(NOW, tick=False):
        yield


@pytest.fixture
def policy(org_a):
    network = ServiceFactory(name="Managed network")
    policy = SlaPolicyFactory(
        organisation=org_a,
        availability_target_percent=Decimal("99.9"),
        monthly_fee=Decimal("2000"),
        credit_per_downtime_hour_percent=Decimal("5"),
        compensation_rule="5 % per started hour over the target.",
    )
    policy.services.set([network])
    major = IncidentFactory(service=network, contact=ContactFactory(organisation=org_a))
    Incident.objects.filter(pk=major.pk).update(
        is_major=True,
        outage_started_at=datetime(2026, 9, 1, 10, 0, tzinfo=BERLIN),
        outage_ended_at=datetime(2026, 9, 1, 12, 0, tzinfo=BERLIN),
    )
    policy.major = major
    return policy


@pytest.fixture
def contacts(org_a, contact_a):
    return {
        "alice": Contact.objects.get(user=contact_a),
        "dora": ContactFactory(organisation=org_a, name="Dora", email="dora@a.test", language="de"),
        "gone": ContactFactory(
            organisation=org_a, name="Gone", email="gone@a.test", is_active=False
        ),
    }


def url(name, contract="A-001", month="2026-09"):
    return reverse(f"dashboard:{name}", args=[contract, month])


ROUTES = {
    "dashboard:reports": ("get", lambda: reverse("dashboard:reports")),
    "dashboard:report": ("get", lambda: url("report")),
    "dashboard:report_print": ("get", lambda: url("report_print")),
    "dashboard:report_send": ("post", lambda: url("report_send")),
}


def test_the_matrix_covers_every_report_route():
    from incidents.sla_report import urls

    assert {f"dashboard:{p.name}" for p in urls.urlpatterns} == set(ROUTES)


@pytest.mark.parametrize("route", ROUTES)
@pytest.mark.parametrize("actor", EVERYONE)
def test_only_a_desk_manager_opens_or_sends_reports(client, actors, policy, contacts, actor, route):
    method, address = ROUTES[route]
    client.force_login(actors[actor])
    data = {"recipients": [contacts["alice"].pk]} if method == "post" else None
    response = getattr(client, method)(address(), data)
    if actor == "desk_manager":
        assert response.status_code in (200, 302)
    else:
        assert response.status_code == 403
        assert not SlaReportSending.objects.exists()


@pytest.mark.parametrize("route", ROUTES)
def test_anonymous_is_sent_to_log_in(client, policy, route):
    method, address = ROUTES[route]
    response = getattr(client, method)(address())
    assert response.status_code == 302 and "/login" in response["Location"]


class TestPages:
    def test_the_report_shows_figures_and_internal_references(self, client, desk_manager, policy):
        client.force_login(desk_manager)
        response = client.get(url("report"))
        page = response.content.decode()
        assert response.status_code == 200
        assert "Service level report September 2026" in page
        assert policy.major.number in page  # staff see which major incident it was
        # 2 h down of 198 support hours (22 days × 9 h): 1 - 120 / 11,880
        assert "98.990 %" in page
        assert "5 % per started hour over the target." in page

    def test_the_printable_view_is_the_customer_s_copy(self, client, desk_manager, policy):
        client.force_login(desk_manager)
        response = client.get(url("report_print"))
        page = response.content.decode()
        assert response.status_code == 200
        assert policy.major.number not in page
        assert "<style" not in page and "css/sla_report.css" in page  # the CSP allows it

    @pytest.mark.parametrize(
        "contract, month", [("X-404", "2026-09"), ("A-001", "2026-11"), ("A-001", "2027-01")]
    )
    def test_an_unknown_contract_or_a_month_not_begun_is_404(
        self, client, desk_manager, policy, contract, month
    ):
        client.force_login(desk_manager)
        assert client.get(url("report", contract, month)).status_code == 404

    def test_a_month_that_is_no_month_is_404(self, client, desk_manager, policy):
        client.force_login(desk_manager)
        assert client.get("/manager/reports/A-001/2026-13/").status_code == 404

    def test_the_choice_opens_the_report(self, client, desk_manager, policy):
        client.force_login(desk_manager)
        response = client.get(
            reverse("dashboard:reports"), {"organisation": "A-001", "month": "2026-09"}
        )
        assert response.status_code == 302 and response["Location"] == url("report")

    def test_a_future_month_is_refused_next_to_the_field_keeping_the_choice(
        self, client, desk_manager, policy
    ):
        client.force_login(desk_manager)
        response = client.get(
            reverse("dashboard:reports"), {"organisation": "A-001", "month": "2027-02"}
        )
        page = response.content.decode()
        assert response.status_code == 422
        assert "This month has not begun yet" in page and 'value="2027-02"' in page

    def test_the_list_says_which_reports_were_sent(self, client, desk_manager, policy, contacts):
        services.sla_report_send(
            organisation=policy.organisation,
            month=NOW.date().replace(month=9, day=1),
            contacts=[contacts["alice"]],
            actor=desk_manager,
        )
        client.force_login(desk_manager)
        response = client.get(reverse("dashboard:reports"))
        assert response.status_code == 200
        assert "sent" in response.content.decode()


class TestTheList:
    @pytest.fixture
    def many(self, org_a, org_b, monkeypatch):
        """Five active organisations and an inactive one, two to a page."""
        monkeypatch.setattr(sla_report_views, "PAGE", 2)
        OrganisationFactory(name="Contoso", contract_number="C-300")
        OrganisationFactory(name="Dunder", contract_number="D-400")
        OrganisationFactory(name="Empire", contract_number="E-500")
        OrganisationFactory(name="Closed down", contract_number="X-900", is_active=False)

    def names(self, response):
        return [organisation.name for organisation, _sent in response.context["rows"]]

    def test_organisations_come_a_page_at_a_time_by_name(self, client, desk_manager, many):
        client.force_login(desk_manager)
        reports = reverse("dashboard:reports")

        first = client.get(reports)
        cursor = first.context["next_cursor"]
        more = client.get(reports, {"after": cursor}, headers={"HX-Request": "true"})
        plain = client.get(reports, {"after": cursor})

        assert self.names(first) == ["Contoso", "Dunder"]
        assert self.names(more) == ["Empire", "Organisation A"]
        assert self.names(plain) == ["Empire", "Organisation A"]
        html = more.content.decode()
        assert html.lstrip().startswith("<tr>") and "<table" not in html and "<form" not in html
        assert plain.status_code == 200 and "<html" in plain.content.decode()
        assert "Closed down" not in first.content.decode() + html

    def test_a_word_finds_organisations_by_name_or_contract_number(
        self, client, desk_manager, many
    ):
        client.force_login(desk_manager)
        reports = reverse("dashboard:reports")
        assert self.names(client.get(reports, {"q": "d-4"})) == ["Dunder"]
        assert self.names(client.get(reports, {"q": "EMP"})) == ["Empire"]
        assert self.names(client.get(reports, {"q": "closed"})) == []

    def test_the_month_chosen_is_linked_and_kept_by_show_more(self, client, desk_manager, many):
        client.force_login(desk_manager)
        response = client.get(reverse("dashboard:reports"), {"month": "2026-07", "q": "-"})

        assert response.status_code == 200 and self.names(response) == ["Contoso", "Dunder"]
        page = response.content.decode()
        assert url("report", "C-300", "2026-07") in page and "July 2026" in page
        more = page.split('<tr class="more">')[1]
        assert "month=2026-07" in more and "q=-" in more and "after=" in more
        after = client.get(
            reverse("dashboard:reports"),
            {"month": "2026-07", "q": "-", "after": response.context["next_cursor"]},
        )
        assert self.names(after) == ["Empire", "Organisation A"]

    def test_no_match_says_so(self, client, desk_manager, many):
        client.force_login(desk_manager)
        response = client.get(reverse("dashboard:reports"), {"q": "nowhere"})
        assert "No active organisation matches." in response.content.decode()

    def test_an_unknown_contract_is_said_and_the_list_shown(self, client, desk_manager, many):
        client.force_login(desk_manager)
        response = client.get(
            reverse("dashboard:reports"), {"organisation": "X-900", "month": "2026-09"}
        )
        assert response.status_code == 422
        assert "No active organisation has this contract number." in response.content.decode()
        assert self.names(response) == ["Contoso", "Dunder"]

    @pytest.mark.parametrize("cursor", ["x", "gA~1", "YQB4~1", "QQ~99999999999999999999"])
    def test_a_made_up_cursor_lists_from_the_first(self, client, desk_manager, many, cursor):
        client.force_login(desk_manager)
        response = client.get(reverse("dashboard:reports"), {"after": cursor})
        assert response.status_code == 200 and self.names(response) == ["Contoso", "Dunder"]


class TestSending:
    @pytest.fixture(autouse=True)
    def media(self, settings, tmp_path):
        settings.MEDIA_ROOT = tmp_path

    def test_each_contact_gets_one_mail_with_the_report_attached(
        self, client, desk_manager, policy, contacts, django_capture_on_commit_callbacks
    ):
        client.force_login(desk_manager)
        chosen = [contacts["alice"].pk, contacts["dora"].pk]
        with django_capture_on_commit_callbacks(execute=True):
            response = client.post(url("report_send"), {"recipients": chosen})

        assert response.status_code == 302
        assert response["Location"] == url("report") + "#report-send"
        sending = SlaReportSending.objects.get()
        assert (sending.sent_by, sending.month.isoformat()) == (desk_manager, "2026-09-01")
        assert set(sending.recipients.all()) == {contacts["alice"], contacts["dora"]}
        assert sorted(m.to[0] for m in mail.outbox) == ["alice@a.test", "dora@a.test"]
        alice = next(m for m in mail.outbox if m.to == ["alice@a.test"])
        assert "Service level report September 2026" in alice.subject
        assert "Managed network: 98.990 % (target 99.900 %, down 2 h in support hours)" in (
            alice.body
        )
        (name, content, kind) = alice.attachments[0]
        assert (name, kind) == ("sla-report-A-001-2026-09.html", "text/html")
        assert "Managed network" in content and policy.major.number not in content
        assert "<style>" in content  # readable away from the desk
        rows = Notification.objects.filter(event="sla_report")
        assert {row.target for row in rows} == {sending}

    @pytest.mark.translations
    def test_each_reads_it_in_their_language(
        self, desk_manager, policy, contacts, django_capture_on_commit_callbacks
    ):
        with django_capture_on_commit_callbacks(execute=True):
            services.sla_report_send(
                organisation=policy.organisation,
                month=NOW.date().replace(month=9, day=1),
                contacts=[contacts["alice"], contacts["dora"]],
                actor=desk_manager,
            )
        dora = next(m for m in mail.outbox if m.to == ["dora@a.test"])
        alice = next(m for m in mail.outbox if m.to == ["alice@a.test"])
        assert "September 2026" in dora.subject and "Ihr Service Desk" in dora.body
        assert "Your service desk" in alice.body
        assert 'lang="de"' in dora.attachments[0][1]

    def test_sending_again_is_a_second_sending(
        self, desk_manager, policy, contacts, django_capture_on_commit_callbacks
    ):
        for _ in range(2):
            with django_capture_on_commit_callbacks(execute=True):
                services.sla_report_send(
                    organisation=policy.organisation,
                    month=NOW.date().replace(month=9, day=1),
                    contacts=[contacts["alice"]],
                    actor=desk_manager,
                )
        assert SlaReportSending.objects.count() == 2 and len(mail.outbox) == 2

    def test_no_contact_chosen_is_said_next_to_the_field(
        self, client, desk_manager, policy, contacts
    ):
        client.force_login(desk_manager)
        response = client.post(
            url("report_send"), {}, HTTP_HX_REQUEST="true", HTTP_HX_TARGET="report-send"
        )
        assert response.status_code == 422
        assert "Choose at least one contact." in response.content.decode()
        assert not SlaReportSending.objects.exists()

    def test_the_form_offers_only_reachable_contacts_of_the_organisation(
        self, client, desk_manager, policy, contacts, contact_b
    ):
        client.force_login(desk_manager)
        stranger = Contact.objects.get(user=contact_b)
        response = client.post(
            url("report_send"), {"recipients": [contacts["gone"].pk, stranger.pk]}
        )
        assert response.status_code == 422
        assert "Select a valid choice" in response.content.decode()
        assert not SlaReportSending.objects.exists() and not mail.outbox

    def test_htmx_gets_the_panel_with_the_sending_listed(
        self, client, desk_manager, policy, contacts
    ):
        client.force_login(desk_manager)
        response = client.post(
            url("report_send"),
            {"recipients": [contacts["alice"].pk]},
            HTTP_HX_REQUEST="true",
            HTTP_HX_TARGET="report-send",
        )
        page = response.content.decode()
        assert response.status_code == 200
        assert page.lstrip().startswith('<section id="report-send"')
        assert "on its way to 1 contact" in page and "Alice Customer" in page

    def test_the_service_refuses_strangers_the_unreachable_and_other_roles(
        self, desk_manager, l2, policy, contacts, contact_b
    ):
        month = NOW.date().replace(month=9, day=1)
        organisation = policy.organisation
        stranger = Contact.objects.get(user=contact_b)
        with pytest.raises(PermissionDenied):
            services.sla_report_send(
                organisation=organisation, month=month, contacts=[contacts["alice"]], actor=l2
            )
        for chosen in ([stranger], [contacts["gone"]], []):
            with pytest.raises(ValidationError):
                services.sla_report_send(
                    organisation=organisation, month=month, contacts=chosen, actor=desk_manager
                )
        with pytest.raises(ValidationError):
            services.sla_report_send(
                organisation=organisation,
                month=month.replace(month=11),
                contacts=[contacts["alice"]],
                actor=desk_manager,
            )
        assert not SlaReportSending.objects.exists()
        assert not default_storage.exists("sla-reports")


@pytest.mark.parametrize("size", [1, 12])
def test_the_report_page_costs_the_same_queries_however_much_happened(
    client, desk_manager, policy, contacts, size, django_assert_max_num_queries
):
    network = policy.services.get()
    for day in range(1, size + 1):
        major = IncidentFactory(service=network, contact=contacts["alice"])
        Incident.objects.filter(pk=major.pk).update(
            is_major=True,
            outage_started_at=datetime(2026, 9, day, 10, 0, tzinfo=BERLIN),
            outage_ended_at=datetime(2026, 9, day, 11, 0, tzinfo=BERLIN),
            registered_at=datetime(2026, 9, day, 10, 0, tzinfo=BERLIN),
        )
        services.sla_report_send(
            organisation=policy.organisation,
            month=NOW.date().replace(month=9, day=1),
            contacts=[contacts["alice"], contacts["dora"]],
            actor=desk_manager,
        )
    client.force_login(desk_manager)
    with django_assert_max_num_queries(20):  # 18, and the navigation's Views menu 2
        assert client.get(url("report")).status_code == 200


def test_a_contract_number_with_a_slash_makes_a_plain_file_name(
    client, settings, tmp_path, desk_manager, policy, contacts, django_capture_on_commit_callbacks
):
    settings.MEDIA_ROOT = tmp_path
    organisation = policy.organisation
    organisation.contract_number = "A/001 2026"
    organisation.save()
    with django_capture_on_commit_callbacks(execute=True):
        services.sla_report_send(
            organisation=organisation,
            month=NOW.date().replace(month=9, day=1),
            contacts=[contacts["alice"]],
            actor=desk_manager,
        )
    (name, _content, _kind) = mail.outbox[-1].attachments[0]
    assert name == "sla-report-A-001-2026-2026-09.html"
    client.force_login(desk_manager)
    assert client.get(url("report", "A/001 2026")).status_code == 200

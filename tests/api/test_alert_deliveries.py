"""Each alert source's delivery log: what every alert endpoint received from a known
source and what became of it (incident, occurrence, refused and why), the last 50 kept,
shown read-only in the admin so an integrator debugs without server logs."""

import pytest
from django.db import DatabaseError, connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from incidents.intake import deliveries
from incidents.models import AlertDelivery, AlertSource, Incident, MonitoringAlert
from tests.api import alert_payloads as payloads
from tests.api.conftest import ApiClient
from tests.factories import IncidentFactory

pytestmark = pytest.mark.django_db

ALERTMANAGER = "/api/v1/alerts/alertmanager"


@pytest.fixture
def client(alert_token):
    return ApiClient(alert_token)


def logged():
    return list(AlertDelivery.objects.order_by("pk"))


class TestWhatIsLogged:
    def test_an_incident_opened_then_an_occurrence(self, client, alert_source):
        number = client.post(ALERTMANAGER, payloads.alertmanager()).json()["incident"]
        client.post(ALERTMANAGER, payloads.alertmanager())
        first, second = logged()
        incident = Incident.objects.get(number=number)
        assert (first.alert_source, first.endpoint, first.status_code, first.outcome) == (
            alert_source,
            "alertmanager",
            201,
            "created",
        )
        assert first.incident == incident
        assert '"groupKey"' in first.body
        assert first.body_size == len(first.body.encode())
        assert number in first.answer
        assert (second.outcome, second.incident) == ("occurrence", incident)

    def test_every_endpoint_logs(self, client):
        client.post(
            "/api/v1/alerts", {"source": "p", "key": "k", "severity": "info", "summary": "s"}
        )
        client.post("/api/v1/alerts/grafana", payloads.grafana_test())
        client.post("/api/v1/alerts/zabbix", payloads.zabbix())
        assert [(d.endpoint, d.outcome) for d in logged()] == [
            ("alerts", "created"),
            ("grafana", "ignored"),
            ("zabbix", "created"),
        ]
        assert "test notification" in logged()[1].detail

    def test_a_400_says_which_fields_and_keeps_the_body(self, client):
        body = payloads.alertmanager()
        body["alerts"][0]["status"] = "pending"
        client.post(ALERTMANAGER, body)
        delivery = AlertDelivery.objects.get()
        assert (delivery.status_code, delivery.outcome, delivery.incident) == (400, "refused", None)
        assert delivery.detail.startswith("Invalid input.\nalerts: ")
        assert '"pending"' in delivery.body

    def test_malformed_json_is_logged_as_sent(self, client):
        client.post(ALERTMANAGER, "{not json")
        delivery = AlertDelivery.objects.get()
        assert (delivery.status_code, delivery.body) == (400, "{not json")

    def test_a_403_says_why(self, client, contact_a):
        contact_a.contact.is_authorised = False
        contact_a.contact.save()
        client.post(ALERTMANAGER, payloads.alertmanager())
        delivery = AlertDelivery.objects.get()
        assert (delivery.status_code, delivery.outcome) == (403, "refused")
        assert "cannot open tickets" in delivery.detail

    def test_an_inactive_sources_401_is_logged_for_it(self, client, alert_source):
        alert_source.is_active = False
        alert_source.save()
        assert client.post(ALERTMANAGER, payloads.alertmanager()).status_code == 401
        delivery = AlertDelivery.objects.get()
        assert (delivery.alert_source, delivery.status_code) == (alert_source, 401)
        assert "token" in delivery.detail

    def test_an_oversized_body_is_logged_without_it(self, client, settings):
        settings.DATA_UPLOAD_MAX_MEMORY_SIZE = 1000
        client.post(ALERTMANAGER, payloads.alertmanager(*[payloads.am_alert()] * 5))
        delivery = AlertDelivery.objects.get()
        assert (delivery.status_code, delivery.body) == (413, "")
        assert delivery.body_size > 1000

    def test_a_large_body_is_cut(self, client, monkeypatch):
        monkeypatch.setattr(deliveries, "BODY_KEPT", 100)
        client.post(ALERTMANAGER, payloads.alertmanager())
        delivery = AlertDelivery.objects.get()
        assert delivery.body.endswith(f"… ({delivery.body_size} bytes in all)")
        assert len(delivery.body) < 200

    def test_unknown_tokens_and_throttled_requests_are_not_logged(self, client, settings):
        ApiClient("sdm_unknown").post(ALERTMANAGER, payloads.alertmanager())
        settings.ALERTS_RATE_PER_SOURCE = "1/min"
        client.post(ALERTMANAGER, payloads.alertmanager())
        assert client.post(ALERTMANAGER, payloads.alertmanager()).status_code == 429
        assert [d.status_code for d in logged()] == [201]

    def test_the_last_50_per_source_are_kept(self, client, alert_source, org_a, contact_a):
        other = AlertSource(name="Other", organisation=org_a, contact=contact_a.contact)
        other_client = ApiClient(other.issue_secret())
        other.save()
        other_client.post(ALERTMANAGER, "{}")
        for _ in range(deliveries.DELIVERIES_KEPT + 3):
            client.post(ALERTMANAGER, "[]")
        kept = AlertDelivery.objects.filter(alert_source=alert_source)
        assert kept.count() == deliveries.DELIVERIES_KEPT
        assert AlertDelivery.objects.filter(alert_source=other).count() == 1

    def test_a_log_that_cannot_be_written_leaves_the_answer_alone(self, client, monkeypatch):
        def broken(**kwargs):
            raise DatabaseError("disk full")

        monkeypatch.setattr(AlertDelivery.objects, "create", broken)
        response = client.post(ALERTMANAGER, payloads.alertmanager())
        assert response.status_code == 201
        assert Incident.objects.count() == 1

    def test_the_log_names_only_the_sources_own_incidents(self, client, contact_b):
        theirs = IncidentFactory(contact=contact_b.contact)
        answer = f'{{"action": "created", "incident": "{theirs.number}"}}'.encode()
        source = AlertSource.objects.get()
        delivery = deliveries.delivery_record(
            alert_source=source,
            endpoint="alerts",
            body=b"{}",
            body_size=2,
            status_code=201,
            answer=answer,
        )
        assert delivery is not None
        assert delivery.incident is None


class TestAdmin:
    def test_the_sources_page_lists_its_last_payloads(self, admin_client, client, alert_source):
        client.post(ALERTMANAGER, payloads.alertmanager())
        body = payloads.alertmanager()
        body["status"] = "pending"
        client.post(ALERTMANAGER, body)
        page = admin_client.get(
            reverse("admin:incidents_alertsource_change", args=[alert_source.pk])
        )
        assert page.status_code == 200
        html = page.content.decode()
        assert "Last payloads received" in html
        assert "Incident opened" in html
        assert "Refused" in html
        assert "status: Input should be" in html
        changelist = reverse("admin:incidents_alertdelivery_changelist")
        assert f"{changelist}?alert_source__id__exact={alert_source.pk}" in html

    def test_the_source_page_costs_the_same_with_more_payloads(
        self, admin_client, client, alert_source, django_assert_max_num_queries
    ):
        url = reverse("admin:incidents_alertsource_change", args=[alert_source.pk])
        client.post(ALERTMANAGER, payloads.alertmanager())
        admin_client.get(url)
        with CaptureQueriesContext(connection) as few:
            admin_client.get(url)
        queries = len(few)  # read now: each request clears the connection's query log
        for _ in range(10):
            client.post(ALERTMANAGER, payloads.alertmanager())
        with django_assert_max_num_queries(queries):
            admin_client.get(url)

    def test_the_list_filtered_by_source_and_one_payload(self, admin_client, client, alert_source):
        client.post(ALERTMANAGER, payloads.alertmanager())
        changelist = reverse("admin:incidents_alertdelivery_changelist")
        listed = admin_client.get(changelist, {"alert_source__id__exact": alert_source.pk})
        assert listed.status_code == 200
        delivery = AlertDelivery.objects.get()
        page = admin_client.get(reverse("admin:incidents_alertdelivery_change", args=[delivery.pk]))
        html = page.content.decode()
        assert page.status_code == 200
        assert "&quot;groupKey&quot;: " in html  # the body, indented for reading
        assert "&quot;action&quot;: &quot;created&quot;" in html  # the answer
        assert "<script" not in html.split('class="alert-payload"')[1].split("</pre>")[0]

    def test_the_log_is_read_only(self, admin_client, client):
        client.post(ALERTMANAGER, payloads.alertmanager())
        delivery = AlertDelivery.objects.get()
        assert admin_client.get(reverse("admin:incidents_alertdelivery_add")).status_code == 403
        delete = reverse("admin:incidents_alertdelivery_delete", args=[delivery.pk])
        assert admin_client.post(delete, {"post": "yes"}).status_code == 403
        assert AlertDelivery.objects.count() == 1

    def test_the_groups_alerts_are_in_the_admin(self, admin_client, client):
        client.post(ALERTMANAGER, payloads.alertmanager())
        row = MonitoringAlert.objects.get()
        page = admin_client.get(reverse("admin:incidents_monitoringalert_change", args=[row.pk]))
        assert "1a30ba71cca2921f" in page.content.decode()
        listed = admin_client.get(reverse("admin:incidents_monitoringalertinstance_changelist"))
        assert listed.status_code == 200

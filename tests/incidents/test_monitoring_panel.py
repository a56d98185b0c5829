"""The ticket page's Monitoring panel: a ticket raised by monitoring lists the alert (or
group) that counts on it and each alert of the group with its state, occurrences, times
and links; nothing (and no query) on other tickets; a fixed number of queries however
many alerts the group has."""

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from incidents.models import AlertSource, Incident, MonitoringAlertInstance
from tests.api import alert_payloads as payloads
from tests.api.conftest import ApiClient
from tests.factories import IncidentFactory

pytestmark = pytest.mark.django_db

ALERTMANAGER = "/api/v1/alerts/alertmanager"


@pytest.fixture
def api(org_a, contact_a):
    """Organisation A's Alertmanager."""
    source = AlertSource(name="Prometheus A", organisation=org_a, contact=contact_a.contact)
    token = source.issue_secret()
    source.save()
    return ApiClient(token)


def page(client, number) -> str:
    response = client.get(reverse("incidents:detail", args=[number]))
    assert response.status_code == 200
    return response.content.decode()


def group(*hosts, status="firing"):
    return payloads.alertmanager(
        *[payloads.am_alert(f"{h}:9100", fingerprint=f"fp-{h}", status=status) for h in hosts]
    )


class TestPanel:
    def test_the_group_and_its_alerts_are_listed_with_their_links(self, client, l1, api):
        number = api.post(ALERTMANAGER, group("db01", "db02")).json()["incident"]
        api.post(ALERTMANAGER, group("db01", status="resolved"))
        client.force_login(l1)
        html = page(client, number)
        panel = html.split('id="monitoring"')[1].split("</section>")[0]
        assert "Prometheus A" in panel  # the alert source
        assert "data-occurrences>2<" in panel
        assert "2 alerts" in panel
        assert 'data-alert-instance="fp-db01"' in panel
        assert "DiskFull (db02:9100)" in panel
        assert "Disk /var on db02 is full" in panel
        assert 'href="http://prometheus.example.org:9090/graph?' in panel
        assert "mountpoint" in panel  # the labels
        # firing alerts first
        assert panel.index("fp-db02") < panel.index("fp-db01")
        assert "data-all-resolved" not in panel

    def test_when_every_alert_resolved_the_panel_says_when(self, client, l1, api):
        number = api.post(ALERTMANAGER, group("db01")).json()["incident"]
        api.post(ALERTMANAGER, group("db01", status="resolved"))
        client.force_login(l1)
        assert "data-all-resolved" in page(client, number)

    def test_a_link_that_is_not_http_is_never_rendered(self, client, l1, api):
        number = api.post(ALERTMANAGER, group("db01")).json()["incident"]
        MonitoringAlertInstance.objects.update(links=[["source", "https://ok.example.org/"]])
        body = payloads.alertmanager(payloads.am_alert(fingerprint="fp-db01"))
        body["alerts"][0]["generatorURL"] = "javascript:alert(document.cookie)"
        api.post(ALERTMANAGER, body)
        client.force_login(l1)
        assert "javascript:" not in page(client, number)

    def test_label_values_are_escaped(self, client, l1, api):
        body = group("db01")
        body["alerts"][0]["labels"]["team"] = "<script>alert(1)</script>"
        number = api.post(ALERTMANAGER, body).json()["incident"]
        client.force_login(l1)
        html = page(client, number)
        assert "<script>alert(1)</script>" not in html
        assert "&lt;script&gt;alert(1)&lt;/script&gt;" in html

    def test_other_tickets_have_no_panel_and_pay_no_query_for_it(self, client, l1, contact_a):
        incident = IncidentFactory(contact=contact_a.contact)
        client.force_login(l1)
        url = reverse("incidents:detail", args=[incident.number])
        client.get(url)
        with CaptureQueriesContext(connection) as queries:
            html = client.get(url).content.decode()
        assert 'id="monitoring"' not in html
        assert not [q for q in queries.captured_queries if "monitoringalert" in q["sql"]]

    def test_the_page_costs_the_same_with_2_or_40_alerts(
        self, client, l1, api, django_assert_max_num_queries
    ):
        number = api.post(ALERTMANAGER, group("db01", "db02")).json()["incident"]
        api.post(ALERTMANAGER, group("db01", "db02"))  # a work note: the timeline has one
        client.force_login(l1)
        page(client, number)
        with CaptureQueriesContext(connection) as few:
            page(client, number)
        queries = len(few)  # read now: each request clears the connection's query log
        api.post(ALERTMANAGER, group(*[f"db{n:02}" for n in range(40)]))
        with django_assert_max_num_queries(queries):
            html = page(client, number)
        assert "The first 30 of 40 are listed." in html

    def test_contacts_see_no_monitoring_details_in_the_portal(self, client, contact_a, api):
        number = api.post(ALERTMANAGER, group("db01")).json()["incident"]
        client.force_login(contact_a)
        incident = Incident.objects.get(number=number)
        response = client.get(reverse("portal:ticket", args=[incident.number]))
        assert response.status_code == 200
        assert 'id="monitoring"' not in response.content.decode()
        assert "fp-db01" not in response.content.decode()

"""POST /api/v1/alerts/alertmanager and /grafana: the systems' own webhook bodies become
incidents — one group, one incident; each alert of the group listed and counted; partial
and full recovery; flapping; malformed bodies refused with 400, never 500."""

import base64
import copy
import json
import threading
from datetime import UTC, datetime

import pytest
from django.db import connection

from incidents import services
from incidents.models import (
    AlertSource,
    ClosureCode,
    Comment,
    Incident,
    MonitoringAlert,
    MonitoringAlertInstance,
    Status,
)
from servicedesk.models import Urgency
from tests.api import alert_payloads as payloads
from tests.api.conftest import ApiClient
from tests.factories import ConfigurationItemFactory, ServiceFactory, SupportGroupFactory

pytestmark = pytest.mark.django_db

ALERTMANAGER = "/api/v1/alerts/alertmanager"
GRAFANA = "/api/v1/alerts/grafana"


@pytest.fixture
def client(alert_token):
    return ApiClient(alert_token)


def stored():
    return (
        Incident.objects.count(),
        MonitoringAlert.objects.count(),
        MonitoringAlertInstance.objects.count(),
        Comment.objects.count(),
    )


def two_disks(first="firing", second="firing"):
    return payloads.alertmanager(
        payloads.am_alert("db01:9100", status=first, fingerprint="aaaa000000000001"),
        payloads.am_alert("db02:9100", status=second, fingerprint="aaaa000000000002"),
    )


class TestAlertmanagerGroups:
    def test_a_firing_group_opens_one_incident_with_its_alert_listed(self, client):
        response = client.post(ALERTMANAGER, payloads.alertmanager())
        assert response.status_code == 201, response.content
        body = response.json()
        assert body["action"] == "created"
        assert body["status"] == "firing"
        assert body["alerts"] == [
            {"fingerprint": "1a30ba71cca2921f", "status": "firing", "occurrences": 1}
        ]
        incident = Incident.objects.get(number=body["incident"])
        assert incident.title == "Disk /var on db01 is full"
        assert incident.urgency == Urgency.VERY_HIGH  # severity="critical"
        assert "/var on db01 is 99.8% used." in incident.description
        assert "http://prometheus.example.org:9090/graph" in incident.description
        row = MonitoringAlert.objects.get()
        assert (row.source, row.key) == ("alertmanager", payloads.GROUP_KEY)
        instance = row.instances.get()
        assert instance.name == "DiskFull (db01:9100)"
        assert instance.summary == "Disk /var on db01 is full"
        assert instance.labels["mountpoint"] == "/var"
        assert instance.annotations["runbook_url"] == "https://runbooks.example.org/disk-full"
        # startsAt had nanoseconds and +01:00; endsAt was Go's zero time (still firing)
        assert instance.starts_at == datetime(2026, 11, 30, 8, 52, 26, 739266, tzinfo=UTC)
        assert instance.ends_at is None
        assert instance.links == [
            [
                "source",
                "http://prometheus.example.org:9090/graph?"
                "g0.expr=node_filesystem_avail_bytes+%3C+1e9&g0.tab=1",
            ]
        ]

    def test_two_alerts_of_one_group_are_one_incident_and_two_occurrences(self, client):
        response = client.post(ALERTMANAGER, two_disks())
        assert response.status_code == 201
        assert response.json()["occurrences"] == 2
        assert Incident.objects.count() == 1
        incident = Incident.objects.get()
        assert incident.title == "DiskFull (2 alerts)"
        assert "DiskFull (db01:9100)" in incident.description
        assert "DiskFull (db02:9100)" in incident.description
        names = list(MonitoringAlertInstance.objects.values_list("name", flat=True))
        assert names == ["DiskFull (db01:9100)", "DiskFull (db02:9100)"]

    def test_a_repeat_counts_occurrences_without_duplicating(self, client):
        number = client.post(ALERTMANAGER, two_disks()).json()["incident"]
        response = client.post(ALERTMANAGER, two_disks())
        assert response.status_code == 200
        body = response.json()
        assert (body["action"], body["incident"], body["occurrences"]) == ("occurrence", number, 4)
        assert [a["occurrences"] for a in body["alerts"]] == [2, 2]
        assert stored()[:3] == (1, 1, 2)
        # the first repeat is noted; repeats in the same state are rate-limited after it
        client.post(ALERTMANAGER, two_disks())
        assert Comment.objects.count() == 1

    def test_an_alert_joining_the_group_is_listed_and_noted_at_once(self, client):
        client.post(ALERTMANAGER, payloads.alertmanager())
        client.post(ALERTMANAGER, payloads.alertmanager())  # a repeat: noted, then quiet
        client.post(
            ALERTMANAGER,
            payloads.alertmanager(
                payloads.am_alert(),
                payloads.am_alert("db02:9100", fingerprint="bbbb000000000002"),
            ),
        )
        assert MonitoringAlertInstance.objects.count() == 2
        note = Comment.objects.order_by("pk").last()
        assert "“DiskFull (db02:9100)” is firing (critical)" in note.body
        assert "Firing: 2 of 2." in note.body

    def test_a_partial_recovery_is_noted_and_the_group_stays_firing(self, client):
        number = client.post(ALERTMANAGER, two_disks()).json()["incident"]
        response = client.post(ALERTMANAGER, two_disks(first="resolved"))
        body = response.json()
        assert (body["action"], body["status"]) == ("occurrence", "firing")
        assert [a["status"] for a in body["alerts"]] == ["resolved", "firing"]
        row = MonitoringAlert.objects.get()
        assert (row.status, row.resolved_at) == ("firing", None)
        note = Incident.objects.get(number=number).comments.get()
        assert "“DiskFull (db01:9100)” resolved" in note.body
        assert "Firing: 1 of 2." in note.body
        first = MonitoringAlertInstance.objects.get(fingerprint="aaaa000000000001")
        assert first.ends_at == datetime(2026, 11, 30, 10, 20, 11, 210000, tzinfo=UTC)

    def test_when_every_alert_resolved_the_incident_records_it(self, client):
        number = client.post(ALERTMANAGER, two_disks()).json()["incident"]
        client.post(ALERTMANAGER, two_disks(first="resolved"))
        # Alertmanager then sends what is left of the group: the second alert, resolved
        response = client.post(
            ALERTMANAGER,
            payloads.alertmanager(
                payloads.am_alert("db02:9100", status="resolved", fingerprint="aaaa000000000002")
            ),
        )
        body = response.json()
        assert (body["action"], body["status"], body["incident"]) == (
            "resolved",
            "resolved",
            number,
        )
        row = MonitoringAlert.objects.get()
        assert row.status == "resolved"
        assert row.resolved_at is not None
        incident = Incident.objects.get(number=number)
        assert incident.status == Status.REGISTERED  # support decides when the work is done
        last = incident.comments.order_by("pk").last()
        assert "Every alert of the group has resolved (2 in all)." in last.body

    def test_a_flapping_group_stays_on_one_incident(self, client):
        numbers = set()
        for _ in range(3):
            numbers.add(client.post(ALERTMANAGER, payloads.alertmanager()).json()["incident"])
            resolved = payloads.alertmanager(payloads.am_alert(status="resolved"))
            numbers.add(client.post(ALERTMANAGER, resolved).json()["incident"])
        assert len(numbers) == 1
        row = MonitoringAlert.objects.get()
        assert (row.occurrences, row.status) == (3, "resolved")
        assert row.instances.get().occurrences == 3
        # every change of state is noted at once: 2 × firing again + 3 × resolved
        assert Comment.objects.count() == 5
        firing_again = client.post(ALERTMANAGER, payloads.alertmanager()).json()
        assert firing_again["action"] == "occurrence"
        row.refresh_from_db()
        assert (row.status, row.resolved_at) == ("firing", None)

    def test_a_group_firing_after_its_incident_was_completed_opens_a_new_one(
        self, client, desk_manager
    ):
        first = client.post(ALERTMANAGER, payloads.alertmanager()).json()["incident"]
        incident = Incident.objects.get(number=first)
        group = SupportGroupFactory(members=[desk_manager])
        services.incident_assign(incident=incident, group=group, actor=desk_manager)
        services.incident_start_work(incident=incident, actor=desk_manager)
        services.incident_complete(
            incident=incident,
            closure_code=ClosureCode.RESOLVED,
            resolution="Cleaned up.",
            actor=desk_manager,
        )
        resolved = payloads.alertmanager(payloads.am_alert(status="resolved"))
        assert client.post(ALERTMANAGER, resolved).json()["action"] == "ignored"
        response = client.post(ALERTMANAGER, payloads.alertmanager())
        assert response.status_code == 201
        assert response.json()["incident"] != first

    def test_a_resolved_group_with_no_open_incident_is_ignored(self, client):
        resolved = payloads.alertmanager(payloads.am_alert(status="resolved"))
        response = client.post(ALERTMANAGER, resolved)
        assert response.status_code == 200
        assert response.json()["action"] == "ignored"
        assert stored() == (0, 0, 0, 0)

    def test_an_alert_without_fingerprint_is_identified_by_its_labels(self, client):
        alert = payloads.am_alert()
        del alert["fingerprint"]
        client.post(ALERTMANAGER, payloads.alertmanager(alert))
        client.post(ALERTMANAGER, payloads.alertmanager(copy.deepcopy(alert)))
        assert MonitoringAlertInstance.objects.get().occurrences == 2

    def test_a_long_group_key_still_identifies_its_group(self, client):
        key = "{}/{}:{" + ", ".join(f'label{n}="{"x" * 20}"' for n in range(20)) + "}"
        client.post(ALERTMANAGER, payloads.alertmanager(group_key=key))
        client.post(ALERTMANAGER, payloads.alertmanager(group_key=key))
        other = client.post(ALERTMANAGER, payloads.alertmanager(group_key=key + " "))
        assert Incident.objects.count() == 1
        assert other.json()["action"] == "occurrence"  # the key is stripped
        assert len(MonitoringAlert.objects.get().key) <= 200


class TestLabels:
    def test_severity_comes_from_the_label(self, client):
        alert = payloads.am_alert(severity="warning")
        number = client.post(ALERTMANAGER, payloads.alertmanager(alert)).json()["incident"]
        assert Incident.objects.get(number=number).urgency == Urgency.LOW

    def test_without_a_severity_label_the_sources_default_is_used(self, client, alert_source):
        alert_source.default_severity = "major"
        alert_source.save()
        alert = payloads.am_alert()
        del alert["labels"]["severity"]
        answer = client.post(ALERTMANAGER, payloads.alertmanager(alert)).json()
        assert answer["warnings"] == []
        assert MonitoringAlert.objects.get().severity == "major"

    def test_an_unknown_severity_is_said_and_the_default_used(self, client):
        alert = payloads.am_alert(severity="apocalyptic")
        answer = client.post(ALERTMANAGER, payloads.alertmanager(alert)).json()
        said = "label severity=apocalyptic matched no severity; minor used."
        assert answer["warnings"] == [said]
        assert said in Incident.objects.get().description

    def test_the_group_takes_its_most_severe_firing_alert(self, client):
        body = payloads.alertmanager(
            payloads.am_alert("db01:9100", fingerprint="a1", severity="warning"),
            payloads.am_alert("db02:9100", fingerprint="a2", severity="critical"),
            payloads.am_alert("db03:9100", fingerprint="a3", severity="major", status="resolved"),
        )
        client.post(ALERTMANAGER, body)
        assert MonitoringAlert.objects.get().severity == "critical"

    def test_an_unknown_service_label_is_said_and_the_default_used(self, client, alert_source):
        alert_source.service = ServiceFactory(name="Hosting")
        alert_source.save()
        body = payloads.alertmanager()
        body["commonLabels"]["service"] = "Managed database"
        answer = client.post(ALERTMANAGER, body).json()
        said = "label service=Managed database matched nothing in the catalogue; Hosting used."
        assert answer["warnings"] == [said]
        incident = Incident.objects.get()
        assert incident.service.name == "Hosting"
        assert f"Warning: {said}" in incident.description

    def test_a_known_service_label_sets_the_service(self, client):
        service = ServiceFactory(name="Managed database")
        body = payloads.alertmanager()
        body["commonLabels"]["service"] = "managed DATABASE"
        assert client.post(ALERTMANAGER, body).json()["warnings"] == []
        assert Incident.objects.get().service == service

    def test_a_configuration_item_label_links_the_item(self, client, org_a):
        item = ConfigurationItemFactory(name="pg-main", organisation=org_a)
        alert = payloads.am_alert()
        alert["labels"]["configuration_item"] = "pg-main"
        client.post(ALERTMANAGER, payloads.alertmanager(alert))
        incident = Incident.objects.get()
        assert incident.configuration_item == item
        assert incident.service == item.service

    def test_an_unknown_ci_label_is_said(self, client):
        alert = payloads.am_alert()
        alert["labels"]["ci"] = "pg-nowhere"
        answer = client.post(ALERTMANAGER, payloads.alertmanager(alert)).json()
        assert answer["warnings"] == [
            "label ci=pg-nowhere matched nothing of the organisation's items."
        ]

    def test_the_instance_label_names_an_item_quietly(self, client, org_a):
        item = ConfigurationItemFactory(name="db01", organisation=org_a)
        answer = client.post(ALERTMANAGER, payloads.alertmanager()).json()  # db01:9100
        assert answer["warnings"] == []
        assert Incident.objects.get().configuration_item == item

    def test_hosts_that_differ_within_the_group_link_no_item(self, client, org_a):
        ConfigurationItemFactory(name="db01", organisation=org_a)
        client.post(ALERTMANAGER, two_disks())  # db01 and db02: no common instance
        assert Incident.objects.get().configuration_item is None

    def test_an_unknown_service_beside_a_known_item_says_the_items_service_is_used(
        self, client, org_a, alert_source
    ):
        alert_source.service = ServiceFactory(name="Hosting")
        alert_source.save()
        item = ConfigurationItemFactory(
            name="db01", organisation=org_a, service=ServiceFactory(name="Databases")
        )
        body = payloads.alertmanager()
        body["commonLabels"]["service"] = "Managed database"
        answer = client.post(ALERTMANAGER, body).json()
        assert answer["warnings"] == [
            "label service=Managed database matched nothing in the catalogue; Databases used."
        ]
        assert Incident.objects.get().service == item.service

    def test_an_instance_naming_nothing_is_not_a_warning(self, client):
        answer = client.post(ALERTMANAGER, payloads.alertmanager()).json()
        assert answer["warnings"] == []
        assert Incident.objects.get().configuration_item is None

    def test_another_organisations_item_is_never_linked(self, client, org_b):
        ConfigurationItemFactory(name="db01", organisation=org_b)
        client.post(ALERTMANAGER, payloads.alertmanager())
        assert Incident.objects.get().configuration_item is None


class TestGrafana:
    def test_a_grafana_group_opens_one_incident_with_its_links(self, client):
        body = payloads.grafana(
            payloads.grafana_alert("us-1", fingerprint="c6eadffa33fcdf37"),
            payloads.grafana_alert("eu-1", fingerprint="bc97ff14869b13e3"),
        )
        response = client.post(GRAFANA, body)
        assert response.status_code == 201, response.content
        assert response.json()["occurrences"] == 2
        incident = Incident.objects.get()
        # the title without Grafana's "[FIRING:2]"; the message is the description
        assert incident.title == "High memory usage (blue)"
        assert incident.description.startswith("**Firing**")
        instance = MonitoringAlertInstance.objects.get(fingerprint="c6eadffa33fcdf37")
        assert [kind for kind, _ in instance.links] == ["rule", "dashboard", "panel", "silence"]
        assert instance.annotations["values"] == "B=44.2394, C=1"
        assert instance.starts_at == datetime(2026, 11, 30, 7, 51, 3, 157076, tzinfo=UTC)

    def test_a_single_alerts_summary_names_the_incident(self, client):
        client.post(GRAFANA, payloads.grafana())
        assert Incident.objects.get().title == "This alert was triggered for zone us-1"

    def test_repeat_partial_and_full_recovery(self, client):
        first = payloads.grafana_alert("us-1", fingerprint="f1")
        second = payloads.grafana_alert("eu-1", fingerprint="f2")
        number = client.post(GRAFANA, payloads.grafana(first, second)).json()["incident"]
        repeat = client.post(GRAFANA, payloads.grafana(first, second)).json()
        assert (repeat["action"], repeat["occurrences"]) == ("occurrence", 4)
        first_ok = payloads.grafana_alert("us-1", fingerprint="f1", status="resolved")
        partial = client.post(GRAFANA, payloads.grafana(first_ok, second)).json()
        assert partial["status"] == "firing"
        second_ok = payloads.grafana_alert("eu-1", fingerprint="f2", status="resolved")
        done = client.post(GRAFANA, payloads.grafana(first_ok, second_ok)).json()
        assert (done["action"], done["status"], done["incident"]) == (
            "resolved",
            "resolved",
            number,
        )
        assert MonitoringAlert.objects.get().resolved_at is not None

    def test_grafanas_test_button_opens_nothing(self, client):
        response = client.post(GRAFANA, payloads.grafana_test())
        assert response.status_code == 200
        assert response.json()["action"] == "ignored"
        assert "test notification" in response.json()["warnings"][0]
        assert stored() == (0, 0, 0, 0)

    def test_null_values_are_accepted(self, client):
        alert = payloads.grafana_alert()
        alert["values"] = None
        assert client.post(GRAFANA, payloads.grafana(alert)).status_code == 201


class TestMalformed:
    @pytest.mark.parametrize(
        ("change", "field"),
        [
            (lambda b: b.pop("groupKey"), "groupKey"),
            (lambda b: b.update(groupKey=""), "groupKey"),
            (lambda b: b.update(alerts=[]), "alerts"),
            (lambda b: b.update(alerts="none"), "alerts"),
            (lambda b: b.update(status="pending"), "status"),
            (lambda b: b["alerts"][0].update(status="pending"), "alerts"),
            (lambda b: b["alerts"][0].update(labels=["severity"]), "alerts"),
            (lambda b: b["alerts"][0].update(labels={"severity": 5}), "alerts"),
            (lambda b: b["alerts"][0].update(startsAt="yesterday"), "alerts"),
            (lambda b: b["alerts"][0].update(fingerprint="f" * 101), "alerts"),
            (lambda b: b["alerts"][0]["annotations"].update(summary="a\x00b"), "alerts"),
            (lambda b: b.update(commonLabels={"x\ud800": "y"}), "commonLabels"),
            (lambda b: b.update(truncatedAlerts=-1), "truncatedAlerts"),
            (lambda b: b.update(alerts=[payloads.am_alert()] * 1001), "alerts"),
        ],
    )
    def test_alertmanager_bodies_not_of_its_shape_are_400(self, client, change, field):
        body = payloads.alertmanager()
        change(body)
        response = client.post(ALERTMANAGER, body)
        assert response.status_code == 400
        assert field in response.json()["errors"]
        assert stored() == (0, 0, 0, 0)

    @pytest.mark.parametrize("url", [ALERTMANAGER, GRAFANA])
    @pytest.mark.parametrize(
        "raw", ["{not json", "", "[]", '"text"', "null", "[" * 10_000, '{"status": "firing"}']
    )
    def test_malformed_json_is_400_with_a_message(self, client, url, raw):
        response = client.post(url, raw)
        assert response.status_code == 400
        assert response.json()["detail"]
        assert stored() == (0, 0, 0, 0)

    def test_the_generic_body_sent_to_a_receiver_says_what_is_missing(self, client):
        body = {"source": "p", "key": "k", "severity": "critical", "summary": "Down"}
        errors = client.post(GRAFANA, body).json()["errors"]
        assert {"status", "alerts", "groupKey"} <= set(errors)

    def test_an_oversized_body_is_413(self, client, settings):
        settings.DATA_UPLOAD_MAX_MEMORY_SIZE = 10_000
        body = payloads.alertmanager(*[payloads.am_alert(fingerprint=f"f{n}") for n in range(50)])
        response = client.post(ALERTMANAGER, body)
        assert response.status_code == 413
        assert response.json()["detail"] == "The request body is too large."
        assert stored() == (0, 0, 0, 0)

    def test_a_javascript_link_is_never_kept(self, client):
        alert = payloads.am_alert()
        alert["generatorURL"] = "javascript:alert(1)"
        client.post(ALERTMANAGER, payloads.alertmanager(alert))
        assert MonitoringAlertInstance.objects.get().links == []

    @pytest.mark.parametrize("url", [ALERTMANAGER, GRAFANA, "/api/v1/alerts/zabbix"])
    def test_get_is_a_json_405(self, client, url):
        response = client.get(url)
        assert response.status_code == 405
        assert response["Content-Type"].startswith("application/json")


def basic(token, name="alertmanager"):
    return "Basic " + base64.b64encode(f"{name}:{token}".encode()).decode()


class TestTokens:
    """Every receiver × every kind of caller: the alert source's token as a bearer or as
    basic auth's password; nothing else."""

    @pytest.fixture
    def callers(self, alert_source, agent_token, contact_a_token, org_a, contact_a):
        inactive = AlertSource(name="Old", organisation=org_a, contact=contact_a.contact)
        inactive_token = inactive.issue_secret()
        inactive.is_active = False
        inactive.save()
        return {
            "bearer": (f"Bearer {alert_source.plaintext}", 201),
            "basic": (basic(alert_source.plaintext), 201),
            "basic, any name": (basic(alert_source.plaintext, ""), 201),
            "inactive source": (f"Bearer {inactive_token}", 401),
            "agent's API token": (f"Bearer {agent_token}", 401),
            "contact's API token": (f"Bearer {contact_a_token}", 401),
            "basic, wrong password": (basic("sdm_wrong"), 401),
            "none": (None, 401),
        }

    @pytest.mark.parametrize(
        ("url", "body"),
        [
            (ALERTMANAGER, payloads.alertmanager()),
            (GRAFANA, payloads.grafana()),
            ("/api/v1/alerts/zabbix", payloads.zabbix()),
        ],
    )
    def test_matrix(self, callers, url, body):
        for caller, (header, expected) in callers.items():
            Incident.objects.all().delete()
            headers = {"Authorization": header} if header else {}
            response = ApiClient().post(url, json.dumps(body), headers=headers)
            assert response.status_code == expected, caller
            if expected == 401:
                assert response["WWW-Authenticate"].startswith("Bearer")

    def test_a_desk_session_without_a_token_is_401(self, l1):
        client = ApiClient()
        client.force_login(l1)
        assert client.post(ALERTMANAGER, payloads.alertmanager()).status_code == 401

    def test_a_source_whose_contact_may_not_open_tickets_is_403(self, client, contact_a):
        contact_a.contact.is_authorised = False
        contact_a.contact.save()
        response = client.post(ALERTMANAGER, payloads.alertmanager())
        assert response.status_code == 403
        assert "contact" in response.json()["detail"]
        assert stored() == (0, 0, 0, 0)


class TestIsolation:
    """A source's token reaches its own organisation's incidents only: the same group
    posted with another source's token is another incident, and leaves the first alone."""

    def test_the_same_group_from_another_source_never_touches_the_first(
        self, client, org_b, contact_b
    ):
        mine = client.post(ALERTMANAGER, two_disks()).json()["incident"]
        other_source = AlertSource(
            name="B's Alertmanager", organisation=org_b, contact=contact_b.contact
        )
        other = ApiClient(other_source.issue_secret())
        other_source.save()
        resolved = two_disks("resolved", "resolved")
        assert other.post(ALERTMANAGER, resolved).json()["action"] == "ignored"
        theirs = other.post(ALERTMANAGER, two_disks()).json()
        assert theirs["action"] == "created"
        assert Incident.objects.get(number=theirs["incident"]).organisation == org_b
        other.post(ALERTMANAGER, resolved)
        row = MonitoringAlert.objects.get(incident__number=mine)
        assert (row.status, row.occurrences, row.resolved_at) == ("firing", 2, None)
        assert Incident.objects.get(number=mine).comments.count() == 0


class TestRateLimit:
    def test_the_receivers_share_the_sources_allowance(self, settings, client):
        settings.ALERTS_RATE_PER_SOURCE = "3/min"
        codes = [
            client.post(ALERTMANAGER, payloads.alertmanager()).status_code,
            client.post(GRAFANA, payloads.grafana()).status_code,
            client.post("/api/v1/alerts/zabbix", payloads.zabbix()).status_code,
        ]
        assert codes == [201, 201, 201]
        refused = client.post(ALERTMANAGER, payloads.alertmanager())
        assert refused.status_code == 429
        assert int(refused["Retry-After"]) >= 1
        generic = {"source": "p", "key": "k", "severity": "info", "summary": "s"}
        assert client.post("/api/v1/alerts", generic).status_code == 429


class TestConcurrency:
    @pytest.mark.django_db(transaction=True)
    def test_the_same_group_at_the_same_moment_is_one_incident(self, contact_a):
        """Real concurrency needs row locks and a server: PostgreSQL only."""
        if connection.vendor != "postgresql":
            pytest.skip("concurrent writers need PostgreSQL")
        organisation = contact_a.contact.organisation
        source = AlertSource(name="Race", organisation=organisation, contact=contact_a.contact)
        token = source.issue_secret()
        source.save()
        barrier = threading.Barrier(4)
        codes: list = []

        def post():
            try:
                barrier.wait(5)
                codes.append(ApiClient(token).post(ALERTMANAGER, two_disks()).status_code)
            except Exception as error:  # pragma: no cover - reported by the assertion
                codes.append(error)
            finally:
                connection.close()

        threads = [threading.Thread(target=post) for _ in range(4)]
        for thread in threads:
            thread.start()
        for thread in threads:
            thread.join(20)
        assert sorted(codes) == [200, 200, 200, 201], codes
        assert Incident.objects.count() == 1
        row = MonitoringAlert.objects.get()
        assert row.occurrences == 8
        assert sorted(row.instances.values_list("occurrences", flat=True)) == [4, 4]

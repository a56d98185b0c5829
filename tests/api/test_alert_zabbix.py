"""POST /api/v1/alerts/zabbix: what the desk's Zabbix media type posts. A trigger's
problems are one incident while it is open, each problem event one alert of it; a
recovery carries its problem's event id and resolves it; updates change nothing."""

from datetime import UTC, datetime

import pytest

from incidents import services
from incidents.models import (
    ClosureCode,
    Comment,
    Incident,
    MonitoringAlert,
    MonitoringAlertInstance,
)
from servicedesk.models import Urgency
from tests.api import alert_payloads as payloads
from tests.api.conftest import ApiClient
from tests.factories import ConfigurationItemFactory, ServiceFactory, SupportGroupFactory

pytestmark = pytest.mark.django_db

ZABBIX = "/api/v1/alerts/zabbix"


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


class TestProblemsAndRecoveries:
    def test_a_problem_opens_an_incident(self, client):
        response = client.post(ZABBIX, payloads.zabbix())
        assert response.status_code == 201, response.content
        body = response.json()
        assert body["alerts"] == [{"fingerprint": "18234", "status": "firing", "occurrences": 1}]
        incident = Incident.objects.get(number=body["incident"])
        assert incident.title == "Disk /var on db01 is full"
        assert incident.urgency == Urgency.HIGH  # High (4) → major
        assert "The /var file system has less than 1% free space." in incident.description
        assert "Host: db01.example.org (db01), 10.0.0.21" in incident.description
        assert "Operational data: Free: 120 MB (0.2%)" in incident.description
        assert "Tags: component=storage, scope=capacity" in incident.description
        row = MonitoringAlert.objects.get()
        assert (row.source, row.key) == ("zabbix", "trigger:23901")
        instance = row.instances.get()
        # {EVENT.DATE} {EVENT.TIME} in the media's time zone (Europe/Berlin, UTC+1)
        assert instance.starts_at == datetime(2026, 11, 30, 9, 2, 3, tzinfo=UTC)
        assert instance.ends_at is None
        assert instance.labels == {"scope": "capacity", "component": "storage", "host": "db01"}
        assert instance.annotations["opdata"] == "Free: 120 MB (0.2%)"
        assert instance.links == [
            ["event", "https://zabbix.example.org/tr_events.php?triggerid=23901&eventid=18234"]
        ]

    @pytest.mark.parametrize(
        ("nseverity", "severity"),
        [("5", "critical"), ("4", "major"), ("3", "minor"), ("2", "warning"), ("1", "info")],
    )
    def test_zabbix_severity_maps_onto_ours(self, client, nseverity, severity):
        client.post(ZABBIX, payloads.zabbix(event_nseverity=nseverity))
        assert MonitoringAlert.objects.get().severity == severity

    def test_not_classified_takes_the_sources_default(self, client, alert_source):
        alert_source.default_severity = "warning"
        alert_source.save()
        client.post(ZABBIX, payloads.zabbix(event_nseverity="0"))
        assert MonitoringAlert.objects.get().severity == "warning"

    def test_a_repeated_problem_is_an_occurrence(self, client):
        number = client.post(ZABBIX, payloads.zabbix()).json()["incident"]
        body = client.post(ZABBIX, payloads.zabbix()).json()
        assert (body["action"], body["incident"], body["occurrences"]) == (
            "occurrence",
            number,
            2,
        )
        assert stored()[:3] == (1, 1, 1)

    def test_the_recovery_resolves_the_problem(self, client):
        number = client.post(ZABBIX, payloads.zabbix()).json()["incident"]
        response = client.post(ZABBIX, payloads.zabbix_recovery())
        body = response.json()
        assert (body["action"], body["status"], body["incident"]) == (
            "resolved",
            "resolved",
            number,
        )
        instance = MonitoringAlertInstance.objects.get()
        assert instance.status == "resolved"
        assert instance.ends_at == datetime(2026, 11, 30, 9, 40, 12, tzinfo=UTC)
        assert MonitoringAlert.objects.get().resolved_at is not None
        note = Incident.objects.get(number=number).comments.get()
        assert "“Disk /var on db01 is full” resolved" in note.body
        assert "Every alert of the group has resolved (1 in all)." in note.body

    def test_a_trigger_firing_again_while_the_incident_is_open_adds_to_it(self, client):
        number = client.post(ZABBIX, payloads.zabbix()).json()["incident"]
        client.post(ZABBIX, payloads.zabbix_recovery())
        again = client.post(ZABBIX, payloads.zabbix(event_id="18311")).json()
        assert (again["action"], again["incident"], again["status"]) == (
            "occurrence",
            number,
            "firing",
        )
        assert list(MonitoringAlertInstance.objects.values_list("fingerprint", "status")) == [
            ("18234", "resolved"),
            ("18311", "firing"),
        ]
        assert MonitoringAlert.objects.get().resolved_at is None

    def test_after_the_incident_is_completed_the_trigger_opens_a_new_one(
        self, client, desk_manager
    ):
        first = client.post(ZABBIX, payloads.zabbix()).json()["incident"]
        incident = Incident.objects.get(number=first)
        group = SupportGroupFactory(members=[desk_manager])
        services.incident_assign(incident=incident, group=group, actor=desk_manager)
        services.incident_start_work(incident=incident, actor=desk_manager)
        services.incident_complete(
            incident=incident,
            closure_code=ClosureCode.RESOLVED,
            resolution="Grew /var.",
            actor=desk_manager,
        )
        assert client.post(ZABBIX, payloads.zabbix_recovery()).json()["action"] == "ignored"
        response = client.post(ZABBIX, payloads.zabbix(event_id="18400"))
        assert response.status_code == 201
        assert response.json()["incident"] != first

    def test_a_recovery_of_a_problem_never_seen_is_ignored(self, client):
        assert client.post(ZABBIX, payloads.zabbix_recovery()).json()["action"] == "ignored"
        assert stored() == (0, 0, 0, 0)

    def test_an_update_changes_nothing(self, client):
        client.post(ZABBIX, payloads.zabbix())
        before = stored()
        response = client.post(ZABBIX, payloads.zabbix(event_update_status="1"))
        assert response.status_code == 200
        assert response.json()["action"] == "ignored"
        assert "update" in response.json()["warnings"][0]
        assert stored() == before
        assert MonitoringAlert.objects.get().occurrences == 1

    def test_without_a_trigger_the_event_is_the_group(self, client):
        client.post(ZABBIX, payloads.zabbix(trigger_id="{TRIGGER.ID}", event_source="3"))
        assert MonitoringAlert.objects.get().key == "event:18234"

    def test_integers_may_come_as_numbers(self, client):
        body = payloads.zabbix(event_id=18234, event_value=1, event_nseverity=5, trigger_id=23901)
        assert client.post(ZABBIX, body).status_code == 201

    def test_unresolved_macros_mean_no_value(self, client):
        body = payloads.zabbix(
            event_opdata="{EVENT.OPDATA}", host_ip="*UNKNOWN*", event_date="{EVENT.DATE}"
        )
        assert client.post(ZABBIX, body).status_code == 201
        instance = MonitoringAlertInstance.objects.get()
        assert instance.starts_at is None
        assert "opdata" not in instance.annotations


class TestTags:
    def test_a_service_tag_names_the_service(self, client):
        service = ServiceFactory(name="Managed database")
        tags = [{"tag": "service", "value": "Managed database"}]
        assert client.post(ZABBIX, payloads.zabbix(event_tags=tags)).json()["warnings"] == []
        assert Incident.objects.get().service == service

    def test_an_unknown_service_tag_is_said(self, client):
        tags = [{"tag": "service", "value": "Managed database"}]
        answer = client.post(ZABBIX, payloads.zabbix(event_tags=tags)).json()
        assert answer["warnings"] == [
            "label service=Managed database matched nothing in the catalogue; no service set."
        ]

    def test_the_host_names_the_configuration_item(self, client, org_a):
        item = ConfigurationItemFactory(name="db01", organisation=org_a)
        client.post(ZABBIX, payloads.zabbix())
        assert Incident.objects.get().configuration_item == item

    def test_an_unknown_configuration_item_tag_is_said(self, client):
        tags = [{"tag": "configuration_item", "value": "san-7"}]
        answer = client.post(ZABBIX, payloads.zabbix(event_tags=tags)).json()
        assert answer["warnings"] == [
            "label configuration_item=san-7 matched nothing of the organisation's items."
        ]


class TestMalformed:
    @pytest.mark.parametrize(
        ("overrides", "field"),
        [
            ({"event_id": "abc"}, "event_id"),
            ({"event_id": "0"}, "event_id"),
            ({"event_id": "{EVENT.ID}"}, "event_id"),
            ({"event_value": "2"}, "event_value"),
            ({"event_value": None}, "event_value"),
            ({"event_name": ""}, "event_name"),
            ({"event_source": "1"}, "event_source"),
            ({"event_nseverity": "9"}, "event_nseverity"),
            ({"event_tags": "scope:capacity"}, "event_tags"),
            ({"timezone": "Mars/Olympus"}, "timezone"),
            ({"trigger_id": "-5"}, "trigger_id"),
            ({"event_name": "a\x00b"}, "event_name"),
        ],
    )
    def test_fields_not_as_the_media_type_sends_them_are_400(self, client, overrides, field):
        response = client.post(ZABBIX, payloads.zabbix(**overrides))
        assert response.status_code == 400
        assert field in response.json()["errors"], response.json()
        assert stored() == (0, 0, 0, 0)

    @pytest.mark.parametrize("raw", ["{not json", "", "[]", "null", '{"event_id": "1"}'])
    def test_malformed_json_is_400(self, client, raw):
        response = client.post(ZABBIX, raw)
        assert response.status_code == 400
        assert response.json()["detail"]
        assert stored() == (0, 0, 0, 0)

"""Alerts (issue 7, defect 9): a recovery is always recorded on the incident (only
repeats are rate-limited, never a change of state), and an alert whose key or payload
names a configuration item of the source's organisation is raised against that item."""

from datetime import timedelta

import pytest
from django.utils import timezone

from incidents.models import Comment, Incident, MonitoringAlert
from tests.api.conftest import ApiClient
from tests.api.test_alerts import URL, alert
from tests.factories import ConfigurationItemFactory, ServiceFactory

pytestmark = pytest.mark.django_db


@pytest.fixture
def client(alert_token):
    return ApiClient(alert_token)


class TestRecovery:
    def test_a_recovery_right_after_a_noted_repeat_is_still_recorded(self, client):
        number = client.post(URL, alert()).json()["incident"]
        client.post(URL, alert())  # a repeat: noted, and starts the quiet interval
        response = client.post(URL, alert(status="resolved", summary="Disk /var back to 60%"))
        assert response.json()["action"] == "resolved"
        notes = Incident.objects.get(number=number).comments.order_by("pk")
        assert notes.count() == 2
        assert "resolved" in notes.last().body
        assert "back to 60%" in notes.last().body

    def test_firing_again_after_a_recovery_is_recorded_too(self, client):
        client.post(URL, alert())
        client.post(URL, alert(status="resolved"))
        client.post(URL, alert())
        bodies = list(Comment.objects.order_by("pk").values_list("body", flat=True))
        assert len(bodies) == 2
        assert "resolved" in bodies[0]
        assert "firing" in bodies[1]

    def test_repeats_in_the_same_state_stay_rate_limited(self, client):
        client.post(URL, alert())
        for _ in range(3):
            client.post(URL, alert(status="resolved"))
        assert Comment.objects.count() == 1
        assert MonitoringAlert.objects.get().unreported == 2

    def test_after_the_interval_a_repeat_is_noted_again(self, client):
        client.post(URL, alert())
        client.post(URL, alert())
        client.post(URL, alert())
        MonitoringAlert.objects.update(last_note_at=timezone.now() - timedelta(minutes=16))
        client.post(URL, alert())
        assert Comment.objects.count() == 2


class TestConfigurationItems:
    @pytest.fixture
    def db01(self, org_a):
        return ConfigurationItemFactory(
            name="db01", organisation=org_a, service=ServiceFactory(name="Databases A")
        )

    def test_a_key_naming_an_item_of_the_organisation_sets_it(self, client, db01):
        number = client.post(URL, alert(key="disk-full:db01:/var")).json()["incident"]
        incident = Incident.objects.get(number=number)
        assert incident.configuration_item == db01
        assert incident.service == db01.service

    def test_the_payload_may_name_the_item(self, client, db01):
        body = alert(key="disk-full", configuration_item="DB01")
        number = client.post(URL, body).json()["incident"]
        assert Incident.objects.get(number=number).configuration_item == db01

    def test_an_item_of_another_organisation_is_never_set(self, client, org_b, db01):
        ConfigurationItemFactory(name="db02", organisation=org_b)
        response = client.post(URL, alert(key="disk-full:db02:/var"))
        assert response.status_code == 201
        assert Incident.objects.get().configuration_item is None

    def test_an_alert_naming_no_item_has_none(self, client, db01):
        client.post(URL, alert(key="cpu-high:web07"))
        assert Incident.objects.get().configuration_item is None

"""The Zabbix media type shipped in incidents/integrations/zabbix_media_type.yaml: a
Zabbix export that imports, whose script (run here with node, standing in for Zabbix's
Duktape) posts what POST /api/v1/alerts/zabbix accepts — problem, recovery, update —
and turns the desk's answer into event tags or an error Zabbix shows."""

import json
import shutil
import subprocess
from pathlib import Path
from typing import Any

import pytest

from incidents.models import Incident, MonitoringAlertInstance
from tests.api.conftest import ApiClient

yaml = pytest.importorskip("yaml")

MEDIA_TYPE = Path(__file__).parents[2] / "incidents" / "integrations" / "zabbix_media_type.yaml"
NODE = shutil.which("node")

#: Stand-ins for what Zabbix gives a webhook script: HttpRequest, Zabbix.log, `value`.
HARNESS = """
const sent = [];
let answer = JSON.parse(process.argv[2]);
global.Zabbix = {log: function () {}};
global.HttpRequest = function () {
  const request = {headers: [], proxy: null};
  this.addHeader = function (header) { request.headers.push(header); };
  this.setProxy = function (proxy) { request.proxy = proxy; };
  this.post = function (url, body) {
    request.url = url; request.body = body; sent.push(request); return answer.body;
  };
  this.getStatus = function () { return answer.status; };
};
let output = {};
try {
  output.result = (function (value) { SCRIPT })(process.argv[1]);
} catch (error) {
  output.error = String(error);
}
output.sent = sent;
console.log(JSON.stringify(output));
"""


def media_type() -> dict[str, Any]:
    return yaml.safe_load(MEDIA_TYPE.read_text())["zabbix_export"]["media_types"][0]


#: What Zabbix resolves the parameters' macros to, for a problem.
PROBLEM = {
    "{ALERT.MESSAGE}": "Problem started at 10:02:03 on 2026.11.30",
    "{ALERT.SUBJECT}": "Problem: Disk /var on db01 is full",
    "{EVENT.DATE}": "2026.11.30",
    "{EVENT.ID}": "18234",
    "{EVENT.NAME}": "Disk /var on db01 is full",
    "{EVENT.NSEVERITY}": "4",
    "{EVENT.OPDATA}": "Free: 120 MB",
    # Zabbix leaves a macro it cannot resolve as it is (no recovery yet)
    "{EVENT.RECOVERY.DATE}": "{EVENT.RECOVERY.DATE}",
    "{EVENT.RECOVERY.TIME}": "{EVENT.RECOVERY.TIME}",
    "{EVENT.SEVERITY}": "High",
    "{EVENT.SOURCE}": "0",
    "{EVENT.TAGSJSON}": '[{"tag":"service","value":"Managed database"}]',
    "{EVENT.TIME}": "10:02:03",
    "{EVENT.UPDATE.STATUS}": "0",
    "{EVENT.VALUE}": "1",
    "{HOST.HOST}": "db01",
    "{HOST.IP}": "10.0.0.21",
    "{HOST.NAME}": "db01.example.org",
    "{TRIGGER.DESCRIPTION}": "Less than 1% free.",
    "{TRIGGER.ID}": "23901",
    "{TRIGGER.NAME}": "Disk /var on {HOST.NAME} is full",
    "{TRIGGER.URL}": "",
    "{$ZABBIX.URL}": "https://zabbix.example.org/",
    "{$SERVICEDESK.URL}": "https://desk.example.com/",
}


def run_script(macros: dict[str, str], answer: dict[str, Any]) -> dict[str, Any]:
    media = media_type()
    params = {p["name"]: macros.get(p["value"], p["value"]) for p in media["parameters"]}
    program = HARNESS.replace("SCRIPT", media["script"])
    completed = subprocess.run(
        [NODE or "node", "-e", program, json.dumps(params), json.dumps(answer)],
        capture_output=True,
        text=True,
        timeout=30,
        check=True,
    )
    return json.loads(completed.stdout)


def test_the_media_type_is_a_zabbix_6_export_of_a_webhook():
    export = yaml.safe_load(MEDIA_TYPE.read_text())["zabbix_export"]
    assert export["version"] == "6.0"
    media = export["media_types"][0]
    assert media["type"] == "WEBHOOK"
    names = [p["name"] for p in media["parameters"]]
    assert len(names) == len(set(names))
    assert {"servicedesk_url", "servicedesk_token", "timezone"} <= set(names)
    modes = {t["operation_mode"] for t in media["message_templates"]}
    assert modes == {"PROBLEM", "RECOVERY", "UPDATE"}


@pytest.mark.skipif(NODE is None, reason="needs node: apt-get install -y nodejs")
@pytest.mark.django_db
class TestTheScript:
    @pytest.fixture
    def macros(self, alert_token):
        return {**PROBLEM, "{$SERVICEDESK.TOKEN}": alert_token}

    def deliver(self, request: dict[str, Any]):
        """Send what the script sent to the desk, as Zabbix would."""
        headers = dict(h.split(": ", 1) for h in request["headers"])
        assert request["url"] == "https://desk.example.com/api/v1/alerts/zabbix"
        assert headers["Content-Type"] == "application/json"
        return ApiClient().post(
            "/api/v1/alerts/zabbix",
            request["body"],
            headers={"Authorization": headers["Authorization"]},
        )

    def test_a_problem_then_its_recovery(self, macros):
        created = {"status": 201, "body": json.dumps({"action": "created", "incident": "X"})}
        ran = run_script(macros, created)
        assert "error" not in ran, ran
        response = self.deliver(ran["sent"][0])
        assert response.status_code == 201, response.content
        number = response.json()["incident"]
        body = json.loads(ran["sent"][0]["body"])
        assert body["event_tags"] == [{"tag": "service", "value": "Managed database"}]
        assert body["event_recovery_date"] == ""
        assert body["event_url"] == (
            "https://zabbix.example.org/tr_events.php?triggerid=23901&eventid=18234"
        )
        # the desk's answer becomes the event's tags (its menu links to the ticket)
        result = json.loads(
            run_script(macros, {"status": 201, "body": response.content.decode()})["result"]
        )
        assert result["tags"] == {
            "__zbx_servicedesk_incident": number,
            "__zbx_servicedesk_link": f"https://desk.example.com/tickets/{number}/",
        }

        recovery = {
            **macros,
            "{EVENT.VALUE}": "0",
            "{EVENT.RECOVERY.DATE}": "2026.11.30",
            "{EVENT.RECOVERY.TIME}": "10:40:12",
        }
        ran = run_script(recovery, {"status": 200, "body": "{}"})
        response = self.deliver(ran["sent"][0])
        assert (response.json()["action"], response.json()["incident"]) == ("resolved", number)
        assert MonitoringAlertInstance.objects.get().status == "resolved"
        assert Incident.objects.count() == 1

    def test_an_update_is_sent_and_changes_nothing(self, macros):
        ran = run_script({**macros, "{EVENT.UPDATE.STATUS}": "1"}, {"status": 200, "body": "{}"})
        assert self.deliver(ran["sent"][0]).json()["action"] == "ignored"

    def test_a_refusal_is_an_error_zabbix_shows_and_retries(self, macros):
        refused = {"status": 400, "body": json.dumps({"detail": "Invalid input.", "errors": {}})}
        ran = run_script(macros, refused)
        assert ran["error"] == "Sending failed: The service desk answered 400: Invalid input."

    def test_without_the_macros_set_nothing_is_sent(self, macros):
        unset = {**macros}
        del unset["{$SERVICEDESK.URL}"]  # left as "{$SERVICEDESK.URL}" by Zabbix
        ran = run_script(unset, {"status": 201, "body": "{}"})
        assert ran["sent"] == []
        assert "{$SERVICEDESK.URL}" in ran["error"]

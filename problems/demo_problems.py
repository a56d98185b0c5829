"""The demo's problems (problems/demo.py plays them): what the problem manager opened,
which incidents it explains, and how the investigation went.

Times are anchored on the demo incidents they are about: ("vpnremote", "+3h") is three
hours after that ticket (incidents/demo_recurring.py, incidents/demo_tickets.py) was
registered, ("backupweekly1", "sun@01:00") 01:00 Berlin time on the Sunday before it,
("now", "-2d") two days before the demo's "now"; a plain "2h" is two hours after the
step before. Each step is (when, action, actor, arguments); `{key}` in a text
becomes the number of the demo ticket seeded under that key.
"""

from dataclasses import dataclass, field
from typing import Any

from incidents.models import Category
from problems.models import FishboneCategory
from servicedesk.models.priority import Priority

#: (ticket key or "now", signed duration)
Anchor = tuple[str, str]
#: A duration after the step before, or an anchor.
When = str | Anchor
Step = tuple[When, str, str, dict[str, Any]]

PEOPLE = FishboneCategory.PEOPLE
PROCESS = FishboneCategory.PROCESS
TECHNOLOGY = FishboneCategory.TECHNOLOGY
ENVIRONMENT = FishboneCategory.ENVIRONMENT
SUPPLIERS = FishboneCategory.SUPPLIERS
MONITORING = FishboneCategory.MONITORING


@dataclass
class ProblemSpec:
    """A problem as the problem manager (`problem-manager`) opens it, with the incidents
    it explains at that moment, and what happens to it afterwards."""

    key: str
    title: str
    description: str
    opened: Anchor
    service: str
    ci: str | None
    category: str
    incidents: list[str]
    priority: int = Priority.MEDIUM
    investigator: str | None = None
    group: str | None = None
    steps: list[Step] = field(default_factory=list)


RELAY = ProblemSpec(
    "relay",
    "Mail relay blacklisted after a compromised customer account",
    (
        "Mail through smtp-out bounced for every customer because the relay's address was on "
        "the Spamhaus blocklist. Until we know how the spam got out, it can happen again."
    ),
    opened=("relaybl1", "+5h"),
    service="Email hosting",
    ci="SMTP relay smtp-out",
    category=Category.ERROR,
    incidents=["relaybl1"],
    priority=Priority.HIGH,
    investigator="l2",
    group="Platform Operations",
    steps=[
        ("15m", "start", "problem-manager", {}),
        (
            "20m",
            "event",
            "l2",
            {
                "at": ("relaybl1", "-9h"),
                "text": "Mailbox newsletter@ of a hosting customer logs in from an unknown "
                "network and starts sending through smtp-out",
            },
        ),
        (
            "2m",
            "event",
            "l2",
            {
                "at": ("relaybl1", "-3h"),
                "text": "Spamhaus lists 198.51.100.10, smtp-out's primary address",
            },
        ),
        (
            "2m",
            "event",
            "l2",
            {
                "at": ("relaybl1", "+0m"),
                "text": "First bounces reported by a customer ({relaybl1})",
            },
        ),
        (
            "2m",
            "event",
            "l2",
            {
                "at": ("relaybl1", "+2h"),
                "text": "Outbound mail switched to the standby address 198.51.100.20",
            },
        ),
        (
            "30m",
            "why",
            "l2",
            {
                "answer": "Mail of every customer bounced because smtp-out's address was "
                "blocklisted."
            },
        ),
        (
            "5m",
            "why",
            "l2",
            {
                "answer": "It was listed because about 48,000 spam mails left through "
                "smtp-out in a night."
            },
        ),
        (
            "5m",
            "why",
            "l2",
            {
                "answer": "The spam went out through a real customer mailbox whose password "
                "was phished."
            },
        ),
        (
            "5m",
            "why",
            "l2",
            {
                "answer": "Nothing on smtp-out limits what one authenticated account sends: the "
                "account sent as fast as the relay accepted."
            },
        ),
        (
            "5m",
            "why",
            "l2",
            {
                "answer": "Rate limits and outbound spam scoring were never part of the relay's "
                "design: it was built for a few trusted customers and grew without a review."
            },
        ),
        (
            "10m",
            "cause",
            "l2",
            {
                "category": PEOPLE,
                "text": "A customer's user gave the mailbox password to a phishing page",
                "confirmed": True,
            },
        ),
        (
            "2m",
            "cause",
            "l2",
            {
                "category": TECHNOLOGY,
                "text": "No per-account rate limit on authenticated SMTP",
                "confirmed": True,
            },
        ),
        (
            "2m",
            "cause",
            "l2",
            {
                "category": TECHNOLOGY,
                "text": "Outbound mail is not scored for spam before it is relayed",
                "confirmed": True,
            },
        ),
        (
            "2m",
            "cause",
            "l2",
            {
                "category": PROCESS,
                "text": "No procedure to lock an account that sends abnormal volumes",
                "confirmed": True,
            },
        ),
        (
            "2m",
            "cause",
            "l2",
            {
                "category": MONITORING,
                "text": "No alert when one of our relay addresses appears on a blocklist",
                "confirmed": True,
            },
        ),
        (
            "2m",
            "cause",
            "l2",
            {
                "category": SUPPLIERS,
                "text": "Blocklist operators take up to a day to delist an address",
            },
        ),
        (
            "1h",
            "known_error",
            "problem-manager",
            {
                "root_cause": "A phished customer mailbox sent spam through smtp-out, which has "
                "no per-account rate limit and no outbound spam scoring, so the relay's "
                "addresses were blocklisted.",
                "workaround": "Switch smtp-out to the standby address 198.51.100.20, lock the "
                "sending account and reset its password with the customer, then request "
                "delisting at Spamhaus and Microsoft's sender support.",
            },
        ),
        (("relaybl3", "+20m"), "link", "l1", {"incident": "relaybl3"}),
        (
            "1h",
            "event",
            "l2",
            {
                "at": ("relaybl3", "-8h"),
                "text": "The same account sends spam again, its password still unchanged; "
                "both relay addresses are listed",
            },
        ),
        (
            "2h",
            "event",
            "l2",
            {
                "text": "Account locked and its password reset with the customer; delisting "
                "requested"
            },
        ),
        (
            ("relaybl3", "+1d"),
            "resolve",
            "problem-manager",
            {
                "permanent_fix": "smtp-out now limits each account to 300 mails an hour, scores "
                "outbound mail with rspamd before relaying it and alerts Platform Operations "
                "when a relay address is listed on a blocklist."
            },
        ),
        (
            ("now", "-1d"),
            "close",
            "problem-manager",
            {"override_reason": "No listing since the rate limit went live; verified daily."},
        ),
    ],
)

BACKUP = ProblemSpec(
    "backup",
    "Backup jobs fail on Sundays when the storage snapshot runs",
    (
        "The weekly backup jobs on repository BR-2 fail with 'Timed out waiting for the "
        "repository' in the night to Sunday, on different servers and customers. The "
        "daily jobs are fine."
    ),
    opened=("backupweekly2", "+4h"),
    service="Backup & storage",
    ci="Backup repository BR-2",
    category=Category.ERROR,
    incidents=["backupweekly1", "backupweekly2"],
    investigator="l3",
    group="Storage Engineering",
    steps=[
        ("30m", "start", "problem-manager", {}),
        (
            "1h",
            "event",
            "l3",
            {
                "at": ("backupweekly1", "-12d"),
                "text": "BR-2 moved to the new storage array; its snapshot schedule was copied "
                "from the old array",
            },
        ),
        (
            "2m",
            "event",
            "l3",
            {
                "at": ("backupweekly1", "sun@01:00"),
                "text": "The array's weekly snapshot of BR-2's volume starts and freezes its "
                "I/O for 35 minutes",
            },
        ),
        (
            "2m",
            "event",
            "l3",
            {
                "at": ("backupweekly1", "sun@01:14"),
                "text": "Job nw-db-01-weekly gives up after 900 s waiting for the repository "
                "({backupweekly1})",
            },
        ),
        (
            "2m",
            "event",
            "l3",
            {
                "at": ("backupweekly2", "sun@01:15"),
                "text": "Weekly jobs of cc-app-01 and nw-web-01 time out in the snapshot "
                "window ({backupweekly2})",
            },
        ),
        (
            "1h",
            "why",
            "l3",
            {"answer": "The weekly jobs fail because they time out waiting for repository BR-2."},
        ),
        (
            "5m",
            "why",
            "l3",
            {
                "answer": "BR-2 does not answer because the array freezes its volume while it "
                "takes the weekly snapshot."
            },
        ),
        (
            "5m",
            "why",
            "l3",
            {"answer": "The snapshot runs at 01:00 on Sunday, inside the weekly backup window."},
        ),
        (
            "5m",
            "why",
            "l3",
            {
                "answer": "Its schedule was copied unchanged from the old array, where the "
                "weekly backups ran on Saturday."
            },
        ),
        (
            "5m",
            "why",
            "l3",
            {
                "answer": "The migration checklist did not compare the array's schedules with "
                "the backup windows."
            },
        ),
        (
            "10m",
            "cause",
            "l3",
            {
                "category": PROCESS,
                "text": "Snapshot schedule copied to the new array without a review",
                "confirmed": True,
            },
        ),
        (
            "2m",
            "cause",
            "l3",
            {
                "category": TECHNOLOGY,
                "text": "The new array freezes the volume for the whole snapshot, not seconds",
                "confirmed": True,
            },
        ),
        (
            "2m",
            "cause",
            "l3",
            {
                "category": TECHNOLOGY,
                "text": "Backup jobs wait only 15 minutes for the repository",
                "confirmed": True,
            },
        ),
        (
            "2m",
            "cause",
            "l2",
            {
                "category": ENVIRONMENT,
                "text": "Weekend load on the storage network from other customers",
                "confirmed": True,
            },
        ),
        (
            "2m",
            "cause",
            "l3",
            {
                "category": MONITORING,
                "text": "Failures alerted job by job: nobody saw they all fell on Sundays",
                "confirmed": True,
            },
        ),
        (
            "3h",
            "rule_out",
            "l3",
            {"text": "Weekend load on the storage network from other customers"},
        ),
        (
            "20m",
            "findings",
            "l3",
            {
                "root_cause": "The storage array's weekly snapshot of BR-2 (Sunday 01:00, copied "
                "from the old array) freezes the repository's volume for 35 minutes, longer "
                "than the backup jobs wait for it.",
                "workaround": "On Sunday morning after 02:00, retry the failed weekly jobs in the "
                "backup console (Jobs → Failed → Retry); the snapshot is over by then.",
            },
        ),
        ("1h", "known_error", "problem-manager", {}),
        (("backupweekly3", "+15m"), "link", "l1", {"incident": "backupweekly3"}),
        ("1h", "article", "problem-manager", {}),
        ("10m", "submit_article", "problem-manager", {}),
        (
            ("backupweekly3", "+2d"),
            "resolve",
            "problem-manager",
            {
                "permanent_fix": "The array's snapshot of BR-2 moved to Saturday 18:00, outside "
                "every backup window, and the jobs now wait up to 60 minutes for the "
                "repository."
            },
        ),
    ],
)

VPN = ProblemSpec(
    "vpn",
    "VPN gateway drops sessions after firmware 9.1",
    (
        "Since firmware 9.1 was installed on VPN gateway cc-vpn, site-to-site tunnels and "
        "remote-access sessions drop every 20 minutes to a few hours and come back by "
        "themselves or after the security associations are cleared."
    ),
    opened=("vpnremote", "+3h"),
    service="Managed network",
    ci="VPN gateway cc-vpn",
    category=Category.DEGRADATION,
    incidents=["vpnleeds", "vpnremote"],
    priority=Priority.HIGH,
    investigator="l3",
    group="Network Engineering",
    steps=[
        ("20m", "start", "problem-manager", {}),
        (
            "30m",
            "event",
            "l3",
            {
                "at": ("vpnleeds", "-2d"),
                "text": "Firmware 9.1.0 installed on cc-vpn in the maintenance window",
            },
        ),
        (
            "2m",
            "event",
            "l3",
            {
                "at": ("vpnleeds", "-3h"),
                "text": "First 'DPD: peer not responding, deleting SA' messages in the log",
            },
        ),
        (
            "2m",
            "event",
            "l3",
            {"at": ("vpnleeds", "+0m"), "text": "Leeds tunnel reported dropping ({vpnleeds})"},
        ),
        (
            "2m",
            "event",
            "l3",
            {
                "at": ("vpnremote", "+0m"),
                "text": "Remote-access users disconnected every 20 minutes ({vpnremote})",
            },
        ),
        (
            "1h",
            "why",
            "l3",
            {
                "answer": "Tunnels drop because the gateway declares the peer dead and deletes "
                "the security associations."
            },
        ),
        (
            "5m",
            "why",
            "l3",
            {
                "answer": "It declares the peer dead when three dead-peer-detection probes in a "
                "row go unanswered within 10 seconds."
            },
        ),
        (
            "5m",
            "why",
            "l3",
            {
                "answer": "Under load, firmware 9.1 queues its own DPD replies behind the "
                "encrypted traffic, so they arrive late."
            },
        ),
        (
            "5m",
            "why",
            "l3",
            {
                "answer": "10 s and 3 retries are firmware 9.1's new defaults; 30 s and 5 "
                "retries before hid the delay."
            },
        ),
        (
            "5m",
            "why",
            "l3",
            {
                "answer": "The upgrade was planned from the release notes' feature list; the "
                "changed defaults were not compared with our configuration."
            },
        ),
        (
            "10m",
            "cause",
            "l3",
            {
                "category": TECHNOLOGY,
                "text": "Firmware 9.1 queues DPD replies behind encrypted traffic (vendor "
                "bug FW-91-4471)",
                "confirmed": True,
            },
        ),
        (
            "2m",
            "cause",
            "l3",
            {
                "category": TECHNOLOGY,
                "text": "DPD defaults lowered to 10 s / 3 retries in firmware 9.1",
                "confirmed": True,
            },
        ),
        (
            "2m",
            "cause",
            "l3",
            {
                "category": PROCESS,
                "text": "Changed defaults not compared with the running configuration "
                "before the upgrade",
                "confirmed": True,
            },
        ),
        (
            "2m",
            "cause",
            "l3",
            {
                "category": SUPPLIERS,
                "text": "The vendor's release notes do not mention the new DPD defaults",
                "confirmed": True,
            },
        ),
        (
            "2m",
            "cause",
            "l2",
            {"category": ENVIRONMENT, "text": "Packet loss on the customers' internet lines"},
        ),
        (
            "2m",
            "cause",
            "l2",
            {"category": MONITORING, "text": "Tunnel drops are logged but not alerted"},
        ),
        (
            "1h",
            "rule_out",
            "l3",
            {"text": "Packet loss on the customers' internet lines"},
        ),
        (
            ("vpnremote", "+1d"),
            "event",
            "l3",
            {"text": "The vendor confirms bug FW-91-4471 and promises the fix in firmware 9.1.4"},
        ),
        (
            "2h",
            "known_error",
            "problem-manager",
            {
                "root_cause": "Firmware 9.1 lowered the dead-peer-detection defaults to 10 s "
                "and 3 retries and, under load, answers DPD probes late (vendor bug "
                "FW-91-4471), so the gateway deletes healthy tunnels.",
                "workaround": "Set dead-peer detection on the affected tunnel or remote-access "
                "profile to 30 seconds with 5 retries (`set vpn ipsec peer <peer> dpd "
                "interval 30 retries 5`, then `commit`). A tunnel that has dropped comes "
                "back at once with `clear vpn ipsec-sa peer <peer>`.",
            },
        ),
        ("1h", "article", "problem-manager", {}),
        ("10m", "submit_article", "problem-manager", {}),
        ("1d", "publish_article", "kb-manager", {}),
        (("parisloss", "+3h"), "link", "l3", {"incident": "parisloss"}),
        (("vpnflap", "+20m"), "link", "l1", {"incident": "vpnflap"}),
    ],
)

HOURLY = ProblemSpec(
    "hourly",
    "Northwind shop slow for five minutes at every full hour",
    (
        "The shop on nw-web-01 becomes slow or times out for about five minutes at every "
        "full hour. Moving the backup snapshot helped only in part."
    ),
    opened=("loadspikes", "+2d4h"),
    service="Virtual servers",
    ci="nw-web-01",
    category=Category.DEGRADATION,
    incidents=["loadspikes"],
    investigator="l2",
    group="Platform Operations",
    steps=[
        ("10m", "start", "problem-manager", {}),
        (
            "30m",
            "event",
            "l2",
            {
                "at": ("loadspikes", "-6d"),
                "text": "Shop release 4.2 deployed on nw-web-01 by the customer",
            },
        ),
        (
            "2m",
            "event",
            "l2",
            {
                "at": ("loadspikes", "+0m"),
                "text": "Shop slow for five minutes at every full hour ({loadspikes})",
            },
        ),
        (
            "2m",
            "event",
            "l2",
            {
                "at": ("loadspikes", "+1d1h"),
                "text": "Backup snapshot moved from :00 to :30; the peak is lower but still there",
            },
        ),
        (
            "2m",
            "event",
            "l2",
            {
                "at": ("loadspikes", "+2d3h"),
                "text": "The shop's sitemap job found taking all four cores at every full hour",
            },
        ),
        (
            "20m",
            "why",
            "l2",
            {
                "answer": "The shop is slow at every full hour because nw-web-01's four vCPUs are "
                "saturated for about five minutes."
            },
        ),
        (
            "5m",
            "why",
            "l2",
            {
                "answer": "They are saturated because the shop's sitemap job starts at every full "
                "hour and uses every core."
            },
        ),
        (
            "5m",
            "why",
            "l2",
            {
                "answer": "It uses every core because it rebuilds the sitemap of all 80,000 "
                "products instead of the changed ones."
            },
        ),
        (
            "10m",
            "cause",
            "l2",
            {
                "category": TECHNOLOGY,
                "text": "Backup snapshot and log rotation started in the same minute",
                "confirmed": True,
            },
        ),
        (
            "2m",
            "cause",
            "l2",
            {
                "category": PROCESS,
                "text": "Release 4.2 scheduled the sitemap job every hour",
                "confirmed": True,
            },
        ),
        (
            "2m",
            "cause",
            "l2",
            {
                "category": ENVIRONMENT,
                "text": "Noisy neighbour VMs on the same ESXi host",
                "confirmed": True,
            },
        ),
        (
            "2m",
            "cause",
            "l2",
            {
                "category": MONITORING,
                "text": "The CPU alert averages over 15 minutes and hides five-minute peaks",
            },
        ),
        (
            "2m",
            "cause",
            "l2",
            {
                "category": PEOPLE,
                "text": "The customer's developers do not know the VM's sizing",
            },
        ),
        (
            "1d",
            "rule_out",
            "l3",
            {"text": "Noisy neighbour VMs on the same ESXi host"},
        ),
        (
            "30m",
            "findings",
            "l2",
            {
                "workaround": "Ask the customer to run the sitemap job at 03:00 (their crontab on "
                "nw-web-01). Until then, if the shop is slow on the hour, add two vCPUs "
                "for the day (Platform Operations)."
            },
        ),
    ],
)

UPLINK = ProblemSpec(
    "uplink",
    "Packet loss and BGP drops on the FRA-CR1 carrier uplink",
    (
        "Packet loss on uplink et-0/0/1 of FRA-CR1 and the BGP session to the carrier going "
        "down within a day: a recurring fault of the uplink?"
    ),
    opened=("uplinkloss", "+1h"),
    service="Managed network",
    ci="Core router FRA-CR1",
    category=Category.DEGRADATION,
    incidents=["uplinkloss"],
    priority=Priority.HIGH,
    investigator="l3",
    group="Network Engineering",
    steps=[
        ("10m", "start", "problem-manager", {}),
        (
            "20m",
            "event",
            "l3",
            {
                "at": ("uplinkloss", "-40m"),
                "text": "CRC errors rising on et-0/0/1, the optical signal from the carrier "
                "weakening",
            },
        ),
        (
            "5m",
            "why",
            "l3",
            {
                "answer": "Packets are lost on et-0/0/1 because the carrier's optical signal "
                "degrades."
            },
        ),
        (
            "5m",
            "cause",
            "l3",
            {"category": TECHNOLOGY, "text": "Dirty optics on our side of the cross-connect"},
        ),
        (
            "2m",
            "cause",
            "l3",
            {"category": SUPPLIERS, "text": "Failing line card in the carrier's PoP"},
        ),
        (("bgpdown", "+30m"), "link", "l2", {"incident": "bgpdown"}),
        (
            "5m",
            "event",
            "l3",
            {"at": ("bgpdown", "+0m"), "text": "BGP session to AS64500 down ({bgpdown})"},
        ),
        ("30m", "rule_out", "l3", {"text": "Dirty optics on our side of the cross-connect"}),
        (
            "2h",
            "event",
            "l3",
            {"text": "The carrier replaces a faulty line card in its PoP (their ticket CX-88213)"},
        ),
        ("2m", "confirm", "l3", {"text": "Failing line card in the carrier's PoP"}),
        (
            "5m",
            "why",
            "l3",
            {"answer": "The signal degraded because a line card in the carrier's PoP was failing."},
        ),
        (
            "1h",
            "cancel",
            "problem-manager",
            {
                "reason": "A single hardware fault at the carrier, repaired under their ticket "
                "CX-88213: nothing recurs and nothing on our side needs removing. The "
                "incidents are handled on their own."
            },
        ),
    ],
)

OUTLOOK = ProblemSpec(
    "outlook",
    "Outlook asks for the password again and again on Exchange DAG MX-1",
    (
        "Outlook clients of several customers prompt for the password every few minutes "
        "since the day before yesterday; Outlook on the web works."
    ),
    opened=("outlookpw2", "+2h"),
    service="Email hosting",
    ci="Exchange DAG MX-1",
    category=Category.ERROR,
    incidents=["outlookpw", "outlookpw2"],
    steps=[
        (
            "10m",
            "event",
            "problem-manager",
            {
                "at": ("outlookpw", "-1d"),
                "text": "Autodiscover certificate of MX-1 renewed by the automated job",
            },
        ),
        (
            "2m",
            "event",
            "problem-manager",
            {"at": ("outlookpw", "+0m"), "text": "First customer reports prompts ({outlookpw})"},
        ),
        (
            "2m",
            "event",
            "problem-manager",
            {
                "at": ("outlookpw2", "+0m"),
                "text": "A second customer reports the same ({outlookpw2})",
            },
        ),
        (
            "5m",
            "cause",
            "problem-manager",
            {
                "category": TECHNOLOGY,
                "text": "Renewed autodiscover certificate served without its intermediate",
            },
        ),
        (
            "2m",
            "cause",
            "problem-manager",
            {
                "category": PEOPLE,
                "text": "Users typing old passwords after a customer's password change",
            },
        ),
        (
            "1h",
            "why",
            "l2",
            {
                "answer": "Outlook prompts because its background connection to autodiscover "
                "fails and it falls back to asking the user."
            },
        ),
    ],
)

PROBLEMS = [RELAY, BACKUP, VPN, HOURLY, UPLINK, OUTLOOK]

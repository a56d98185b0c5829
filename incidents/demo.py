# Russian-speaking contacts write in Cyrillic, beside Latin host names:
# ruff: noqa: RUF001
"""Demo tickets: a few weeks of a support desk's work, played through incidents.services.

Each ticket says when it was opened ("50m" ago, or "12d@10:30": twelve days ago at 10:30
Berlin time, moved back to the Friday if that is a weekend) and what happened to it, each
step some time after the one before ("2h"). All steps of all tickets are played in the
order of their times with the clock frozen at each step's moment, acting as the demo user
who would have done it, one transaction per step: numbers follow the order of
registration, and history, SLA ledgers, comments and the mails sent after each commit
carry the times they would have had. Then the SLA sweep runs at the real time, so the
queues show at once what is at risk and what is breached.
"""

from collections import Counter
from dataclasses import dataclass, field
from datetime import datetime, timedelta
from typing import Any
from zoneinfo import ZoneInfo

from django.db import transaction
from django.db.models import Max, Min, Q

from incidents import services
from incidents.models import Category, Channel, ClosureCode, Incident, Kind, SlaEvent, Status
from servicedesk.demo import DemoData, contract_numbers, duration, frozen_clock
from servicedesk.models import Impact, Urgency

#: The time zone of "12d@10:30" in the specs.
DEMO_TIME_ZONE = ZoneInfo("Europe/Berlin")
#: No step is played later than this before the real time.
LATEST = timedelta(minutes=2)

Step = tuple[str, str, str | None, dict[str, Any]]


@dataclass
class Ticket:
    """A ticket as it is raised, and what happens to it afterwards.

    `by` is the user who registers it (the contact's own login for the portal, an agent
    for phone, email and monitoring intake). Each step is (time since the step before,
    action, actor, arguments); `{key}` in a text is replaced by the number of the ticket
    seeded under that key."""

    key: str
    contact: str
    by: str
    channel: str
    title: str
    description: str
    opened: str
    kind: str = Kind.INCIDENT
    category: str = Category.OTHER
    service: str | None = None
    ci: str | None = None
    urgency: int = Urgency.MEDIUM
    impact: int | None = None
    steps: list[Step] = field(default_factory=list)
    #: Answers to the service's portal request form: {question: answer}.
    answers: dict[str, str] = field(default_factory=dict)


ESC_PLATFORM = "Needs hypervisor access: Platform Operations."
ESC_NETWORK = "Network fault beyond first-line checks: Network Operations."

TICKETS = [
    Ticket(
        "web502",
        "jana",
        "northwind",
        Channel.PORTAL,
        "Website on nw-web-02 returns 502 Bad Gateway intermittently",
        (
            "For about an hour roughly one in five requests to "
            "www.northwind-hosting.example ends in a 502 from the load balancer. "
            "nw-web-01 looks fine."
        ),
        opened="50m",
        category=Category.ERROR,
        service="Virtual servers",
        ci="nw-web-02",
        urgency=Urgency.HIGH,
        answers={"Server name": "nw-web-02", "Environment": "Production"},
    ),
    Ticket(
        "mailqueue",
        "priya",
        "l1",
        Channel.EMAIL,
        "Outbound mail stuck in the queue",
        (
            "None of our invoices went out in the last hour. Outlook shows them as "
            "sent, but customers receive nothing. Please treat as urgent."
        ),
        opened="26m",
        category=Category.OUTAGE,
        service="Email hosting",
        ci="SMTP relay smtp-out",
        urgency=Urgency.VERY_HIGH,
    ),
    Ticket(
        "diskvar",
        "mehmet",
        "l1",
        Channel.MONITORING,
        "Monitoring: /var 92% full on nw-db-01",
        (
            "Check disk_var on nw-db-01: WARNING, 92% used (threshold 90%). Growth "
            "of 3 GB in the last 24 hours."
        ),
        opened="1d@07:55",
        category=Category.DEGRADATION,
        service="Virtual servers",
        ci="nw-db-01",
        impact=Impact.LOW,
    ),
    Ticket(
        "vcpu",
        "priya",
        "l1",
        Channel.PHONE,
        "Add two vCPUs to cc-app-02",
        (
            "Priya called: the quarterly reporting run starts on Friday and needs "
            "more CPU. Please add two vCPUs to cc-app-02; a reboot tonight after "
            "22:00 is fine."
        ),
        opened="2h",
        kind=Kind.REQUEST,
        category=Category.RESOURCES,
        service="Virtual servers",
        ci="cc-app-02",
        urgency=Urgency.LOW,
    ),
    Ticket(
        "m365",
        "jana",
        "northwind",
        Channel.PORTAL,
        "Five additional Microsoft 365 E3 licences",
        (
            "We are onboarding five new colleagues on the first of next month and "
            "need five more E3 licences on our tenant."
        ),
        opened="2d@16:20",
        kind=Kind.REQUEST,
        category=Category.LICENCE,
        service="Licences",
        ci="Microsoft SPLA",
        urgency=Urgency.LOW,
        steps=[
            ("40m", "comment", "northwind", {"body": "Please bill them to cost centre NW-4410."}),
        ],
    ),
    Ticket(
        "vpnflap",
        "oliver",
        "contoso",
        Channel.PORTAL,
        "VPN tunnel to the Manchester office keeps dropping",
        (
            "The site-to-site tunnel to Manchester drops every 20-30 minutes and "
            "comes back after a minute. Staff there lose their sessions on the ERP "
            "system."
        ),
        opened="3h",
        category=Category.DEGRADATION,
        service="Managed network",
        ci="VPN gateway cc-vpn",
        urgency=Urgency.HIGH,
    ),
    Ticket(
        "dbadvice",
        "stefan",
        "l1",
        Channel.EMAIL,
        ("Advice on moving our PostgreSQL database to a managed offering"),
        (
            "We are considering moving the shop database off nw-db-01 to a managed "
            "PostgreSQL. Could someone walk us through the options, downtime and "
            "cost?"
        ),
        opened="3d@11:05",
        kind=Kind.REQUEST,
        category=Category.CONSULTATION,
        urgency=Urgency.NONE,
    ),
    Ticket(
        "certexp",
        "oliver",
        "l1",
        Channel.MONITORING,
        ("Monitoring: TLS certificate for shop.contoso-cloud.example expires in 10 days"),
        (
            "Check https_cert on Load balancer cc-lb-01: WARNING, certificate "
            "expires in 10 days. Automatic renewal failed: DNS-01 challenge not "
            "found."
        ),
        opened="15m",
        category=Category.SECURITY,
        service="Managed network",
        ci="Load balancer cc-lb-01",
        impact=Impact.MEDIUM,
    ),
    Ticket(
        "cplogin",
        "mehmet",
        "l1",
        Channel.PHONE,
        ("Cannot log in to the customer control panel after a password reset"),
        (
            "Mehmet reset his password this morning; the control panel now says "
            "'account locked'. He needs access today to download invoices."
        ),
        opened="1d@10:15",
        category=Category.ACCESS,
        steps=[
            ("5m", "assign", "l1", {"group": "Service Desk", "assignee": "l1"}),
        ],
    ),
    Ticket(
        "restore",
        "oliver",
        "contoso",
        Channel.PORTAL,
        "Restore cc-app-01 from last night's snapshot",
        (
            "A deployment went wrong. Please restore cc-app-01 to the snapshot of "
            "yesterday 22:00. The application is stopped, so you can shut the VM "
            "down."
        ),
        opened="5h",
        kind=Kind.REQUEST,
        category=Category.RESOURCES,
        service="Virtual servers",
        ci="cc-app-01",
        steps=[
            ("12m", "classify", "l1", {"impact": Impact.LOW}),
            (
                "20m",
                "escalate",
                "l1",
                {
                    "group": "Platform Operations",
                    "assignee": "l2",
                    "reason": "Snapshot restores are done by Platform Operations.",
                },
            ),
        ],
    ),
    Ticket(
        "uplinkloss",
        "stefan",
        "l1",
        Channel.MONITORING,
        "Monitoring: 4% packet loss on uplink FRA-CR1 to carrier",
        (
            "Check uplink_loss on Core router FRA-CR1 port et-0/0/1: WARNING, 4.1% "
            "loss over 15 minutes. Northwind's traffic leaves through this uplink."
        ),
        opened="2d@14:30",
        category=Category.DEGRADATION,
        service="Managed network",
        ci="Core router FRA-CR1",
        urgency=Urgency.HIGH,
        impact=Impact.HIGH,
        steps=[
            ("10m", "escalate", "l1", {"group": "Network Operations", "reason": ESC_NETWORK}),
        ],
    ),
    Ticket(
        "backupfail",
        "camille",
        "l1",
        Channel.PHONE,
        "Backups of cc-app-02 failing since Monday",
        (
            "Camille called: the daily backup report shows 'failed' for cc-app-02 "
            "three days in a row. Other servers are fine."
        ),
        opened="3d@09:45",
        category=Category.ERROR,
        service="Backup & storage",
        ci="Backup repository BR-2",
        urgency=Urgency.HIGH,
        impact=Impact.LOW,
        steps=[
            (
                "15m",
                "escalate",
                "l1",
                {
                    "group": "Platform Operations",
                    "assignee": "l2",
                    "reason": "Backup jobs are run by Platform Operations.",
                },
            ),
            ("1h", "start", "l2", {}),
            (
                "40m",
                "comment",
                "l2",
                {
                    "body": (
                        "Job log: 'repository BR-2 is locked by another process'. The lock is 4 "
                        "days old; nothing is running."
                    )
                },
            ),
            (
                "2h",
                "escalate",
                "l2",
                {
                    "group": "Storage Engineering",
                    "assignee": "l3",
                    "reason": (
                        "Stale repository lock on BR-2; only storage engineering may clear it."
                    ),
                },
            ),
        ],
    ),
    Ticket(
        "outlookpw",
        "jana",
        "northwind",
        Channel.PORTAL,
        "Outlook keeps asking for the password",
        (
            "Since yesterday Outlook on three laptops asks for the password every "
            "few minutes. Webmail works."
        ),
        opened="2d@09:10",
        category=Category.ERROR,
        service="Email hosting",
        ci="Exchange DAG MX-1",
        steps=[
            ("15m", "classify", "l1", {"impact": Impact.MEDIUM}),
            ("5m", "assign", "l1", {"group": "Service Desk", "assignee": "l1"}),
            ("10m", "start", "l1", {}),
            (
                "20m",
                "comment",
                "l1",
                {
                    "public": True,
                    "body": (
                        "We are checking the autodiscover records for your domain and will call "
                        "you back within the hour."
                    ),
                },
            ),
        ],
    ),
    Ticket(
        "slowapp",
        "priya",
        "l1",
        Channel.EMAIL,
        "cc-app-01 very slow since the kernel update",
        (
            "Since the maintenance on Tuesday night page loads on cc-app-01 take "
            "8-10 seconds instead of under one."
        ),
        opened="7h",
        category=Category.DEGRADATION,
        service="Virtual servers",
        ci="cc-app-01",
        urgency=Urgency.HIGH,
        steps=[
            ("8m", "confirm_urgency", "l1", {}),
            ("2m", "classify", "l1", {"impact": Impact.MEDIUM}),
            (
                "10m",
                "escalate",
                "l1",
                {"group": "Platform Operations", "assignee": "l2", "reason": ESC_PLATFORM},
            ),
            ("25m", "start", "l2", {}),
            (
                "1h",
                "comment",
                "l2",
                {
                    "body": (
                        "CPU steal time is 35% on host esx-14 since the maintenance; moving "
                        "cc-app-01 with vMotion."
                    )
                },
            ),
        ],
    ),
    Ticket(
        "fwrule",
        "stefan",
        "l1",
        Channel.PHONE,
        "Open the firewall for the new payment provider",
        (
            "Dr Hoffmann asks to allow HTTPS from 198.51.100.0/24 (new payment "
            "provider callbacks) to nw-web-01 and nw-web-02."
        ),
        opened="4d@13:30",
        kind=Kind.REQUEST,
        category=Category.ACCESS,
        service="Managed network",
        ci="Firewall cluster nw-fw",
        steps=[
            (
                "10m",
                "escalate",
                "l1",
                {
                    "group": "Network Operations",
                    "reason": "Firewall changes are made by Network Operations.",
                },
            ),
            ("2h", "start", "l2", {}),
        ],
    ),
    Ticket(
        "bgpdown",
        "stefan",
        "l1",
        Channel.MONITORING,
        "Monitoring: BGP session to carrier AS64500 down on FRA-CR1",
        (
            "Check bgp_peer on Core router FRA-CR1: CRITICAL, session to 192.0.2.1 "
            "(AS64500) Idle for 6 minutes. Traffic fails over to the second "
            "carrier."
        ),
        opened="1d@08:20",
        category=Category.OUTAGE,
        service="Managed network",
        ci="Core router FRA-CR1",
        urgency=Urgency.VERY_HIGH,
        impact=Impact.SIGNIFICANT,
        steps=[
            (
                "4m",
                "escalate",
                "l1",
                {"group": "Network Operations", "assignee": "l2", "reason": ESC_NETWORK},
            ),
            ("6m", "start", "l2", {}),
            ("35m", "comment", "l2", {"body": "Soft reset did not help; session stays in Active."}),
            (
                "20m",
                "escalate",
                "l2",
                {
                    "group": "Network Engineering",
                    "assignee": "l3",
                    "reason": (
                        "BGP session does not re-establish after a soft reset; needs a "
                        "configuration review."
                    ),
                },
            ),
            ("15m", "start", "l3", {}),
            (
                "1h30m",
                "comment",
                "l3",
                {
                    "body": (
                        "Carrier changed their MD5 key without notice. Waiting for the new key "
                        "from their NOC."
                    )
                },
            ),
        ],
    ),
    Ticket(
        "s3upload",
        "oliver",
        "contoso",
        Channel.PORTAL,
        "Uploads to bucket cc-assets fail with 503",
        (
            "About half of the PUT requests to our asset bucket return 503 Slow "
            "Down. Downloads work."
        ),
        opened="9d@10:00",
        category=Category.ERROR,
        service="Backup & storage",
        ci="Object storage bucket cc-assets",
        steps=[
            ("20m", "classify", "l1", {"impact": Impact.MEDIUM}),
            (
                "10m",
                "escalate",
                "l1",
                {
                    "group": "Platform Operations",
                    "assignee": "l2",
                    "reason": "Object storage issue.",
                },
            ),
            ("1h", "start", "l2", {}),
            (
                "3h",
                "escalate",
                "l2",
                {
                    "group": "Storage Engineering",
                    "assignee": "l3",
                    "reason": "One storage node rejects writes; hardware suspected.",
                },
            ),
            ("30m", "start", "l3", {}),
            (
                "2h",
                "third_party",
                "l3",
                {
                    "third_party": "Storage vendor support (case 2008-771233)",
                    "comment": "RAID controller on node s3-fra-04 reports cache errors.",
                },
            ),
            (
                "3d",
                "resume",
                "l3",
                {
                    "comment": (
                        "Vendor replaced the controller; rebalancing the node before closing."
                    )
                },
            ),
        ],
    ),
    Ticket(
        "dns",
        "oliver",
        "contoso",
        Channel.PORTAL,
        "New DNS records for staging.contoso-cloud.example",
        (
            "Please create A records for staging.contoso-cloud.example and "
            "api.staging.contoso-cloud.example."
        ),
        opened="4d@15:30",
        kind=Kind.REQUEST,
        service="Managed network",
        urgency=Urgency.LOW,
        steps=[
            ("30m", "assign", "l1", {"group": "Service Desk", "assignee": "l1"}),
            ("1h", "start", "l1", {}),
            (
                "20m",
                "ask",
                "l1",
                {
                    "comment": (
                        "Please send the target IP addresses and the TTL you want for both records."
                    )
                },
            ),
        ],
    ),
    Ticket(
        "backupwarn",
        "mehmet",
        "l1",
        Channel.PHONE,
        "Nightly backup of nw-db-01 reports warnings",
        ("Mehmet receives 'completed with warnings' mails for the nightly backup of nw-db-01."),
        opened="6d@09:30",
        category=Category.ERROR,
        service="Backup & storage",
        ci="NFS share nw-nfs-01",
        steps=[
            (
                "10m",
                "escalate",
                "l1",
                {
                    "group": "Platform Operations",
                    "assignee": "l2",
                    "reason": "Backup job configuration is Platform Operations'.",
                },
            ),
            ("3h", "start", "l2", {}),
            (
                "1h",
                "ask",
                "l2",
                {
                    "comment": (
                        "Could you forward one of the warning mails? We need the job ID and the "
                        "exact warning text."
                    )
                },
            ),
        ],
    ),
    Ticket(
        "parisloss",
        "camille",
        "l1",
        Channel.EMAIL,
        "Packet loss to our Paris office",
        (
            "Bonjour, depuis ce matin nous avons environ 10% de perte de paquets "
            "vers le bureau de Paris. Les appels Teams coupent."
        ),
        opened="2d@10:20",
        category=Category.DEGRADATION,
        service="Managed network",
        ci="VPN gateway cc-vpn",
        steps=[
            ("10m", "classify", "l1", {"impact": Impact.MEDIUM}),
            (
                "5m",
                "escalate",
                "l1",
                {"group": "Network Operations", "assignee": "l2", "reason": ESC_NETWORK},
            ),
            ("20m", "start", "l2", {}),
            (
                "1h",
                "escalate",
                "l2",
                {
                    "group": "Network Engineering",
                    "assignee": "l3",
                    "reason": "Loss only on the IPsec path; needs an engineer.",
                },
            ),
            ("30m", "start", "l3", {}),
            (
                "45m",
                "ask",
                "l3",
                {
                    "comment": (
                        "Please run 'mtr -rwc 600 203.0.113.10' from a machine in the Paris "
                        "office and attach the output."
                    )
                },
            ),
        ],
    ),
    Ticket(
        "crossconnect",
        "stefan",
        "l1",
        Channel.AGENT,
        "Cross-connect to carrier down in rack FRA1-R12",
        (
            "Noticed during the morning check: the light on the cross-connect to "
            "the carrier in rack FRA1-R12 is off; the redundant path carries "
            "Northwind's traffic."
        ),
        opened="1d@09:05",
        category=Category.OUTAGE,
        service="Managed network",
        ci="Firewall cluster nw-fw",
        urgency=Urgency.HIGH,
        impact=Impact.MEDIUM,
        steps=[
            (
                "5m",
                "escalate",
                "l1",
                {"group": "Network Operations", "assignee": "l2", "reason": ESC_NETWORK},
            ),
            ("10m", "start", "l2", {}),
            (
                "40m",
                "third_party",
                "l2",
                {
                    "third_party": "EuroFiber NOC (ticket EF-448812)",
                    "comment": "Carrier dispatches a technician, ETA 4 hours.",
                },
            ),
            (
                "15m",
                "comment",
                "l2",
                {
                    "public": True,
                    "body": (
                        "The carrier is replacing a faulty fibre. Your traffic runs over the "
                        "redundant path meanwhile."
                    ),
                },
            ),
        ],
    ),
    Ticket(
        "archiverestore",
        "camille",
        "l1",
        Channel.PHONE,
        "Restore of mailbox archive fails with checksum errors",
        (
            "Camille needs last year's archive of the finance mailbox restored for "
            "an audit. The restore job aborts with checksum errors."
        ),
        opened="8d@14:00",
        kind=Kind.REQUEST,
        category=Category.ERROR,
        service="Backup & storage",
        ci="Backup repository BR-2",
        steps=[
            (
                "20m",
                "escalate",
                "l1",
                {
                    "group": "Platform Operations",
                    "assignee": "l2",
                    "reason": "Restores are run by Platform Operations.",
                },
            ),
            ("2h", "start", "l2", {}),
            (
                "1d",
                "escalate",
                "l2",
                {
                    "group": "Storage Engineering",
                    "assignee": "l3",
                    "reason": "Checksum errors on the tape copy.",
                },
            ),
            ("1h", "start", "l3", {}),
            ("3h", "third_party", "l3", {"third_party": "Tape library vendor (case TL-55120)"}),
        ],
    ),
    Ticket(
        "quota",
        "jana",
        "northwind",
        Channel.PORTAL,
        "Raise the mailbox quota for info@ to 100 GB",
        (
            "The shared mailbox info@northwind-hosting.example is at 48 of 50 GB. "
            "Please raise it to 100 GB."
        ),
        opened="20h",
        kind=Kind.REQUEST,
        category=Category.RESOURCES,
        service="Email hosting",
        ci="Exchange DAG MX-1",
        urgency=Urgency.LOW,
        steps=[
            ("20m", "assign", "l1", {"group": "Service Desk", "assignee": "l1"}),
            ("10m", "start", "l1", {}),
            (
                "30m",
                "complete",
                "l1",
                {
                    "closure_code": ClosureCode.FULFILLED,
                    "resolution": "The quota is now 100 GB; Outlook shows it within 15 minutes.",
                },
            ),
        ],
    ),
    Ticket(
        "dnschange",
        "oliver",
        "l1",
        Channel.PHONE,
        "Website unreachable after a DNS change",
        (
            "Oliver changed the A record of www.contoso-cloud.example in the "
            "control panel; since then the site does not load for most users."
        ),
        opened="6h",
        category=Category.OUTAGE,
        service="Managed network",
        ci="Load balancer cc-lb-01",
        urgency=Urgency.HIGH,
        impact=Impact.HIGH,
        steps=[
            ("3m", "assign", "l1", {"group": "Service Desk", "assignee": "l1"}),
            ("2m", "start", "l1", {}),
            (
                "15m",
                "escalate",
                "l1",
                {
                    "group": "Network Operations",
                    "assignee": "l2",
                    "reason": "DNS looks right; the load balancer drops the new address.",
                },
            ),
            ("5m", "start", "l2", {}),
            (
                "50m",
                "complete",
                "l2",
                {
                    "closure_code": ClosureCode.RESOLVED,
                    "resolution": (
                        "The load balancer had no virtual server for the new address. Added it; "
                        "the site answers again."
                    ),
                },
            ),
        ],
    ),
    Ticket(
        "web502dup",
        "mehmet",
        "l1",
        Channel.EMAIL,
        "Our website shows 502 errors",
        ("Hi, our shop shows '502 Bad Gateway' now and then. Can you look into it?"),
        opened="35m",
        category=Category.ERROR,
        service="Virtual servers",
        steps=[
            (
                "10m",
                "invalid",
                "l1",
                {
                    "closure_code": ClosureCode.DUPLICATE,
                    "reason": (
                        "This is the same fault Jana Becker reported in {web502}; we work on it "
                        "there and keep you posted."
                    ),
                },
            ),
        ],
    ),
    Ticket(
        "relay",
        "oliver",
        "contoso",
        Channel.PORTAL,
        "SMTP relay rejects mail from our new app server",
        ("Mail from our new application server is rejected with '554 relay access denied'."),
        opened="2d@13:10",
        category=Category.ERROR,
        service="Email hosting",
        ci="SMTP relay smtp-out",
        steps=[
            ("15m", "assign", "l1", {"group": "Service Desk", "assignee": "l1"}),
            ("10m", "start", "l1", {}),
            (
                "1h",
                "complete",
                "l1",
                {
                    "closure_code": ClosureCode.RESOLVED,
                    "resolution": "We added 203.0.113.25 to the relay allow list.",
                },
            ),
            (
                "20h",
                "reject",
                "contoso",
                {
                    "reason": (
                        "Mail from 203.0.113.26 is still rejected: we have two app servers "
                        "behind the balancer."
                    )
                },
            ),
        ],
    ),
    Ticket(
        "loadspikes",
        "jana",
        "l1",
        Channel.PHONE,
        "Load on nw-web-01 spikes every hour",
        ("Jana reports that the shop becomes slow for about five minutes every full hour."),
        opened="12d@10:30",
        category=Category.DEGRADATION,
        service="Virtual servers",
        ci="nw-web-01",
        steps=[
            (
                "10m",
                "escalate",
                "l1",
                {"group": "Platform Operations", "assignee": "l2", "reason": ESC_PLATFORM},
            ),
            ("1h", "start", "l2", {}),
            (
                "1d",
                "complete",
                "l2",
                {
                    "closure_code": ClosureCode.WORKAROUND,
                    "resolution": (
                        "The hourly log rotation and the backup snapshot ran together. We moved "
                        "the snapshot to :30."
                    ),
                },
            ),
            (
                "1d",
                "reject",
                "northwind",
                {"reason": "It is better, but the shop is still slow at every full hour."},
            ),
            ("2h", "start", "l2", {}),
            (
                "1d",
                "comment",
                "l2",
                {
                    "body": "A cron job of the shop rebuilds the sitemap at every full "
                    "hour and takes all four cores for five minutes."
                },
            ),
            (
                "3h",
                "comment",
                "l2",
                {
                    "public": True,
                    "body": "We found a second cause: the shop's sitemap job runs at "
                    "every full hour. May we move it to 03:00?",
                },
            ),
        ],
    ),
    Ticket(
        "ftp",
        "jana",
        "northwind",
        Channel.PORTAL,
        "Reset the password of FTP account nw-deploy",
        (
            "Our deployment FTP account nw-deploy is locked. Please reset the "
            "password and send it to me by SMS."
        ),
        opened="20d@10:20",
        kind=Kind.REQUEST,
        category=Category.ACCESS,
        service="Virtual servers",
        ci="nw-web-01",
        urgency=Urgency.LOW,
        steps=[
            ("15m", "assign", "l1", {"group": "Service Desk", "assignee": "l1"}),
            ("5m", "start", "l1", {}),
            (
                "20m",
                "complete",
                "l1",
                {
                    "closure_code": ClosureCode.FULFILLED,
                    "resolution": (
                        "Password reset; the new one was sent by SMS to +49 30 5550 1201."
                    ),
                },
            ),
            ("3h", "confirm", "northwind", {}),
        ],
    ),
    Ticket(
        "folder",
        "oliver",
        "l1",
        Channel.PHONE,
        "Restore a deleted folder on the file share",
        ("Oliver deleted the folder 'Contracts 2025' on the NFS share by mistake."),
        opened="26d@10:40",
        kind=Kind.REQUEST,
        category=Category.RESOURCES,
        service="Backup & storage",
        steps=[
            (
                "10m",
                "escalate",
                "l1",
                {
                    "group": "Platform Operations",
                    "assignee": "l2",
                    "reason": "Restores are run by Platform Operations.",
                },
            ),
            ("30m", "start", "l2", {}),
            (
                "15m",
                "ask",
                "l2",
                {
                    "comment": (
                        "From which day should we restore, and into the original place or a new "
                        "folder?"
                    )
                },
            ),
            (
                "2h",
                "comment",
                "contoso",
                {
                    "body": (
                        "From last Thursday, into a new folder 'Contracts 2025 restored', please."
                    )
                },
            ),
            (
                "1d",
                "complete",
                "l2",
                {
                    "closure_code": ClosureCode.FULFILLED,
                    "resolution": (
                        "Restored from Thursday's backup into 'Contracts 2025 restored'."
                    ),
                },
            ),
            ("5h", "confirm", "contoso", {}),
        ],
    ),
    Ticket(
        "icmp",
        "mehmet",
        "l1",
        Channel.MONITORING,
        "Monitoring: nw-web-01 unreachable (ICMP)",
        ("Check ping on nw-web-01: CRITICAL, 100% packet loss for 3 minutes."),
        opened="16d@07:30",
        category=Category.OUTAGE,
        service="Virtual servers",
        ci="nw-web-01",
        urgency=Urgency.HIGH,
        impact=Impact.MEDIUM,
        steps=[
            (
                "5m",
                "escalate",
                "l1",
                {"group": "Platform Operations", "assignee": "l2", "reason": ESC_PLATFORM},
            ),
            ("10m", "start", "l2", {}),
            (
                "1h",
                "complete",
                "l2",
                {
                    "closure_code": ClosureCode.RESOLVED,
                    "resolution": (
                        "The VM hung after host maintenance; we restarted it and it has been "
                        "stable since."
                    ),
                },
            ),
            ("3d10m", "auto_close", None, {}),
        ],
    ),
    Ticket(
        "winkey",
        "camille",
        "l1",
        Channel.EMAIL,
        "Windows Server 2025 licence key not accepted",
        ("The licence key you sent for our new VM is rejected during activation."),
        opened="33d@09:15",
        kind=Kind.REQUEST,
        category=Category.LICENCE,
        service="Licences",
        ci="Microsoft SPLA",
        urgency=Urgency.LOW,
        steps=[
            ("40m", "assign", "l1", {"group": "Service Desk", "assignee": "l1"}),
            ("20m", "start", "l1", {}),
            (
                "1h",
                "complete",
                "l1",
                {
                    "closure_code": ClosureCode.FULFILLED,
                    "resolution": "We sent you a new key for the Datacenter edition.",
                },
            ),
            ("1d", "reject", "camille", {"reason": "The new key is rejected too."}),
            ("2h", "start", "l1", {}),
            (
                "1h",
                "comment",
                "l1",
                {
                    "body": (
                        "Key was for Standard; VM runs Datacenter. Activated it through our KMS "
                        "host instead."
                    )
                },
            ),
            (
                "30m",
                "complete",
                "l1",
                {
                    "closure_code": ClosureCode.FULFILLED,
                    "resolution": (
                        "The VM is now activated through our KMS host; no key needs to be entered."
                    ),
                },
            ),
            ("1d", "confirm", "desk-manager", {}),
        ],
    ),
    # ----- Russian- and German-speaking contacts, with and without a portal login ----------
    Ticket(
        "ru_cert",
        "dmitri",
        "dmitri",
        Channel.PORTAL,
        "Сертификат TLS для домена northwind-shop.example",
        "Нам нужен сертификат TLS для нового домена northwind-shop.example на "
        "балансировщике. Домен уже указывает на nw-web-01 и nw-web-02.",
        opened="1d@11:00",
        kind=Kind.REQUEST,
        category=Category.SECURITY,
        service="Managed network",
        ci="Firewall cluster nw-fw",
        urgency=Urgency.LOW,
        steps=[
            ("25m", "assign", "l1", {"group": "Service Desk", "assignee": "l1"}),
            ("5m", "start", "l1", {}),
            (
                "15m",
                "ask",
                "l1",
                {
                    "comment": "Should we generate the key and a Let's Encrypt certificate "
                    "for you, or will you send us a CSR for a certificate you buy?"
                },
            ),
        ],
    ),
    Ticket(
        "ru_access",
        "dmitri",
        "dmitri",
        Channel.PORTAL,
        "Доступ к панели управления для нового сотрудника",
        "Пожалуйста, создайте доступ к панели управления для нашего нового "
        "администратора, Ивана Петрова (ivan.petrov@northwind-hosting.example).",
        opened="25d@10:00",
        kind=Kind.REQUEST,
        category=Category.ACCESS,
        urgency=Urgency.LOW,
        steps=[
            ("20m", "assign", "l1", {"group": "Service Desk", "assignee": "l1"}),
            ("10m", "start", "l1", {}),
            (
                "40m",
                "complete",
                "l1",
                {
                    "closure_code": ClosureCode.FULFILLED,
                    "resolution": "Ivan Petrov has a control panel login; the invitation "
                    "went to his address.",
                },
            ),
            ("3d10m", "auto_close", None, {}),
        ],
    ),
    Ticket(
        "ru_disk",
        "anna",
        "l1",
        Channel.EMAIL,
        "Увеличить диск cc-app-01",
        "Здравствуйте! На cc-app-01 заканчивается место на диске данных. Можно ли его увеличить?",
        opened="14d@11:20",
        kind=Kind.REQUEST,
        category=Category.RESOURCES,
        service="Virtual servers",
        ci="cc-app-01",
        urgency=Urgency.LOW,
        steps=[
            (
                "15m",
                "escalate",
                "l1",
                {
                    "group": "Platform Operations",
                    "assignee": "l2",
                    "reason": "Disk resizes are done by Platform Operations.",
                },
            ),
            ("1h", "start", "l2", {}),
            (
                "30m",
                "ask",
                "l2",
                {"comment": "How large should the data disk be? It has 100 GB today."},
            ),
            ("3h", "email_reply", None, {"body": "Здравствуйте! 200 ГБ, пожалуйста. Спасибо."}),
            (
                "1d",
                "complete",
                "l2",
                {
                    "closure_code": ClosureCode.FULFILLED,
                    "resolution": "The data disk of cc-app-01 now has 200 GB; the file "
                    "system was grown online.",
                },
            ),
            ("1d", "confirm", "desk-manager", {}),
        ],
    ),
    Ticket(
        "backupportal",
        "katrin",
        "l1",
        Channel.PHONE,
        "Access to the backup portal for a new colleague",
        "Dr Schulz asks for a login to the backup portal for her new colleague, with "
        "restore rights for the NFS share nw-nfs-01.",
        opened="28h",
        kind=Kind.REQUEST,
        category=Category.ACCESS,
        service="Backup & storage",
        ci="NFS share nw-nfs-01",
        urgency=Urgency.LOW,
        steps=[
            ("10m", "assign", "l1", {"group": "Service Desk", "assignee": "l1"}),
            ("5m", "start", "l1", {}),
            (
                "1h",
                "complete",
                "l1",
                {
                    "closure_code": ClosureCode.FULFILLED,
                    "resolution": "The login is set up with restore rights for nw-nfs-01; "
                    "the invitation went to your colleague.",
                },
            ),
        ],
    ),
]


# ----- playing the specs ---------------------------------------------------------------------


def opened_at(opened: str, now: datetime) -> datetime:
    """'50m' → 50 minutes before now; '12d@10:30' → 10:30 Berlin time twelve days ago,
    or on the Friday before if that day is a Saturday or Sunday."""
    ago, _, clock = opened.partition("@")
    if not clock:
        return now - duration(ago)
    day = now.astimezone(DEMO_TIME_ZONE).date() - duration(ago)
    while day.weekday() >= 5:
        day -= timedelta(days=1)
    hour, minute = (int(part) for part in clock.split(":"))
    return datetime(day.year, day.month, day.day, hour, minute, tzinfo=DEMO_TIME_ZONE)


def timeline(spec: Ticket, now: datetime) -> list[datetime]:
    """When the ticket was registered and when each step happened. A ticket whose last
    step would lie in the future (a day-anchored ticket seeded early in the morning)
    moves back as a whole."""
    times = [opened_at(spec.opened, now)]
    for gap, *_ in spec.steps:
        times.append(times[-1] + duration(gap))
    late = times[-1] - (now - LATEST)
    if late > timedelta(0):
        times = [moment - late for moment in times]
    return times


def schedule(specs: list[Ticket], now: datetime) -> list[tuple[datetime, Ticket, int]]:
    """Every registration (step -1) and step of every ticket, in the order of time."""
    events = []
    for order, spec in enumerate(specs):
        for index, moment in enumerate(timeline(spec, now)):
            events.append((moment, order, index - 1, spec))
    events.sort(key=lambda event: event[:3])
    return [(moment, spec, index) for moment, _order, index, spec in events]


def seed(data: DemoData) -> None:
    player = _Player(data)
    events = schedule(TICKETS, data.now)
    with frozen_clock(events[0][0]) as clock:
        for moment, spec, index in events:
            clock.move_to(moment)
            with transaction.atomic():
                player.play(spec, index)
    # At the real time: mark what is at risk or breached now, as the sweep every minute
    # of a running desk would have.
    services.sla_sweep()


class _Player:
    def __init__(self, data: DemoData) -> None:
        self.data = data
        self.tickets: dict[str, Incident] = {}

    def play(self, spec: Ticket, index: int) -> None:
        if index < 0:
            self.tickets[spec.key] = self._register(spec)
            return
        _gap, action, username, arguments = spec.steps[index]
        actor = self.data.users[username] if username else None
        ticket = Incident.objects.get(pk=self.tickets[spec.key].pk)
        self.tickets[spec.key] = self._step(ticket, action, actor, self._fill(arguments))

    def _register(self, spec: Ticket) -> Incident:
        data = self.data
        return services.incident_register(
            contact=data.contacts[spec.contact],
            title=spec.title,
            actor=data.users[spec.by],
            channel=spec.channel,
            kind=spec.kind,
            description=spec.description,
            category=spec.category,
            service=data.services[spec.service] if spec.service else None,
            configuration_item=data.cis[spec.ci] if spec.ci else None,
            urgency=spec.urgency,
            impact=spec.impact,
            form_answers={"answers": [{"label": q, "value": a} for q, a in spec.answers.items()]},
        )

    def _fill(self, arguments: dict[str, Any]) -> dict[str, Any]:
        """Resolve names to objects and {key} to ticket numbers."""
        filled = {}
        for name, value in arguments.items():
            if name == "group":
                value = self.data.groups[value]
            elif name == "assignee":
                value = self.data.users[value]
            elif isinstance(value, str):
                for key, ticket in self.tickets.items():
                    value = value.replace("{" + key + "}", ticket.number)
            filled[name] = value
        return filled

    def _step(self, ticket: Incident, action: str, actor, a: dict[str, Any]) -> Incident:
        if action == "classify":
            return services.incident_classify(incident=ticket, actor=actor, **a)
        if action == "confirm_urgency":
            return services.incident_confirm_urgency(incident=ticket, actor=actor)
        if action == "assign":
            return services.incident_assign(incident=ticket, actor=actor, **a)
        if action == "escalate":
            return services.incident_escalate(
                incident=ticket, actor=actor, to_group=a.pop("group"), **a
            )
        if action == "start":
            return services.incident_start_work(incident=ticket, actor=actor)
        if action == "comment":
            services.incident_add_comment(
                incident=ticket, actor=actor, body=a["body"], is_public=a.get("public", False)
            )
            return ticket
        if action == "email_reply":
            services.incident_add_email_reply(
                incident=ticket, contact=ticket.contact, body=a["body"]
            )
            return ticket
        if action == "ask":
            return services.incident_request_information(incident=ticket, actor=actor, **a)
        if action == "third_party":
            return services.incident_engage_third_party(incident=ticket, actor=actor, **a)
        if action == "resume":
            return services.incident_resume(incident=ticket, actor=actor, **a)
        if action == "complete":
            return services.incident_complete(incident=ticket, actor=actor, **a)
        if action == "invalid":
            return services.incident_complete_as_invalid(incident=ticket, actor=actor, **a)
        if action == "confirm":
            return services.incident_confirm(incident=ticket, actor=actor)
        if action == "reject":
            return services.incident_reject_resolution(incident=ticket, actor=actor, **a)
        if action == "auto_close":
            # The scheduled job, run when it would have run: it closes every ticket that
            # has waited its quiet days in Completed by then.
            services.auto_close_completed()
            return ticket
        raise ValueError(f"unknown demo step {action!r}")


# ----- what there is to see ------------------------------------------------------------------


def summary(data: DemoData) -> list[str]:
    tickets = Incident.objects.filter(organisation__contract_number__in=contract_numbers())
    counts = Counter(tickets.values_list("status", flat=True))
    open_tickets = tickets.exclude(status__in=[Status.COMPLETED, Status.CLOSED])
    breached = open_tickets.filter(Q(response_breached=True) | Q(resolution_breached=True))
    at_risk = open_tickets.filter(sla_warned=True).exclude(pk__in=breached)
    reopened = tickets.filter(
        sla_events__kind=SlaEvent.Kind.STATUS, sla_events__status=Status.REJECTED_BY_USER
    ).exclude(status=Status.REJECTED_BY_USER)
    span = tickets.aggregate(first=Min("registered_at"), last=Max("updated_at"))
    days = (span["last"] - span["first"]).days if span["first"] else 0
    statuses = ", ".join(f"{counts.get(s.value, 0)} {s.label.lower()}" for s in Status)
    return [
        f"{sum(counts.values())} tickets over the last {days} days: {statuses}",
        f"SLA now: {breached.count()} open tickets breached, {at_risk.count()} at risk; "
        f"{reopened.distinct().count()} reworked after the contact rejected the resolution",
    ]

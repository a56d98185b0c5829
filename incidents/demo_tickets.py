# Russian-speaking contacts write in Cyrillic, beside Latin host names:
# ruff: noqa: RUF001
"""The demo's tickets (incidents/demo.py plays them): who raised what, when, and what
happened to it afterwards.

`opened` is "50m" (ago) or "12d@10:30" (twelve days ago at 10:30 Berlin time, moved back
to the Friday if that is a weekend); each step is (time since the step before, action,
actor, arguments), e.g. ("2h", "start", "l2", {}). Knowledge articles (`article` of a
"link" step, `resolved_with` of a "complete" step) are named by their key in the
knowledge demo's set (knowledge/search/quality/articles/<key>.md).
"""

from dataclasses import dataclass, field
from typing import Any

from incidents.models import Category, Channel, ClosureCode, Kind
from servicedesk.models import Impact, Urgency

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
                    "resolved_with": "mail-mailbox-full",
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
            ("5m", "link", "l1", {"article": "dns-propagation"}),
            (
                "10m",
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
                    "duplicate_of": "web502",
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
            ("5m", "rate", "northwind", {"score": 5, "comment": "Quick and easy, thank you."}),
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
                    "resolved_with": "backup-restore-file",
                },
            ),
            ("5h", "confirm", "contoso", {}),
            ("10m", "rate", "contoso", {"score": 4}),
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
                    "resolved_with": "disk-extend",
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

"""Demo data for a first look: two customers with their SLAs, a service catalogue, support
groups on every line, a login per role and about thirty tickets in every status.

Tickets are opened and moved only through incidents.services, acting as the demo user who
would do each step, so their history and timelines are the real thing. Running the command
again changes nothing: the two demo organisations are the marker.
"""

from collections import Counter
from dataclasses import dataclass, field
from datetime import time
from typing import Any

from django.contrib.auth import get_user_model
from django.contrib.auth.hashers import make_password
from django.contrib.auth.models import Group
from django.core.management.base import BaseCommand, CommandError
from django.db import transaction

from incidents import services
from incidents.models import Category, Channel, ClosureCode, Incident, Kind, Status
from servicedesk import roles
from servicedesk.models import (
    BusinessCalendar,
    ConfigurationItem,
    Contact,
    Impact,
    Line,
    Organisation,
    Service,
    SlaPolicy,
    Specialisation,
    SupportGroup,
    Urgency,
)

PASSWORD = "demo"

ORGANISATIONS = [
    # key, name, contract number, time zone
    ("nw", "Northwind Hosting GmbH", "C-1001", "Europe/Berlin"),
    ("cc", "Contoso Cloud Ltd", "C-2002", "Europe/London"),
]

CONTACTS = [
    # key, organisation, name, email, phone, form of address, language, authorised, login
    (
        "jana",
        "nw",
        "Jana Becker",
        "jana.becker@northwind-hosting.example",
        "+49 30 5550 1201",
        "ms",
        "de",
        True,
        "northwind",
    ),
    (
        "stefan",
        "nw",
        "Stefan Hoffmann",
        "stefan.hoffmann@northwind-hosting.example",
        "+49 30 5550 1202",
        "dr",
        "de",
        True,
        "",
    ),
    (
        "mehmet",
        "nw",
        "Mehmet Yilmaz",
        "mehmet.yilmaz@northwind-hosting.example",
        "+49 30 5550 1207",
        "mr",
        "en",
        True,
        "",
    ),
    (
        "lisa",
        "nw",
        "Lisa Wagner",
        "lisa.wagner@northwind-hosting.example",
        "+49 30 5550 1290",
        "ms",
        "de",
        False,
        "",
    ),
    (
        "oliver",
        "cc",
        "Oliver Hughes",
        "oliver.hughes@contoso-cloud.example",
        "+44 20 7946 0101",
        "mr",
        "en",
        True,
        "contoso",
    ),
    (
        "priya",
        "cc",
        "Priya Shah",
        "priya.shah@contoso-cloud.example",
        "+44 20 7946 0114",
        "ms",
        "en",
        True,
        "",
    ),
    (
        "camille",
        "cc",
        "Camille Laurent",
        "camille.laurent@contoso-cloud.example",
        "+33 1 70 36 55 20",
        "ms",
        "fr",
        True,
        "",
    ),
    (
        "daniel",
        "cc",
        "Daniel Price",
        "daniel.price@contoso-cloud.example",
        "+44 20 7946 0188",
        "mr",
        "en",
        False,
        "",
    ),
]

SERVICES = [
    ("Virtual servers", "Managed virtual machines on the VMware clusters in Frankfurt."),
    ("Managed network", "Routing, firewalls, load balancers and VPN gateways."),
    ("Backup & storage", "Nightly backups, restores, NFS shares and object storage."),
    ("Email hosting", "Hosted Exchange mailboxes, SMTP relay and spam filtering."),
    ("Licences", "Microsoft SPLA and other software licences provided with the contract."),
]

# The portal's request form of each service: (label, kind, choices, required, help text).
SERVICE_FORM_FIELDS = {
    "Virtual servers": [
        ("Server name", "text", "", True, "As shown in the portal or the vSphere client."),
        ("Environment", "choice", "Production\nStaging\nTest", True, ""),
        ("vCPUs needed", "number", "", False, "For resource requests only."),
        ("Maintenance window from", "date", "", False, "When a reboot is acceptable."),
    ],
    "Managed network": [
        ("Affected site or VPN", "text", "", True, ""),
        ("Since when", "date", "", False, ""),
    ],
    "Backup & storage": [
        ("Server or share", "text", "", True, ""),
        ("Restore point", "date", "", False, "For a restore: the day to restore from."),
    ],
    "Email hosting": [
        ("Mailbox or domain", "text", "", True, ""),
        ("Number of users affected", "number", "", False, ""),
    ],
    "Licences": [
        ("Product", "choice", "Windows Server\nSQL Server\nRemote Desktop\nOther", True, ""),
        ("Number of licences", "number", "", True, ""),
        ("Details", "textarea", "", False, "Editions, durations, who will use them."),
    ],
}

CONFIGURATION_ITEMS = [
    # service, name, kind, organisation key (None: shared infrastructure)
    ("Virtual servers", "vSphere cluster FRA-1", "server", None),
    ("Virtual servers", "nw-web-01", "vm", "nw"),
    ("Virtual servers", "nw-web-02", "vm", "nw"),
    ("Virtual servers", "nw-db-01", "vm", "nw"),
    ("Virtual servers", "cc-app-01", "vm", "cc"),
    ("Virtual servers", "cc-app-02", "vm", "cc"),
    ("Managed network", "Core router FRA-CR1", "network", None),
    ("Managed network", "Firewall cluster nw-fw", "network", "nw"),
    ("Managed network", "Load balancer cc-lb-01", "network", "cc"),
    ("Managed network", "VPN gateway cc-vpn", "network", "cc"),
    ("Backup & storage", "Backup repository BR-2", "storage", None),
    ("Backup & storage", "NFS share nw-nfs-01", "storage", "nw"),
    ("Backup & storage", "Object storage bucket cc-assets", "storage", "cc"),
    ("Email hosting", "Exchange DAG MX-1", "application", None),
    ("Email hosting", "SMTP relay smtp-out", "application", None),
    ("Licences", "Microsoft SPLA", "other", None),
]

BUSINESS_DAY = 10 * 60  # business minutes in a day 08:00-18:00
DAY = 24 * 60

CALENDARS = [
    # name, time zone, public holidays (country, region), 24x7, weekly windows
    (
        "Mon-Fri 08:00-18:00 Berlin",
        "Europe/Berlin",
        "DE",
        "BE",
        False,
        [(weekday, time(8), time(18)) for weekday in range(5)],
    ),
    ("24x7 London", "Europe/London", "GB", "", True, []),
]

SLA_POLICIES = [
    # organisation key, name, calendar, warning %, availability %, compensation rule,
    # {priority: (reaction, resolution)} and {service: fulfilment}, in business minutes
    (
        "nw",
        "Northwind Business Hours SLA",
        "Mon-Fri 08:00-18:00 Berlin",
        75,
        "99.900",
        "5 % of the monthly fee per started hour of breach, at most 50 %.",
        {
            1: (15, 4 * 60),
            2: (30, 8 * 60),
            3: (2 * 60, 2 * BUSINESS_DAY),
            4: (4 * 60, 5 * BUSINESS_DAY),
            5: (2 * BUSINESS_DAY, 20 * BUSINESS_DAY),
        },
        {"Licences": 2 * BUSINESS_DAY, "Virtual servers": 5 * BUSINESS_DAY},
    ),
    (
        "cc",
        "Contoso 24x7 SLA",
        "24x7 London",
        80,
        "99.950",
        "10 % of the monthly fee per started hour of a P1 breach, at most 100 %.",
        {
            1: (15, 4 * 60),
            2: (30, 8 * 60),
            3: (60, DAY),
            4: (4 * 60, 3 * DAY),
            5: (2 * DAY, 20 * DAY),
        },
        {"Licences": 2 * DAY, "Virtual servers": 3 * DAY},
    ),
]

SUPPORT_GROUPS = [
    # name, line, specialisation, email
    ("Service Desk", Line.L1, Specialisation.GENERAL, "servicedesk@hosting.example"),
    ("Platform Operations", Line.L2, Specialisation.VIRTUALISATION, "platform-ops@hosting.example"),
    ("Network Operations", Line.L2, Specialisation.NETWORK, "noc@hosting.example"),
    ("Network Engineering", Line.L3, Specialisation.NETWORK, "net-eng@hosting.example"),
    ("Storage Engineering", Line.L3, Specialisation.STORAGE, "storage-eng@hosting.example"),
    (
        "Virtualisation Engineering",
        Line.L3,
        Specialisation.VIRTUALISATION,
        "virt-eng@hosting.example",
    ),
]

STAFF = [
    # username, first name, last name, role (None: superuser), support groups
    ("l1", "Lukas", "Weber", roles.L1_AGENT, ["Service Desk"]),
    ("l2", "Aylin", "Demir", roles.L2_AGENT, ["Platform Operations", "Network Operations"]),
    ("l3", "Marek", "Nowak", roles.L3_ENGINEER, ["Network Engineering", "Storage Engineering"]),
    ("desk-manager", "Sabine", "Krüger", roles.DESK_MANAGER, []),
    ("problem-manager", "Tom", "Richter", roles.PROBLEM_MANAGER, []),
    ("change-manager", "Priya", "Raman", roles.CHANGE_MANAGER, []),
    ("cab1", "Jonas", "Brandt", roles.CAB_MEMBER, []),
    ("cab2", "Claire", "Dubois", roles.CAB_MEMBER, []),
    ("kb-manager", "Hannah", "Vogel", roles.KNOWLEDGE_MANAGER, []),
    ("admin", "Site", "Administrator", None, []),
]


@dataclass
class Ticket:
    """A ticket as it is raised, and what happens to it afterwards.

    `by` is the user who registers it (the contact's own login for the portal, an agent
    for phone, email and monitoring intake). Each step is (action, actor, arguments);
    `{key}` in a text is replaced by the number of the ticket seeded under that key."""

    key: str
    contact: str
    by: str
    channel: str
    title: str
    description: str
    kind: str = Kind.INCIDENT
    category: str = Category.OTHER
    service: str | None = None
    ci: str | None = None
    urgency: int = Urgency.MEDIUM
    impact: int | None = None
    steps: list[tuple[str, str | None, dict[str, Any]]] = field(default_factory=list)
    #: Answers to the service's portal request form: {question: answer}.
    answers: dict[str, str] = field(default_factory=dict)


ESC_PLATFORM = "Needs hypervisor access: Platform Operations."
ESC_NETWORK = "Network fault beyond first-line checks: Network Operations."

TICKETS = [
    # ----- Registered: the L1 triage queue -----------------------------------------------
    Ticket(
        "web502",
        "jana",
        "northwind",
        Channel.PORTAL,
        "Website on nw-web-02 returns 502 Bad Gateway intermittently",
        "Since about 08:15 roughly one in five requests to www.northwind-hosting.example "
        "ends in a 502 from the load balancer. nw-web-01 looks fine.",
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
        "Outbound mail stuck in queue since 07:40",
        "None of our invoices went out this morning. Outlook shows them as sent, but "
        "customers receive nothing. Please treat as urgent.",
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
        "Check disk_var on nw-db-01: WARNING, 92% used (threshold 90%). Growth of 3 GB in "
        "the last 24 hours.",
        category=Category.DEGRADATION,
        service="Virtual servers",
        ci="nw-db-01",
        urgency=Urgency.MEDIUM,
        impact=Impact.LOW,
    ),
    Ticket(
        "vcpu",
        "priya",
        "l1",
        Channel.PHONE,
        "Add two vCPUs to cc-app-02",
        "Priya called: the quarterly reporting run starts on Friday and needs more CPU. "
        "Please add two vCPUs to cc-app-02; a reboot tonight after 22:00 is fine.",
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
        "We are onboarding five new colleagues on the first of next month and need five "
        "more E3 licences on our tenant.",
        kind=Kind.REQUEST,
        category=Category.LICENCE,
        service="Licences",
        ci="Microsoft SPLA",
        urgency=Urgency.LOW,
        steps=[("comment", "northwind", {"body": "Please bill them to cost centre NW-4410."})],
    ),
    Ticket(
        "vpnflap",
        "oliver",
        "contoso",
        Channel.PORTAL,
        "VPN tunnel to the Manchester office keeps dropping",
        "The site-to-site tunnel to Manchester drops every 20-30 minutes and comes back "
        "after a minute. Staff there lose their sessions on the ERP system.",
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
        "Advice on moving our PostgreSQL database to a managed offering",
        "We are considering moving the shop database off nw-db-01 to a managed PostgreSQL. "
        "Could someone walk us through the options, downtime and cost?",
        kind=Kind.REQUEST,
        category=Category.CONSULTATION,
        urgency=Urgency.NONE,
    ),
    Ticket(
        "certexp",
        "oliver",
        "l1",
        Channel.MONITORING,
        "Monitoring: TLS certificate for shop.contoso-cloud.example expires in 10 days",
        "Check https_cert on Load balancer cc-lb-01: WARNING, certificate expires in 10 days. "
        "Automatic renewal failed: DNS-01 challenge not found.",
        category=Category.SECURITY,
        service="Managed network",
        ci="Load balancer cc-lb-01",
        urgency=Urgency.MEDIUM,
        impact=Impact.MEDIUM,
    ),
    # ----- Assigned ------------------------------------------------------------------------
    Ticket(
        "cplogin",
        "mehmet",
        "l1",
        Channel.PHONE,
        "Cannot log in to the customer control panel after a password reset",
        "Mehmet reset his password this morning; the control panel now says 'account "
        "locked'. He needs access today to download invoices.",
        category=Category.ACCESS,
        urgency=Urgency.MEDIUM,
        steps=[("assign", "l1", {"group": "Service Desk", "assignee": "l1"})],
    ),
    Ticket(
        "restore",
        "oliver",
        "contoso",
        Channel.PORTAL,
        "Restore cc-app-01 from last night's snapshot",
        "A deployment went wrong. Please restore cc-app-01 to the snapshot of yesterday "
        "22:00. The application is stopped, so you can shut the VM down.",
        kind=Kind.REQUEST,
        category=Category.RESOURCES,
        service="Virtual servers",
        ci="cc-app-01",
        urgency=Urgency.MEDIUM,
        steps=[
            ("classify", "l1", {"impact": Impact.LOW}),
            (
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
        "Check uplink_loss on Core router FRA-CR1 port et-0/0/1: WARNING, 4.1% loss over "
        "15 minutes. Northwind's traffic leaves through this uplink.",
        category=Category.DEGRADATION,
        service="Managed network",
        ci="Core router FRA-CR1",
        urgency=Urgency.HIGH,
        impact=Impact.HIGH,
        steps=[("escalate", "l1", {"group": "Network Operations", "reason": ESC_NETWORK})],
    ),
    Ticket(
        "backupfail",
        "camille",
        "l1",
        Channel.PHONE,
        "Backups of cc-app-02 failing since Monday",
        "Camille called: the daily backup report shows 'failed' for cc-app-02 three days "
        "in a row. Other servers are fine.",
        category=Category.ERROR,
        service="Backup & storage",
        ci="Backup repository BR-2",
        urgency=Urgency.HIGH,
        impact=Impact.LOW,
        steps=[
            (
                "escalate",
                "l1",
                {
                    "group": "Platform Operations",
                    "assignee": "l2",
                    "reason": "Backup jobs are run by Platform Operations.",
                },
            ),
            ("start", "l2", {}),
            (
                "comment",
                "l2",
                {
                    "body": "Job log: 'repository BR-2 is locked by another "
                    "process'. The lock is 4 days old; nothing is running."
                },
            ),
            (
                "escalate",
                "l2",
                {
                    "group": "Storage Engineering",
                    "assignee": "l3",
                    "reason": "Stale repository lock on BR-2; only storage "
                    "engineering may clear it.",
                },
            ),
        ],
    ),
    # ----- In progress ---------------------------------------------------------------------
    Ticket(
        "outlookpw",
        "jana",
        "northwind",
        Channel.PORTAL,
        "Outlook keeps asking for the password",
        "Since yesterday Outlook on three laptops asks for the password every few minutes. "
        "Webmail works.",
        category=Category.ERROR,
        service="Email hosting",
        ci="Exchange DAG MX-1",
        steps=[
            ("classify", "l1", {"impact": Impact.MEDIUM}),
            ("assign", "l1", {"group": "Service Desk", "assignee": "l1"}),
            ("start", "l1", {}),
            (
                "comment",
                "l1",
                {
                    "public": True,
                    "body": "We are checking the autodiscover records for your "
                    "domain and will call you back within the hour.",
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
        "Since the maintenance on Tuesday night page loads on cc-app-01 take 8-10 seconds "
        "instead of under one.",
        category=Category.DEGRADATION,
        service="Virtual servers",
        ci="cc-app-01",
        urgency=Urgency.HIGH,
        steps=[
            ("confirm_urgency", "l1", {}),
            ("classify", "l1", {"impact": Impact.MEDIUM}),
            (
                "escalate",
                "l1",
                {"group": "Platform Operations", "assignee": "l2", "reason": ESC_PLATFORM},
            ),
            ("start", "l2", {}),
            (
                "comment",
                "l2",
                {
                    "body": "CPU steal time is 35% on host esx-14 since the "
                    "maintenance; moving cc-app-01 with vMotion."
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
        "Dr Hoffmann asks to allow HTTPS from 198.51.100.0/24 (new payment provider "
        "callbacks) to nw-web-01 and nw-web-02.",
        kind=Kind.REQUEST,
        category=Category.ACCESS,
        service="Managed network",
        ci="Firewall cluster nw-fw",
        urgency=Urgency.MEDIUM,
        steps=[
            (
                "escalate",
                "l1",
                {
                    "group": "Network Operations",
                    "reason": "Firewall changes are made by Network Operations.",
                },
            ),
            ("start", "l2", {}),
        ],
    ),
    Ticket(
        "bgpdown",
        "stefan",
        "l1",
        Channel.MONITORING,
        "Monitoring: BGP session to carrier AS64500 down on FRA-CR1",
        "Check bgp_peer on Core router FRA-CR1: CRITICAL, session to 192.0.2.1 (AS64500) "
        "Idle for 6 minutes. Traffic fails over to the second carrier.",
        category=Category.OUTAGE,
        service="Managed network",
        ci="Core router FRA-CR1",
        urgency=Urgency.VERY_HIGH,
        impact=Impact.SIGNIFICANT,
        steps=[
            (
                "escalate",
                "l1",
                {"group": "Network Operations", "assignee": "l2", "reason": ESC_NETWORK},
            ),
            ("start", "l2", {}),
            ("comment", "l2", {"body": "Soft reset did not help; session stays in Active."}),
            (
                "escalate",
                "l2",
                {
                    "group": "Network Engineering",
                    "assignee": "l3",
                    "reason": "BGP session does not re-establish after a soft "
                    "reset; needs a configuration review.",
                },
            ),
            ("start", "l3", {}),
            (
                "comment",
                "l3",
                {
                    "body": "Carrier changed their MD5 key without notice. "
                    "Waiting for the new key from their NOC."
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
        "About half of the PUT requests to our asset bucket return 503 Slow Down. Downloads work.",
        category=Category.ERROR,
        service="Backup & storage",
        ci="Object storage bucket cc-assets",
        urgency=Urgency.MEDIUM,
        steps=[
            ("classify", "l1", {"impact": Impact.MEDIUM}),
            (
                "escalate",
                "l1",
                {
                    "group": "Platform Operations",
                    "assignee": "l2",
                    "reason": "Object storage issue.",
                },
            ),
            ("start", "l2", {}),
            (
                "escalate",
                "l2",
                {
                    "group": "Storage Engineering",
                    "assignee": "l3",
                    "reason": "One storage node rejects writes; hardware suspected.",
                },
            ),
            ("start", "l3", {}),
            (
                "third_party",
                "l3",
                {
                    "third_party": "Storage vendor support (case 2008-771233)",
                    "comment": "RAID controller on node s3-fra-04 reports cache errors.",
                },
            ),
            (
                "resume",
                "l3",
                {"comment": "Vendor replaced the controller; rebalancing the node before closing."},
            ),
        ],
    ),
    # ----- Information needed --------------------------------------------------------------
    Ticket(
        "dns",
        "oliver",
        "contoso",
        Channel.PORTAL,
        "New DNS records for staging.contoso-cloud.example",
        "Please create A records for staging.contoso-cloud.example and "
        "api.staging.contoso-cloud.example.",
        kind=Kind.REQUEST,
        category=Category.OTHER,
        service="Managed network",
        urgency=Urgency.LOW,
        steps=[
            ("assign", "l1", {"group": "Service Desk", "assignee": "l1"}),
            ("start", "l1", {}),
            (
                "ask",
                "l1",
                {
                    "comment": "Please send the target IP addresses and the TTL you "
                    "want for both records."
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
        "Mehmet receives 'completed with warnings' mails for the nightly backup of nw-db-01.",
        category=Category.ERROR,
        service="Backup & storage",
        ci="NFS share nw-nfs-01",
        steps=[
            (
                "escalate",
                "l1",
                {
                    "group": "Platform Operations",
                    "assignee": "l2",
                    "reason": "Backup job configuration is Platform Operations'.",
                },
            ),
            ("start", "l2", {}),
            (
                "ask",
                "l2",
                {
                    "comment": "Could you forward one of the warning mails? We need "
                    "the job ID and the exact warning text."
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
        "Bonjour, depuis ce matin nous avons environ 10% de perte de paquets vers le "
        "bureau de Paris. Les appels Teams coupent.",
        category=Category.DEGRADATION,
        service="Managed network",
        ci="VPN gateway cc-vpn",
        urgency=Urgency.MEDIUM,
        steps=[
            ("classify", "l1", {"impact": Impact.MEDIUM}),
            (
                "escalate",
                "l1",
                {"group": "Network Operations", "assignee": "l2", "reason": ESC_NETWORK},
            ),
            ("start", "l2", {}),
            (
                "escalate",
                "l2",
                {
                    "group": "Network Engineering",
                    "assignee": "l3",
                    "reason": "Loss only on the IPsec path; needs an engineer.",
                },
            ),
            ("start", "l3", {}),
            (
                "ask",
                "l3",
                {
                    "comment": "Please run 'mtr -rwc 600 203.0.113.10' from a machine "
                    "in the Paris office and attach the output."
                },
            ),
        ],
    ),
    # ----- External processing -------------------------------------------------------------
    Ticket(
        "crossconnect",
        "stefan",
        "l1",
        Channel.AGENT,
        "Cross-connect to carrier down in rack FRA1-R12",
        "Noticed during the morning check: the light on the cross-connect to the carrier "
        "in rack FRA1-R12 is off; the redundant path carries Northwind's traffic.",
        category=Category.OUTAGE,
        service="Managed network",
        ci="Firewall cluster nw-fw",
        urgency=Urgency.HIGH,
        impact=Impact.MEDIUM,
        steps=[
            (
                "escalate",
                "l1",
                {"group": "Network Operations", "assignee": "l2", "reason": ESC_NETWORK},
            ),
            ("start", "l2", {}),
            (
                "third_party",
                "l2",
                {
                    "third_party": "EuroFiber NOC (ticket EF-448812)",
                    "comment": "Carrier dispatches a technician, ETA 4 hours.",
                },
            ),
            (
                "comment",
                "l2",
                {
                    "public": True,
                    "body": "The carrier is replacing a faulty fibre. Your traffic "
                    "runs over the redundant path meanwhile.",
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
        "Camille needs last year's archive of the finance mailbox restored for an audit. "
        "The restore job aborts with checksum errors.",
        kind=Kind.REQUEST,
        category=Category.ERROR,
        service="Backup & storage",
        ci="Backup repository BR-2",
        urgency=Urgency.MEDIUM,
        steps=[
            (
                "escalate",
                "l1",
                {
                    "group": "Platform Operations",
                    "assignee": "l2",
                    "reason": "Restores are run by Platform Operations.",
                },
            ),
            ("start", "l2", {}),
            (
                "escalate",
                "l2",
                {
                    "group": "Storage Engineering",
                    "assignee": "l3",
                    "reason": "Checksum errors on the tape copy.",
                },
            ),
            ("start", "l3", {}),
            ("third_party", "l3", {"third_party": "Tape library vendor (case TL-55120)"}),
        ],
    ),
    # ----- Completed -----------------------------------------------------------------------
    Ticket(
        "quota",
        "jana",
        "northwind",
        Channel.PORTAL,
        "Raise the mailbox quota for info@ to 100 GB",
        "The shared mailbox info@northwind-hosting.example is at 48 of 50 GB. Please raise "
        "it to 100 GB.",
        kind=Kind.REQUEST,
        category=Category.RESOURCES,
        service="Email hosting",
        ci="Exchange DAG MX-1",
        urgency=Urgency.LOW,
        steps=[
            ("assign", "l1", {"group": "Service Desk", "assignee": "l1"}),
            ("start", "l1", {}),
            (
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
        "Oliver changed the A record of www.contoso-cloud.example in the control panel; "
        "since then the site does not load for most users.",
        category=Category.OUTAGE,
        service="Managed network",
        ci="Load balancer cc-lb-01",
        urgency=Urgency.HIGH,
        impact=Impact.HIGH,
        steps=[
            ("assign", "l1", {"group": "Service Desk", "assignee": "l1"}),
            ("start", "l1", {}),
            (
                "escalate",
                "l1",
                {
                    "group": "Network Operations",
                    "assignee": "l2",
                    "reason": "DNS looks right; the load balancer drops the new address.",
                },
            ),
            ("start", "l2", {}),
            (
                "complete",
                "l2",
                {
                    "closure_code": ClosureCode.RESOLVED,
                    "resolution": "The load balancer had no virtual server for the "
                    "new address. Added it; the site answers again.",
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
        "Hi, our shop shows '502 Bad Gateway' now and then. Can you look into it?",
        category=Category.ERROR,
        service="Virtual servers",
        steps=[
            (
                "invalid",
                "l1",
                {
                    "closure_code": ClosureCode.DUPLICATE,
                    "reason": "This is the same fault Jana Becker reported in "
                    "{web502}; we work on it there and keep you posted.",
                },
            ),
        ],
    ),
    # ----- Rejected by user ----------------------------------------------------------------
    Ticket(
        "relay",
        "oliver",
        "contoso",
        Channel.PORTAL,
        "SMTP relay rejects mail from our new app server",
        "Mail from our new application server is rejected with '554 relay access denied'.",
        category=Category.ERROR,
        service="Email hosting",
        ci="SMTP relay smtp-out",
        steps=[
            ("assign", "l1", {"group": "Service Desk", "assignee": "l1"}),
            ("start", "l1", {}),
            (
                "complete",
                "l1",
                {
                    "closure_code": ClosureCode.RESOLVED,
                    "resolution": "We added 203.0.113.25 to the relay allow list.",
                },
            ),
            (
                "reject",
                "contoso",
                {
                    "reason": "Mail from 203.0.113.26 is still rejected: we "
                    "have two app servers behind the balancer."
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
        "Jana reports that the shop becomes slow for about five minutes every full hour.",
        category=Category.DEGRADATION,
        service="Virtual servers",
        ci="nw-web-01",
        steps=[
            (
                "escalate",
                "l1",
                {"group": "Platform Operations", "assignee": "l2", "reason": ESC_PLATFORM},
            ),
            ("start", "l2", {}),
            (
                "complete",
                "l2",
                {
                    "closure_code": ClosureCode.WORKAROUND,
                    "resolution": "The hourly log rotation and the backup snapshot "
                    "ran together. We moved the snapshot to :30.",
                },
            ),
            (
                "reject",
                "northwind",
                {"reason": "It is better, but the shop is still slow at every full hour."},
            ),
        ],
    ),
    # ----- Closed --------------------------------------------------------------------------
    Ticket(
        "ftp",
        "jana",
        "northwind",
        Channel.PORTAL,
        "Reset the password of FTP account nw-deploy",
        "Our deployment FTP account nw-deploy is locked. Please reset the password and "
        "send it to me by SMS.",
        kind=Kind.REQUEST,
        category=Category.ACCESS,
        service="Virtual servers",
        ci="nw-web-01",
        urgency=Urgency.LOW,
        steps=[
            ("assign", "l1", {"group": "Service Desk", "assignee": "l1"}),
            ("start", "l1", {}),
            (
                "complete",
                "l1",
                {
                    "closure_code": ClosureCode.FULFILLED,
                    "resolution": "Password reset; the new one was sent by SMS to "
                    "+49 30 5550 1201.",
                },
            ),
            ("confirm", "northwind", {}),
        ],
    ),
    Ticket(
        "folder",
        "oliver",
        "l1",
        Channel.PHONE,
        "Restore a deleted folder on the file share",
        "Oliver deleted the folder 'Contracts 2025' on the NFS share by mistake.",
        kind=Kind.REQUEST,
        category=Category.RESOURCES,
        service="Backup & storage",
        steps=[
            (
                "escalate",
                "l1",
                {
                    "group": "Platform Operations",
                    "assignee": "l2",
                    "reason": "Restores are run by Platform Operations.",
                },
            ),
            ("start", "l2", {}),
            (
                "ask",
                "l2",
                {
                    "comment": "From which day should we restore, and into the "
                    "original place or a new folder?"
                },
            ),
            (
                "comment",
                "contoso",
                {
                    "body": "From last Thursday, into a new folder "
                    "'Contracts 2025 restored', please."
                },
            ),
            (
                "complete",
                "l2",
                {
                    "closure_code": ClosureCode.FULFILLED,
                    "resolution": "Restored from Thursday's backup into 'Contracts 2025 restored'.",
                },
            ),
            ("confirm", "contoso", {}),
        ],
    ),
    Ticket(
        "icmp",
        "mehmet",
        "l1",
        Channel.MONITORING,
        "Monitoring: nw-web-01 unreachable (ICMP)",
        "Check ping on nw-web-01: CRITICAL, 100% packet loss for 3 minutes.",
        category=Category.OUTAGE,
        service="Virtual servers",
        ci="nw-web-01",
        urgency=Urgency.HIGH,
        impact=Impact.MEDIUM,
        steps=[
            (
                "escalate",
                "l1",
                {"group": "Platform Operations", "assignee": "l2", "reason": ESC_PLATFORM},
            ),
            ("start", "l2", {}),
            (
                "complete",
                "l2",
                {
                    "closure_code": ClosureCode.RESOLVED,
                    "resolution": "The VM hung after host maintenance; we restarted "
                    "it and it has been stable since.",
                },
            ),
            ("auto_close", None, {}),
        ],
    ),
    Ticket(
        "winkey",
        "camille",
        "l1",
        Channel.EMAIL,
        "Windows Server 2025 licence key not accepted",
        "The licence key you sent for our new VM is rejected during activation.",
        kind=Kind.REQUEST,
        category=Category.LICENCE,
        service="Licences",
        ci="Microsoft SPLA",
        urgency=Urgency.LOW,
        steps=[
            ("assign", "l1", {"group": "Service Desk", "assignee": "l1"}),
            ("start", "l1", {}),
            (
                "complete",
                "l1",
                {
                    "closure_code": ClosureCode.FULFILLED,
                    "resolution": "We sent you a new key for the Datacenter edition.",
                },
            ),
            ("reject", "contoso", {"reason": "The new key is rejected too."}),
            ("start", "l1", {}),
            (
                "comment",
                "l1",
                {
                    "body": "Key was for Standard; VM runs Datacenter. Activated it "
                    "through our KMS host instead."
                },
            ),
            (
                "complete",
                "l1",
                {
                    "closure_code": ClosureCode.FULFILLED,
                    "resolution": "The VM is now activated through our KMS host; "
                    "no key needs to be entered.",
                },
            ),
            ("confirm", "desk-manager", {}),
        ],
    ),
]


class Command(BaseCommand):
    help = "Load demo customers, services, support groups, logins and tickets (idempotent)."

    def handle(self, *args, **options) -> None:
        existing = Organisation.objects.filter(
            contract_number__in=[contract for _, _, contract, _ in ORGANISATIONS]
        )
        if existing.exists():
            self.stdout.write("The demo data is already there; nothing changed.")
            return
        self._refuse_clashes()
        with transaction.atomic():
            self._seed()
        self._summary()

    def _refuse_clashes(self) -> None:
        """Objects the demo would create but that exist without the demo organisations:
        stop rather than mix demo data into someone's database."""
        user_model = get_user_model()
        clashes = [
            *user_model.objects.filter(
                username__in=[s[0] for s in STAFF] + [c[8] for c in CONTACTS if c[8]]
            ).values_list("username", flat=True),
            *Organisation.objects.filter(name__in=[o[1] for o in ORGANISATIONS]).values_list(
                "name", flat=True
            ),
            *Service.objects.filter(name__in=[s[0] for s in SERVICES]).values_list(
                "name", flat=True
            ),
            *SupportGroup.objects.filter(name__in=[g[0] for g in SUPPORT_GROUPS]).values_list(
                "name", flat=True
            ),
            *BusinessCalendar.objects.filter(name__in=[c[0] for c in CALENDARS]).values_list(
                "name", flat=True
            ),
        ]
        if clashes:
            raise CommandError(
                "Not seeding: these already exist without the demo organisations: "
                + ", ".join(sorted(clashes))
            )

    # ----- reference data ------------------------------------------------------------------

    def _seed(self) -> None:
        user_model = get_user_model()
        password = make_password(PASSWORD)
        self.users = {}
        for username, first, last, role, _groups in STAFF:
            user = user_model.objects.create(
                username=username,
                first_name=first,
                last_name=last,
                email=f"{username}@hosting.example",
                password=password,
                is_staff=role is None,
                is_superuser=role is None,
            )
            if role is not None:
                user.groups.add(Group.objects.get(name=role))
            self.users[username] = user

        self.groups = {}
        for name, line, specialisation, email in SUPPORT_GROUPS:
            self.groups[name] = SupportGroup.objects.create(
                name=name, line=line, specialisation=specialisation, email=email
            )
        for username, *_, group_names in STAFF:
            for name in group_names:
                self.groups[name].members.add(self.users[username])

        self.organisations = {
            key: Organisation.objects.create(name=name, contract_number=contract, time_zone=tz)
            for key, name, contract, tz in ORGANISATIONS
        }
        self.contacts = {}
        for key, org, name, email, phone, address, language, authorised, login in CONTACTS:
            user = None
            if login:
                first, _, last = name.partition(" ")
                user = user_model.objects.create(
                    username=login,
                    first_name=first,
                    last_name=last,
                    email=email,
                    password=password,
                )
                self.users[login] = user
            self.contacts[key] = Contact.objects.create(
                organisation=self.organisations[org],
                name=name,
                email=email,
                phone=phone,
                form_of_address=address,
                language=language,
                is_authorised=authorised,
                user=user,
            )

        self.services = {
            name: Service.objects.create(name=name, description=description)
            for name, description in SERVICES
        }
        for service, fields in SERVICE_FORM_FIELDS.items():
            for order, (label, kind, choices, required, help_text) in enumerate(fields):
                self.services[service].form_fields.create(
                    label=label,
                    kind=kind,
                    choices=choices,
                    required=required,
                    help_text=help_text,
                    order=order,
                )
        self.cis = {
            name: ConfigurationItem.objects.create(
                service=self.services[service],
                name=name,
                kind=kind,
                organisation=self.organisations[org] if org else None,
            )
            for service, name, kind, org in CONFIGURATION_ITEMS
        }
        self._sla()

        self.numbers: dict[str, str] = {}
        for ticket in TICKETS:
            self._ticket(ticket)

    def _sla(self) -> None:
        """A policy per organisation, before the tickets, so that they get due times."""
        calendars = {}
        for name, tz, country, region, is_24x7, windows in CALENDARS:
            calendar = BusinessCalendar.objects.create(
                name=name,
                time_zone=tz,
                holiday_country=country,
                holiday_subdivision=region,
                is_24x7=is_24x7,
            )
            for weekday, start, end in windows:
                calendar.working_hours.create(weekday=weekday, start=start, end=end)
            calendars[name] = calendar
        for org, name, calendar, warning, availability, rule, targets, fulfilment in SLA_POLICIES:
            policy = SlaPolicy.objects.create(
                name=name,
                organisation=self.organisations[org],
                calendar=calendars[calendar],
                warning_threshold_percent=warning,
                availability_target_percent=availability,
                compensation_rule=rule,
            )
            for priority, (reaction, resolution) in targets.items():
                policy.targets.create(
                    priority=priority, reaction_minutes=reaction, resolution_minutes=resolution
                )
            for service, minutes in fulfilment.items():
                policy.fulfilment_targets.create(
                    service=self.services[service], fulfilment_minutes=minutes
                )

    # ----- tickets -------------------------------------------------------------------------

    def _ticket(self, spec: Ticket) -> None:
        ticket = services.incident_register(
            contact=self.contacts[spec.contact],
            title=spec.title,
            actor=self.users[spec.by],
            channel=spec.channel,
            kind=spec.kind,
            description=spec.description,
            category=spec.category,
            service=self.services[spec.service] if spec.service else None,
            configuration_item=self.cis[spec.ci] if spec.ci else None,
            urgency=spec.urgency,
            impact=spec.impact,
            form_answers={"answers": [{"label": q, "value": a} for q, a in spec.answers.items()]},
        )
        self.numbers[spec.key] = ticket.number
        for action, username, arguments in spec.steps:
            actor = self.users[username] if username else None
            ticket = self._step(ticket, action, actor, self._fill(arguments))

    def _fill(self, arguments: dict[str, Any]) -> dict[str, Any]:
        """Resolve names to objects and {key} to ticket numbers."""
        filled = {}
        for name, value in arguments.items():
            if name == "group":
                value = self.groups[value]
            elif name == "assignee":
                value = self.users[value]
            elif isinstance(value, str):
                for key, number in self.numbers.items():
                    value = value.replace("{" + key + "}", number)
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
            # A contact's reply may have moved the ticket on: continue from the saved row.
            return Incident.objects.get(pk=ticket.pk)
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
            return services.incident_auto_close(incident=ticket) or ticket
        raise ValueError(f"unknown demo step {action!r}")

    # ----- report --------------------------------------------------------------------------

    def _summary(self) -> None:
        counts = Counter(
            Incident.objects.filter(
                organisation__contract_number__in=[o[2] for o in ORGANISATIONS]
            ).values_list("status", flat=True)
        )
        self.stdout.write(self.style.SUCCESS("Demo data loaded."))
        self.stdout.write(
            f"  {Organisation.objects.count()} organisations, {Contact.objects.count()} contacts, "
            f"{Service.objects.count()} services, {ConfigurationItem.objects.count()} "
            f"configuration items, {SupportGroup.objects.count()} support groups, "
            f"{SlaPolicy.objects.count()} SLA policies"
        )
        self.stdout.write(f"  {sum(counts.values())} tickets:")
        for status in Status:
            self.stdout.write(f"    {status.label:<22} {counts.get(status.value, 0)}")
        logins = ", ".join([s[0] for s in STAFF] + [c[8] for c in CONTACTS if c[8]])
        self.stdout.write(f"  Logins (password '{PASSWORD}'): {logins}")

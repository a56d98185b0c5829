"""The demo's recurring incidents: the same fault coming back for weeks, the way problem
management starts. They are played with the other demo tickets (incidents/demo.py), so
their numbers follow the order of registration like every other ticket's.

A later app's demo takes them from here by key: the problems demo links most of them to
the problems that explain them. The faults of nw-nfs-01 (`nfs…`) stay unlinked on
purpose: three or more on one share in the last week, more in the last month, for the
problem manager's pattern detection to find.
"""

from incidents.demo_tickets import ESC_NETWORK, ESC_PLATFORM, Ticket
from incidents.models import Category, Channel, ClosureCode
from servicedesk.models import Impact, Urgency

ESC_BACKUP = "Backup jobs are run by Platform Operations."
ESC_RELAY = "The shared mail relay is run by Platform Operations."

#: The shared relay blocklisted after a customer account was phished (closed problem).
RELAY = [
    Ticket(
        "relaybl1",
        "oliver",
        "l1",
        Channel.EMAIL,
        "Mail to gmail.com bounces: 550 5.7.1 relay on a blocklist",
        (
            "Since this morning every mail to Gmail addresses comes back with '550 5.7.1 "
            "Service unavailable, 198.51.100.10 listed by Spamhaus'. Order confirmations "
            "do not reach our customers."
        ),
        opened="39d@08:50",
        category=Category.ERROR,
        service="Email hosting",
        ci="SMTP relay smtp-out",
        steps=[
            ("10m", "classify", "l1", {"impact": Impact.HIGH}),
            (
                "5m",
                "escalate",
                "l1",
                {"group": "Platform Operations", "assignee": "l2", "reason": ESC_RELAY},
            ),
            ("15m", "start", "l2", {}),
            (
                "2h",
                "complete",
                "l2",
                {
                    "closure_code": ClosureCode.WORKAROUND,
                    "resolution": (
                        "Outbound mail now leaves through the standby relay address "
                        "198.51.100.20 while we ask Spamhaus to delist 198.51.100.10. The mail "
                        "queued since this morning has been delivered."
                    ),
                },
            ),
            ("4h", "confirm", "contoso", {}),
        ],
    ),
    Ticket(
        "relaybl3",
        "camille",
        "l1",
        Channel.EMAIL,
        "Mails to outlook.com rejected (S3150)",
        (
            "Bonjour, since yesterday evening our mails to outlook.com and hotmail.com "
            "addresses are rejected with 'S3150: part of their network is on our block list'."
        ),
        opened="36d@09:30",
        category=Category.ERROR,
        service="Email hosting",
        ci="SMTP relay smtp-out",
        steps=[
            (
                "10m",
                "escalate",
                "l1",
                {"group": "Platform Operations", "assignee": "l2", "reason": ESC_RELAY},
            ),
            ("10m", "start", "l2", {}),
            (
                "3h",
                "complete",
                "l2",
                {
                    "closure_code": ClosureCode.WORKAROUND,
                    "resolution": (
                        "Both relay addresses were listed again after one of our hosting "
                        "customers' mailboxes sent spam. We locked that mailbox and asked "
                        "Microsoft to delist us; your mail is delivered again."
                    ),
                },
            ),
            ("6h", "confirm", "camille", {}),
            (
                "5m",
                "rate",
                "camille",
                {"score": 2, "comment": "Le problème revient toutes les semaines."},
            ),
        ],
    ),
]

#: The weekly backup jobs time out while the storage array snapshots BR-2 (resolved).
BACKUP = [
    Ticket(
        "backupweekly1",
        "mehmet",
        "l1",
        Channel.MONITORING,
        "Monitoring: backup job nw-db-01-weekly failed (repository BR-2 timed out)",
        (
            "Check backup_weekly on Backup repository BR-2: CRITICAL, the last run of job "
            "nw-db-01-weekly failed: 'Timed out waiting for the repository (900 s)'."
        ),
        opened="22d@07:10",
        category=Category.ERROR,
        service="Backup & storage",
        ci="Backup repository BR-2",
        impact=Impact.LOW,
        steps=[
            (
                "10m",
                "escalate",
                "l1",
                {"group": "Platform Operations", "assignee": "l2", "reason": ESC_BACKUP},
            ),
            ("20m", "start", "l2", {}),
            (
                "1h",
                "complete",
                "l2",
                {
                    "closure_code": ClosureCode.WORKAROUND,
                    "resolution": (
                        "We ran the job again by hand; it completed and the restore point is there."
                    ),
                },
            ),
            ("3d10m", "auto_close", None, {}),
        ],
    ),
    Ticket(
        "backupweekly2",
        "oliver",
        "contoso",
        Channel.PORTAL,
        "Weekend backup of cc-app-01 missing from the backup report",
        (
            "The weekly backup report lists no restore point for cc-app-01 from the weekend. "
            "The daily ones are there."
        ),
        opened="15d@09:20",
        category=Category.ERROR,
        service="Backup & storage",
        ci="Backup repository BR-2",
        steps=[
            (
                "15m",
                "escalate",
                "l1",
                {"group": "Platform Operations", "assignee": "l2", "reason": ESC_BACKUP},
            ),
            ("30m", "start", "l2", {}),
            (
                "1h",
                "complete",
                "l2",
                {
                    "closure_code": ClosureCode.WORKAROUND,
                    "resolution": (
                        "The weekly job timed out waiting for repository BR-2. We ran it again; "
                        "the restore point is in the report now."
                    ),
                },
            ),
            ("5h", "confirm", "contoso", {}),
        ],
    ),
    Ticket(
        "backupweekly3",
        "mehmet",
        "l1",
        Channel.MONITORING,
        "Monitoring: backup job nw-web-01-weekly failed (repository BR-2 timed out)",
        (
            "Check backup_weekly on Backup repository BR-2: CRITICAL, the last run of job "
            "nw-web-01-weekly failed: 'Timed out waiting for the repository (900 s)'."
        ),
        opened="8d@07:05",
        category=Category.ERROR,
        service="Backup & storage",
        ci="Backup repository BR-2",
        impact=Impact.LOW,
        steps=[
            ("10m", "assign", "l1", {"group": "Service Desk", "assignee": "l1"}),
            ("5m", "start", "l1", {}),
            (
                "40m",
                "complete",
                "l1",
                {
                    "closure_code": ClosureCode.WORKAROUND,
                    "resolution": (
                        "Ran the job again as the known error's workaround says; it completed."
                    ),
                },
            ),
            ("3d10m", "auto_close", None, {}),
        ],
    ),
]

#: Firmware 9.1 on the VPN gateway tears tunnels down (known error).
VPN = [
    Ticket(
        "vpnleeds",
        "oliver",
        "contoso",
        Channel.PORTAL,
        "IPsec tunnel to the Leeds office drops every few hours",
        (
            "Since the maintenance at the weekend the tunnel to our Leeds office goes down "
            "several times a day and only comes back after a few minutes."
        ),
        opened="11d@09:40",
        category=Category.DEGRADATION,
        service="Managed network",
        ci="VPN gateway cc-vpn",
        steps=[
            (
                "10m",
                "escalate",
                "l1",
                {"group": "Network Operations", "assignee": "l2", "reason": ESC_NETWORK},
            ),
            ("15m", "start", "l2", {}),
            (
                "1h",
                "comment",
                "l2",
                {
                    "body": (
                        "Gateway log: 'DPD: peer not responding, deleting SA' right before each "
                        "drop, although the peer answers pings."
                    )
                },
            ),
            (
                "30m",
                "complete",
                "l2",
                {
                    "closure_code": ClosureCode.WORKAROUND,
                    "resolution": (
                        "We cleared the tunnel's security associations and it came up at once. "
                        "We keep watching it."
                    ),
                },
            ),
            ("1d", "confirm", "contoso", {}),
        ],
    ),
    Ticket(
        "vpnremote",
        "priya",
        "l1",
        Channel.PHONE,
        "Remote staff thrown out of the VPN every 20 minutes",
        (
            "Priya called: everyone working from home loses the VPN connection every 20 "
            "minutes or so and has to log in again."
        ),
        opened="9d@14:10",
        category=Category.DEGRADATION,
        service="Managed network",
        ci="VPN gateway cc-vpn",
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
                "2h",
                "complete",
                "l2",
                {
                    "closure_code": ClosureCode.WORKAROUND,
                    "resolution": (
                        "Dead-peer detection on the remote-access profile set to 30 seconds "
                        "with 5 retries; no drops since."
                    ),
                },
            ),
            ("3d10m", "auto_close", None, {}),
        ],
    ),
]

#: Outlook's password prompts on Exchange (a new problem).
OUTLOOK = [
    Ticket(
        "outlookpw2",
        "stefan",
        "l1",
        Channel.PHONE,
        "Password prompts in Outlook for several users",
        (
            "Stefan called: since yesterday five colleagues are asked for their password by "
            "Outlook every few minutes. Outlook on the web works."
        ),
        opened="2d@11:40",
        category=Category.ERROR,
        service="Email hosting",
        ci="Exchange DAG MX-1",
        impact=Impact.MEDIUM,
        steps=[
            ("5m", "assign", "l1", {"group": "Service Desk", "assignee": "l1"}),
            ("5m", "start", "l1", {}),
            (
                "15m",
                "comment",
                "l1",
                {"body": "Same symptom as {outlookpw}; asked Platform Operations to look."},
            ),
        ],
    ),
]

#: The NFS share dropping out during failovers: nobody has connected these yet.
NFS = [
    Ticket(
        "nfsstale1",
        "jana",
        "northwind",
        Channel.PORTAL,
        "Stale file handle on /srv/shared of nw-web-01",
        ("The shop cannot read product images: 'Stale file handle' on /srv/shared, the NFS share."),
        opened="24d@10:15",
        category=Category.ERROR,
        service="Backup & storage",
        ci="NFS share nw-nfs-01",
        steps=[
            (
                "10m",
                "escalate",
                "l1",
                {"group": "Platform Operations", "assignee": "l2", "reason": ESC_PLATFORM},
            ),
            ("20m", "start", "l2", {}),
            (
                "40m",
                "complete",
                "l2",
                {
                    "closure_code": ClosureCode.WORKAROUND,
                    "resolution": "We remounted /srv/shared on nw-web-01; the images load again.",
                },
            ),
            ("3h", "confirm", "northwind", {}),
        ],
    ),
    Ticket(
        "nfsstale2",
        "stefan",
        "l1",
        Channel.PHONE,
        "Deployment fails: the NFS share is read-only",
        (
            "Stefan called: their deployment stopped with 'Read-only file system' when "
            "writing to /srv/shared."
        ),
        opened="4d@14:20",
        category=Category.ERROR,
        service="Backup & storage",
        ci="NFS share nw-nfs-01",
        steps=[
            (
                "10m",
                "escalate",
                "l1",
                {"group": "Platform Operations", "assignee": "l2", "reason": ESC_PLATFORM},
            ),
            ("15m", "start", "l2", {}),
            (
                "30m",
                "complete",
                "l2",
                {
                    "closure_code": ClosureCode.WORKAROUND,
                    "resolution": (
                        "The share was read-only for four minutes during a failover of "
                        "nw-nfs-01; the deployment worked on the second try."
                    ),
                },
            ),
            ("3d10m", "auto_close", None, {}),
        ],
    ),
    Ticket(
        "nfsstale3",
        "mehmet",
        "l1",
        Channel.MONITORING,
        "Monitoring: NFS server nw-nfs-01 not responding on nw-db-01",
        (
            "Check kernel_log on nw-db-01: WARNING, 'nfs: server nw-nfs-01 not responding, "
            "still trying' for 3 minutes."
        ),
        opened="2d@03:10",
        category=Category.ERROR,
        service="Backup & storage",
        ci="NFS share nw-nfs-01",
        impact=Impact.LOW,
        steps=[
            (
                "5h",
                "escalate",
                "l1",
                {"group": "Platform Operations", "assignee": "l2", "reason": ESC_PLATFORM},
            ),
            ("1h", "start", "l2", {}),
        ],
    ),
    Ticket(
        "nfsstale4",
        "jana",
        "northwind",
        Channel.PORTAL,
        "Uploads folder of the shop read-only for a few minutes",
        (
            "Our editors could not upload images for about five minutes: 'Read-only file "
            "system'. It works again now, but it is the third time this month."
        ),
        opened="1d@16:30",
        category=Category.ERROR,
        service="Backup & storage",
        ci="NFS share nw-nfs-01",
    ),
]

RECURRING = [*RELAY, *BACKUP, *VPN, *OUTLOOK, *NFS]

"""The demo's change management (changes/demo.py plays it): the CAB's policies, the
standard change templates and blackout periods an admin set up, and the changes the
engineers raised, with what happened to each.

Times are anchors: ("now", "+3d@22:00") is 22:00 Berlin time three days from now,
("now", "-1h") an hour ago, ("slowapp", "-3h") three hours before that demo ticket
(incidents/demo_tickets.py, incidents/demo_recurring.py) was registered, ("start",
"+5m") five minutes into the change's window and ("end", "-10m") ten minutes before it
ends; a plain "2h" is two hours after the step before. Each step is (when, action,
actor, arguments); `{key}` in a text becomes the number of the demo ticket seeded under
that key. Problems are named by their key in problems/demo_problems.py.
"""

from dataclasses import dataclass, field
from typing import Any

from changes.models import ChangeType, Level, Outcome, Rule

#: (ticket key, "now", "start" or "end"; signed duration, optionally "@HH:MM" Berlin time)
Anchor = tuple[str, str]
#: A duration after the step before, or an anchor.
When = str | Anchor
Step = tuple[When, str, str, dict[str, Any]]

LOW, MEDIUM, HIGH = Level.LOW, Level.MEDIUM, Level.HIGH

# ----- what an admin set up -----------------------------------------------------------------

POLICIES = [
    # change type, rule, quorum, approvers
    (ChangeType.NORMAL, Rule.ALL, 1, ["cab1", "cab2"]),
    (ChangeType.EMERGENCY, Rule.ANY, 1, ["cab1", "cab2"]),
]


@dataclass
class TemplateSpec:
    name: str
    services: list[str]
    description: str
    reason: str
    implementation_plan: str
    backout_plan: str
    test_plan: str


TLS = "Renew a TLS certificate on a load balancer"
DNS = "Add or change a DNS record"
SCALE = "Scale a virtual machine (vCPUs, memory)"
ROTATE = "Rotate the credentials of a service account"

TEMPLATES = [
    TemplateSpec(
        TLS,
        ["Managed network"],
        "Replace a certificate that expires within 30 days with a renewed one for the same "
        "names from the same CA, on a load balancer or reverse proxy we run.",
        "An expired certificate takes the customer's site down; renewing it is routine.",
        "1. Renew the certificate (ACME, or the customer's CA) for the same names.\n"
        "2. Upload it with its chain and bind it to the virtual servers in place of the old "
        "one.\n"
        "3. Keep the old certificate on the device until the change is closed.",
        "Bind the old certificate again (it is valid until it expires).",
        "openssl s_client shows the new certificate and the full chain on every virtual "
        "server; the https_cert check is green.",
    ),
    TemplateSpec(
        DNS,
        ["Managed network"],
        "An A, AAAA, CNAME, TXT or MX record in a zone we host, on the written request of "
        "an authorised contact.",
        "Customers' routine DNS requests.",
        "1. Change the record in PowerDNS (control panel, hosted zones).\n"
        "2. Check that both secondaries picked up the new zone serial.",
        "Restore the previous record from the zone history (kept 90 days).",
        "dig @ns1 and @ns2 answer the new value; the customer confirms.",
    ),
    TemplateSpec(
        SCALE,
        ["Virtual servers"],
        "Add or remove vCPUs or memory of a customer VM within its contract, with one "
        "reboot in a window the customer agreed to.",
        "Customers' resource requests.",
        "1. Snapshot the VM.\n"
        "2. Shut it down from the guest, change the vCPUs or memory, start it.\n"
        "3. Remove the snapshot after the test.",
        "Set the previous vCPUs and memory (revert to the snapshot if needed) and start the "
        "VM again.",
        "The guest sees the new resources; its services and its monitoring are green.",
    ),
    TemplateSpec(
        ROTATE,
        ["Virtual servers", "Backup & storage", "Email hosting"],
        "A new password or key for a technical account (backup agent, monitoring, "
        "application), changed everywhere it is used.",
        "Credentials are rotated every 90 days, and at once when someone who knew them leaves.",
        "1. Generate the new secret in the vault.\n"
        "2. Update the consumers (agent configuration, connection strings) one by one.\n"
        "3. Change the account's password; restart what needs it.",
        "Set the previous secret again from the vault's version history.",
        "Every consumer logs in with the new secret (next backup or check run green); the "
        "old secret is refused.",
    ),
]

BLACKOUTS = [
    # name, reason, starts, ends, services (none: every service)
    (
        "Northwind shop: seasonal sale freeze",
        "Northwind's online shop makes a third of its yearly sales in these weeks. No change "
        "to the servers and the network the shop runs on, unless it fixes an outage.",
        ("now", "+9d@00:00"),
        ("now", "+23d@00:00"),
        ["Virtual servers", "Managed network"],
    ),
    (
        "FRA1 data centre: UPS and generator test",
        "The data-centre operator moves the whole site to generator power and tests the UPS. "
        "The power may be unstable: no change anywhere that day.",
        ("now", "+34d@06:00"),
        ("now", "+34d@18:00"),
        [],
    ),
]

# ----- the changes ----------------------------------------------------------------------------


@dataclass
class ChangeSpec:
    """A change as its requester raises it, and what happens to it afterwards. `window`
    is (start, length); a window planned ahead that would start within half an hour moves
    on by a day."""

    key: str
    title: str
    requester: str
    raised: Anchor
    description: str
    reason: str
    implementation_plan: str = ""
    backout_plan: str = ""
    test_plan: str = ""
    change_type: str = ChangeType.NORMAL
    template: str | None = None
    impact: str = MEDIUM
    likelihood: str = MEDIUM
    tested: bool = False
    backout_tested: bool = False
    cis: list[str] = field(default_factory=list)
    services: list[str] = field(default_factory=list)
    window: tuple[Anchor, str] | None = None
    implementer: str | None = None
    notify_customers: bool = False
    problems: list[str] = field(default_factory=list)
    incidents: list[str] = field(default_factory=list)
    steps: list[Step] = field(default_factory=list)


CM = "change-manager"


def through_cab(
    assess: When, send: When, decisions: list[tuple[When, str, str, str]]
) -> list[Step]:
    """Assessed and sent to the CAB by the change manager, then the approvers' decisions:
    (when, approver, "approved" or "rejected", comment)."""
    steps: list[Step] = [(assess, "assess", CM, {}), (send, "cab", CM, {})]
    for when, approver, decision, comment in decisions:
        steps.append((when, decision, approver, {"comment": comment}))
    return steps


CHANGES = [
    # ----- waiting for someone ------------------------------------------------------------
    ChangeSpec(
        "outlookcert",
        "Bind the renewed Autodiscover certificate to the Exchange services on MX-1",
        "l2",
        ("outlookpw2", "+1d"),
        "The renewed Autodiscover certificate was imported on both members of the DAG, but "
        "IIS still presents the old one on the Autodiscover and EWS virtual directories. "
        "Enable the new certificate for IIS and SMTP on MX-1a and MX-1b.",
        "Outlook keeps asking for the password ({outlookpw}, {outlookpw2}); the stale "
        "binding is the first suspect of the problem's investigation.",
        implementation_plan="1. Enable-ExchangeCertificate -Services IIS,SMTP with the new "
        "thumbprint, one member at a time, drained from the load balancer.\n"
        "2. iisreset /noforce.",
        cis=["Exchange DAG MX-1"],
        problems=["outlook"],
        incidents=["outlookpw", "outlookpw2"],
        implementer="l2",
    ),
    ChangeSpec(
        "dnsstaging",
        "A records for staging.contoso-cloud.example and api.staging.contoso-cloud.example",
        "l1",
        ("dns", "+2h"),
        "Two A records in the zone contoso-cloud.example for Contoso's new staging "
        "environment (request {dns}). Waiting for the target addresses from the customer.",
        "Contoso's request.",
        template=DNS,
        impact=LOW,
        likelihood=LOW,
        tested=True,
        backout_tested=True,
        incidents=["dns"],
        implementer="l2",
    ),
    ChangeSpec(
        "diskvar",
        "Extend /var on nw-db-01 by 20 GB",
        "l2",
        ("diskvar", "+1h30m"),
        "Grow the virtual disk behind /var on nw-db-01 from 40 to 60 GB in vSphere, then "
        "extend the LVM volume and the XFS file system online.",
        "/var is 92 % full and grows by about 3 GB a day with PostgreSQL's WAL archive; "
        "monitoring warned ({diskvar}).",
        "1. Snapshot nw-db-01 in vSphere (kept 24 hours).\n"
        "2. Grow disk 2 from 40 to 60 GB.\n"
        "3. Rescan the disk; pvresize /dev/sdb; lvextend -L +20G /dev/vg_data/var; "
        "xfs_growfs /var.",
        "XFS cannot shrink: if the volume is damaged, stop PostgreSQL and revert to the "
        "snapshot of step 1 (the writes of the window are replayed from the shop's queue).",
        "df -h /var shows 60 GB; PostgreSQL and WAL archiving healthy; the disk_var check "
        "is green.",
        impact=LOW,
        likelihood=LOW,
        tested=True,
        cis=["nw-db-01"],
        incidents=["diskvar"],
        window=(("now", "+3d@21:00"), "30m"),
        implementer="l2",
        steps=[("20m", "submit", "l2", {})],
    ),
    ChangeSpec(
        "fwrule",
        "Allow HTTPS callbacks from the new payment provider to nw-web-01 and nw-web-02",
        "l2",
        ("fwrule", "+3h"),
        "A new rule on firewall cluster nw-fw: TCP 443 from 198.51.100.0/24 (the payment "
        "provider's callback range) to the shop's web servers nw-web-01 and nw-web-02, "
        "logged.",
        "Northwind moves to a new payment provider on the 1st; its payment notifications "
        "must reach the shop ({fwrule}).",
        "1. Create the address object PSP-callbacks (198.51.100.0/24).\n"
        "2. Add the rule above 'deny-any-web' in policy NW-DMZ, with logging.\n"
        "3. Commit on the active node and check the sync to the passive node.",
        "Disable the rule and commit (one minute); the configuration before the change is "
        "kept as rollback point 'pre-change'.",
        "The provider's test callback reaches both web servers (HTTP 200 in the shop's "
        "log); the rule's hit counter goes up.",
        impact=MEDIUM,
        likelihood=LOW,
        backout_tested=True,
        cis=["Firewall cluster nw-fw"],
        incidents=["fwrule"],
        window=(("now", "+4d@07:00"), "30m"),
        implementer="l2",
        steps=[("15m", "submit", "l2", {}), (("now", "-1d@09:00"), "assess", CM, {})],
    ),
    # ----- with the CAB: the ESXi upgrade and the cron change overlap on Virtual servers,
    # and the firewall upgrade falls into the shop's sale freeze.
    ChangeSpec(
        "esxi",
        "Upgrade vSphere cluster FRA-1 to ESXi 8.0 Update 3",
        "l2",
        ("now", "-6d@10:00"),
        "Rolling upgrade of the six hosts of cluster FRA-1 from ESXi 8.0 U2 to 8.0 U3 with "
        "vSphere Lifecycle Manager: each host goes into maintenance mode, its VMs move to "
        "the other hosts with vMotion, it is upgraded and rebooted.",
        "8.0 U2 reaches the end of general support; U3 fixes a critical VMware advisory and "
        "the vMotion stalls we see on hosts with more than 200 GB of memory.",
        "1. Check that every VM can be moved with vMotion (no local ISO, no passthrough).\n"
        "2. Remediate the cluster with the U3 image in Lifecycle Manager, one host at a time "
        "(DRS fully automated, admission control on).\n"
        "3. After each host: check its health and move a test VM back to it.\n"
        "4. VMware Tools follow in a separate change.",
        "A host that fails its checks boots the previous image from its alternate boot bank "
        "(Shift+R) and leaves the cluster; the remaining hosts are not upgraded.",
        "Tested on the lab cluster FRA-LAB last week. After the window: every host on the "
        "U3 build, HA and DRS green, no VM with a warning, customers' monitoring green.",
        impact=HIGH,
        likelihood=MEDIUM,
        tested=True,
        cis=["vSphere cluster FRA-1"],
        window=(("now", "+5d@22:00"), "6h"),
        implementer="l2",
        steps=[
            ("1h", "submit", "l2", {}),
            *through_cab(("now", "-5d@09:30"), ("now", "-1d@09:00"), []),
        ],
    ),
    ChangeSpec(
        "cron",
        "Move the shop's hourly cache rebuild on nw-web-01 off the full hour",
        "l2",
        ("now", "-3d@11:00"),
        "Spread the shop's cron jobs on nw-web-01: the cache rebuild moves from :00 to :17, "
        "the sitemap export to :43, each with a random delay of up to five minutes.",
        "The investigation of the hourly slowness ({loadspikes}) found the cache rebuild and "
        "the sitemap export starting together at every full hour.",
        "1. Change the crontab of user shop in the Ansible role shop_cron.\n"
        "2. Run the playbook with --limit nw-web-01.\n"
        "3. Watch the next two full hours.",
        "Revert the Ansible commit and run the playbook again (two minutes).",
        "Tested on the staging copy of the shop. Response times at the full hour stay under "
        "500 ms in the shop's monitoring for a day.",
        impact=LOW,
        likelihood=LOW,
        tested=True,
        backout_tested=True,
        cis=["nw-web-01"],
        problems=["hourly"],
        incidents=["loadspikes"],
        window=(("now", "+5d@23:00"), "1h"),
        implementer="l2",
        steps=[
            ("30m", "submit", "l2", {}),
            *through_cab(
                "2h",
                ("now", "-1d@10:00"),
                [
                    (
                        ("now", "-5h"),
                        "cab1",
                        "approved",
                        "Low risk and tested. Fine with me, but it overlaps with the ESXi "
                        "upgrade of FRA-1 that night: one of them should move.",
                    )
                ],
            ),
        ],
    ),
    ChangeSpec(
        "fwfirmware",
        "Upgrade firewall cluster nw-fw to firmware 10.2.9",
        "l3",
        ("now", "-2d@15:00"),
        "Upgrade both nodes of the HA pair nw-fw from 10.1.11 to 10.2.9: the passive node "
        "first, then a failover, then the other node.",
        "10.1 reaches the end of support in spring; 10.2.9 is the vendor's recommended "
        "release and fixes two high-severity advisories on the management interface.",
        "1. Export the configuration and the device state.\n"
        "2. Upgrade the passive node, reboot, check the HA sync.\n"
        "3. Suspend the active node: failover (about 3 seconds of lost sessions).\n"
        "4. Upgrade the other node, reboot, enable preemption again.",
        "Each node keeps 10.1.11 in its second partition: boot from it and load the exported "
        "configuration (20 minutes a node).",
        "Tested on the lab pair. After the window: both nodes on 10.2.9, HA in sync, "
        "Northwind's shop and VPNs reachable, no rise in dropped sessions.",
        impact=HIGH,
        likelihood=LOW,
        tested=True,
        backout_tested=True,
        cis=["Firewall cluster nw-fw"],
        window=(("now", "+12d@22:00"), "2h"),
        implementer="l3",
        steps=[
            ("20m", "submit", "l3", {}),
            *through_cab("3h", ("now", "-20h"), []),
        ],
    ),
    # ----- decided --------------------------------------------------------------------------
    ChangeSpec(
        "tls13",
        "Accept only TLS 1.3 on the SMTP relay smtp-out",
        "l2",
        ("now", "-8d@09:30"),
        "Set smtpd_tls_mandatory_protocols to TLS 1.3 only on both nodes of smtp-out.",
        "The security baseline asks for TLS 1.3 on every service we run.",
        "1. Change main.cf on both relay nodes through Ansible.\n2. postfix reload.",
        "Set the previous protocols again and reload (one minute).",
        "Customers' test mails arrive; the relay's log shows TLS 1.3 for every session.",
        impact=HIGH,
        likelihood=MEDIUM,
        backout_tested=True,
        cis=["SMTP relay smtp-out"],
        window=(("now", "+10d@06:00"), "1h"),
        implementer="l2",
        steps=[
            ("30m", "submit", "l2", {}),
            *through_cab(
                "1d",
                "2h",
                [
                    (("now", "-6d@11:00"), "cab1", "approved", "Fine from the security side."),
                    (
                        "3h",
                        "cab2",
                        "rejected",
                        "The relay's logs show 14 customer servers (old Exchange versions, two "
                        "Linux appliances) that can only do TLS 1.2. Tell those customers "
                        "first and measure again; TLS 1.2 with the current ciphers is "
                        "acceptable until then.",
                    ),
                ],
            ),
        ],
    ),
    ChangeSpec(
        "certrenew",
        "Renew the TLS certificate of shop.contoso-cloud.example on cc-lb-01",
        "l2",
        ("certexp", "+5m"),
        "Renew the certificate of shop.contoso-cloud.example, which expires in ten days "
        "({certexp}), and bind it on load balancer cc-lb-01.",
        "The automatic renewal failed: the DNS-01 challenge record was missing.",
        template=TLS,
        impact=LOW,
        likelihood=LOW,
        tested=True,
        backout_tested=True,
        cis=["Load balancer cc-lb-01"],
        incidents=["certexp"],
        window=(("now", "+1d@07:00"), "30m"),
        implementer="l2",
        steps=[("3m", "submit", "l2", {})],
    ),
    # ----- planned ----------------------------------------------------------------------------
    ChangeSpec(
        "exchangecu",
        "Install the latest cumulative update on the Exchange DAG MX-1",
        "l2",
        ("now", "-9d@14:00"),
        "The cumulative update with this month's security fixes on both members of the DAG, "
        "one at a time; the mailboxes are served by the other member meanwhile.",
        "Security fixes; Microsoft supports only the two latest cumulative updates.",
        "1. Put MX-1a into maintenance mode (its databases become active on MX-1b).\n"
        "2. Install the update unattended.\n"
        "3. Reboot, leave maintenance mode, move the databases back.\n"
        "4. The same for MX-1b.",
        "A member whose setup fails stays in maintenance mode while the other serves every "
        "mailbox; it is restored from the VM snapshot taken before and its copies reseed.",
        "Tested on the lab DAG. Test-ServiceHealth and Test-ReplicationHealth pass on both "
        "members; Outlook, OWA and ActiveSync logins of the test mailboxes work; mail flows "
        "both ways.",
        impact=MEDIUM,
        likelihood=MEDIUM,
        tested=True,
        cis=["Exchange DAG MX-1"],
        window=(("now", "+8d@22:00"), "4h"),
        implementer="l2",
        steps=[
            ("1h", "submit", "l2", {}),
            *through_cab(
                "1d",
                "1h",
                [
                    (
                        "3h",
                        "cab1",
                        "approved",
                        "Approved. The customers' notice should say that Outlook reconnects "
                        "twice during the night.",
                    ),
                    (("now", "-5d@10:00"), "cab2", "approved", "Approved."),
                ],
            ),
            ("2h", "schedule", CM, {}),
        ],
    ),
    ChangeSpec(
        "vcpu",
        "Add two vCPUs to cc-app-02",
        "l2",
        ("vcpu", "+25m"),
        "cc-app-02 from 4 to 6 vCPUs for Contoso's quarterly reporting run ({vcpu}).",
        "Contoso's request; within their contract.",
        template=SCALE,
        impact=LOW,
        likelihood=LOW,
        tested=True,
        backout_tested=True,
        cis=["cc-app-02"],
        incidents=["vcpu"],
        window=(("now", "+0d@22:00"), "30m"),
        implementer="l2",
        # Contoso's own server: its contacts are told (a shared item such as the Exchange
        # DAG affects no organisation by itself: changes/selectors_portal.py).
        notify_customers=True,
        steps=[("5m", "submit", "l2", {}), ("10m", "schedule", CM, {})],
    ),
    # ----- carried out ------------------------------------------------------------------------
    ChangeSpec(
        "br2",
        "Add 400 TB to backup repository BR-2",
        "l3",
        ("now", "-7d@10:00"),
        "Add the new disk shelf (24 × 20 TB, RAID 6) to the array behind BR-2 and extend the "
        "repository's scale-out set with the new volume.",
        "BR-2 is 86 % full; with the new customers' weekly full backups it would be full "
        "within five weeks.",
        "1. The data-centre technician cables the shelf to both controllers.\n"
        "2. Create the RAID 6 group and the volume; present it to the repository server.\n"
        "3. Add the volume as a new extent in the backup console.",
        "Remove the extent while no backup has landed on it, unpresent the volume; the shelf "
        "stays unused.",
        "The extent is online, free space above 40 %, a test backup writes to the new extent "
        "and a test restore from it works.",
        impact=MEDIUM,
        likelihood=LOW,
        tested=True,
        backout_tested=True,
        cis=["Backup repository BR-2"],
        window=(("now", "-1h"), "3h"),
        implementer="l3",
        steps=[
            ("40m", "submit", "l3", {}),
            *through_cab(
                "1d",
                "1h",
                [
                    ("2h", "cab2", "approved", "Approved."),
                    ("30m", "cab1", "approved", "Approved: outside the backup windows, good."),
                ],
            ),
            ("1h", "schedule", CM, {}),
            (("start", "+5m"), "start", "l3", {}),
        ],
    ),
    ChangeSpec(
        "vpnfirmware",
        "Upgrade VPN gateway cc-vpn to firmware 9.1.4",
        "l3",
        ("now", "-5d@14:00"),
        "Firmware 9.1.4 on VPN gateway cc-vpn: the vendor's fix for bug FW-91-4471 (dead-peer "
        "detection answered late under load).",
        "The known error behind the dropped tunnels and remote-access sessions ({vpnleeds}, "
        "{vpnremote}): the dead-peer-detection workaround holds, but not under load.",
        "1. Back up the configuration.\n"
        "2. Install 9.1.4 on the standby unit, reboot, check the HA sync.\n"
        "3. Fail over; install on the other unit, reboot.\n"
        "4. Set dead-peer detection back to the defaults the vendor recommends for 9.1.4.",
        "Both units keep 9.1.2 as their previous image: boot it and restore the configuration "
        "(15 minutes).",
        "Tested on the lab unit for a week under simulated load. After the window: every "
        "site-to-site tunnel up, remote-access logins work, no tunnel drop for an hour.",
        impact=HIGH,
        likelihood=LOW,
        tested=True,
        backout_tested=True,
        cis=["VPN gateway cc-vpn"],
        problems=["vpn"],
        incidents=["vpnleeds", "vpnremote"],
        window=(("now", "-2h30m"), "1h30m"),
        implementer="l3",
        steps=[
            ("30m", "submit", "l3", {}),
            *through_cab(
                "2h",
                "30m",
                [
                    (("now", "-4d@09:00"), "cab1", "approved", "Approved, it fixes a known error."),
                    ("1h", "cab2", "approved", "Approved."),
                ],
            ),
            ("30m", "schedule", CM, {}),
            (("vpnflap", "+20m"), "link", "l1", {"incidents": ["vpnflap"]}),
            (("start", "+5m"), "start", "l3", {}),
            (("end", "-15m"), "complete", "l3", {}),
        ],
    ),
    ChangeSpec(
        "patching",
        "Monthly security patches on cc-app-01 and cc-app-02",
        "l2",
        ("slowapp", "-5d"),
        "This month's Ubuntu security updates on Contoso's application servers, including "
        "the new kernel; one server at a time behind load balancer cc-lb-01.",
        "Monthly patching agreed with Contoso.",
        "1. Take cc-app-01 out of the load balancer's pool.\n"
        "2. apt-get upgrade, reboot, check the application.\n"
        "3. Back into the pool; the same for cc-app-02.",
        "Boot the previous kernel from GRUB and downgrade the packages from the local mirror.",
        "The application's health page is green on both servers; response times as before.",
        impact=MEDIUM,
        likelihood=LOW,
        tested=True,
        backout_tested=True,
        cis=["cc-app-01", "cc-app-02"],
        window=(("slowapp", "-3h"), "1h30m"),
        implementer="l2",
        steps=[
            ("1h", "submit", "l2", {}),
            *through_cab(
                "1d",
                "1h",
                [
                    ("3h", "cab1", "approved", "Approved."),
                    ("1h", "cab2", "approved", "Approved."),
                ],
            ),
            ("1h", "schedule", CM, {}),
            (("start", "+5m"), "start", "l2", {}),
            (("end", "-20m"), "complete", "l2", {}),
            (("slowapp", "+40m"), "link", "l1", {"incidents": ["slowapp"]}),
            (("slowapp", "+2h"), "review", CM, {}),
        ],
    ),
    ChangeSpec(
        "http2",
        "Enable HTTP/2 on load balancer cc-lb-01",
        "l2",
        ("now", "-10d@11:00"),
        "Turn on HTTP/2 towards the clients on the HTTPS virtual servers of cc-lb-01.",
        "Faster page loads for Contoso's shop; asked for by their developers.",
        "1. Enable HTTP/2 on the client side of the HTTPS virtual servers.\n"
        "2. Watch the backends' health checks for 30 minutes.",
        "Disable HTTP/2 again (one command, no reconnects for HTTP/1.1 clients).",
        "h2 negotiated in curl --http2; backends healthy; error rate unchanged.",
        impact=MEDIUM,
        likelihood=MEDIUM,
        tested=True,
        backout_tested=True,
        cis=["Load balancer cc-lb-01"],
        window=(("now", "-6d@21:00"), "1h"),
        implementer="l2",
        steps=[
            ("30m", "submit", "l2", {}),
            *through_cab(
                "1d",
                "1h",
                [
                    ("2h", "cab1", "approved", "Approved."),
                    ("1h", "cab2", "approved", "Approved."),
                ],
            ),
            ("1h", "schedule", CM, {}),
            (("start", "+2m"), "start", "l2", {}),
            (
                ("start", "+35m"),
                "roll_back",
                "l2",
                {
                    "report": "HTTP/2 was on at 21:05. From 21:20 the health checks of "
                    "cc-app-02 flapped: its old Tomcat answers with a protocol error after "
                    "about 100 streams. Back-out plan carried out at 21:35: HTTP/2 off, both "
                    "backends healthy since 21:37. About 2 % of requests got a 502 for 15 "
                    "minutes; no customer reported it."
                },
            ),
        ],
    ),
    ChangeSpec(
        "lifecycle",
        "Versioning and a lifecycle rule for object storage bucket cc-assets",
        "l3",
        ("s3upload", "-4d"),
        "Turn on versioning for Contoso's bucket cc-assets and add a lifecycle rule that "
        "deletes old versions after 30 days and unfinished multipart uploads after 7 days.",
        "Contoso asked to be able to restore overwritten files.",
        "1. Enable versioning on the bucket.\n2. Put the lifecycle configuration.",
        "Suspend versioning and delete the lifecycle configuration.",
        "Overwrite a test object and read its previous version; the rule shows in "
        "get-bucket-lifecycle-configuration.",
        impact=MEDIUM,
        likelihood=LOW,
        cis=["Object storage bucket cc-assets"],
        window=(("s3upload", "-3h"), "1h"),
        implementer="l3",
        steps=[
            ("1h", "submit", "l3", {}),
            *through_cab(
                "1d",
                "1h",
                [
                    ("2h", "cab1", "approved", "Approved."),
                    ("1h", "cab2", "approved", "Approved, but test the back-out next time."),
                ],
            ),
            ("1h", "schedule", CM, {}),
            (("start", "+5m"), "start", "l3", {}),
            (
                ("end", "-10m"),
                "fail",
                "l3",
                {
                    "report": "Versioning is on, but two of the three gateway nodes rejected "
                    "the lifecycle rule ('MalformedXML'), so the bucket's configuration now "
                    "differs between the nodes. Versioning cannot be turned off once on, "
                    "only suspended. Left as it is; the storage vendor is looking into it "
                    "(case 01938472)."
                },
            ),
            (("s3upload", "+1h"), "link", "l3", {"incidents": ["s3upload"]}),
        ],
    ),
    # ----- finished ---------------------------------------------------------------------------
    ChangeSpec(
        "ratelimit",
        "Emergency: limit outbound mail per account on smtp-out",
        "l2",
        ("relaybl1", "+1h"),
        "Lock the compromised customer mailbox and limit every authenticated account on the "
        "relay to 300 mails an hour.",
        "The relay's address is on the Spamhaus blocklist after a phished customer mailbox "
        "sent 40,000 spam mails: every customer's outbound mail bounces ({relaybl1}). "
        "Delisting can only be asked for once the spam has stopped for good.",
        "1. Lock the compromised account.\n"
        "2. Enable the rate limit (300 an hour per login) on both relay nodes.\n"
        "3. Delete the spam from the queue (postsuper -d by sender).\n"
        "4. Ask Spamhaus for delisting.",
        "Disable the policy service in main.cf and reload Postfix (one minute).",
        "A test account is deferred after 300 mails in an hour; mail of three customers "
        "flows; the queue empties.",
        change_type=ChangeType.EMERGENCY,
        impact=HIGH,
        likelihood=LOW,
        backout_tested=True,
        cis=["SMTP relay smtp-out"],
        incidents=["relaybl1"],
        window=(("relaybl1", "+2h"), "1h"),
        implementer="l2",
        steps=[
            ("5m", "submit", "l2", {}),
            ("5m", "cab", CM, {}),
            ("10m", "approved", "cab1", {"comment": "Approved as an emergency: go ahead."}),
            ("5m", "schedule", CM, {}),
            (("start", "+2m"), "start", "l2", {}),
            (("start", "+45m"), "complete", "l2", {}),
            (("relaybl1", "+6h"), "link", "problem-manager", {"problems": ["relay"]}),
            (("relaybl3", "+2d"), "review", CM, {}),
            (
                "1h",
                "close",
                CM,
                {
                    "review": "The limit stopped the spam within minutes and Spamhaus delisted "
                    "the relay the next morning. Two customers' newsletter tools hit the "
                    "limit the first evening; they have their own higher limits now. "
                    "Learned: a per-account limit belonged on the relay from the start; the "
                    "permanent fix (outbound spam scoring, blocklist alerts) followed under "
                    "the problem.",
                    "outcome": Outcome.SUCCESSFUL_WITH_ISSUES,
                },
            ),
        ],
    ),
    ChangeSpec(
        "rotate",
        "Rotate the backup agent's service account on Northwind's servers",
        "l2",
        ("now", "-20d@09:00"),
        "New password for the backup agent's account svc-backup-nw on nw-db-01, nw-web-01 "
        "and nw-web-02 (90-day rotation).",
        "The 90-day rotation.",
        template=ROTATE,
        impact=LOW,
        likelihood=LOW,
        tested=True,
        backout_tested=True,
        cis=["nw-db-01", "nw-web-01", "nw-web-02"],
        window=(("now", "-20d@14:00"), "30m"),
        implementer="l2",
        steps=[
            ("10m", "submit", "l2", {}),
            ("20m", "schedule", CM, {}),
            (("start", "+3m"), "start", "l2", {}),
            (("start", "+25m"), "complete", "l2", {}),
            (("now", "-19d@09:00"), "review", CM, {}),
            (
                "5m",
                "close",
                CM,
                {
                    "review": "Rotated as planned; the next night's backups of all three "
                    "servers ran.",
                    "outcome": Outcome.SUCCESSFUL,
                },
            ),
        ],
    ),
    ChangeSpec(
        "snapshot",
        "Move the array's snapshot of BR-2 to Saturday 18:00",
        "l3",
        ("backupweekly3", "+2h"),
        "The storage array's weekly snapshot of the BR-2 volume moves from Sunday 01:30 to "
        "Saturday 18:00, when no backup job writes to the repository.",
        "The snapshot freezes the repository's volume for 35 minutes, longer than the weekly "
        "backup jobs wait for it ({backupweekly3}).",
        "1. Change the snapshot schedule of volume BR-2 in the array's management console.\n"
        "2. Check the next run in the schedule overview.",
        "Set the previous schedule again.",
        "The next weekend's weekly jobs all finish; the snapshot ran on Saturday.",
        impact=LOW,
        likelihood=LOW,
        backout_tested=True,
        cis=["Backup repository BR-2"],
        problems=["backup"],
        incidents=["backupweekly3"],
        window=(("backupweekly3", "+1d@16:00"), "30m"),
        implementer="l3",
        steps=[
            ("20m", "submit", "l3", {}),
            *through_cab(
                "1h",
                "15m",
                [
                    ("1h", "cab1", "approved", "Approved."),
                    ("40m", "cab2", "approved", "Approved."),
                ],
            ),
            ("30m", "schedule", CM, {}),
            (("start", "+5m"), "start", "l3", {}),
            (("start", "+20m"), "complete", "l3", {}),
            (("backupweekly3", "+7d@09:00"), "review", CM, {}),
            (
                "30m",
                "close",
                CM,
                {
                    "review": "The weekly jobs of the following weekend all finished; none "
                    "waited for the repository. The snapshot now runs on Saturday at 18:00.",
                    "outcome": Outcome.SUCCESSFUL,
                },
            ),
        ],
    ),
    ChangeSpec(
        "linecard",
        "Replace the line card of FRA-CR1's carrier uplink",
        "l3",
        ("uplinkloss", "+2h"),
        "Swap the line card holding uplink et-0/0/1 of core router FRA-CR1 for the spare "
        "from the store room.",
        "Packet loss on the uplink and the BGP session to the carrier going down "
        "({uplinkloss}, {bgpdown}); the line card is the suspect on our side.",
        "1. Shut down BGP to the carrier gracefully; traffic moves to the second carrier.\n"
        "2. Take the line card offline, swap it, bring it online.\n"
        "3. Bring the BGP session back up.",
        "Put the old line card back.",
        "No errors on et-0/0/1 for an hour; BGP established; no packet loss.",
        impact=HIGH,
        likelihood=MEDIUM,
        backout_tested=True,
        cis=["Core router FRA-CR1"],
        problems=["uplink"],
        incidents=["uplinkloss", "bgpdown"],
        window=(("uplinkloss", "+2d@02:00"), "2h"),
        implementer="l3",
        steps=[
            ("20m", "submit", "l3", {}),
            ("1h", "assess", CM, {}),
            (
                ("uplinkloss", "+6h"),
                "cancel",
                CM,
                {
                    "reason": "The fault was a failing line card in the carrier's PoP, "
                    "replaced under their ticket CX-88213. Ours is fine: nothing to change."
                },
            ),
        ],
    ),
]

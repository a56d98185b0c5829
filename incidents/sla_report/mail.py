"""Sending an SLA report: one message per contact, in the contact's language and the
organisation's time zone, with the figures in the text and the full report attached as
a self-contained HTML document (it opens in any browser, prints, saves as PDF). The
customer's copy never names the desk's internal major incidents."""

import re
from pathlib import Path

from django.contrib.staticfiles import finders
from django.core.files.base import ContentFile
from django.core.files.storage import default_storage
from django.template.loader import render_to_string
from django.utils import timezone, translation
from django.utils.formats import date_format
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from incidents.models import SlaReportSending
from incidents.sla_report.report import SlaReport
from servicedesk.models import Contact, Notification
from servicedesk.notification_events import register_event
from servicedesk.notifications import (
    contact_salutation,
    notification_queue,
    recipient_key,
    render_text,
)

EVENT_SLA_REPORT = "sla_report"
STYLESHEET = "css/sla_report.css"


def register_events() -> None:
    register_event(EVENT_SLA_REPORT, gettext_lazy("Monthly SLA report"))


def document(report: SlaReport, *, for_customer: bool, inline: bool = True) -> str:
    """The report as one HTML document (call in the language and time zone it is written
    in). `inline`: with its styles inside, to be read away from the desk (a mail
    attachment); else linking the stylesheet, as the desk's CSP wants."""
    styles = ""
    if inline:
        found = finders.find(STYLESHEET)
        styles = Path(str(found)).read_text(encoding="utf-8") if found else ""
    return render_to_string(
        "incidents/sla_report_document.html",
        {
            "report": report,
            "for_customer": for_customer,
            "inline_styles": styles,
            "stylesheet": STYLESHEET,
        },
    )


def queue_report(*, sending: SlaReportSending, report: SlaReport) -> list[Notification]:
    """Queue the report for each recipient of `sending` (none twice)."""
    attachments: dict[str, dict] = {}
    queued = []
    for contact in sending.recipients.select_related("organisation").order_by("name"):
        with translation.override(contact.language), timezone.override(report.time_zone):
            subject = _subject(report)
            body = render_text(
                "incidents/email/sla_report.txt",
                {"report": report, "salutation": contact_salutation(contact)},
            )
            if contact.language not in attachments:
                attachments[contact.language] = _store(sending, report)
            notification = notification_queue(
                recipient_email=contact.email,
                event=EVENT_SLA_REPORT,
                target=sending,
                subject=subject,
                body=body,
                dedupe_key=f"sla_report:{sending.pk}:{recipient_key(contact.email)}",
                thread_root=sending.number,
                contact=contact,
                attachments=[attachments[contact.language]],
            )
        if notification is not None:
            queued.append(notification)
    return queued


def _subject(report: SlaReport) -> str:
    return _("Service level report %(month)s – %(organisation)s (contract %(contract)s)") % {
        "month": date_format(report.month, "YEAR_MONTH_FORMAT"),
        "organisation": report.organisation.name,
        "contract": report.organisation.contract_number,
    }


def _store(sending: SlaReportSending, report: SlaReport) -> dict:
    language = translation.get_language()
    contract = re.sub(r"[^A-Za-z0-9_-]+", "-", sending.organisation.contract_number)
    name = f"sla-report-{contract}-{sending.month:%Y-%m}.html"
    path = default_storage.save(
        f"sla-reports/{sending.pk}/{language}/{name}",
        ContentFile(document(report, for_customer=True).encode("utf-8")),
    )
    return {"name": name, "path": path, "content_type": "text/html"}


def reachable(contacts: list[Contact]) -> list[Contact]:
    return [c for c in contacts if c.is_active and c.email]

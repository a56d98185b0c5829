"""The dashboard's filter: a period of whole days (local time) and a support group. The
same query string (?from=…&to=…&group=…) drives the page, its CSV export and the lists
of tickets behind its figures."""

from datetime import date, datetime, time, timedelta
from urllib.parse import urlencode

from django import forms
from django.db.models import QuerySet
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from servicedesk.dashboard import Period
from servicedesk.models import SupportGroup

DEFAULT_DAYS = 30
MAX_DAYS = 366
EARLIEST = date(2000, 1, 1)


def default_days(today: date) -> tuple[date, date]:
    """The last DEFAULT_DAYS days, today included."""
    return today - timedelta(days=DEFAULT_DAYS - 1), today


def period_of(first_day: date, last_day: date, group_id: int | None = None) -> Period:
    return Period(
        start=_midnight(first_day),
        end=_midnight(last_day + timedelta(days=1)),
        first_day=first_day,
        last_day=last_day,
        group_id=group_id,
    )


def _midnight(day: date) -> datetime:
    return timezone.make_aware(datetime.combine(day, time.min))


class PeriodForm(forms.Form):
    """?from=YYYY-MM-DD&to=YYYY-MM-DD&group=<id>; each may be left out (the last 30
    days, every group)."""

    date_from = forms.DateField(
        label=_("From"), required=False, widget=forms.DateInput(attrs={"type": "date"})
    )
    date_to = forms.DateField(
        label=_("To"), required=False, widget=forms.DateInput(attrs={"type": "date"})
    )
    group = forms.ModelChoiceField(
        label=_("Support group"),
        queryset=SupportGroup.objects.none(),
        required=False,
        empty_label=_("All groups"),
    )

    def __init__(self, data, *, groups: QuerySet[SupportGroup], today: date) -> None:
        # A day left out is the default's, and the form shows it.
        first, last = default_days(today)
        data = data.copy()
        if not data.get("from") and not data.get("to"):
            data["from"], data["to"] = first.isoformat(), last.isoformat()
        super().__init__(data)
        self.today = today
        self.fields["group"].queryset = groups  # type: ignore[attr-defined]
        self.fields["date_to"].widget.attrs["max"] = today.isoformat()

    def add_prefix(self, field_name: str) -> str:
        # The query string says from/to (a Python name cannot be "from").
        return {"date_from": "from", "date_to": "to"}.get(field_name, field_name)

    def clean(self) -> dict:
        data = super().clean() or {}
        first, last = default_days(self.today)
        chosen_first, chosen_last = data.get("date_from"), data.get("date_to")
        if chosen_last is not None and chosen_last > self.today:
            self.add_error("date_to", _("The period cannot end after today."))
        if chosen_first is not None and chosen_first < EARLIEST:
            self.add_error("date_from", _("Choose a day in 2000 or later."))
        if self.errors:
            return data
        last = chosen_last or (
            min(chosen_first + timedelta(days=DEFAULT_DAYS - 1), self.today)
            if chosen_first
            else last
        )
        first = chosen_first or max(last - timedelta(days=DEFAULT_DAYS - 1), EARLIEST)
        if first > last:
            self.add_error("date_from", _("The period must start on or before its last day."))
        elif (last - first).days + 1 > MAX_DAYS:
            self.add_error(
                "date_from",
                _("Choose at most %(days)d days.") % {"days": MAX_DAYS},
            )
        data["first"], data["last"] = first, last
        return data

    def period(self) -> Period:
        """The period chosen; the default one while the form has errors."""
        if self.is_valid():
            data = self.cleaned_data
            group = data.get("group")
            return period_of(data["first"], data["last"], group.pk if group else None)
        return period_of(*default_days(self.today))


def query_string(period: Period, **extra: object) -> str:
    """The query string that names `period` (and `extra` parameters, unless empty)."""
    params: dict[str, object] = {
        "from": period.first_day.isoformat(),
        "to": period.last_day.isoformat(),
    }
    if period.group_id is not None:
        params["group"] = period.group_id
    params.update({key: value for key, value in extra.items() if value not in (None, "")})
    return urlencode(params)

"""SLA policies and the business calendars their targets are measured on.

A policy belongs to one contract (organisation). Its targets are in *business* minutes on
the policy's calendar; the arithmetic is in servicedesk.business_time, the tickets' clocks
in incidents/.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime, time, timedelta
from decimal import Decimal
from functools import cached_property
from zoneinfo import ZoneInfo

import holidays
from django.core.exceptions import ValidationError
from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models
from django.utils.translation import gettext_lazy as _
from simple_history.models import HistoricalRecords

from servicedesk import business_time
from servicedesk.durations import format_minutes
from servicedesk.models.customers import validate_time_zone
from servicedesk.models.priority import Priority
from servicedesk.models.tickets import TicketStatus


def default_pause_statuses() -> list[str]:
    return [TicketStatus.INFORMATION_NEEDED.value]


class Weekday(models.IntegerChoices):
    MONDAY = 0, _("Monday")
    TUESDAY = 1, _("Tuesday")
    WEDNESDAY = 2, _("Wednesday")
    THURSDAY = 3, _("Thursday")
    FRIDAY = 4, _("Friday")
    SATURDAY = 5, _("Saturday")
    SUNDAY = 6, _("Sunday")


class BusinessCalendar(models.Model):
    """Support hours: weekly windows in a time zone, minus public holidays of a country
    (from the `holidays` package) and extra closed dates; or simply 24×7."""

    name = models.CharField(_("name"), max_length=100, unique=True)
    time_zone = models.CharField(
        _("time zone"), max_length=64, default="Europe/Berlin", validators=[validate_time_zone]
    )
    holiday_country = models.CharField(
        _("public holidays of"),
        max_length=8,
        blank=True,
        help_text=_('ISO country code, e.g. "DE" or "GB". Leave empty for no public holidays.'),
    )
    holiday_subdivision = models.CharField(
        _("region"),
        max_length=16,
        blank=True,
        help_text=_('The state or region whose holidays also apply, e.g. "BE" for Berlin.'),
    )
    is_24x7 = models.BooleanField(
        _("24×7"),
        default=False,
        help_text=_(
            "Every minute counts, holidays included: the working hours and holidays below "
            "are ignored."
        ),
    )
    history = HistoricalRecords()

    class Meta:
        ordering = ["name"]
        verbose_name = _("business calendar")
        verbose_name_plural = _("business calendars")

    def __str__(self) -> str:
        return self.name

    def clean(self) -> None:
        super().clean()
        self.holiday_country = self.holiday_country.strip().upper()
        self.holiday_subdivision = self.holiday_subdivision.strip()
        if not self.holiday_country:
            if self.holiday_subdivision:
                raise ValidationError(
                    {
                        "holiday_subdivision": ValidationError(
                            _("A region needs a country."), code="no_country"
                        )
                    }
                )
            return
        supported = holidays.list_supported_countries()
        if self.holiday_country not in supported:
            raise ValidationError(
                {
                    "holiday_country": ValidationError(
                        _("%(code)s is not a country code the holidays library knows."),
                        code="unknown_country",
                        params={"code": self.holiday_country},
                    )
                }
            )
        if self.holiday_subdivision:
            regions = {code.upper(): code for code in supported[self.holiday_country]}
            region = regions.get(self.holiday_subdivision.upper())
            if region is None:
                raise ValidationError(
                    {
                        "holiday_subdivision": ValidationError(
                            _("%(region)s is not a region of %(country)s. Known: %(known)s."),
                            code="unknown_region",
                            params={
                                "region": self.holiday_subdivision,
                                "country": self.holiday_country,
                                "known": ", ".join(supported[self.holiday_country]),
                            },
                        )
                    }
                )
            self.holiday_subdivision = region

    # ----- arithmetic ----------------------------------------------------------------------

    @cached_property
    def schedule(self) -> business_time.Schedule:
        """The calendar as a business_time.Schedule, built once per instance from its
        working hours and extra holidays (prefetch them to save the two queries).
        refresh_from_db() forgets it."""
        tz = ZoneInfo(self.time_zone)
        if self.is_24x7:
            return business_time.Schedule(tz=tz, always_open=True)
        if self.pk is None:
            raise ValueError("Save the calendar and give it working hours first.")
        weekly: dict[int, list[tuple[time, time]]] = {}
        for row in self.working_hours.all():
            weekly.setdefault(row.weekday, []).append((row.start, row.end))
        if not weekly:
            raise ValueError(f"The business calendar {self.name!r} has no working hours.")
        extra = frozenset(row.date for row in self.extra_holidays.all())
        public = self.public_holidays()
        if public is None:
            return business_time.Schedule(tz=tz, weekly=weekly, closed_dates=extra)
        return business_time.Schedule(
            tz=tz, weekly=weekly, closed_dates=lambda day: day in extra or day in public
        )

    def public_holidays(self) -> holidays.HolidayBase | None:
        """The country's (and region's) public holidays; years are filled in lazily, as
        dates are looked up."""
        if not self.holiday_country:
            return None
        return holidays.country_holidays(
            self.holiday_country, subdiv=self.holiday_subdivision or None
        )

    def refresh_from_db(self, *args, **kwargs) -> None:
        self.__dict__.pop("schedule", None)
        super().refresh_from_db(*args, **kwargs)

    def add_business_time(self, start: datetime, duration: timedelta) -> datetime:
        """The instant (aware, UTC) at which `duration` of business time has elapsed after
        `start` (aware, any zone)."""
        return business_time.add_business_time(self.schedule, start, duration)

    def business_time_between(self, start: datetime, end: datetime) -> timedelta:
        """Business time in [start, end); zero if end <= start."""
        return business_time.business_time_between(self.schedule, start, end)

    def is_business_time(self, moment: datetime) -> bool:
        return business_time.is_business_time(self.schedule, moment)


class WorkingHours(models.Model):
    """One window of support hours on a weekday. Several rows per weekday make split
    shifts. An end of 00:00 means midnight at the end of the day (24:00); a window never
    crosses midnight, so a night shift is 22:00-00:00 plus 00:00-06:00 the next day."""

    calendar = models.ForeignKey(
        BusinessCalendar,
        on_delete=models.CASCADE,
        related_name="working_hours",
        verbose_name=_("calendar"),
    )
    weekday = models.PositiveSmallIntegerField(_("weekday"), choices=Weekday.choices)
    start = models.TimeField(_("from"))
    end = models.TimeField(_("until"), help_text=_("00:00 means midnight at the end of the day."))
    history = HistoricalRecords()

    class Meta:
        ordering = ["weekday", "start"]
        verbose_name = _("working hours")
        verbose_name_plural = _("working hours")
        constraints = [
            models.CheckConstraint(
                condition=models.Q(end__gt=models.F("start")) | models.Q(end=time(0, 0)),
                name="working_hours_end_after_start",
            )
        ]

    def __str__(self) -> str:
        end = "24:00" if self.end == time(0, 0) else f"{self.end:%H:%M}"
        return f"{self.get_weekday_display()} {self.start:%H:%M}-{end}"

    def clean(self) -> None:
        super().clean()
        if self.start is not None and self.end is not None and not self.ends_after_start():
            raise ValidationError(
                {
                    "end": ValidationError(
                        _(
                            "The end must be after the start (00:00 means midnight at the "
                            "end of the day)."
                        ),
                        code="end_before_start",
                    )
                }
            )

    def ends_after_start(self) -> bool:
        return self.end == time(0, 0) or self.end > self.start


class CalendarHoliday(models.Model):
    """A closed date beyond the country's public holidays (company holiday, 24 December…)."""

    calendar = models.ForeignKey(
        BusinessCalendar,
        on_delete=models.CASCADE,
        related_name="extra_holidays",
        verbose_name=_("calendar"),
    )
    date = models.DateField(_("date"))
    name = models.CharField(_("name"), max_length=200, blank=True)
    history = HistoricalRecords()

    class Meta:
        ordering = ["date"]
        verbose_name = _("extra holiday")
        verbose_name_plural = _("extra holidays")
        constraints = [
            models.UniqueConstraint(fields=["calendar", "date"], name="calendar_holiday_once")
        ]

    def __str__(self) -> str:
        return f"{self.date:%Y-%m-%d} {self.name}".strip()


@dataclass(frozen=True)
class ServiceCredit:
    """What a month's misses earn the customer under SlaPolicy.service_credit."""

    #: Started hours of downtime beyond the allowance, added over the covered services.
    downtime_hours: int
    #: Tickets resolved late.
    late: int
    earned_percent: Decimal
    #: earned_percent, capped.
    percent: Decimal
    capped: bool
    #: In `currency`; None when the contract names no monthly fee.
    amount: Decimal | None
    currency: str


class SlaPolicyQuerySet(models.QuerySet["SlaPolicy"]):
    def active(self) -> SlaPolicyQuerySet:
        return self.filter(is_active=True)

    def with_targets(self) -> SlaPolicyQuerySet:
        """Everything targets_for and the calendar's arithmetic read, in four queries."""
        return self.select_related("calendar").prefetch_related(
            "targets", "calendar__working_hours", "calendar__extra_holidays"
        )


class SlaPolicy(models.Model):
    """The SLA of one contract: support hours, targets, pausing, warning, compensation."""

    name = models.CharField(_("name"), max_length=200)
    organisation = models.OneToOneField(
        "servicedesk.Organisation",
        on_delete=models.CASCADE,
        related_name="sla_policy",
        verbose_name=_("organisation"),
    )
    calendar = models.ForeignKey(
        BusinessCalendar,
        on_delete=models.PROTECT,
        related_name="policies",
        verbose_name=_("business calendar"),
        help_text=_("The support hours the targets are measured in."),
    )
    pause_statuses = models.JSONField(
        _("statuses that pause the clock"),
        default=default_pause_statuses,
        blank=True,
        help_text=_("While a ticket is in one of these statuses its SLA clock stands still."),
    )
    warning_threshold_percent = models.PositiveSmallIntegerField(
        _("warning threshold (%)"),
        default=75,
        validators=[MinValueValidator(1), MaxValueValidator(99)],
        help_text=_("Warn when this share of a target's time has been used."),
    )
    availability_target_percent = models.DecimalField(
        _("availability target (%)"),
        max_digits=6,
        decimal_places=3,
        default=Decimal("99.900"),
        validators=[MinValueValidator(Decimal("0")), MaxValueValidator(Decimal("100"))],
    )
    compensation_rule = models.TextField(
        _("compensation rule"),
        blank=True,
        help_text=_(
            "What the customer gets when a target is missed, e.g. 5 percent of the monthly "
            "fee per started hour of breach, at most 50 percent."
        ),
    )
    services = models.ManyToManyField(
        "servicedesk.Service",
        blank=True,
        related_name="sla_policies",
        verbose_name=_("services covered"),
        help_text=_(
            "The services whose availability the monthly report measures against the "
            "availability target."
        ),
    )
    monthly_fee = models.DecimalField(
        _("monthly fee"),
        max_digits=12,
        decimal_places=2,
        null=True,
        blank=True,
        validators=[MinValueValidator(Decimal("0"))],
        help_text=_("Service credits are a share of it. Leave empty to report them in percent."),
    )
    currency = models.CharField(_("currency"), max_length=3, default="EUR")
    credit_per_downtime_hour_percent = models.DecimalField(
        _("credit per hour of excess downtime (%)"),
        max_digits=5,
        decimal_places=2,
        default=Decimal("0"),
        validators=[MinValueValidator(Decimal("0")), MaxValueValidator(Decimal("100"))],
        help_text=_(
            "Share of the monthly fee credited per started hour a covered service was down "
            "in support hours beyond what the availability target allows."
        ),
    )
    credit_per_resolution_breach_percent = models.DecimalField(
        _("credit per resolution breach (%)"),
        max_digits=5,
        decimal_places=2,
        default=Decimal("0"),
        validators=[MinValueValidator(Decimal("0")), MaxValueValidator(Decimal("100"))],
        help_text=_("Share of the monthly fee credited per ticket resolved late in the month."),
    )
    credit_cap_percent = models.DecimalField(
        _("credit cap (%)"),
        max_digits=5,
        decimal_places=2,
        default=Decimal("100"),
        validators=[MinValueValidator(Decimal("0")), MaxValueValidator(Decimal("100"))],
        help_text=_("The most a month's credits may add up to, as a share of the monthly fee."),
    )
    is_active = models.BooleanField(_("active"), default=True)
    history = HistoricalRecords(m2m_fields=[services])

    objects = SlaPolicyQuerySet.as_manager()

    class Meta:
        ordering = ["name"]
        verbose_name = _("SLA policy")
        verbose_name_plural = _("SLA policies")

    def __str__(self) -> str:
        return self.name

    def clean(self) -> None:
        super().clean()
        statuses = self.pause_statuses
        if not isinstance(statuses, list) or not all(isinstance(s, str) for s in statuses):
            raise ValidationError(
                {
                    "pause_statuses": ValidationError(
                        _("Give a list of ticket statuses."), code="not_a_list"
                    )
                }
            )
        unknown = [status for status in statuses if status not in TicketStatus.values]
        if unknown:
            raise ValidationError(
                {
                    "pause_statuses": ValidationError(
                        _("Not a ticket status: %(unknown)s."),
                        code="unknown_status",
                        params={"unknown": ", ".join(unknown)},
                    )
                }
            )
        if len(set(statuses)) != len(statuses):
            raise ValidationError(
                {
                    "pause_statuses": ValidationError(
                        _("Each status may be listed once."), code="duplicate"
                    )
                }
            )
        # Stored in the lifecycle's order, whatever order they were given in.
        self.pause_statuses = [status for status in TicketStatus.values if status in statuses]

    @classmethod
    def for_organisation(cls, organisation) -> SlaPolicy | None:
        """The organisation's active policy with its targets and calendar loaded, or None
        (no SLA, or an inactive one)."""
        return cls.objects.active().with_targets().filter(organisation=organisation).first()

    def allowed_downtime(self, support_time: timedelta) -> timedelta:
        """The downtime the availability target allows in `support_time`."""
        share = (Decimal("100") - self.availability_target_percent) / Decimal("100")
        return timedelta(seconds=float(share * Decimal(support_time.total_seconds())))

    def service_credit(self, *, excess_downtime: list[timedelta], late: int) -> ServiceCredit:
        """The credit the contract's rule gives for a month: per started hour each covered
        service was down beyond its allowance, plus per ticket resolved late, capped."""
        hours = sum(-(-excess // timedelta(hours=1)) for excess in excess_downtime if excess)
        earned = (
            hours * self.credit_per_downtime_hour_percent
            + late * self.credit_per_resolution_breach_percent
        )
        percent = min(earned, self.credit_cap_percent)
        amount = None
        if self.monthly_fee is not None:
            amount = (self.monthly_fee * percent / Decimal("100")).quantize(Decimal("0.01"))
        return ServiceCredit(
            downtime_hours=hours,
            late=late,
            earned_percent=earned,
            percent=percent,
            capped=earned > percent,
            amount=amount,
            currency=self.currency,
        )

    def targets_for(self, priority: int) -> tuple[timedelta | None, timedelta | None]:
        """(reaction, resolution) for a priority in business time; (None, None) when the
        policy has no target for it."""
        for target in self.targets.all():
            if target.priority == priority:
                return target.reaction, target.resolution
        return None, None

    def fulfilment_target_for(self, service) -> timedelta | None:
        """The fulfilment time for requests about `service` (a Service or None) in
        business time; None when there is none."""
        if service is None:
            return None
        service_id = getattr(service, "pk", service)
        if "fulfilment_targets" in getattr(self, "_prefetched_objects_cache", {}):
            targets = [t for t in self.fulfilment_targets.all() if t.service_id == service_id]
        else:
            targets = list(self.fulfilment_targets.filter(service_id=service_id))
        return targets[0].fulfilment if targets else None


class SlaTarget(models.Model):
    """Reaction (first response) and resolution time for one priority, in business
    minutes on the policy's calendar."""

    policy = models.ForeignKey(
        SlaPolicy, on_delete=models.CASCADE, related_name="targets", verbose_name=_("policy")
    )
    priority = models.PositiveSmallIntegerField(_("priority"), choices=Priority.choices)
    reaction_minutes = models.PositiveIntegerField(
        _("reaction (business minutes)"), validators=[MinValueValidator(1)]
    )
    resolution_minutes = models.PositiveIntegerField(
        _("resolution (business minutes)"), validators=[MinValueValidator(1)]
    )
    history = HistoricalRecords()

    class Meta:
        ordering = ["priority"]
        verbose_name = _("SLA target")
        verbose_name_plural = _("SLA targets")
        constraints = [
            models.UniqueConstraint(fields=["policy", "priority"], name="sla_target_per_priority")
        ]

    def __str__(self) -> str:
        return (
            f"{self.get_priority_display()}: {format_minutes(self.reaction_minutes)} / "
            f"{format_minutes(self.resolution_minutes)}"
        )

    def clean(self) -> None:
        super().clean()
        if (
            self.reaction_minutes is not None
            and self.resolution_minutes is not None
            and self.reaction_minutes > self.resolution_minutes
        ):
            raise ValidationError(
                {
                    "reaction_minutes": ValidationError(
                        _("The reaction time cannot exceed the resolution time."),
                        code="reaction_after_resolution",
                    )
                }
            )

    @property
    def reaction(self) -> timedelta:
        return timedelta(minutes=self.reaction_minutes)

    @property
    def resolution(self) -> timedelta:
        return timedelta(minutes=self.resolution_minutes)


class FulfilmentTarget(models.Model):
    """How long fulfilling a service request about one service may take, in business
    minutes on the policy's calendar."""

    policy = models.ForeignKey(
        SlaPolicy,
        on_delete=models.CASCADE,
        related_name="fulfilment_targets",
        verbose_name=_("policy"),
    )
    service = models.ForeignKey(
        "servicedesk.Service",
        on_delete=models.PROTECT,
        related_name="fulfilment_targets",
        verbose_name=_("service"),
    )
    fulfilment_minutes = models.PositiveIntegerField(
        _("fulfilment (business minutes)"), validators=[MinValueValidator(1)]
    )
    history = HistoricalRecords()

    class Meta:
        ordering = ["id"]
        verbose_name = _("fulfilment target")
        verbose_name_plural = _("fulfilment targets")
        constraints = [
            models.UniqueConstraint(
                fields=["policy", "service"], name="fulfilment_target_per_service"
            )
        ]

    def __str__(self) -> str:
        return f"{self.service}: {format_minutes(self.fulfilment_minutes)}"

    @property
    def fulfilment(self) -> timedelta:
        return timedelta(minutes=self.fulfilment_minutes)

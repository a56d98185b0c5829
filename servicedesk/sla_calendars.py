"""The SLA policies' business calendars as the ticket lists use them, kept by each web
process between requests.

Every queue page needs the calendars of its rows' policies to say how much business time
is left (three queries: policies, working hours, holidays), and each calendar's schedule
learns its days as it is asked (business_time.Schedule's day cache). Calendars change a
few times a year; a page is drawn thousands of times a day. So each process keeps the
calendars it has read, and a generation token in the shared cache says when they are out
of date: any saved or deleted calendar, working hours, holiday or policy draws a new
token (signals below), and a process that sees a token other than its own reads again.
A cache that lost the token (restarted Redis) draws a new one, so it reads again too.
"""

from collections.abc import Iterable
from uuid import uuid4

from django.core.cache import cache
from django.db import transaction
from django.db.models.signals import post_delete, post_save

from servicedesk.models import BusinessCalendar, CalendarHoliday, SlaPolicy, WorkingHours

GENERATION_KEY = "sla-calendars:generation"


class _Kept:
    generation: str | None = None
    #: policy id -> its calendar (policies of one calendar share the instance)
    calendars: dict[int, BusinessCalendar] = {}
    by_calendar: dict[int, BusinessCalendar] = {}


def calendars_of(policy_ids: Iterable[int]) -> dict[int, BusinessCalendar]:
    """The calendar of each of these policies (those that exist): read once per process
    and calendar generation."""
    wanted = set(policy_ids)
    if not wanted:
        return {}
    generation = cache.get_or_set(GENERATION_KEY, _new_token, timeout=None)
    if generation != _Kept.generation:
        _Kept.generation, _Kept.calendars, _Kept.by_calendar = generation, {}, {}
    missing = wanted - _Kept.calendars.keys()
    if missing:
        policies = (
            SlaPolicy.objects.filter(pk__in=missing)
            .select_related("calendar")
            .prefetch_related("calendar__working_hours", "calendar__extra_holidays")
        )
        for policy in policies:
            calendar = _Kept.by_calendar.setdefault(policy.calendar_id, policy.calendar)
            _Kept.calendars[policy.pk] = calendar
    return {pk: _Kept.calendars[pk] for pk in wanted if pk in _Kept.calendars}


def _new_token() -> str:
    return uuid4().hex


def calendars_changed(**kwargs: object) -> None:
    """Every process reads its calendars again on its next list: at once, and again once
    the change is committed (a process that read the old rows in between would keep
    them under the first new token)."""
    _draw_token()
    transaction.on_commit(_draw_token)


def _draw_token() -> None:
    cache.set(GENERATION_KEY, _new_token(), timeout=None)


def connect() -> None:
    for model in (BusinessCalendar, WorkingHours, CalendarHoliday, SlaPolicy):
        uid = f"servicedesk.sla_calendars.{model.__name__}"
        post_save.connect(calendars_changed, sender=model, dispatch_uid=uid)
        post_delete.connect(calendars_changed, sender=model, dispatch_uid=uid)

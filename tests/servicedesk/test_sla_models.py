"""SLA policies and business calendars: the models' API that the ticket clock uses, their
validation, and their pages in the Django admin."""

from datetime import UTC, date, datetime, time, timedelta
from decimal import Decimal
from io import StringIO

import pytest
from django.core.exceptions import ValidationError
from django.core.management import call_command
from django.db import IntegrityError, transaction
from django.db.models import ProtectedError
from django.urls import reverse

from servicedesk.models import (
    BusinessCalendar,
    Organisation,
    Priority,
    Service,
    SlaPolicy,
    SlaTarget,
    TicketStatus,
    WorkingHours,
)
from tests.factories import (
    BusinessCalendarFactory,
    CalendarHolidayFactory,
    FulfilmentTargetFactory,
    OrganisationFactory,
    ServiceFactory,
    SlaPolicyFactory,
    SlaTargetFactory,
    UserFactory,
    WorkingHoursFactory,
)

#: What the admin's SLA policy form shows prefilled for the monthly report's terms.
CONTRACT_TERMS = {
    "currency": "EUR",
    "credit_per_downtime_hour_percent": "0",
    "credit_per_resolution_breach_percent": "0",
    "credit_cap_percent": "100",
}
pytestmark = pytest.mark.django_db


def at(text: str) -> datetime:
    return datetime.fromisoformat(text)


class TestBusinessCalendar:
    def test_office_hours_skip_the_weekend(self):
        calendar = BusinessCalendarFactory()  # Mon-Fri 09:00-18:00 Europe/Berlin

        due = calendar.add_business_time(at("2026-11-13 17:00+01:00"), timedelta(hours=2))

        assert due == at("2026-11-16 10:00+01:00")
        assert due.utcoffset() == timedelta(0)
        assert calendar.business_time_between(at("2026-11-13 17:00+01:00"), due) == timedelta(
            hours=2
        )

    def test_the_public_holidays_of_the_country_and_region_are_closed(self):
        calendar = BusinessCalendarFactory(holiday_country="DE", holiday_subdivision="BE")

        # Friday 25 December 2026 is Christmas Day.
        due = calendar.add_business_time(at("2026-12-24 17:00+01:00"), timedelta(hours=2))

        assert due == at("2026-12-28 10:00+01:00")
        assert not calendar.is_business_time(at("2026-12-25 12:00+01:00"))

    def test_extra_holidays_are_closed(self):
        calendar = BusinessCalendarFactory()
        CalendarHolidayFactory(calendar=calendar, date=date(2026, 11, 16), name="Team day")

        due = calendar.add_business_time(at("2026-11-13 17:00+01:00"), timedelta(hours=2))

        assert due == at("2026-11-17 10:00+01:00")

    def test_a_24x7_calendar_counts_real_time_across_the_dst_change(self):
        calendar = BusinessCalendarFactory(is_24x7=True, holiday_country="GB")

        due = calendar.add_business_time(at("2026-03-28 12:00+01:00"), timedelta(hours=24))

        assert due == at("2026-03-29 13:00+02:00")
        assert calendar.is_business_time(at("2026-12-25 03:00+00:00"))

    def test_split_shifts_and_a_window_to_midnight(self):
        calendar = BusinessCalendarFactory(
            hours=[
                (0, time(8), time(12)),
                (0, time(13), time(17)),
                (0, time(20), time(0)),
            ]
        )

        assert calendar.business_time_between(
            at("2026-11-16 00:00+01:00"), at("2026-11-17 00:00+01:00")
        ) == timedelta(hours=12)
        assert calendar.add_business_time(at("2026-11-16 11:00+01:00"), timedelta(hours=9)) == at(
            "2026-11-17 00:00+01:00"
        )

    def test_the_schedule_is_built_once_and_forgotten_on_refresh(self, django_assert_num_queries):
        calendar = BusinessCalendarFactory()
        with django_assert_num_queries(2):  # working hours, extra holidays
            calendar.add_business_time(at("2026-11-16 09:00+01:00"), timedelta(hours=1))
        with django_assert_num_queries(0):
            calendar.add_business_time(at("2026-11-16 09:00+01:00"), timedelta(hours=1))
            calendar.business_time_between(at("2026-11-16 09:00Z"), at("2026-11-17 09:00Z"))

        WorkingHoursFactory(calendar=calendar, weekday=5, start=time(9), end=time(12))
        calendar.refresh_from_db()

        assert calendar.is_business_time(at("2026-11-14 10:00+01:00"))  # a Saturday

    def test_a_calendar_without_working_hours_cannot_compute(self):
        calendar = BusinessCalendarFactory(hours=[])

        with pytest.raises(ValueError, match="no working hours"):
            calendar.add_business_time(at("2026-11-16 09:00+01:00"), timedelta(hours=1))

    def test_country_and_region_codes_are_checked_and_normalised(self):
        calendar = BusinessCalendarFactory.build(
            name="Berlin", holiday_country="de ", holiday_subdivision="be"
        )

        calendar.full_clean()

        assert (calendar.holiday_country, calendar.holiday_subdivision) == ("DE", "BE")

    @pytest.mark.parametrize(
        ("country", "region", "field"),
        [
            ("XX", "", "holiday_country"),
            ("DE", "ZZ", "holiday_subdivision"),
            ("", "BE", "holiday_subdivision"),
        ],
    )
    def test_unknown_countries_and_regions_are_refused(self, country, region, field):
        calendar = BusinessCalendarFactory.build(
            name="Bad", holiday_country=country, holiday_subdivision=region
        )

        with pytest.raises(ValidationError) as error:
            calendar.full_clean()

        assert field in error.value.message_dict

    def test_the_time_zone_is_checked(self):
        calendar = BusinessCalendarFactory.build(name="Nowhere", time_zone="Mars/Olympus")

        with pytest.raises(ValidationError) as error:
            calendar.full_clean()

        assert "time_zone" in error.value.message_dict


class TestWorkingHours:
    @pytest.mark.parametrize(
        ("start", "end"),
        [(time(9), time(18)), (time(18), time(0)), (time(0), time(0)), (time(0), time(0, 1))],
    )
    def test_a_window_ends_after_it_starts_or_at_midnight(self, start, end):
        row = WorkingHours(calendar=BusinessCalendarFactory(), weekday=0, start=start, end=end)

        row.full_clean()

    @pytest.mark.parametrize(("start", "end"), [(time(18), time(9)), (time(9), time(9))])
    def test_a_window_that_ends_before_it_starts_is_refused(self, start, end):
        row = WorkingHours(calendar=BusinessCalendarFactory(), weekday=0, start=start, end=end)

        with pytest.raises(ValidationError) as error:
            row.full_clean()

        assert "end" in error.value.message_dict

    def test_the_database_refuses_it_too(self):
        calendar = BusinessCalendarFactory()

        with pytest.raises(IntegrityError), transaction.atomic():
            WorkingHours.objects.create(calendar=calendar, weekday=0, start=time(18), end=time(9))

    def test_a_readable_name_shows_midnight_as_24_00(self):
        row = WorkingHours(weekday=4, start=time(18), end=time(0))

        assert str(row) == "Friday 18:00-24:00"


class TestSlaPolicy:
    def test_defaults(self):
        policy = SlaPolicyFactory()

        assert policy.pause_statuses == ["information_needed"]
        assert policy.warning_threshold_percent == 75
        assert policy.availability_target_percent == Decimal("99.900")
        assert policy.is_active

    def test_targets_for_a_priority_are_business_timedeltas(self):
        policy = SlaPolicyFactory(targets={1: (15, 240), 3: (120, 1440)})

        assert policy.targets_for(Priority.CRITICAL) == (
            timedelta(minutes=15),
            timedelta(hours=4),
        )
        assert policy.targets_for(3) == (timedelta(hours=2), timedelta(hours=24))
        assert policy.targets_for(Priority.PLANNING) == (None, None)

    def test_fulfilment_target_for_a_service(self):
        policy = SlaPolicyFactory()
        target = FulfilmentTargetFactory(policy=policy, fulfilment_minutes=600)

        assert policy.fulfilment_target_for(target.service) == timedelta(hours=10)
        assert policy.fulfilment_target_for(target.service.pk) == timedelta(hours=10)
        assert policy.fulfilment_target_for(ServiceFactory()) is None
        assert policy.fulfilment_target_for(None) is None

    def test_fulfilment_targets_use_a_prefetch(self, django_assert_num_queries):
        target = FulfilmentTargetFactory()
        policy = SlaPolicy.objects.prefetch_related("fulfilment_targets").get(pk=target.policy_id)

        with django_assert_num_queries(0):
            assert policy.fulfilment_target_for(target.service) == target.fulfilment

    def test_for_organisation_returns_the_active_policy_ready_to_compute(
        self, django_assert_num_queries
    ):
        policy = SlaPolicyFactory()

        with django_assert_num_queries(4):  # policy + calendar, targets, hours, holidays
            found = SlaPolicy.for_organisation(policy.organisation)
            reaction, resolution = found.targets_for(Priority.HIGH)
            found.calendar.add_business_time(at("2026-11-16 09:00+01:00"), resolution)

        assert found == policy
        assert reaction == timedelta(minutes=30)

    def test_for_organisation_ignores_an_inactive_policy_and_its_absence(self):
        inactive = SlaPolicyFactory(is_active=False)

        assert SlaPolicy.for_organisation(inactive.organisation) is None
        assert SlaPolicy.for_organisation(OrganisationFactory()) is None

    def test_an_organisation_has_one_policy(self):
        policy = SlaPolicyFactory()

        with pytest.raises(IntegrityError), transaction.atomic():
            SlaPolicyFactory(organisation=policy.organisation)

    @pytest.mark.parametrize(
        "statuses",
        [["information_needed", "external_processing"], [], TicketStatus.values],
    )
    def test_pause_statuses_are_ticket_statuses(self, statuses):
        policy = SlaPolicyFactory.build(
            calendar=BusinessCalendarFactory(),
            organisation=OrganisationFactory(),
            pause_statuses=statuses,
        )

        policy.full_clean()

    def test_pause_statuses_are_kept_in_lifecycle_order(self):
        policy = SlaPolicyFactory.build(
            calendar=BusinessCalendarFactory(),
            organisation=OrganisationFactory(),
            pause_statuses=["external_processing", "information_needed"],
        )

        policy.full_clean()

        assert policy.pause_statuses == ["information_needed", "external_processing"]

    @pytest.mark.parametrize(
        "statuses",
        [
            ["waiting"],
            ["information_needed", "information_needed"],
            "information_needed",
            [3],
            {"information_needed": True},
        ],
    )
    def test_other_pause_statuses_are_refused(self, statuses):
        policy = SlaPolicyFactory.build(
            calendar=BusinessCalendarFactory(),
            organisation=OrganisationFactory(),
            pause_statuses=statuses,
        )

        with pytest.raises(ValidationError) as error:
            policy.full_clean()

        assert "pause_statuses" in error.value.message_dict

    def test_the_ticket_statuses_are_the_eight_of_the_lifecycle(self):
        assert tuple(TicketStatus.values) == (
            "registered",
            "assigned",
            "in_progress",
            "information_needed",
            "external_processing",
            "completed",
            "rejected_by_user",
            "closed",
        )

    @pytest.mark.parametrize(
        ("percent", "valid"), [(0, False), (1, True), (99, True), (100, False)]
    )
    def test_the_warning_threshold_is_between_1_and_99_percent(self, percent, valid):
        policy = SlaPolicyFactory.build(
            calendar=BusinessCalendarFactory(),
            organisation=OrganisationFactory(),
            warning_threshold_percent=percent,
        )

        if valid:
            policy.full_clean()
        else:
            with pytest.raises(ValidationError) as error:
                policy.full_clean()
            assert "warning_threshold_percent" in error.value.message_dict

    def test_a_calendar_in_use_cannot_be_deleted(self):
        policy = SlaPolicyFactory()

        with pytest.raises(ProtectedError):
            policy.calendar.delete()


class TestTargets:
    def test_one_target_per_priority(self):
        target = SlaTargetFactory(priority=2)

        with pytest.raises(IntegrityError), transaction.atomic():
            SlaTargetFactory(policy=target.policy, priority=2)

    def test_the_reaction_cannot_exceed_the_resolution(self):
        target = SlaTarget(
            policy=SlaPolicyFactory(targets={}),
            priority=1,
            reaction_minutes=300,
            resolution_minutes=240,
        )

        with pytest.raises(ValidationError) as error:
            target.full_clean()

        assert "reaction_minutes" in error.value.message_dict

    def test_zero_minutes_is_not_a_target(self):
        target = SlaTarget(
            policy=SlaPolicyFactory(targets={}),
            priority=1,
            reaction_minutes=0,
            resolution_minutes=0,
        )

        with pytest.raises(ValidationError):
            target.full_clean()

    def test_one_fulfilment_target_per_service(self):
        target = FulfilmentTargetFactory()

        with pytest.raises(IntegrityError), transaction.atomic():
            FulfilmentTargetFactory(policy=target.policy, service=target.service)


class TestDemoData:
    def test_seed_demo_gives_both_customers_an_sla(self, django_capture_on_commit_callbacks):
        with django_capture_on_commit_callbacks(execute=True):
            call_command("seed_demo", stdout=StringIO())

        northwind = SlaPolicy.for_organisation(Organisation.objects.get(contract_number="C-1001"))
        contoso = SlaPolicy.for_organisation(Organisation.objects.get(contract_number="C-2002"))
        licences = Service.objects.get(name="Licences")

        # Friday 17:00 + a P1's 4 h in Berlin office hours: 1 h Friday, 3 h Monday.
        assert northwind.calendar.add_business_time(
            at("2026-11-13 17:00+01:00"), northwind.targets_for(1)[1]
        ) == at("2026-11-16 11:00+01:00")
        # 25 December is a holiday in Berlin, but Contoso's clock runs 24x7.
        assert not northwind.calendar.is_business_time(at("2026-12-25 12:00+01:00"))
        assert contoso.calendar.is_business_time(at("2026-12-25 12:00+00:00"))
        assert contoso.targets_for(5) == (timedelta(days=2), timedelta(days=20))
        assert northwind.fulfilment_target_for(licences) == timedelta(hours=20)

        call_command("seed_demo", stdout=StringIO())

        assert SlaPolicy.objects.count() == 2
        assert BusinessCalendar.objects.count() == 2


# ----- admin ----------------------------------------------------------------------------------


@pytest.fixture
def admin_client(client):
    client.force_login(UserFactory(username="root", is_superuser=True, is_staff=True))
    return client


def inline_management(prefix: str, total: int) -> dict[str, str]:
    return {
        f"{prefix}-TOTAL_FORMS": str(total),
        f"{prefix}-INITIAL_FORMS": "0",
        f"{prefix}-MIN_NUM_FORMS": "0",
        f"{prefix}-MAX_NUM_FORMS": "1000",
    }


def calendar_post(**hours_rows) -> dict[str, str]:
    data = {
        "name": "Berlin office",
        "time_zone": "Europe/Berlin",
        "holiday_country": "DE",
        "holiday_subdivision": "BE",
        **inline_management("working_hours", len(hours_rows)),
        **inline_management("extra_holidays", 1),
        "extra_holidays-0-date": "2026-12-24",
        "extra_holidays-0-name": "Christmas Eve",
    }
    for index, (weekday, start, end) in enumerate(hours_rows.values()):
        data |= {
            f"working_hours-{index}-weekday": str(weekday),
            f"working_hours-{index}-start": start,
            f"working_hours-{index}-end": end,
        }
    return data


class TestAdmin:
    def test_changelists_and_history_pages(self, admin_client):
        policy = SlaPolicyFactory()
        for model, obj in [("businesscalendar", policy.calendar), ("slapolicy", policy)]:
            changelist = admin_client.get(reverse(f"admin:servicedesk_{model}_changelist"))
            assert changelist.status_code == 200
            assert str(obj) in changelist.text
            change = admin_client.get(reverse(f"admin:servicedesk_{model}_change", args=[obj.pk]))
            assert change.status_code == 200
            history = admin_client.get(reverse(f"admin:servicedesk_{model}_history", args=[obj.pk]))
            assert history.status_code == 200

    def test_adding_a_calendar_with_split_shifts_and_an_extra_holiday(self, admin_client):
        response = admin_client.post(
            reverse("admin:servicedesk_businesscalendar_add"),
            calendar_post(
                morning=(0, "08:00", "12:00"),
                afternoon=(0, "13:00", "17:00"),
                evening=(1, "18:00", "00:00"),
            ),
        )

        assert response.status_code == 302, response.context["errors"]
        calendar = BusinessCalendar.objects.get(name="Berlin office")
        assert [str(row) for row in calendar.working_hours.all()] == [
            "Monday 08:00-12:00",
            "Monday 13:00-17:00",
            "Tuesday 18:00-24:00",
        ]
        assert list(calendar.extra_holidays.values_list("date", flat=True)) == [date(2026, 12, 24)]
        assert calendar.history.get().history_user.username == "root"

    def test_overlapping_windows_are_refused_with_a_message(self, admin_client):
        response = admin_client.post(
            reverse("admin:servicedesk_businesscalendar_add"),
            calendar_post(first=(0, "08:00", "12:00"), second=(0, "11:00", "17:00")),
        )

        assert response.status_code == 200
        assert "Monday 08:00-12:00 overlaps Monday 11:00-17:00." in response.text
        assert not BusinessCalendar.objects.exists()

    def test_a_window_ending_before_it_starts_is_refused_with_a_message(self, admin_client):
        response = admin_client.post(
            reverse("admin:servicedesk_businesscalendar_add"),
            calendar_post(first=(0, "18:00", "09:00")),
        )

        assert response.status_code == 200
        assert "The end must be after the start" in response.text
        assert not BusinessCalendar.objects.exists()

    def test_adding_a_policy_with_pause_statuses_as_checkboxes_and_targets(self, admin_client):
        calendar = BusinessCalendarFactory()
        organisation = OrganisationFactory()
        service = ServiceFactory()
        add = reverse("admin:servicedesk_slapolicy_add")

        form = admin_client.get(add)
        assert form.status_code == 200
        assert 'type="checkbox" name="pause_statuses" value="information_needed"' in form.text

        response = admin_client.post(
            add,
            {
                "name": "Gold",
                "organisation": organisation.pk,
                "calendar": calendar.pk,
                "pause_statuses": ["information_needed", "external_processing"],
                "warning_threshold_percent": "80",
                "availability_target_percent": "99.950",
                **CONTRACT_TERMS,
                "compensation_rule": "5 % of the monthly fee per started hour, max 50 %",
                "is_active": "on",
                **inline_management("targets", 2),
                "targets-0-priority": "1",
                "targets-0-reaction_minutes": "15m",
                "targets-0-resolution_minutes": "4h",
                "targets-1-priority": "2",
                "targets-1-reaction_minutes": "0:30",
                "targets-1-resolution_minutes": "8 h",
                **inline_management("fulfilment_targets", 1),
                "fulfilment_targets-0-service": str(service.pk),
                "fulfilment_targets-0-fulfilment_minutes": "45h",
            },
        )

        assert response.status_code == 302, response.context["errors"]
        policy = SlaPolicy.for_organisation(organisation)
        assert policy.pause_statuses == ["information_needed", "external_processing"]
        assert policy.warning_threshold_percent == 80
        assert policy.targets_for(1) == (timedelta(minutes=15), timedelta(hours=4))
        assert policy.fulfilment_target_for(service) == timedelta(minutes=2700)
        assert policy.history.get().history_user.username == "root"

        change = admin_client.get(reverse("admin:servicedesk_slapolicy_change", args=[policy.pk]))
        assert change.text.count("checked") >= 3  # two statuses + active

    def test_targets_are_typed_and_shown_in_hours_and_minutes(self, admin_client):
        policy = SlaPolicyFactory(targets={})
        service = ServiceFactory()
        url = reverse("admin:servicedesk_slapolicy_change", args=[policy.pk])
        data = {
            "name": policy.name,
            "organisation": policy.organisation_id,
            "calendar": policy.calendar_id,
            "pause_statuses": ["information_needed"],
            "warning_threshold_percent": "75",
            "availability_target_percent": "99.9",
            **CONTRACT_TERMS,
            "is_active": "on",
            **inline_management("targets", 1),
            "targets-0-priority": "2",
            "targets-0-reaction_minutes": "1h 30m",
            "targets-0-resolution_minutes": "2:30",
            **inline_management("fulfilment_targets", 1),
            "fulfilment_targets-0-service": str(service.pk),
            "fulfilment_targets-0-fulfilment_minutes": "90m",
        }
        response = admin_client.post(url, data)
        assert response.status_code == 302, response.context["errors"]
        target = policy.targets.get()
        assert (target.reaction_minutes, target.resolution_minutes) == (90, 150)
        assert policy.fulfilment_targets.get().fulfilment_minutes == 90
        assert str(target) == "P2 High: 1 h 30 min / 2 h 30 min"

        change = admin_client.get(url)
        assert 'value="1h 30m"' in change.text
        assert 'value="2h 30m"' in change.text

    def test_a_target_that_is_not_a_time_is_refused_next_to_the_field(self, admin_client):
        organisation = OrganisationFactory()
        response = admin_client.post(
            reverse("admin:servicedesk_slapolicy_add"),
            {
                "name": "Bad",
                "organisation": organisation.pk,
                "calendar": BusinessCalendarFactory().pk,
                "warning_threshold_percent": "75",
                "availability_target_percent": "99.9",
                **CONTRACT_TERMS,
                **inline_management("targets", 2),
                "targets-0-priority": "1",
                "targets-0-reaction_minutes": "soon",
                "targets-0-resolution_minutes": "4h",
                "targets-1-priority": "2",
                "targets-1-reaction_minutes": "5h",
                "targets-1-resolution_minutes": "4h",
                **inline_management("fulfilment_targets", 0),
            },
        )
        assert response.status_code == 200
        forms = response.context["inline_admin_formsets"][0].formset.forms
        assert forms[0].errors["reaction_minutes"] == ["Enter a time such as 4h 30m."]
        assert forms[1].errors["reaction_minutes"] == [
            "The reaction time cannot exceed the resolution time."
        ]
        assert 'value="soon"' in response.text  # what was typed stays in the field
        assert not SlaPolicy.objects.filter(organisation=organisation).exists()

    def test_a_policy_with_a_threshold_of_100_is_refused(self, admin_client):
        response = admin_client.post(
            reverse("admin:servicedesk_slapolicy_add"),
            {
                "name": "Bad",
                "organisation": OrganisationFactory().pk,
                "calendar": BusinessCalendarFactory().pk,
                "warning_threshold_percent": "100",
                "availability_target_percent": "99.9",
                **CONTRACT_TERMS,
                **inline_management("targets", 0),
                **inline_management("fulfilment_targets", 0),
            },
        )

        assert response.status_code == 200
        assert "warning_threshold_percent" in response.context["adminform"].form.errors
        assert not SlaPolicy.objects.exists()


class TestTermsChangedInTheAdmin:
    """Defect 4: saving a calendar or a policy in the admin recomputes the due times of
    the open tickets it governs, in the background, after the save commits."""

    FRIDAY_16 = datetime(2026, 11, 6, 16, 0, tzinfo=UTC)

    @pytest.fixture
    def ticket(self, monkeypatch):
        from django.utils import timezone

        from incidents import services
        from incidents.models import Channel
        from servicedesk import roles
        from tests.factories import ContactFactory

        monkeypatch.setattr(timezone, "now", lambda: self.FRIDAY_16)
        calendar = BusinessCalendarFactory(
            time_zone="UTC", hours=[(d, time(9), time(17)) for d in range(5)]
        )
        policy = SlaPolicyFactory(calendar=calendar, targets={3: (60, 120)})
        return services.incident_register(
            contact=ContactFactory(organisation=policy.organisation),
            actor=UserFactory(roles=[roles.L1_AGENT]),
            channel=Channel.PHONE,
            title="Down",
            urgency=3,
            impact=3,
        )

    def test_a_holiday_added_to_the_calendar_moves_the_due_time(
        self, admin_client, ticket, django_capture_on_commit_callbacks
    ):
        calendar = ticket.sla_policy.calendar
        assert ticket.resolution_due_at == at("2026-11-09T10:00:00+00:00")  # Monday
        hours = list(calendar.working_hours.all())
        data = {
            "name": calendar.name,
            "time_zone": "UTC",
            **inline_management("working_hours", len(hours)),
            "working_hours-INITIAL_FORMS": str(len(hours)),
            **inline_management("extra_holidays", 1),
            "extra_holidays-0-date": "2026-11-09",
            "extra_holidays-0-name": "Company day",
        }
        for index, row in enumerate(hours):
            data |= {
                f"working_hours-{index}-id": str(row.pk),
                f"working_hours-{index}-calendar": str(calendar.pk),
                f"working_hours-{index}-weekday": str(row.weekday),
                f"working_hours-{index}-start": "09:00",
                f"working_hours-{index}-end": "17:00",
            }
        url = reverse("admin:servicedesk_businesscalendar_change", args=[calendar.pk])
        with django_capture_on_commit_callbacks(execute=True):
            response = admin_client.post(url, data)
        assert response.status_code == 302, response.context["errors"]
        ticket.refresh_from_db()
        assert ticket.resolution_due_at == at("2026-11-10T10:00:00+00:00")  # Tuesday

    def test_a_longer_target_in_the_policy_moves_the_due_time(
        self, admin_client, ticket, django_capture_on_commit_callbacks
    ):
        policy = ticket.sla_policy
        target = policy.targets.get()
        url = reverse("admin:servicedesk_slapolicy_change", args=[policy.pk])
        data = {
            "name": policy.name,
            "organisation": policy.organisation_id,
            "calendar": policy.calendar_id,
            "pause_statuses": ["information_needed"],
            "warning_threshold_percent": "75",
            "availability_target_percent": "99.9",
            **CONTRACT_TERMS,
            "is_active": "on",
            **inline_management("targets", 1),
            "targets-INITIAL_FORMS": "1",
            "targets-0-id": str(target.pk),
            "targets-0-policy": str(policy.pk),
            "targets-0-priority": "3",
            "targets-0-reaction_minutes": "1h",
            "targets-0-resolution_minutes": "3h",
            **inline_management("fulfilment_targets", 0),
        }
        with django_capture_on_commit_callbacks(execute=True):
            response = admin_client.post(url, data)
        assert response.status_code == 302, response.context["errors"]
        ticket.refresh_from_db()
        assert ticket.resolution_due_at == at("2026-11-09T11:00:00+00:00")

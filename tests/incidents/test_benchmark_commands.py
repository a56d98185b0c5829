"""The benchmark tooling works end to end on a small volume: generate_tickets loads
tickets without history, benchmark_queues measures every queue page, bench_dashboard
loads the dashboard's data and measures its pages."""

import re
from io import StringIO

import pytest
from django.core.management import call_command

from incidents.management.commands.bench_dashboard import pages as dashboard_pages
from incidents.management.commands.benchmark_queues import pages
from incidents.models import Incident, SatisfactionRating, Status


@pytest.mark.django_db
class TestBenchmarkCommands:
    def test_generating_tickets_then_benchmarking_measures_every_page(self):
        before = Incident.objects.count()

        generated = StringIO()
        call_command("generate_tickets", count=300, batch=120, seed=7, stdout=generated)

        assert Incident.objects.count() == before + 300
        bench = Incident.objects.filter(number__startswith="BNC-")
        assert bench.count() == 300
        assert bench.filter(status=Status.CLOSED).count() > 250
        assert Incident.history.filter(number__startswith="BNC-").count() == 0
        assert "300 / 300 tickets" in generated.getvalue()

        out = StringIO()
        call_command("benchmark_queues", repeat=1, stdout=out)
        report = out.getvalue()

        assert f"tickets: {before + 300:,}" in report
        for page in pages():
            row = re.search(rf"^{re.escape(page.label)}\s+bench-\S+\s+(\d+)\s", report, re.M)
            assert row, f"no row for {page.label!r} in:\n{report}"
            assert int(row.group(1)) > 0  # the query count was captured
        assert "ms target" in report.splitlines()[-2]

    def test_a_second_run_reuses_the_reference_data_and_numbers_on(self):
        call_command("generate_tickets", count=5, stdout=StringIO())
        call_command("generate_tickets", count=5, stdout=StringIO())

        numbers = list(
            Incident.objects.filter(number__startswith="BNC-").values_list("number", flat=True)
        )
        assert len(numbers) == len(set(numbers)) == 10


@pytest.mark.django_db(transaction=True)
def test_the_committed_sweep_is_measured_with_its_mail_and_undone():
    """Defect 17: the sweep's benchmark commits and times the sweep with its mail, and
    a backlog of due tickets gives each manager one digest, not mail per ticket."""
    from django.contrib.auth import get_user_model

    from servicedesk.models import Notification

    call_command("benchmark_sla_sweep", generate=40, repeat=1, stdout=StringIO())
    out = StringIO()
    call_command("benchmark_sla_sweep", newly_due=30, commit=True, repeat=2, stdout=out)
    report = out.getvalue()

    marks = re.search(r"'resolution_breached': (\d+)", report)
    assert marks and int(marks.group(1)) >= 30
    side = re.search(r"([\d,]+) notifications queued, ([\d,]+) mails sent", report)
    assert side, report
    queued, sent = (int(n.replace(",", "")) for n in side.groups())
    staff = get_user_model().objects.filter(is_active=True).exclude(email="").count()
    assert 0 < sent == queued <= staff < 30  # one digest per recipient
    assert "Sweep time over 2 runs" in report
    # undone: the backlog is there again for the next run, and no mail is left behind
    assert not Notification.objects.exists()
    assert Incident.objects.filter(resolution_breached=True).count() == 0


@pytest.mark.django_db
def test_the_dashboard_benchmark_loads_what_the_dashboard_reads_and_measures_its_pages():
    out = StringIO()
    call_command("bench_dashboard", count=400, batch=150, repeat=1, stdout=out)
    report = out.getvalue()

    bench = Incident.objects.filter(number__startswith="BND-")
    assert bench.count() == 400
    assert not bench.filter(sla_policy__isnull=True).exists()
    assert bench.filter(response_breached=True).exists()
    assert bench.filter(highest_line="l2").exists() and bench.filter(rejection_count=1).exists()
    assert SatisfactionRating.objects.filter(incident__number__startswith="BND-").exists()
    for page in dashboard_pages():
        row = re.search(rf"^{re.escape(page.label)}\s+(\d+)\s", report, re.M)
        assert row, f"no row for {page.label!r} in:\n{report}"
        assert int(row.group(1)) > 0

    again = StringIO()
    call_command("bench_dashboard", count=400, extra_open=50, repeat=0, stdout=again)
    assert bench.count() == 400  # resumed: nothing more to load
    assert Incident.objects.filter(number__startswith="BNO-", status=Status.IN_PROGRESS).exists()
    assert not Incident.objects.filter(number__startswith="BNO-", status=Status.CLOSED).exists()

    call_command("bench_dashboard", delete=True, stdout=StringIO())
    assert not Incident.objects.filter(number__regex=r"^(BND|BNO)-").exists()

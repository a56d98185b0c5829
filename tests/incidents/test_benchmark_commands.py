"""The benchmark tooling works end to end on a small volume: generate_tickets loads
tickets without history, and benchmark_queues measures every queue page."""

import re
from io import StringIO

import pytest
from django.core.management import call_command

from incidents.management.commands.benchmark_queues import pages
from incidents.models import Incident, Status


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

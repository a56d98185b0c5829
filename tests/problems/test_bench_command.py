"""bench_problem_patterns works end to end on a small volume: by default it leaves
nothing behind; with --keep the rows stay, a second run adds only what is missing, and
--delete removes them all."""

import re
from io import StringIO

import pytest
from django.core.management import call_command

from incidents.models import Incident
from problems import bench_data
from problems.models import Problem, ProblemIncident
from servicedesk.models import Service

pytestmark = pytest.mark.django_db


def bench(**options) -> str:
    out = StringIO()
    call_command("bench_problem_patterns", repeat=1, batch=150, stdout=out, **options)
    return out.getvalue()


def test_a_default_run_measures_the_detection_and_rolls_everything_back():
    report = bench(count=400, days=60)

    assert "find_patterns: 5 queries" in report
    assert re.search(r"p50 [\d.]+ ms, max [\d.]+ ms", report), report
    # The planted faults are found: the backup job on its CI, with its wording.
    assert "Recurring incidents on " in report
    assert "Rolled back: nothing stays." in report
    assert not Incident.objects.exists()
    assert not Service.objects.exists()


def test_kept_rows_resume_and_are_removed():
    bench(count=300, keep=True)
    planted = sum(count for _title, count, _by_ci in bench_data.PLANTED)
    bench_rows = Incident.objects.filter(number__startswith=bench_data.NUMBER_PREFIX)
    assert bench_rows.count() == 300 + planted
    assert ProblemIncident.objects.count() == int(300 * bench_data.LINKED)

    bench(count=450, keep=True)
    numbers = list(bench_rows.values_list("number", flat=True))
    assert len(numbers) == len(set(numbers)) == 450 + planted

    out = bench(delete=True)
    assert f"Removed {450 + planted:,} benchmark incidents." in out
    assert not Incident.objects.exists()
    assert not Problem.objects.exists()
    assert not Service.objects.exists()

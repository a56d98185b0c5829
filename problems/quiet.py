"""The quiet period before a resolved problem may close: since when its incidents have
stayed away, and whether that has lasted settings.PROBLEM_QUIET_DAYS."""

from dataclasses import dataclass
from datetime import datetime

from django.conf import settings
from django.utils import timezone

from problems.models import Problem
from problems.models.problems import quiet_period


@dataclass(frozen=True)
class QuietPeriod:
    since: datetime
    days: int
    ends_at: datetime

    @property
    def passed(self) -> bool:
        return timezone.now() >= self.ends_at

    @property
    def days_quiet(self) -> int:
        return max(0, (timezone.now() - self.since).days)


def quiet_period_of(problem: Problem) -> QuietPeriod | None:
    """None until the problem is resolved (one query: the last linked incident)."""
    since = problem.quiet_since()
    if since is None:
        return None
    return QuietPeriod(
        since=since, days=settings.PROBLEM_QUIET_DAYS, ends_at=since + quiet_period()
    )

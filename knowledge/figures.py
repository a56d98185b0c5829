"""Knowledge figures other apps show: how many tickets the portal's help articles spared
the desk (PortalDeflection) in a period."""

from datetime import datetime

from knowledge.models import PortalDeflection


def deflections(start: datetime, end: datetime) -> int:
    """Tickets not raised from `start` until `end` because an article answered: one query."""
    return PortalDeflection.objects.filter(created_at__gte=start, created_at__lt=end).count()

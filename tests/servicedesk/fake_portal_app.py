"""A stand-in for an app that adds to the portal (as knowledge will): one page, one panel."""

from django.http import HttpResponse
from django.urls import path


def articles(request):
    return HttpResponse("articles")


urlpatterns = [path("kb/", articles, name="kb")]


def panel_context(request, contact):
    return {"headline": f"Articles for {contact.organisation.name}"}


def nothing_for_anyone(request, contact):
    return None


def service_notices(request, contact):
    """A notice on every service: HTML that is safe, and text that must be escaped."""
    from django.utils.safestring import mark_safe

    from servicedesk.models import Service

    service_notices.calls += 1
    notices: dict = {
        s.pk: mark_safe(f"<p class=notice>Busy {s.name}</p>") for s in Service.objects.all()
    }
    notices[0] = "<script>not html</script>"
    return notices


service_notices.calls = 0  # type: ignore[attr-defined]

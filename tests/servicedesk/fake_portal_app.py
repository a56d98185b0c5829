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

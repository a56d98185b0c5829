"""The portal's search page (servicedesk/portal.py mounts it in the portal: namespace)."""

from django.urls import path

from servicedesk.search import views

urlpatterns = [path("search/", views.portal_search, name="search")]

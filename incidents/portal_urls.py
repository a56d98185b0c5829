"""The portal's ticket pages: mounted under /portal/ in the portal: namespace by
servicedesk.portal (registered in incidents/workspaces.py)."""

from django.urls import path

from incidents.views import portal

urlpatterns = [
    path("", portal.home, name="home"),
    path("catalogue/", portal.catalogue, name="catalogue"),
    path("catalogue/<int:service_id>/raise/", portal.raise_ticket, name="raise"),
    path("tickets/<str:number>/", portal.ticket, name="ticket"),
    path("tickets/<str:number>/comment/", portal.comment, name="comment"),
    path("tickets/<str:number>/urgency/", portal.request_urgency, name="request_urgency"),
    path("tickets/<str:number>/confirm/", portal.confirm, name="confirm"),
    path("tickets/<str:number>/reject/", portal.reject, name="reject"),
    path("tickets/<str:number>/rating/", portal.rate, name="rate"),
]

from django.urls import path

from incidents.views import portal

app_name = "portal"

urlpatterns = [
    path("", portal.home, name="home"),
    path("tickets/<str:number>/", portal.ticket, name="ticket"),
]

from django.urls import path

from problems.views import ticket_panel

app_name = "problems"

urlpatterns: list = [
    # ----- integration: the problem panel on the ticket page (problems/panels.py) -----
    path("tickets/<str:number>/link/", ticket_panel.link, name="ticket_link"),
    path("tickets/<str:number>/unlink/", ticket_panel.unlink, name="ticket_unlink"),
    # ----- end of integration -----
]

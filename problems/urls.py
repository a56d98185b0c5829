from django.urls import path, register_converter

from problems.converters import ProblemNumber
from problems.views import actions, article, edit, home, incidents, new, page, rca, ticket_panel

app_name = "problems"

register_converter(ProblemNumber, "problem")

urlpatterns = [
    # ----- the problem manager's workspace: open problems by state, candidate patterns,
    # the known error database, figures (literal paths, before any "<number>/") -----
    path("", home.home, name="home"),
    path("patterns/", home.patterns, name="patterns"),
    path("patterns/open/", home.open_from_pattern, name="open_from_pattern"),
    path("known-errors/", home.known_errors, name="known_errors"),
    path("figures/", home.figures_page, name="figures"),
    # ----- the problem panel on the ticket page (problems/panels.py) -----
    path("tickets/<str:number>/link/", ticket_panel.link, name="ticket_link"),
    path("tickets/<str:number>/unlink/", ticket_panel.unlink, name="ticket_unlink"),
    # ----- the problem's page and the new-problem page -----
    path("new/", new.new, name="new"),
    path("<problem:number>/", page.detail, name="detail"),
    path("<problem:number>/actions/<slug:key>/", actions.action, name="action"),
    path("<problem:number>/edit/", edit.edit, name="edit"),
    path("<problem:number>/findings/", edit.findings, name="findings"),
    path("<problem:number>/incidents/", incidents.link, name="link_incident"),
    path(
        "<problem:number>/incidents/<str:incident_number>/remove/",
        incidents.unlink,
        name="unlink_incident",
    ),
    path("<problem:number>/write-article/", article.write_article, name="write_article"),
    path("<problem:number>/whys/", rca.why_add, name="why_add"),
    path("<problem:number>/whys/<int:pk>/", rca.why_edit, name="why_edit"),
    path("<problem:number>/whys/<int:pk>/remove/", rca.why_remove, name="why_remove"),
    path("<problem:number>/causes/", rca.cause_add, name="cause_add"),
    path("<problem:number>/causes/<int:pk>/verdict/", rca.cause_verdict, name="cause_verdict"),
    path("<problem:number>/causes/<int:pk>/remove/", rca.cause_remove, name="cause_remove"),
    path("<problem:number>/events/", rca.event_add, name="event_add"),
    path("<problem:number>/events/<int:pk>/remove/", rca.event_remove, name="event_remove"),
]

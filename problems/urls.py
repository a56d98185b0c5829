from django.urls import path

from problems.views import home

app_name = "problems"

urlpatterns = [
    # The problem manager's workspace (prb-workspace): open problems by state, candidate
    # patterns, the known error database, figures. Literal paths, so they come before
    # any "<number>/" route.
    path("", home.home, name="home"),
    path("patterns/", home.patterns, name="patterns"),
    path("patterns/open/", home.open_from_pattern, name="open_from_pattern"),
    path("known-errors/", home.known_errors, name="known_errors"),
    path("figures/", home.figures_page, name="figures"),
]

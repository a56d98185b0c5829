from django.urls import path, register_converter

from changes.converters import ChangeNumber
from changes.views import calendar, home, page

app_name = "changes"

register_converter(ChangeNumber, "change")

urlpatterns = [
    # Literal paths (the workspace, the calendar, approvals, new) go before "<number>/".
    path("", home.home, name="home"),
    path("cab/", home.cab, name="cab"),
    path("conflicts/", home.conflicts, name="conflicts"),
    path("figures/", home.figures_page, name="figures"),
    path("calendar/", calendar.calendar, name="calendar"),
    path("<change:number>/", page.detail, name="detail"),
]

from django.urls import path, register_converter

from changes.converters import ChangeNumber
from changes.views import actions, approvals, article, calendar, edit, home, links, new, page

app_name = "changes"

register_converter(ChangeNumber, "change")

urlpatterns = [
    # Literal paths (the workspace, the calendar, approvals, new) go before "<number>/".
    path("", home.home, name="home"),
    path("cab/", home.cab, name="cab"),
    path("conflicts/", home.conflicts, name="conflicts"),
    path("figures/", home.figures_page, name="figures"),
    path("calendar/", calendar.calendar, name="calendar"),
    path("new/", new.new, name="new"),
    path("new/risk/", new.risk, name="risk"),
    path("new/configuration-items/", new.items, name="items"),
    path("approvals/", approvals.approvals, name="approvals"),
    path("<change:number>/", page.detail, name="detail"),
    path("<change:number>/actions/<slug:key>/", actions.action, name="action"),
    path("<change:number>/edit/", edit.edit, name="edit"),
    path("<change:number>/decide/", approvals.decide, name="decide"),
    path("<change:number>/links/", links.link, name="link"),
    path("<change:number>/links/<str:linked>/remove/", links.unlink, name="unlink"),
    path("<change:number>/article/", article.write_article, name="write_article"),
]

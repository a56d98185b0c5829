from django.urls import path, register_converter

from changes.converters import ChangeNumber
from changes.views import article, page

app_name = "changes"

register_converter(ChangeNumber, "change")

urlpatterns = [
    # Literal paths (the workspace, the calendar, approvals, new) go before "<number>/".
    path("<change:number>/", page.detail, name="detail"),
    path("<change:number>/article/", article.write_article, name="write_article"),
]

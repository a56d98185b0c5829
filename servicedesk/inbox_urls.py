from django.urls import path

from servicedesk import inbox_views

app_name = "inbox"

urlpatterns = [
    path("", inbox_views.index, name="index"),
    path("<int:pk>/read/", inbox_views.mark_read, name="mark_read"),
    path("read-all/", inbox_views.mark_all_read, name="mark_all_read"),
    path("settings/", inbox_views.preferences, name="preferences"),
]

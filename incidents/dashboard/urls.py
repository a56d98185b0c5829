from django.urls import include, path

from incidents.dashboard import views

app_name = "dashboard"

urlpatterns = [
    path("", views.index, name="index"),
    path("export.csv", views.export_csv, name="export"),
    path("tickets/", views.tickets, name="tickets"),
    path("reports/", include("incidents.sla_report.urls")),
]

from django.urls import path, register_converter

from incidents.sla_report import views
from servicedesk.converters import YearMonth

register_converter(YearMonth, "month")

# Mounted under /manager/reports/ by incidents/dashboard/urls.py (namespace "dashboard").
urlpatterns = [
    path("", views.index, name="reports"),
    path("<path:contract>/<month:month>/", views.detail, name="report"),
    path("<path:contract>/<month:month>/print/", views.printable, name="report_print"),
    path("<path:contract>/<month:month>/send/", views.send, name="report_send"),
]

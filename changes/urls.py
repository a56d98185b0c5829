from django.urls import path  # noqa: F401 - the change pages add their routes here

app_name = "changes"

urlpatterns: list = []

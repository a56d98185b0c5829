from django.contrib import admin
from django.contrib.auth import views as auth_views
from django.urls import include, path

from servicedesk import views

urlpatterns = [
    path("", views.home, name="home"),
    path("no-workspace/", views.no_workspace, name="no_workspace"),
    path("login/", auth_views.LoginView.as_view(redirect_authenticated_user=True), name="login"),
    path("logout/", auth_views.LogoutView.as_view(), name="logout"),
    path("admin/", admin.site.urls),
    path("tickets/", include("incidents.urls")),
    path("portal/", include("incidents.portal_urls")),
]

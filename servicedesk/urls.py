from django.conf import settings
from django.contrib import admin
from django.contrib.auth import views as auth_views
from django.urls import include, path

from servicedesk import bulk_views, record_views, views
from servicedesk.auth_forms import AdminLoginForm, LoginForm
from servicedesk.language import ContactPasswordResetForm
from servicedesk.search import views as search_views

# The admin's login counts failures and says when it is locked, like the desk's.
admin.site.login_form = AdminLoginForm

urlpatterns = [
    path("", views.home, name="home"),
    path("no-workspace/", views.no_workspace, name="no_workspace"),
    path(
        "login/",
        auth_views.LoginView.as_view(
            authentication_form=LoginForm, redirect_authenticated_user=True
        ),
        name="login",
    ),
    path("logout/", auth_views.LogoutView.as_view(), name="logout"),
    # Password reset by email (portal contacts and staff alike).
    # The mail is written in the contact's language and limited per address and client.
    path(
        "password-reset/",
        auth_views.PasswordResetView.as_view(form_class=ContactPasswordResetForm),
        name="password_reset",
    ),
    path(
        "password-reset/sent/",
        auth_views.PasswordResetDoneView.as_view(),
        name="password_reset_done",
    ),
    path(
        "password-reset/<uidb64>/<token>/",
        auth_views.PasswordResetConfirmView.as_view(),
        name="password_reset_confirm",
    ),
    path(
        "password-reset/complete/",
        auth_views.PasswordResetCompleteView.as_view(),
        name="password_reset_complete",
    ),
    path("notifications/", include("servicedesk.inbox_urls")),
    # A bulk action run in the background: its progress and what it left as it was.
    path("bulk/<int:pk>/", bulk_views.job, name="bulk_job"),
    # The organisation and configuration-item pages (the apps add their panels).
    path("search/", search_views.search, name="search"),
    path("organisations/<int:pk>/", record_views.organisation, name="organisation"),
    path("cis/<int:pk>/", record_views.configuration_item, name="configuration_item"),
    path("admin/", admin.site.urls),
    path("tickets/", include("incidents.urls")),
    path("kb/", include("knowledge.urls")),
    path("problems/", include("problems.urls")),
    path("changes/", include("changes.urls")),
    # The service desk manager's dashboard (their landing page).
    path("manager/", include("incidents.dashboard.urls")),
    # Every app's portal pages (one portal: namespace) and API routers, as registered
    # from their AppConfig.ready() (servicedesk/portal.py, servicedesk/api.py).
    path("portal/", include("servicedesk.portal_urls")),
    path("api/v1/", include("servicedesk.api_urls")),
]

if settings.BENCH_FLOOR:
    # The benchmark's bare page (servicedesk/benchmark/floor.py): never in production.
    from servicedesk.benchmark import floor

    urlpatterns.insert(0, path("bench/floor/", floor.floor, name="bench_floor"))

handler403 = "servicedesk.errors.permission_denied"
handler404 = "servicedesk.errors.page_not_found"
handler500 = "servicedesk.errors.server_error"

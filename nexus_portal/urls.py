from django.conf import settings
from django.contrib import admin
from django.contrib.auth import views as auth_views
from django.urls import include, path

from nexus_portal import health, views, views_accounts, views_tokens

handler500 = "nexus_portal.errors.server_error"  # a database outage answers 503, not a crash page

urlpatterns = [
    path("", views.home, name="home"),
    path("health/", health.health, name="health"),
    path("accounts/login/", views_accounts.LoginView.as_view(), name="login"),
    path("accounts/login/code/", views_accounts.login_second_step, name="login_second_step"),
    path("accounts/two-factor/", views_accounts.two_factor_settings, name="two_factor"),
    path("accounts/logout/", auth_views.LogoutView.as_view(), name="logout"),
    path("accounts/password/", auth_views.PasswordChangeView.as_view(), name="password_change"),
    path("accounts/password/done/", auth_views.PasswordChangeDoneView.as_view(), name="password_change_done"),
    path("accounts/tokens/", views_tokens.tokens, name="api_tokens"),
    path("programmes/", include("programmes.urls")),
    path("links/", include("programmes.urls_links")),
    path("coordination/", include("coordination.urls")),
    path("analyses/", include("analyses.urls")),
    path("funding/", include("funding.urls")),
    path("reference/", include("reference.urls")),
    path("actors/", include("actors.urls")),
    path("history/", include("nexus_portal.audit.urls")),
    path("api/", include("nexus_portal.api.urls")),
    path("i18n/", include("django.conf.urls.i18n")),
    path("admin/login/", views_accounts.admin_login),  # before the admin: one throttled, two-factor sign-in
    path("admin/", admin.site.urls),
]
if settings.BENCHMARK_VIEWS:  # the load benchmark's baseline (benchmarks/load.py); never routed otherwise
    urlpatterns.append(path("bench/ping/", views.bench_ping, name="bench_ping"))

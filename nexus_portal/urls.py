from django.contrib import admin
from django.contrib.auth import views as auth_views
from django.urls import include, path

from nexus_portal import views, views_tokens

urlpatterns = [
    path("", views.home, name="home"),
    path("health/", views.health, name="health"),
    path("accounts/login/", auth_views.LoginView.as_view(redirect_authenticated_user=True), name="login"),
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
    path("api/", include("nexus_portal.api.urls")),
    path("i18n/", include("django.conf.urls.i18n")),
    path("admin/", admin.site.urls),
]

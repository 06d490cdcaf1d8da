from django.conf import settings
from django.contrib import admin
from django.contrib.auth import views as auth_views
from django.urls import include, path

from cdmweb.accounts.views import LoginView, PasswordChangeView

urlpatterns = [
    path("accounts/login/", LoginView.as_view(), name="login"),
    path("accounts/logout/", auth_views.LogoutView.as_view(), name="logout"),
    path("accounts/password/", PasswordChangeView.as_view(), name="password_change"),
    path("admin/", admin.site.urls),
    path("", include("cdmweb.accounts.urls")),
    path("", include("cdmweb.jobs.urls")),
]

if settings.CDM_SANDBOX_ENABLED:
    urlpatterns.insert(0, path("", include("cdmweb.sandbox.urls")))

from django.conf import settings
from django.contrib import admin
from django.urls import include, path

urlpatterns = [
    path("admin/", admin.site.urls),
    # Django's own language switch (POST, then back to the page): the menu's form posts to it.
    path("i18n/", include("django.conf.urls.i18n")),
    path("", include("cdmweb.accounts.urls")),
    path("", include("cdmweb.jobs.urls")),
]

if settings.CDM_SANDBOX_ENABLED:
    urlpatterns.insert(0, path("", include("cdmweb.sandbox.urls")))

from django.conf import settings
from django.contrib import admin
from django.urls import include, path

urlpatterns = [
    path("admin/", admin.site.urls),
    path("", include("cdmweb.accounts.urls")),
    path("", include("cdmweb.jobs.urls")),
]

if settings.CDM_SANDBOX_ENABLED:
    urlpatterns.insert(0, path("", include("cdmweb.sandbox.urls")))

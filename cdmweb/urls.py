from django.conf import settings
from django.contrib import admin
from django.urls import include, path
from django.utils.translation import gettext_lazy

from cdmweb.accounts.language import set_language

# The admin named as the menu names it (管理后台), not "Django administration".
admin.site.site_header = gettext_lazy("cdmweb admin")
admin.site.site_title = gettext_lazy("cdmweb admin")

urlpatterns = [
    path("admin/", admin.site.urls),
    # Django's own language switch (POST, then back to the page): the menu's form posts to it; a
    # logged-in user's choice is also saved on the user.
    path("i18n/setlang/", set_language, name="set_language"),
    path("", include("cdmweb.accounts.urls")),
    path("", include("cdmweb.jobs.urls")),
]

if settings.CDM_SANDBOX_ENABLED:
    urlpatterns.insert(0, path("", include("cdmweb.sandbox.urls")))

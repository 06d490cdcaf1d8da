from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class JobsConfig(AppConfig):
    name = "cdmweb.jobs"
    label = "jobs"
    verbose_name = _("Job drafts")

    def ready(self) -> None:
        from . import checks  # noqa: F401  (registers the system checks)

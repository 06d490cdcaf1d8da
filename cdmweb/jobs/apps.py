from django.apps import AppConfig


class JobsConfig(AppConfig):
    name = "cdmweb.jobs"
    label = "jobs"
    verbose_name = "Job drafts"

    def ready(self) -> None:
        from . import checks  # noqa: F401  (registers the system checks)

from django.apps import AppConfig


class JobsConfig(AppConfig):
    name = "cdmweb.jobs"
    label = "jobs"
    verbose_name = "Job drafts"

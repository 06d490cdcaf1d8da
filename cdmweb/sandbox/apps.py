from django.apps import AppConfig


class SandboxConfig(AppConfig):
    name = "cdmweb.sandbox"
    label = "sandbox"
    verbose_name = "CDM sandbox"

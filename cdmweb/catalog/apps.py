from django.apps import AppConfig


class CatalogConfig(AppConfig):
    name = "cdmweb.catalog"
    label = "catalog"
    verbose_name = "Connector catalogue"

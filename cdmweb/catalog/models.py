from django.db import models


class Connector(models.Model):
    """No table: a handle so the catalogue appears in the Django admin for read-only browsing.

    The data itself lives in ``data/catalog.json`` (see ``registry``).
    """

    class Meta:
        managed = False
        verbose_name = "connector"
        verbose_name_plural = "connectors and driver groups"
        default_permissions = ("view",)

    def __str__(self) -> str:
        return "connector"

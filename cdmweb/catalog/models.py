from django.db import models
from django.utils.translation import gettext_lazy as _


class Connector(models.Model):
    """No table: a handle so the catalogue appears in the Django admin for read-only browsing.

    The data itself lives in ``data/catalog.json`` (see ``registry``).
    """

    class Meta:
        managed = False
        verbose_name = _("connector")
        verbose_name_plural = _("connectors and driver groups")
        default_permissions = ("view",)

    def __str__(self) -> str:
        return "connector"

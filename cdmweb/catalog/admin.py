from __future__ import annotations

from django.contrib import admin
from django.http import Http404, HttpRequest, HttpResponse
from django.template.response import TemplateResponse
from django.urls import URLPattern, path
from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _

from .models import Connector
from .registry import SIDE_LABELS, get_catalog

# The sections of a connector's inputs: the registry's side labels, translated, and its link inputs.
SECTION_LABELS = {**{side: _(label) for side, label in SIDE_LABELS.items()}, "link": _("Link")}


@admin.register(Connector)
class ConnectorAdmin(admin.ModelAdmin):
    """Browse the catalogue: every connector's inputs per side, and the driver groups."""

    def has_add_permission(self, request: HttpRequest) -> bool:
        return False

    def has_change_permission(self, request: HttpRequest, obj: object = None) -> bool:
        return False

    def has_delete_permission(self, request: HttpRequest, obj: object = None) -> bool:
        return False

    def has_view_permission(self, request: HttpRequest, obj: object = None) -> bool:
        return request.user.is_active and request.user.is_staff

    def get_urls(self) -> list[URLPattern]:
        view = self.admin_site.admin_view
        return [
            path("", view(self.changelist_view), name="catalog_connector_changelist"),
            path("<str:name>/", view(self.detail_view), name="catalog_connector_detail"),
        ]

    def changelist_view(self, request: HttpRequest, extra_context: dict | None = None) -> HttpResponse:
        catalog = get_catalog()
        context = {
            **self.admin_site.each_context(request),
            "title": gettext("Connector catalogue"),
            "opts": self.model._meta,
            "connectors": catalog.connectors.values(),
            "driver": catalog.driver,
        }
        return TemplateResponse(request, "admin/catalog/connector_list.html", context)

    def detail_view(self, request: HttpRequest, name: str) -> HttpResponse:
        catalog = get_catalog()
        if name == "driver":
            title, sections, notes = gettext("Driver groups"), list(catalog.driver.items()), ()
        else:
            connector = catalog.connector(name)
            if connector is None:
                raise Http404(gettext("No such connector."))
            title = f"{connector.name} — {connector.label_text}"
            sections = [
                (SECTION_LABELS.get(side, SECTION_LABELS["link"]), specs) for side, specs in connector.inputs.items()
            ]
            notes = connector.notes_text
        context = {
            **self.admin_site.each_context(request),
            "title": title,
            "opts": self.model._meta,
            "sections": sections,
            "notes": notes,
        }
        return TemplateResponse(request, "admin/catalog/connector_detail.html", context)

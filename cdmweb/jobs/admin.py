from __future__ import annotations

from django.contrib import admin
from django.http import HttpRequest
from django.utils.html import format_html

from cdmweb.catalog.registry import is_secret_name

from .designer import masked_job
from .models import ConfigGroup, DraftInput, JobDraft, Submission, Target
from .payload import build_request_body, dumps


@admin.register(JobDraft)
class JobDraftAdmin(admin.ModelAdmin):
    list_display = ["__str__", "owner", "job_type", "from_connector", "to_connector", "error_count", "updated_at"]
    list_filter = ["job_type", "from_connector", "to_connector", "updated_at"]
    search_fields = ["name", "from_link", "to_link", "owner__username"]
    list_select_related = ["owner"]
    raw_id_fields = ["owner"]
    readonly_fields = ["version", "error_count", "warning_count", "created_at", "updated_at", "payload_preview"]
    fields = [
        "owner",
        "name",
        "job_type",
        ("from_connector", "from_link"),
        ("to_connector", "to_link"),
        ("version", "error_count", "warning_count"),
        ("created_at", "updated_at"),
        "payload_preview",
    ]

    @admin.display(description="Request body (secrets masked)")
    def payload_preview(self, obj: JobDraft) -> str:
        if obj.pk is None:
            return "—"
        body = build_request_body([masked_job(obj.build())])
        return format_html('<pre style="max-height: 40em; overflow: auto">{}</pre>', dumps(body))

    def save_model(self, request: HttpRequest, obj: JobDraft, form: object, change: bool) -> None:
        super().save_model(request, obj, form, change)
        obj.revalidate()


@admin.register(ConfigGroup)
class ConfigGroupAdmin(admin.ModelAdmin):
    list_display = ["name", "side", "draft", "position", "inputs_form"]
    list_filter = ["side"]
    search_fields = ["name", "draft__name"]
    raw_id_fields = ["draft"]


@admin.register(DraftInput)
class DraftInputAdmin(admin.ModelAdmin):
    list_display = ["name", "shown_value", "group", "draft", "position"]
    search_fields = ["name", "draft__name"]
    list_select_related = ["group", "draft"]
    raw_id_fields = ["draft", "group"]

    def get_fields(self, request: HttpRequest, obj: DraftInput | None = None) -> list[str]:
        fields = ["draft", "group", "name", "value", "value_is_json", "value_key", "extra", "position"]
        if obj is not None and is_secret_name(obj.name):
            # A secret is never rendered back, not even to an admin; replace it in the designer.
            fields[fields.index("value")] = "shown_value"
        return fields

    def get_readonly_fields(self, request: HttpRequest, obj: DraftInput | None = None) -> list[str]:
        return ["shown_value"]

    @admin.display(description="Value")
    def shown_value(self, obj: DraftInput) -> str:
        return "********" if is_secret_name(obj.name) and obj.value else obj.value[:80]


@admin.register(Target)
class TargetAdmin(admin.ModelAdmin):
    """Targets hold where secrets come from, never the secrets themselves."""

    list_display = ["name", "base_url", "project_id", "auth_mode", "clusters_refreshed_at"]
    search_fields = ["name", "project_id"]
    readonly_fields = ["clusters", "clusters_refreshed_at"]


@admin.register(Submission)
class SubmissionAdmin(admin.ModelAdmin):
    list_display = ["__str__", "target", "user", "state", "cdm_status", "progress", "error_code", "created_at"]
    list_filter = ["state", "cdm_status", "target"]
    search_fields = ["job_name", "error_code", "idempotency_key"]
    list_select_related = ["target", "user"]
    readonly_fields = [f.name for f in Submission._meta.fields if f.name != "body"] + ["body_preview"]
    exclude = ["body"]

    def has_add_permission(self, request: HttpRequest) -> bool:
        return False  # submissions are made by submitting, never typed in

    @admin.display(description="Request body sent (secrets masked)")
    def body_preview(self, obj: Submission) -> str:
        return format_html('<pre style="max-height: 40em; overflow: auto">{}</pre>', dumps(masked_job(obj.body)))

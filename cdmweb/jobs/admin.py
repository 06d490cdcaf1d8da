from __future__ import annotations

import uuid
from typing import Any

from django import forms
from django.contrib import admin, messages
from django.core.exceptions import PermissionDenied
from django.db import models
from django.db.models import QuerySet
from django.http import HttpRequest, HttpResponse
from django.utils.html import format_html
from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _

from cdmweb.cdm.errors import CdmError
from cdmweb.jobspec.characters import visible
from cdmweb.jobspec.constants import is_running
from cdmweb.jobspec.masking import is_secret_name, masked_job, masked_value
from cdmweb.jobspec.payload import build_request_body, dumps

from .forms import TargetForm
from .models import (
    AuditEvent,
    Comment,
    ConfigGroup,
    DraftInput,
    JobDraft,
    Review,
    Revision,
    Submission,
    Target,
)
from .submissions import submitting, targets


class JobDraftAdminForm(forms.ModelForm):
    class Meta:
        model = JobDraft
        fields = ["owner", "team"]  # the admin's own ``fields`` adds the rest

    def clean(self) -> dict[str, Any]:
        data = super().clean()
        draft = self.instance
        if draft.pk and draft.tracked_name and {"team", "owner"} & set(self.changed_data):
            probe = JobDraft(
                pk=draft.pk,
                owner=data.get("owner") or draft.owner,
                home_target_id=draft.home_target_id,
                home_cluster_id=draft.home_cluster_id,
                tracked_name=draft.tracked_name,
            )
            twin = probe.tracked_twin(data.get("team"))
            if twin is not None:
                raise forms.ValidationError(
                    gettext(
                        "Draft #%(draft)s there already tracks job %(job)s on that cluster: one draft per "
                        "job and place."
                    )
                    % {"draft": twin.pk, "job": draft.tracked_name}
                )
        return data


@admin.register(JobDraft)
class JobDraftAdmin(admin.ModelAdmin):
    form = JobDraftAdminForm
    list_display = [
        "__str__",
        "owner",
        "team",
        "review_state",
        "job_type",
        "from_connector",
        "to_connector",
        "error_count",
        "updated_at",
    ]
    list_filter = ["team", "review_state", "job_type", "from_connector", "to_connector", "updated_at"]
    search_fields = ["name", "from_link", "to_link", "owner__username"]
    list_select_related = ["owner", "team"]
    raw_id_fields = ["owner"]
    readonly_fields = [
        "version",
        "review_state",
        "error_count",
        "warning_count",
        "created_at",
        "updated_at",
        "payload_preview",
        "home_target",
        "home_cluster_id",
        "tracked_name",
        "drift_state",
        "drift_checked_at",
    ]
    actions = ["submit_to_sandbox"]
    # The header fields are text columns (None = key absent), but every one of them is one line.
    formfield_overrides = {models.TextField: {"widget": forms.TextInput(attrs={"class": "vTextField"})}}
    fields = [
        "owner",
        "team",
        "review_state",
        "name",
        "job_type",
        ("from_connector", "from_link"),
        ("to_connector", "to_link"),
        ("version", "error_count", "warning_count"),
        ("created_at", "updated_at"),
        ("home_target", "home_cluster_id", "tracked_name"),
        ("drift_state", "drift_checked_at"),
        "payload_preview",
    ]

    @admin.display(description=_("Request body (secrets masked)"))
    def payload_preview(self, obj: JobDraft) -> str:
        if obj.pk is None:
            return "—"
        body = build_request_body([masked_job(obj.build())])
        return format_html('<pre class="admin-preview" tabindex="0">{}</pre>', visible(dumps(body)))

    def save_model(self, request: HttpRequest, obj: JobDraft, form: Any, change: bool) -> None:
        if change:
            # Only what the form changed: a full save would write back this page's (maybe stale)
            # version and undo changes made meanwhile in the designer.
            obj.last_change_page = ""
            obj.save(update_fields=[*form.changed_data, "last_change_page"])
        else:
            super().save_model(request, obj, form, change)
        obj.record_change(request.user, detail="in the admin: " + ", ".join(form.changed_data))

    @admin.action(description=_("Submit to the sandbox (random pick among its running clusters)"))
    def submit_to_sandbox(self, request: HttpRequest, queryset: QuerySet[JobDraft]) -> None:
        """The admin passes the same gate as every other way in: team drafts need approval."""
        target = targets.sandbox_target()
        for draft in queryset:
            try:
                submitting.check(draft, target, request.user)  # every local refusal before any call to CDM
                pool = [c["id"] for c in targets.refresh_clusters(target) if is_running(c)]
                done = submitting.submit(draft, target, request.user, uuid.uuid4().hex, pool=pool)
            except submitting.SubmissionRefused as refusal:
                text = gettext("%(draft)s: not submitted. %(reason)s") % {"draft": draft, "reason": refusal}
                self.message_user(request, text, messages.ERROR)
            except CdmError as error:
                text = gettext("%(draft)s: could not reach the sandbox: %(error)s") % {"draft": draft, "error": error}
                self.message_user(request, text, messages.ERROR)
            else:
                text = gettext("%(draft)s: submission %(number)s %(state)s.") % {
                    "draft": draft,
                    "number": done.pk,
                    "state": done.get_state_display(),
                }
                self.message_user(request, text, messages.INFO)


class DraftPartAdmin(admin.ModelAdmin):
    """A group or input changed in the admin changes the draft: new version (open designer pages
    see someone else's change), review state and counts again, and a line in the audit trail."""

    def _changed(self, request: HttpRequest, obj: Any, what: str) -> None:
        draft = JobDraft.objects.get(pk=obj.draft_id)
        JobDraft.objects.filter(pk=draft.pk).update(last_change_page="")
        draft.record_change(request.user, detail=f"in the admin: {what} {obj.name}")

    def save_model(self, request: HttpRequest, obj: Any, form: Any, change: bool) -> None:
        super().save_model(request, obj, form, change)
        self._changed(request, obj, "changed" if change else "added")

    def delete_model(self, request: HttpRequest, obj: Any) -> None:
        super().delete_model(request, obj)
        self._changed(request, obj, "removed")

    def delete_queryset(self, request: HttpRequest, queryset: QuerySet[Any]) -> None:
        for obj in queryset:
            self.delete_model(request, obj)


@admin.register(ConfigGroup)
class ConfigGroupAdmin(DraftPartAdmin):
    list_display = ["name", "side", "draft", "position", "inputs_form"]
    list_filter = ["side"]
    search_fields = ["name", "draft__name"]
    raw_id_fields = ["draft"]


@admin.register(DraftInput)
class DraftInputAdmin(DraftPartAdmin):
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

    @admin.display(description=_("Value"))
    def shown_value(self, obj: DraftInput) -> str:
        return masked_value(obj.name, obj.value[:80])


class TargetAdminForm(TargetForm):
    clear_secret = forms.BooleanField(required=False, label=_("Forget the stored secret"))

    class Meta(TargetForm.Meta):
        fields = ["team", *TargetForm.Meta.fields]

    def save(self, commit: bool = True) -> Target:
        if self.cleaned_data.get("clear_secret"):
            self.instance.secret_encrypted = ""
        return super().save(commit)


@admin.register(Target)
class TargetAdmin(admin.ModelAdmin):
    """The secret is stored encrypted or named by a variable; it is never displayed."""

    form = TargetAdminForm
    # The admin builds its form fields itself (formfield_for_dbfield), not through Meta.
    formfield_overrides = {models.URLField: {"assume_scheme": "https"}}
    list_display = [
        "name",
        "team",
        "base_url",
        "project_id",
        "auth_mode",
        "secret_where",
        "requires_review",
        "clusters_refreshed_at",
    ]
    list_filter = ["requires_review", "auth_mode", "team"]
    search_fields = ["name", "project_id"]
    readonly_fields = ["secret_where", "clusters", "clusters_refreshed_at"]

    @admin.display(description=_("CDM endpoint"))
    def base_url(self, obj: Target) -> str:
        return obj.base_url

    @admin.display(description=_("Secret"))
    def secret_where(self, obj: Target) -> str:
        return obj.secret_where


@admin.register(Submission)
class SubmissionAdmin(admin.ModelAdmin):
    list_display = [
        "__str__",
        "action",
        "target",
        "user",
        "state",
        "cdm_status",
        "progress",
        "error_code",
        "created_at",
    ]
    list_filter = ["state", "action", "cdm_status", "target"]
    search_fields = ["job_name", "error_code", "idempotency_key"]
    list_select_related = ["target", "user"]
    readonly_fields = [f.name for f in Submission._meta.fields if f.name != "body"] + ["body_preview"]
    exclude = ["body"]

    def has_add_permission(self, request: HttpRequest) -> bool:
        return False  # submissions are made by submitting, never typed in

    @admin.display(description=_("Request body sent (secrets masked)"))
    def body_preview(self, obj: Submission) -> str:
        return format_html('<pre class="admin-preview" tabindex="0">{}</pre>', visible(dumps(masked_job(obj.body))))


class ReadOnlyAdmin(admin.ModelAdmin):
    """History is written by the app, never typed in or edited."""

    def has_add_permission(self, request: HttpRequest) -> bool:
        return False

    def has_change_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False


class KeptWithDraftAdmin(ReadOnlyAdmin):
    """Evidence (reviews point at revisions, the submission gate at approvals): never deleted one
    by one, only with its draft. Delete permission itself stays, or the admin could not delete a
    draft at all (Django asks it of every row a delete would take with it)."""

    def get_actions(self, request: HttpRequest) -> dict[str, Any]:
        actions = super().get_actions(request)
        actions.pop("delete_selected", None)
        return actions

    def delete_view(self, request: HttpRequest, object_id: str, extra_context: Any = None) -> HttpResponse:
        raise PermissionDenied

    def change_view(self, request: HttpRequest, object_id: str, form_url: str = "", extra_context: Any = None) -> Any:
        return super().change_view(request, object_id, form_url, {**(extra_context or {}), "show_delete": False})


@admin.register(Revision)
class RevisionAdmin(KeptWithDraftAdmin):
    list_display = ["__str__", "number", "author", "reason", "created_at"]
    list_filter = ["created_at"]
    search_fields = ["draft__name", "reason", "author__username", "payload_hash"]
    list_select_related = ["draft", "author"]
    exclude = ["payload"]
    readonly_fields = ["draft", "number", "author", "reason", "created_at", "payload_hash", "payload_preview"]

    @admin.display(description=_("Payload (secrets masked)"))
    def payload_preview(self, obj: Revision) -> str:
        return format_html('<pre class="admin-preview" tabindex="0">{}</pre>', visible(dumps(masked_job(obj.payload))))


@admin.register(Review)
class ReviewAdmin(KeptWithDraftAdmin):
    list_display = ["draft", "team", "revision", "state", "requested_by", "reviewer", "created_at", "decided_at"]
    list_filter = ["state", "team", "created_at"]
    search_fields = ["draft__name", "requested_by__username", "reviewer__username", "comment", "message"]
    list_select_related = ["draft", "team", "revision", "requested_by", "reviewer"]


@admin.register(Comment)
class CommentAdmin(admin.ModelAdmin):
    list_display = ["draft", "author", "input_name", "short_body", "created_at"]
    list_filter = ["created_at"]
    search_fields = ["body", "input_name", "draft__name", "author__username"]
    list_select_related = ["draft", "author"]
    raw_id_fields = ["draft", "author"]

    @admin.display(description=_("Comment"))
    def short_body(self, obj: Comment) -> str:
        return obj.body[:80]


@admin.register(AuditEvent)
class AuditEventAdmin(ReadOnlyAdmin):
    """The trail, filterable by what, who, which team and when; nobody may change or delete it."""

    list_display = ["at", "actor_name", "action", "draft_label", "team", "detail"]
    list_filter = ["action", "team", "at"]
    search_fields = ["actor_name", "draft_label", "detail"]
    date_hierarchy = "at"
    list_select_related = ["team"]

    def has_delete_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False

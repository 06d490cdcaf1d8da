from django.contrib import admin

from .models import SandboxCluster, SandboxFault, SandboxJob, SandboxSubmission


@admin.register(SandboxCluster)
class SandboxClusterAdmin(admin.ModelAdmin):
    list_display = ["name", "cluster_id", "project_id", "status"]
    list_filter = ["status"]
    list_editable = ["status"]
    search_fields = ["name", "cluster_id", "project_id"]


@admin.register(SandboxJob)
class SandboxJobAdmin(admin.ModelAdmin):
    list_display = ["name", "cluster", "created_at"]
    search_fields = ["name"]
    list_select_related = ["cluster"]


@admin.register(SandboxSubmission)
class SandboxSubmissionAdmin(admin.ModelAdmin):
    list_display = ["job", "started_at", "will_fail", "stopped_at"]
    list_select_related = ["job"]


@admin.register(SandboxFault)
class SandboxFaultAdmin(admin.ModelAdmin):
    list_display = ["kind", "value", "method", "path_contains", "project_id", "remaining"]

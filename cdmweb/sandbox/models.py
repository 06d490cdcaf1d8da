"""The sandbox's own state: what a CDM service would hold for each project."""

from __future__ import annotations

import secrets

from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from cdmweb.jobspec.constants import CLUSTER_RUNNING, CLUSTER_STOPPED

RUNNING, STOPPED = CLUSTER_RUNNING, CLUSTER_STOPPED


def new_token() -> str:
    return secrets.token_urlsafe(48)


class SandboxCluster(models.Model):
    project_id = models.CharField(max_length=64, db_index=True, verbose_name=_("project ID"))
    cluster_id = models.CharField(max_length=64, verbose_name=_("cluster ID"))
    name = models.CharField(max_length=128, verbose_name=_("name"))
    status = models.CharField(max_length=8, default=RUNNING, verbose_name=_("status"))
    created_at = models.DateTimeField(default=timezone.now, verbose_name=_("created at"))

    class Meta:
        verbose_name = _("sandbox cluster")
        verbose_name_plural = _("sandbox clusters")
        unique_together = [("project_id", "cluster_id")]
        ordering = ["name"]

    def __str__(self) -> str:
        return f"{self.name} ({self.cluster_id})"

    @property
    def running(self) -> bool:
        return self.status == RUNNING


class SandboxLink(models.Model):
    """A link as CDM keeps it: the body it was given (secrets included, as CDM must keep them to
    connect; they are never answered back)."""

    cluster = models.ForeignKey(SandboxCluster, models.CASCADE, related_name="links", verbose_name=_("cluster"))
    name = models.TextField(verbose_name=_("name"))
    connector = models.TextField(verbose_name=_("connector"))
    body = models.JSONField(verbose_name=_("body"))
    created_at = models.DateTimeField(default=timezone.now, verbose_name=_("created at"))
    updated_at = models.DateTimeField(default=timezone.now, verbose_name=_("updated at"))

    class Meta:
        verbose_name = _("sandbox link")
        verbose_name_plural = _("sandbox links")
        unique_together = [("cluster", "name")]

    def __str__(self) -> str:
        return f"{self.name} ({self.connector})"


class SandboxJob(models.Model):
    cluster = models.ForeignKey(SandboxCluster, models.CASCADE, related_name="jobs", verbose_name=_("cluster"))
    name = models.TextField(verbose_name=_("name"))
    job_type = models.CharField(max_length=32, default="NORMAL_JOB", db_index=True, verbose_name=_("job type"))
    body = models.JSONField(verbose_name=_("body"))
    created_at = models.DateTimeField(default=timezone.now, verbose_name=_("created at"))
    updated_at = models.DateTimeField(default=timezone.now, verbose_name=_("updated at"))

    class Meta:
        verbose_name = _("sandbox job")
        verbose_name_plural = _("sandbox jobs")
        unique_together = [("cluster", "name")]

    def __str__(self) -> str:
        return self.name


class SandboxSubmission(models.Model):
    job = models.ForeignKey(SandboxJob, models.CASCADE, related_name="submissions", verbose_name=_("job"))
    started_at = models.DateTimeField(default=timezone.now, verbose_name=_("started at"))
    stopped_at = models.DateTimeField(null=True, blank=True, verbose_name=_("stopped at"))
    # Decided at start: a job told to fail (a link name containing "fail") fails half way.
    will_fail = models.BooleanField(default=False, verbose_name=_("will fail"))
    total_rows = models.BigIntegerField(default=100_000, verbose_name=_("total rows"))
    creation_user = models.CharField(max_length=128, default="sandbox", verbose_name=_("creation user"))
    # The values a start gave the job's ${…} variables.
    variables = models.JSONField(default=dict, blank=True, verbose_name=_("variables"))

    class Meta:
        verbose_name = _("sandbox submission")
        verbose_name_plural = _("sandbox submissions")
        ordering = ["-started_at", "-id"]

    def __str__(self) -> str:
        return f"{self.job} #{self.pk}"


class SandboxToken(models.Model):
    """An IAM token the sandbox issued: valid for one project until it expires."""

    token = models.CharField(max_length=128, unique=True, default=new_token, verbose_name=_("token"))
    project_id = models.CharField(max_length=64, verbose_name=_("project ID"))
    user = models.CharField(max_length=128, verbose_name=_("user"))
    expires_at = models.DateTimeField(verbose_name=_("expires at"))

    class Meta:
        verbose_name = _("sandbox token")
        verbose_name_plural = _("sandbox tokens")

    def __str__(self) -> str:
        return f"token for {self.user} ({self.project_id})"


class SandboxFault(models.Model):
    """A fault to inject on the next matching calls: how tests make the sandbox misbehave."""

    SLOW, STATUS, GARBAGE, DROP, UNAUTHORIZED = "slow", "status", "garbage", "drop", "unauthorized"
    # Refuse the request and repeat it in the error, as some servers do: value "json" (the body as
    # it came, so its strings JSON-escaped), "url" (URL-encoded) or "base64".
    ECHO = "echo"
    KINDS = [(k, k) for k in (SLOW, STATUS, GARBAGE, DROP, UNAUTHORIZED, ECHO)]

    project_id = models.CharField(
        max_length=64, blank=True, help_text=_("empty: any project"), verbose_name=_("project ID")
    )
    method = models.CharField(max_length=8, blank=True, help_text=_("empty: any method"), verbose_name=_("method"))
    path_contains = models.CharField(max_length=200, blank=True, verbose_name=_("path contains"))
    kind = models.CharField(max_length=16, choices=KINDS, verbose_name=_("kind"))
    value = models.CharField(
        max_length=64,
        blank=True,
        help_text=_("seconds for slow, HTTP status for status, json/url/base64 for echo"),
        verbose_name=_("value"),
    )
    remaining = models.PositiveIntegerField(
        default=1, help_text=_("how many calls it affects"), verbose_name=_("remaining")
    )

    class Meta:
        verbose_name = _("sandbox fault")
        verbose_name_plural = _("sandbox faults")

    def __str__(self) -> str:
        return f"{self.kind} on {self.method or '*'} {self.path_contains or '*'} (x{self.remaining})"

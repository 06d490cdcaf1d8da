"""The sandbox's own state: what a CDM service would hold for each project."""

from __future__ import annotations

import secrets

from django.db import models
from django.utils import timezone

from cdmweb.jobspec.constants import CLUSTER_RUNNING, CLUSTER_STOPPED

RUNNING, STOPPED = CLUSTER_RUNNING, CLUSTER_STOPPED


def new_token() -> str:
    return secrets.token_urlsafe(48)


class SandboxCluster(models.Model):
    project_id = models.CharField(max_length=64, db_index=True)
    cluster_id = models.CharField(max_length=64)
    name = models.CharField(max_length=128)
    status = models.CharField(max_length=8, default=RUNNING)
    created_at = models.DateTimeField(default=timezone.now)

    class Meta:
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

    cluster = models.ForeignKey(SandboxCluster, models.CASCADE, related_name="links")
    name = models.TextField()
    connector = models.TextField()
    body = models.JSONField()
    created_at = models.DateTimeField(default=timezone.now)
    updated_at = models.DateTimeField(default=timezone.now)

    class Meta:
        unique_together = [("cluster", "name")]

    def __str__(self) -> str:
        return f"{self.name} ({self.connector})"


class SandboxJob(models.Model):
    cluster = models.ForeignKey(SandboxCluster, models.CASCADE, related_name="jobs")
    name = models.TextField()
    job_type = models.CharField(max_length=32, default="NORMAL_JOB", db_index=True)
    body = models.JSONField()
    created_at = models.DateTimeField(default=timezone.now)
    updated_at = models.DateTimeField(default=timezone.now)

    class Meta:
        unique_together = [("cluster", "name")]

    def __str__(self) -> str:
        return self.name


class SandboxSubmission(models.Model):
    job = models.ForeignKey(SandboxJob, models.CASCADE, related_name="submissions")
    started_at = models.DateTimeField(default=timezone.now)
    stopped_at = models.DateTimeField(null=True, blank=True)
    # Decided at start: a job told to fail (a link name containing "fail") fails half way.
    will_fail = models.BooleanField(default=False)
    total_rows = models.BigIntegerField(default=100_000)
    creation_user = models.CharField(max_length=128, default="sandbox")
    # The values a start gave the job's ${…} variables.
    variables = models.JSONField(default=dict, blank=True)

    class Meta:
        ordering = ["-started_at", "-id"]

    def __str__(self) -> str:
        return f"{self.job} #{self.pk}"


class SandboxToken(models.Model):
    """An IAM token the sandbox issued: valid for one project until it expires."""

    token = models.CharField(max_length=128, unique=True, default=new_token)
    project_id = models.CharField(max_length=64)
    user = models.CharField(max_length=128)
    expires_at = models.DateTimeField()

    def __str__(self) -> str:
        return f"token for {self.user} ({self.project_id})"


class SandboxFault(models.Model):
    """A fault to inject on the next matching calls: how tests make the sandbox misbehave."""

    SLOW, STATUS, GARBAGE, DROP, UNAUTHORIZED = "slow", "status", "garbage", "drop", "unauthorized"
    # Refuse the request and repeat it in the error, as some servers do: value "json" (the body as
    # it came, so its strings JSON-escaped), "url" (URL-encoded) or "base64".
    ECHO = "echo"
    KINDS = [(k, k) for k in (SLOW, STATUS, GARBAGE, DROP, UNAUTHORIZED, ECHO)]

    project_id = models.CharField(max_length=64, blank=True, help_text="empty: any project")
    method = models.CharField(max_length=8, blank=True, help_text="empty: any method")
    path_contains = models.CharField(max_length=200, blank=True)
    kind = models.CharField(max_length=16, choices=KINDS)
    value = models.CharField(
        max_length=64, blank=True, help_text="seconds for slow, HTTP status for status, json/url/base64 for echo"
    )
    remaining = models.PositiveIntegerField(default=1, help_text="how many calls it affects")

    def __str__(self) -> str:
        return f"{self.kind} on {self.method or '*'} {self.path_contains or '*'} (x{self.remaining})"

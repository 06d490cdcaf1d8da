"""What cdmweb knows of the jobs and links already on a target's clusters: a local copy that a
task refreshes, so pages read it instead of asking CDM on every view."""

from __future__ import annotations

from datetime import UTC, datetime

from django.conf import settings
from django.db import models
from django.utils import timezone

from .submissions import Target


class ClusterInventory(models.Model):
    """When a cluster's jobs and links were last read from CDM, and what went wrong if it failed."""

    target = models.ForeignKey(Target, models.CASCADE, related_name="inventories")
    cluster_id = models.CharField(max_length=64)
    refreshed_at = models.DateTimeField(null=True, blank=True)
    # While a refresh runs: since when (another one is not started meanwhile unless this is old).
    refreshing_since = models.DateTimeField(null=True, blank=True)
    job_count = models.PositiveIntegerField(default=0)
    error = models.TextField(blank=True)

    class Meta:
        unique_together = [("target", "cluster_id")]

    def __str__(self) -> str:
        return f"{self.target} / {self.cluster_id}"


class ClusterJob(models.Model):
    """One job as the cluster listed it at the last refresh (deployable keys in ``body``)."""

    target = models.ForeignKey(Target, models.CASCADE, related_name="cluster_jobs")
    cluster_id = models.CharField(max_length=64)
    name = models.TextField()
    job_type = models.CharField(max_length=32, blank=True)
    from_connector = models.TextField(blank=True)
    to_connector = models.TextField(blank=True)
    from_link = models.TextField(blank=True)
    to_link = models.TextField(blank=True)
    body = models.JSONField(help_text="the job as the cluster answered it, CDM's own keys left out")
    body_hash = models.CharField(max_length=64)
    # The job's status as listed (NEW, RUNNING, SUCCEEDED...) and its latest run, when known.
    status = models.CharField(max_length=32, blank=True)
    last_run = models.JSONField(null=True, blank=True)
    # The run history (show_submissions), newest first, as last read.
    history = models.JSONField(default=list, blank=True)
    history_read_at = models.DateTimeField(null=True, blank=True)
    seen_at = models.DateTimeField(default=timezone.now)

    class Meta:
        ordering = ["name"]
        unique_together = [("target", "cluster_id", "name")]

    def __str__(self) -> str:
        return self.name

    @property
    def last_run_at(self) -> datetime | None:
        """When the latest run began, as the listing said (milliseconds, as number or text)."""
        value = (self.last_run or {}).get("execute_start_date")
        try:
            millis = int(value)
        except (TypeError, ValueError):
            return None
        return datetime.fromtimestamp(millis / 1000, UTC) if millis > 0 else None


class ClusterLink(models.Model):
    """A link cdmweb knows on a cluster. CDM has no call that lists links, so they are learned:
    named by a job on the cluster, read with show_link, or created from cdmweb."""

    class Origin(models.TextChoices):
        JOB = "job", "named by a job"
        CHECKED = "checked", "read from the cluster"
        CREATED = "created", "created from cdmweb"

    target = models.ForeignKey(Target, models.CASCADE, related_name="cluster_links")
    cluster_id = models.CharField(max_length=64)
    name = models.TextField()
    connector = models.TextField(blank=True)
    origin = models.CharField(max_length=16, choices=Origin, default=Origin.JOB)
    # None: never asked; True/False: what show_link said at checked_at.
    exists = models.BooleanField(null=True, blank=True)
    checked_at = models.DateTimeField(null=True, blank=True)
    # show_link's "fromTo-unMapping": the source → destination pairs this link cannot serve.
    unmapping = models.TextField(blank=True)
    # A link created from cdmweb: its non-secret inputs, and its secrets encrypted (cdmweb/crypto.py)
    # so it can be created on another cluster later; never rendered, logged or exported.
    config = models.JSONField(default=dict, blank=True)
    secrets_encrypted = models.TextField(blank=True, editable=False)
    created_by = models.ForeignKey(settings.AUTH_USER_MODEL, models.SET_NULL, null=True, blank=True, related_name="+")
    seen_at = models.DateTimeField(default=timezone.now)

    class Meta:
        ordering = ["name"]
        unique_together = [("target", "cluster_id", "name")]

    def __str__(self) -> str:
        return f"{self.name} ({self.connector or 'connector unknown'})"

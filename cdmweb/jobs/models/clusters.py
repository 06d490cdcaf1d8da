"""What cdmweb knows of the jobs and links already on a target's clusters: a local copy that a
task refreshes, so pages read it instead of asking CDM on every view."""

from __future__ import annotations

from datetime import UTC, datetime

from django.conf import settings
from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from .submissions import Target


class ClusterInventory(models.Model):
    """When a cluster's jobs and links were last read from CDM, and what went wrong if it failed."""

    target = models.ForeignKey(Target, models.CASCADE, related_name="inventories", verbose_name=_("target"))
    cluster_id = models.CharField(max_length=64, verbose_name=_("cluster ID"))
    refreshed_at = models.DateTimeField(null=True, blank=True, verbose_name=_("refreshed at"))
    # While a refresh runs: since when (another one is not started meanwhile unless this is old).
    refreshing_since = models.DateTimeField(null=True, blank=True, verbose_name=_("refreshing since"))
    job_count = models.PositiveIntegerField(default=0, verbose_name=_("job count"))
    error = models.TextField(blank=True, verbose_name=_("error"))

    class Meta:
        verbose_name = _("cluster inventory")
        verbose_name_plural = _("cluster inventories")
        unique_together = [("target", "cluster_id")]

    def __str__(self) -> str:
        return f"{self.target} / {self.cluster_id}"


class ClusterJob(models.Model):
    """One job as the cluster listed it at the last refresh (deployable keys in ``body``)."""

    target = models.ForeignKey(Target, models.CASCADE, related_name="cluster_jobs", verbose_name=_("target"))
    cluster_id = models.CharField(max_length=64, verbose_name=_("cluster ID"))
    name = models.TextField(verbose_name=_("name"))
    job_type = models.CharField(max_length=32, blank=True, verbose_name=_("job type"))
    from_connector = models.TextField(blank=True, verbose_name=_("from connector"))
    to_connector = models.TextField(blank=True, verbose_name=_("to connector"))
    from_link = models.TextField(blank=True, verbose_name=_("from link"))
    to_link = models.TextField(blank=True, verbose_name=_("to link"))
    body = models.JSONField(
        help_text=_("the job as the cluster answered it, CDM's own keys left out"), verbose_name=_("body")
    )
    body_hash = models.CharField(max_length=64, verbose_name=_("body hash"))
    # The job's status as listed (NEW, RUNNING, SUCCEEDED...) and its latest run, when known.
    status = models.CharField(max_length=32, blank=True, verbose_name=_("status"))
    last_run = models.JSONField(null=True, blank=True, verbose_name=_("last run"))
    # The run history (show_submissions), newest first, as last read.
    history = models.JSONField(default=list, blank=True, verbose_name=_("history"))
    history_read_at = models.DateTimeField(null=True, blank=True, verbose_name=_("history read at"))
    seen_at = models.DateTimeField(default=timezone.now, verbose_name=_("seen at"))

    class Meta:
        verbose_name = _("cluster job")
        verbose_name_plural = _("cluster jobs")
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
        JOB = "job", _("named by a job")
        CHECKED = "checked", _("read from the cluster")
        CREATED = "created", _("created from cdmweb")

    target = models.ForeignKey(Target, models.CASCADE, related_name="cluster_links", verbose_name=_("target"))
    cluster_id = models.CharField(max_length=64, verbose_name=_("cluster ID"))
    name = models.TextField(verbose_name=_("name"))
    connector = models.TextField(blank=True, verbose_name=_("connector"))
    origin = models.CharField(max_length=16, choices=Origin, default=Origin.JOB, verbose_name=_("origin"))
    # None: never asked; True/False: what show_link said at checked_at.
    exists = models.BooleanField(null=True, blank=True, verbose_name=_("exists"))
    checked_at = models.DateTimeField(null=True, blank=True, verbose_name=_("checked at"))
    # show_link's "fromTo-unMapping": the source → destination pairs this link cannot serve.
    unmapping = models.TextField(blank=True, verbose_name=_("unsupported pairs"))
    # A link created from cdmweb: its non-secret inputs, and its secrets encrypted (cdmweb/crypto.py)
    # so it can be created on another cluster later; never rendered, logged or exported.
    config = models.JSONField(default=dict, blank=True, verbose_name=_("config"))
    secrets_encrypted = models.TextField(blank=True, editable=False, verbose_name=_("secrets (encrypted)"))
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, models.SET_NULL, null=True, blank=True, related_name="+", verbose_name=_("created by")
    )
    seen_at = models.DateTimeField(default=timezone.now, verbose_name=_("seen at"))

    class Meta:
        verbose_name = _("cluster link")
        verbose_name_plural = _("cluster links")
        ordering = ["name"]
        unique_together = [("target", "cluster_id", "name")]

    def __str__(self) -> str:
        return f"{self.name} ({self.connector or 'connector unknown'})"

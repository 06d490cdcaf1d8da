"""Where drafts go: CDM targets (endpoint, credentials, clusters) and each submission to one."""

from __future__ import annotations

from typing import Any

from django.conf import settings
from django.db import models
from django.urls import reverse
from django.utils import timezone

from cdmweb.crypto import encrypt
from cdmweb.jobspec.constants import TERMINAL_STATUSES, is_running


class Target(models.Model):
    """A CDM endpoint to submit to: where it is, how to authenticate, which clusters it has.

    The secret (SK, password or token) is either stored encrypted or named by a variable (an
    environment variable, else the Django setting of that name); either way it never reaches a
    page, a log or an export.
    """

    class AuthMode(models.TextChoices):
        TOKEN = "token", "IAM token"
        PASSWORD = "password", "IAM password"
        AKSK = "aksk", "AK/SK signature"

    name = models.SlugField(max_length=64, unique=True)
    # None: for everyone, managed by staff in the admin; else the team's own, managed by its admins.
    team = models.ForeignKey("accounts.Team", models.CASCADE, null=True, blank=True, related_name="targets")
    endpoint = models.URLField(
        blank=True, help_text="CDM base URL, e.g. https://cdm.eu-de.otc.t-systems.com; empty: the embedded sandbox"
    )
    region = models.CharField(max_length=64, blank=True)
    project_id = models.CharField(max_length=64)
    auth_mode = models.CharField(max_length=16, choices=AuthMode, default=AuthMode.AKSK)
    iam_endpoint = models.URLField(blank=True, help_text="IAM base URL, for IAM password auth")
    username = models.CharField(max_length=128, blank=True)
    domain = models.CharField(max_length=128, blank=True)
    access_key = models.CharField(max_length=128, blank=True, help_text="the AK (an identifier, not a secret)")
    access_key_source = models.CharField(max_length=128, blank=True, help_text="or the variable holding the AK")
    # The SK, password or token, encrypted (cdmweb/crypto.py); never rendered, logged or exported.
    secret_encrypted = models.TextField(blank=True, editable=False)
    secret_source = models.CharField(
        max_length=128, blank=True, help_text="or the variable holding the SK, the password or the token"
    )
    x_language = models.CharField(max_length=16, blank=True, default="en-us")
    requires_review = models.BooleanField(
        default=True, help_text="every submission to this target must be a revision a second person approved"
    )
    clusters = models.JSONField(default=list, blank=True, help_text="known clusters: [{id, name, status}]")
    clusters_refreshed_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["name"]

    def __str__(self) -> str:
        return self.name

    @classmethod
    def usable_for(cls, draft: Any) -> models.QuerySet[Target]:
        """The targets a draft may go to: everyone's, and its team's own."""
        return cls.objects.filter(models.Q(team=None) | models.Q(team_id=draft.team_id))

    @property
    def base_url(self) -> str:
        return self.endpoint or settings.CDM_SANDBOX_URL

    def set_secret(self, plain: str) -> None:
        self.secret_encrypted = encrypt(plain) if plain else ""

    @property
    def secret_where(self) -> str:
        """Where the secret comes from, for screens: never the secret itself."""
        if self.secret_encrypted:
            return "stored encrypted"
        return f"from {self.secret_source}" if self.secret_source else "none"

    def cluster_name(self, cluster_id: str) -> str:
        """A cluster's name as the target last listed it; the id when unknown."""
        return next((c["name"] for c in self.clusters if c.get("id") == cluster_id), cluster_id)

    @property
    def running_clusters(self) -> list[dict[str, Any]]:
        return [c for c in self.clusters if is_running(c)]


class Submission(models.Model):
    """One attempt to send a draft to CDM, and what became of it."""

    class State(models.TextChoices):
        PENDING = "pending", "pending"
        SENDING = "sending", "sending"
        CREATED = "created", "created"
        ACCEPTED = "accepted", "accepted"
        REFUSED = "refused", "refused"
        ERROR = "error", "error"

    class Action(models.TextChoices):
        CREATE = "create", "create"
        UPDATE = "update", "update"  # PUT the job a cluster already has, then start it if asked
        START = "start", "start"  # run a job the cluster already has, as it is

    draft = models.ForeignKey("JobDraft", models.SET_NULL, null=True, related_name="submissions")
    revision = models.ForeignKey(
        "Revision", models.SET_NULL, null=True, blank=True, related_name="submissions", help_text="the revision sent"
    )
    target = models.ForeignKey(Target, models.PROTECT, related_name="submissions")
    user = models.ForeignKey(settings.AUTH_USER_MODEL, models.PROTECT, related_name="cdm_submissions")
    idempotency_key = models.CharField(max_length=64, unique=True)
    # While "sending": until when the worker that claimed it holds it. A worker that dies leaves
    # the lease to run out; the next one then asks CDM what was done before sending anything.
    lease_until = models.DateTimeField(null=True, blank=True)
    attempts = models.PositiveIntegerField(default=0)
    cluster_id = models.CharField(max_length=64, blank=True, help_text="the chosen cluster, or the one CDM picked")
    pool = models.JSONField(default=list, blank=True, help_text="cluster ids of a random-cluster submission")
    body = models.JSONField(help_text="the request body sent")
    action = models.CharField(max_length=8, choices=Action, default=Action.CREATE)
    start = models.BooleanField(default=True, help_text="start the job once created or updated")
    variables = models.JSONField(default=dict, blank=True, help_text="values for the job's ${…} variables")
    routing_note = models.CharField(max_length=300, blank=True, help_text="why it went where it went")
    state = models.CharField(max_length=16, choices=State, default=State.PENDING)
    job_name = models.TextField(blank=True)
    submission_id = models.CharField(max_length=64, blank=True)
    http_status = models.PositiveIntegerField(null=True, blank=True)
    response = models.JSONField(null=True, blank=True)
    error_code = models.CharField(max_length=32, blank=True)
    error_message = models.TextField(blank=True)
    cdm_status = models.CharField(max_length=32, blank=True)
    progress = models.FloatField(default=0)
    # Polls in a row that CDM answered "no such job", and since when polls have failed at all: a job
    # CDM stops knowing, or nobody can ask about, ends instead of waiting for ever.
    not_found_polls = models.PositiveIntegerField(default=0)
    poll_failing_since = models.DateTimeField(null=True, blank=True)
    rows_read = models.BigIntegerField(default=0)
    rows_written = models.BigIntegerField(default=0)
    bytes_read = models.BigIntegerField(default=0)
    bytes_written = models.BigIntegerField(default=0)
    created_at = models.DateTimeField(default=timezone.now)
    updated_at = models.DateTimeField(default=timezone.now)
    finished_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["-created_at", "-id"]

    def __str__(self) -> str:
        return f"{self.job_name or 'submission'} #{self.pk}"

    def get_absolute_url(self) -> str:
        return reverse("submission", args=[self.pk])

    @property
    def terminal(self) -> bool:
        if self.state in (self.State.REFUSED, self.State.ERROR) or self.cdm_status in TERMINAL_STATUSES:
            return True
        # An update not asked to start ends once the cluster took the new body.
        return self.state == self.State.ACCEPTED and not self.start

    @property
    def outcome(self) -> str:
        """What was done on the cluster, in words: "Updated job X on cluster Y"."""
        verb = {self.Action.CREATE: "Created", self.Action.UPDATE: "Updated", self.Action.START: "Started"}
        landed = self.state in (self.State.ACCEPTED,) or (
            self.state == self.State.CREATED and self.action == self.Action.UPDATE
        )
        if not landed or not self.cluster_id:
            return ""
        ran = self.state == self.State.ACCEPTED and self.start
        started = " and started it" if ran and self.action != self.Action.START else ""
        return f"{verb[self.action]} job {self.job_name} on cluster {self.cluster_name}{started}."

    @property
    def cluster_name(self) -> str:
        """The cluster's name as the target last listed it; the id when unknown."""
        return self.target.cluster_name(self.cluster_id)

    @property
    def duration_seconds(self) -> float:
        end = self.finished_at or timezone.now()
        return max((end - self.created_at).total_seconds(), 0.0)

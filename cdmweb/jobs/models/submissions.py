"""Where drafts go: CDM targets (endpoint, credentials, clusters) and each submission to one."""

from __future__ import annotations

from typing import Any

from django.conf import settings
from django.db import models
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _

from cdmweb.crypto import encrypt
from cdmweb.jobspec.constants import TERMINAL_STATUSES, is_running


class Target(models.Model):
    """A CDM endpoint to submit to: where it is, how to authenticate, which clusters it has.

    The secret (SK, password or token) is either stored encrypted or named by a variable (an
    environment variable, else the Django setting of that name); either way it never reaches a
    page, a log or an export.
    """

    class AuthMode(models.TextChoices):
        TOKEN = "token", _("IAM token")
        PASSWORD = "password", _("IAM password")
        AKSK = "aksk", _("AK/SK signature")

    name = models.SlugField(max_length=64, unique=True, verbose_name=_("name"))
    # None: for everyone, managed by staff in the admin; else the team's own, managed by its admins.
    team = models.ForeignKey(
        "accounts.Team", models.CASCADE, null=True, blank=True, related_name="targets", verbose_name=_("team")
    )
    endpoint = models.URLField(
        blank=True,
        help_text=_("CDM base URL, e.g. https://cdm.eu-de.otc.t-systems.com; empty: the embedded sandbox"),
        verbose_name=_("endpoint"),
    )
    region = models.CharField(max_length=64, blank=True, verbose_name=_("region"))
    project_id = models.CharField(max_length=64, verbose_name=_("project ID"))
    auth_mode = models.CharField(max_length=16, choices=AuthMode, default=AuthMode.AKSK, verbose_name=_("auth mode"))
    iam_endpoint = models.URLField(
        blank=True, help_text=_("IAM base URL, for IAM password auth"), verbose_name=_("IAM endpoint")
    )
    username = models.CharField(max_length=128, blank=True, verbose_name=_("username"))
    domain = models.CharField(max_length=128, blank=True, verbose_name=_("domain"))
    access_key = models.CharField(
        max_length=128, blank=True, help_text=_("the AK (an identifier, not a secret)"), verbose_name=_("AK")
    )
    access_key_source = models.CharField(
        max_length=128, blank=True, help_text=_("or the variable holding the AK"), verbose_name=_("AK variable")
    )
    # The SK, password or token, encrypted (cdmweb/crypto.py); never rendered, logged or exported.
    secret_encrypted = models.TextField(blank=True, editable=False, verbose_name=_("secret (encrypted)"))
    secret_source = models.CharField(
        max_length=128,
        blank=True,
        help_text=_("or the variable holding the SK, the password or the token"),
        verbose_name=_("secret variable"),
    )
    # Empty: CDM answers in the language of whom a call is for (en-us or zh-cn); else always this.
    x_language = models.CharField(
        "X-Language",
        max_length=16,
        blank=True,
        default="",
        help_text=_("the language CDM answers in: empty follows each user's language (en-us or zh-cn)"),
    )
    requires_review = models.BooleanField(
        default=True,
        help_text=_("every submission to this target must be a revision a second person approved"),
        verbose_name=_("requires review"),
    )
    clusters = models.JSONField(
        default=list, blank=True, help_text=_("known clusters: [{id, name, status}]"), verbose_name=_("clusters")
    )
    clusters_refreshed_at = models.DateTimeField(null=True, blank=True, verbose_name=_("clusters refreshed at"))

    class Meta:
        verbose_name = _("target")
        verbose_name_plural = _("targets")
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
            return gettext("stored encrypted")
        if self.secret_source:
            return gettext("from %(variable)s") % {"variable": self.secret_source}
        return gettext("none")

    def cluster_name(self, cluster_id: str) -> str:
        """A cluster's name as the target last listed it; the id when unknown."""
        return next((c["name"] for c in self.clusters if c.get("id") == cluster_id), cluster_id)

    @property
    def running_clusters(self) -> list[dict[str, Any]]:
        return [c for c in self.clusters if is_running(c)]


class Submission(models.Model):
    """One attempt to send a draft to CDM, and what became of it."""

    class State(models.TextChoices):
        PENDING = "pending", _("pending")
        SENDING = "sending", _("sending")
        CREATED = "created", _("created")
        ACCEPTED = "accepted", _("accepted")
        REFUSED = "refused", _("refused")
        ERROR = "error", _("error")

    class Action(models.TextChoices):
        CREATE = "create", _("create")
        UPDATE = "update", _("update")  # PUT the job a cluster already has, then start it if asked
        START = "start", _("start")  # run a job the cluster already has, as it is

    draft = models.ForeignKey(
        "JobDraft", models.SET_NULL, null=True, related_name="submissions", verbose_name=_("draft")
    )
    revision = models.ForeignKey(
        "Revision",
        models.SET_NULL,
        null=True,
        blank=True,
        related_name="submissions",
        help_text=_("the revision sent"),
        verbose_name=_("revision"),
    )
    target = models.ForeignKey(Target, models.PROTECT, related_name="submissions", verbose_name=_("target"))
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, models.PROTECT, related_name="cdm_submissions", verbose_name=_("user")
    )
    idempotency_key = models.CharField(max_length=64, unique=True, verbose_name=_("idempotency key"))
    # While "sending": until when the worker that claimed it holds it. A worker that dies leaves
    # the lease to run out; the next one then asks CDM what was done before sending anything.
    lease_until = models.DateTimeField(null=True, blank=True, verbose_name=_("lease until"))
    attempts = models.PositiveIntegerField(default=0, verbose_name=_("attempts"))
    cluster_id = models.CharField(
        max_length=64,
        blank=True,
        help_text=_("the chosen cluster, or the one CDM picked"),
        verbose_name=_("cluster ID"),
    )
    pool = models.JSONField(
        default=list,
        blank=True,
        help_text=_("cluster ids of a random-cluster submission"),
        verbose_name=_("cluster pool"),
    )
    body = models.JSONField(help_text=_("the request body sent"), verbose_name=_("body"))
    action = models.CharField(max_length=8, choices=Action, default=Action.CREATE, verbose_name=_("action"))
    start = models.BooleanField(
        default=True, help_text=_("start the job once created or updated"), verbose_name=_("start it")
    )
    variables = models.JSONField(
        default=dict, blank=True, help_text=_("values for the job's ${…} variables"), verbose_name=_("variables")
    )
    routing_note = models.CharField(
        max_length=300, blank=True, help_text=_("why it went where it went"), verbose_name=_("routing note")
    )
    # The interface language of whoever submitted ("en", "zh-hans"): the worker that sends it
    # later has CDM answer in it (see targets.cdm_language); empty: the worker's own (English).
    language = models.CharField(
        max_length=16,
        blank=True,
        default="",
        help_text=_("the submitter's language, which CDM answers in"),
        verbose_name=_("language"),
    )
    state = models.CharField(max_length=16, choices=State, default=State.PENDING, verbose_name=_("state"))
    job_name = models.TextField(blank=True, verbose_name=_("job name"))
    submission_id = models.CharField(max_length=64, blank=True, verbose_name=_("CDM submission ID"))
    http_status = models.PositiveIntegerField(null=True, blank=True, verbose_name=_("HTTP status"))
    response = models.JSONField(null=True, blank=True, verbose_name=_("response"))
    error_code = models.CharField(max_length=32, blank=True, verbose_name=_("error code"))
    error_message = models.TextField(blank=True, verbose_name=_("error message"))
    cdm_status = models.CharField(max_length=32, blank=True, verbose_name=_("CDM status"))
    progress = models.FloatField(default=0, verbose_name=_("progress"))
    # Polls in a row that CDM answered "no such job", and since when polls have failed at all: a job
    # CDM stops knowing, or nobody can ask about, ends instead of waiting for ever.
    not_found_polls = models.PositiveIntegerField(default=0, verbose_name=_("not found polls"))
    poll_failing_since = models.DateTimeField(null=True, blank=True, verbose_name=_("poll failing since"))
    rows_read = models.BigIntegerField(default=0, verbose_name=_("rows read"))
    rows_written = models.BigIntegerField(default=0, verbose_name=_("rows written"))
    bytes_read = models.BigIntegerField(default=0, verbose_name=_("bytes read"))
    bytes_written = models.BigIntegerField(default=0, verbose_name=_("bytes written"))
    created_at = models.DateTimeField(default=timezone.now, verbose_name=_("created at"))
    updated_at = models.DateTimeField(default=timezone.now, verbose_name=_("updated at"))
    finished_at = models.DateTimeField(null=True, blank=True, verbose_name=_("finished at"))

    class Meta:
        verbose_name = _("submission")
        verbose_name_plural = _("submissions")
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
        landed = self.state in (self.State.ACCEPTED,) or (
            self.state == self.State.CREATED and self.action == self.Action.UPDATE
        )
        if not landed or not self.cluster_id:
            return ""
        ran = self.state == self.State.ACCEPTED and self.start
        names = {"job": self.job_name, "cluster": self.cluster_name}
        if self.action == self.Action.START:
            return gettext("Started job %(job)s on cluster %(cluster)s.") % names
        if self.action == self.Action.UPDATE:
            if ran:
                return gettext("Updated job %(job)s on cluster %(cluster)s and started it.") % names
            return gettext("Updated job %(job)s on cluster %(cluster)s.") % names
        if ran:
            return gettext("Created job %(job)s on cluster %(cluster)s and started it.") % names
        return gettext("Created job %(job)s on cluster %(cluster)s.") % names

    @property
    def cluster_name(self) -> str:
        """The cluster's name as the target last listed it; the id when unknown."""
        return self.target.cluster_name(self.cluster_id)

    @property
    def duration_seconds(self) -> float:
        end = self.finished_at or timezone.now()
        return max((end - self.created_at).total_seconds(), 0.0)

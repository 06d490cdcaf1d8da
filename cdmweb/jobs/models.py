from __future__ import annotations

import hashlib
import json
from typing import Any

from django.conf import settings
from django.db import models, transaction
from django.urls import reverse
from django.utils import timezone

from .payload import (
    INPUTS_ABSENT,
    INPUTS_LIST,
    INPUTS_OBJECT,
    SIDES,
    GroupData,
    InputData,
    JobData,
    SideData,
    build_job,
)
from .validation import ERROR, WARNING, Finding, validate_job


def https_url_fields(field: models.Field, **kwargs: Any) -> Any:
    """A ModelForm ``formfield_callback``: URLs typed without a scheme are https (Django 6's default)."""
    if isinstance(field, models.URLField):
        kwargs["assume_scheme"] = "https"
    return field.formfield(**kwargs)


def payload_hash(payload: dict[str, Any]) -> str:
    """A fingerprint of a built Job: equal exactly when the payloads are equal, order included
    (input order is part of what CDM receives)."""
    text = json.dumps(payload, ensure_ascii=False, separators=(",", ":"), allow_nan=False)
    return hashlib.sha256(text.encode()).hexdigest()


HEADER_FIELDS = ["job_type", "name", "from_connector", "from_link", "to_connector", "to_link"]
SIDE_CHOICES = [("from", "Source"), ("to", "Destination"), ("driver", "Driver")]
INPUTS_FORM_CHOICES = [(INPUTS_LIST, "list"), (INPUTS_OBJECT, "empty object {}"), (INPUTS_ABSENT, "no inputs key")]


class JobDraft(models.Model):
    """A CDM job being designed. The header fields are None when the Job had no such key, so an
    imported body comes back out exactly as it went in."""

    owner = models.ForeignKey(settings.AUTH_USER_MODEL, models.CASCADE, related_name="drafts")
    # None: private to the owner; else shared with the team's members by role.
    team = models.ForeignKey("accounts.Team", models.SET_NULL, null=True, blank=True, related_name="drafts")
    job_type = models.TextField(null=True, blank=True)  # noqa: DJ001 (None = key absent)
    name = models.TextField(null=True, blank=True)  # noqa: DJ001 (None = key absent)
    from_connector = models.TextField(null=True, blank=True)  # noqa: DJ001 (None = key absent)
    from_link = models.TextField(null=True, blank=True)  # noqa: DJ001 (None = key absent)
    to_connector = models.TextField(null=True, blank=True)  # noqa: DJ001 (None = key absent)
    to_link = models.TextField(null=True, blank=True)  # noqa: DJ001 (None = key absent)
    # Job keys the designer does not edit (read-only GET fields, unknown keys) kept verbatim.
    extra = models.JSONField(default=dict, blank=True)
    # Per side: None when the Job had no such config-values; else its keys besides "configs".
    # "no_configs" lists the sides whose config-values had no "configs" key at all.
    side_meta = models.JSONField(default=dict, blank=True)
    # Bumped on every change; the designer's optimistic lock.
    version = models.PositiveIntegerField(default=1)
    # The designer page (one id per page load) that made the last change: a page's own changes,
    # in flight at once, never count as someone else's (see views.draft_change).
    last_change_page = models.CharField(max_length=32, blank=True, default="")
    # Where the draft stands in review, kept up to date so lists need no payload builds. The
    # submission gate never trusts it: it compares the payload itself with approved revisions.
    REVIEW_NONE, IN_REVIEW, APPROVED, CHANGES_REQUESTED, CHANGED = "", "in_review", "approved", "changes", "changed"
    REVIEW_STATES = [
        (REVIEW_NONE, "not reviewed"),
        (IN_REVIEW, "in review"),
        (APPROVED, "approved"),
        (CHANGES_REQUESTED, "changes requested"),
        (CHANGED, "changed since approval"),
    ]
    review_state = models.CharField(max_length=16, choices=REVIEW_STATES, default=REVIEW_NONE, blank=True)
    error_count = models.PositiveIntegerField(default=0)
    warning_count = models.PositiveIntegerField(default=0)
    created_at = models.DateTimeField(default=timezone.now)
    updated_at = models.DateTimeField(default=timezone.now)

    class Meta:
        ordering = ["-updated_at", "-id"]
        indexes = [
            models.Index(fields=["owner", "-updated_at", "-id"], name="draft_owner_recent"),
            models.Index(fields=["team", "-updated_at", "-id"], name="draft_team_recent"),
        ]

    def __str__(self) -> str:
        return self.display_name

    def get_absolute_url(self) -> str:
        return reverse("designer", args=[self.pk])

    @property
    def display_name(self) -> str:
        return self.name if self.name else f"Untitled draft #{self.pk}"

    @property
    def validation_state(self) -> str:
        if self.error_count:
            return "errors"
        if self.warning_count:
            return "warnings"
        return "valid"

    # --- payload ---------------------------------------------------------------------------

    def load_groups(self) -> list[ConfigGroup]:
        """Groups with their inputs attached as ``.input_list``, in two queries whatever the size.

        Inputs come back as light ``LoadedInput`` records rather than model instances: the
        designer reads hundreds of them on every request and never saves them.
        """
        groups = list(self.groups.order_by("side", "position", "id"))
        by_id = {g.id: g for g in groups}
        for group in groups:
            group.input_list = []
        rows = self.inputs.order_by("position", "id").values_list(*LoadedInput.__slots__[1:])
        for row in rows:
            group = by_id[row[1]]
            group.input_list.append(LoadedInput(group, *row))
        return groups

    def to_data(self, groups: list[ConfigGroup] | None = None) -> JobData:
        groups = self.load_groups() if groups is None else groups
        data = JobData(
            job_type=self.job_type,
            name=self.name,
            from_connector=self.from_connector,
            from_link=self.from_link,
            to_connector=self.to_connector,
            to_link=self.to_link,
            extra=dict(self.extra),
        )
        for side in SIDES:
            meta = self.side_meta.get(side)
            if meta is not None:
                has_configs = side not in self.side_meta.get("no_configs", ())
                data.sides[side] = SideData(meta=dict(meta), has_configs=has_configs)
        for group in groups:
            side = data.sides.get(group.side)
            if side is None:
                side = data.sides[group.side] = SideData()
            side.groups.append(group.to_data())
        return data

    def build(self, groups: list[ConfigGroup] | None = None) -> dict[str, Any]:
        return build_job(self.to_data(groups))

    def record_findings(self, findings: list[Finding], job: dict[str, Any] | None = None) -> None:
        """After a change: store the counts the dashboard shows, bump the version and, for an
        approved draft, whether it still is exactly what was approved. One UPDATE (plus one
        query when the draft has approvals)."""
        self.error_count = sum(1 for f in findings if f["status"] == ERROR)
        self.warning_count = sum(1 for f in findings if f["status"] == WARNING)
        self.version += 1
        self.updated_at = timezone.now()
        fields: dict[str, Any] = {}
        if self.review_state in (self.APPROVED, self.CHANGED):
            approved = self.is_approved(self.build() if job is None else job)
            self.review_state = fields["review_state"] = self.APPROVED if approved else self.CHANGED
        JobDraft.objects.filter(pk=self.pk).update(
            error_count=self.error_count,
            warning_count=self.warning_count,
            version=models.F("version") + 1,
            updated_at=self.updated_at,
            **fields,
        )

    def revalidate(self) -> list[Finding]:
        job = self.build()
        findings = validate_job(job)
        self.record_findings(findings, job)
        return findings

    def approved_reviews(self) -> models.QuerySet[Review]:
        """Approvals given by the draft's current team (approvals from a team it left do not count)."""
        return self.reviews.filter(state=Review.APPROVED, team_id=self.team_id).exclude(team_id=None)

    def is_approved(self, job: dict[str, Any]) -> bool:
        """Whether ``job`` is exactly a revision the draft's team approved."""
        return self.approved_reviews().filter(revision__payload_hash=payload_hash(job)).exists()

    @classmethod
    @transaction.atomic
    def create_from_data(cls, owner: Any, data: JobData, team: Any = None) -> JobDraft:
        draft = cls(owner=owner, team=team)
        draft._apply_header(data)
        draft.save()
        draft._write_structure(data)
        draft.record_findings(validate_job(build_job(data)))
        return draft

    @transaction.atomic
    def replace_with(self, data: JobData) -> None:
        """Make this draft hold exactly ``data`` (restoring a revision), as one new change that
        every open designer page sees as someone else's (no page made it)."""
        self.groups.all().delete()  # inputs go with their groups
        self._apply_header(data)
        self.last_change_page = ""
        self.save(update_fields=[*HEADER_FIELDS, "extra", "side_meta", "last_change_page"])
        self._write_structure(data)
        self.record_findings(validate_job(build_job(data)))

    def _apply_header(self, data: JobData) -> None:
        side_meta: dict[str, Any] = {"no_configs": []}
        for side in SIDES:
            side_data = data.sides.get(side)
            side_meta[side] = None if side_data is None else dict(side_data.meta)
            if side_data is not None and not side_data.has_configs:
                side_meta["no_configs"].append(side)
        for attribute in HEADER_FIELDS:
            setattr(self, attribute, getattr(data, attribute))
        self.extra = data.extra
        self.side_meta = side_meta

    def _write_structure(self, data: JobData) -> None:
        groups: list[ConfigGroup] = []
        group_data: list[GroupData] = []
        for side in SIDES:
            side_data = data.sides.get(side)
            for position, group in enumerate(side_data.groups if side_data else []):
                groups.append(
                    ConfigGroup(
                        draft=self,
                        side=side,
                        name=group.name,
                        position=position,
                        inputs_form=group.inputs_form,
                        meta=group.meta,
                    )
                )
                group_data.append(group)
        ConfigGroup.objects.bulk_create(groups)
        inputs: list[DraftInput] = []
        for group_row, group in zip(groups, group_data, strict=True):
            for item in group.inputs:
                inputs.append(DraftInput.from_data(self, group_row, item, len(inputs)))
        DraftInput.objects.bulk_create(inputs, batch_size=500)

    def snapshot(self, author: Any, reason: str) -> Revision:
        """An immutable copy of the payload as it is now, numbered per draft."""
        payload = self.build()
        return self.add_revision(payload, payload_hash(payload), author, reason)

    def keep_unsaved(self, author: Any, reason: str) -> Revision | None:
        """A revision of the draft as it is now, unless the latest revision already holds it:
        before something replaces the draft, edits made since exist nowhere else."""
        payload = self.build()
        digest = payload_hash(payload)
        latest = self.revisions.order_by("-number").values_list("payload_hash", flat=True).first()
        return None if digest == latest else self.add_revision(payload, digest, author, reason)

    def add_revision(self, payload: dict[str, Any], digest: str, author: Any, reason: str) -> Revision:
        last = self.revisions.order_by("-number").values_list("number", flat=True).first() or 0
        return Revision.objects.create(
            draft=self, number=last + 1, payload=payload, payload_hash=digest, author=author, reason=reason
        )


class LoadedInput:
    """A read-only DraftInput as the designer loads it (see JobDraft.load_groups)."""

    __slots__ = ("group", "id", "group_id", "name", "value", "value_is_json", "value_key", "extra")

    def __init__(
        self,
        group: ConfigGroup,
        id: int,
        group_id: int,
        name: str,
        value: str,
        value_is_json: bool,
        value_key: str,
        extra: dict[str, Any],
    ) -> None:
        self.group, self.id, self.group_id, self.name = group, id, group_id, name
        self.value, self.value_is_json, self.value_key, self.extra = value, value_is_json, value_key, extra

    @property
    def wire_value(self) -> Any:
        return json.loads(self.value) if self.value_is_json else self.value

    def to_data(self) -> InputData:
        return InputData(name=self.name, value=self.wire_value, value_key=self.value_key, extra=dict(self.extra))


class ConfigGroup(models.Model):
    """One entry of a side's ``configs`` list: fromJobConfig, throttlingConfig, a custom group..."""

    draft = models.ForeignKey(JobDraft, models.CASCADE, related_name="groups")
    side = models.CharField(max_length=8, choices=SIDE_CHOICES)
    name = models.TextField()
    position = models.IntegerField(default=0)
    inputs_form = models.CharField(max_length=8, choices=INPUTS_FORM_CHOICES, default=INPUTS_LIST)
    # Config keys besides name and inputs (id, type, validators...) kept as they came.
    meta = models.JSONField(default=dict, blank=True)

    class Meta:
        ordering = ["side", "position", "id"]

    def __str__(self) -> str:
        return f"{self.side}: {self.name}"

    def _inputs(self) -> list[DraftInput] | list[LoadedInput]:
        loaded = getattr(self, "input_list", None)  # set by JobDraft.load_groups
        return loaded if loaded is not None else list(self.inputs.all())

    def to_data(self) -> GroupData:
        return GroupData(
            name=self.name,
            inputs=[item.to_data() for item in self._inputs()],
            inputs_form=self.inputs_form,
            meta=dict(self.meta),
        )


class DraftInput(models.Model):
    """One ``{"name", "value"}`` of a config group, the value kept as the string on the wire."""

    draft = models.ForeignKey(JobDraft, models.CASCADE, related_name="inputs")
    group = models.ForeignKey(ConfigGroup, models.CASCADE, related_name="inputs")
    name = models.TextField()
    value = models.TextField(blank=True, default="")
    # True when the imported value was not a string (a number, an object...): ``value`` then holds
    # its JSON text and the export writes the original JSON back.
    value_is_json = models.BooleanField(default=False)
    value_key = models.CharField(max_length=8, default="value", blank=True)
    extra = models.JSONField(default=dict, blank=True)
    # Ordered across the whole draft; only the order within a group matters.
    position = models.IntegerField(default=0)

    class Meta:
        ordering = ["position", "id"]
        indexes = [models.Index(fields=["draft", "position"], name="input_draft_position")]

    def __str__(self) -> str:
        return self.name

    @property
    def wire_value(self) -> Any:
        return json.loads(self.value) if self.value_is_json else self.value

    def to_data(self) -> InputData:
        return InputData(name=self.name, value=self.wire_value, value_key=self.value_key, extra=dict(self.extra))

    @classmethod
    def from_data(cls, draft: JobDraft, group: ConfigGroup, item: InputData, position: int) -> DraftInput:
        is_json = not isinstance(item.value, str)
        return cls(
            draft=draft,
            group=group,
            name=item.name,
            value=json.dumps(item.value, ensure_ascii=False) if is_json else item.value,
            value_is_json=is_json,
            value_key=item.value_key,
            extra=item.extra,
            position=position,
        )


class Target(models.Model):
    """A CDM endpoint to submit to: where it is, how to authenticate, which clusters it has.

    The secret (SK, password or token) is either stored encrypted or named by a variable (an
    environment variable, else the Django setting of that name); either way it never reaches a
    page, a log or an export.
    """

    AUTH_TOKEN, AUTH_PASSWORD, AUTH_AKSK = "token", "password", "aksk"
    AUTH_CHOICES = [(AUTH_TOKEN, "IAM token"), (AUTH_PASSWORD, "IAM password"), (AUTH_AKSK, "AK/SK signature")]

    name = models.SlugField(max_length=64, unique=True)
    # None: for everyone, managed by staff in the admin; else the team's own, managed by its admins.
    team = models.ForeignKey("accounts.Team", models.CASCADE, null=True, blank=True, related_name="targets")
    endpoint = models.URLField(
        blank=True, help_text="CDM base URL, e.g. https://cdm.eu-de.otc.t-systems.com; empty: the embedded sandbox"
    )
    region = models.CharField(max_length=64, blank=True)
    project_id = models.CharField(max_length=64)
    auth_mode = models.CharField(max_length=16, choices=AUTH_CHOICES, default=AUTH_AKSK)
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
    def usable_for(cls, draft: JobDraft) -> models.QuerySet[Target]:
        """The targets a draft may go to: everyone's, and its team's own."""
        return cls.objects.filter(models.Q(team=None) | models.Q(team_id=draft.team_id))

    @property
    def base_url(self) -> str:
        return self.endpoint or settings.CDM_SANDBOX_URL

    def set_secret(self, plain: str) -> None:
        from cdmweb.crypto import encrypt

        self.secret_encrypted = encrypt(plain) if plain else ""

    @property
    def secret_where(self) -> str:
        """Where the secret comes from, for screens: never the secret itself."""
        if self.secret_encrypted:
            return "stored encrypted"
        return f"from {self.secret_source}" if self.secret_source else "none"

    @property
    def running_clusters(self) -> list[dict[str, Any]]:
        return [c for c in self.clusters if str(c.get("status")) == "200"]


class Submission(models.Model):
    """One attempt to send a draft to CDM, and what became of it."""

    PENDING, SENDING, CREATED, ACCEPTED, REFUSED, ERROR = (
        "pending",
        "sending",
        "created",
        "accepted",
        "refused",
        "error",
    )
    STATES = [(s, s) for s in (PENDING, SENDING, CREATED, ACCEPTED, REFUSED, ERROR)]
    TERMINAL_CDM = ("SUCCEEDED", "FAILED", "FAILURE_ON_SUBMIT", "NEVER_EXECUTED")

    draft = models.ForeignKey(JobDraft, models.SET_NULL, null=True, related_name="submissions")
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
    state = models.CharField(max_length=16, choices=STATES, default=PENDING)
    job_name = models.TextField(blank=True)
    submission_id = models.CharField(max_length=64, blank=True)
    http_status = models.PositiveIntegerField(null=True, blank=True)
    response = models.JSONField(null=True, blank=True)
    error_code = models.CharField(max_length=32, blank=True)
    error_message = models.TextField(blank=True)
    cdm_status = models.CharField(max_length=32, blank=True)
    progress = models.FloatField(default=0)
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
        return self.state in (self.REFUSED, self.ERROR) or self.cdm_status in self.TERMINAL_CDM

    @property
    def cluster_name(self) -> str:
        """The cluster's name as the target last listed it; the id when unknown."""
        return next((c["name"] for c in self.target.clusters if c.get("id") == self.cluster_id), self.cluster_id)

    @property
    def duration_seconds(self) -> float:
        end = self.finished_at or timezone.now()
        return max((end - self.created_at).total_seconds(), 0.0)


class Revision(models.Model):
    """The built payload at a save point: creation, import, review request, approval, submission,
    restore."""

    draft = models.ForeignKey(JobDraft, models.CASCADE, related_name="revisions")
    number = models.PositiveIntegerField()
    payload = models.JSONField()
    # Of the payload as built, before the database stores it (PostgreSQL's jsonb reorders keys).
    payload_hash = models.CharField(max_length=64, db_index=True, default="")
    author = models.ForeignKey(settings.AUTH_USER_MODEL, models.SET_NULL, null=True, related_name="revisions")
    reason = models.CharField(max_length=200)
    created_at = models.DateTimeField(default=timezone.now)

    class Meta:
        ordering = ["-number"]
        constraints = [models.UniqueConstraint(fields=["draft", "number"], name="one_revision_number_per_draft")]

    def __str__(self) -> str:
        return f"{self.draft} r{self.number}"

    # A revision is evidence (reviews and the submission gate point at it): never changed or
    # deleted on its own; it goes only with its draft.
    def save(self, *args: Any, **kwargs: Any) -> None:
        if not self._state.adding:
            raise ValueError("Revisions are immutable.")
        super().save(*args, **kwargs)

    def delete(self, *args: Any, **kwargs: Any) -> tuple[int, dict[str, int]]:
        raise ValueError("Revisions are immutable; they are deleted only with their draft.")


class Review(models.Model):
    """A request that a team's reviewer look at one revision, and their decision."""

    OPEN, APPROVED, CHANGES_REQUESTED, SUPERSEDED = "open", "approved", "changes", "superseded"
    STATES = [
        (OPEN, "waiting for a reviewer"),
        (APPROVED, "approved"),
        (CHANGES_REQUESTED, "changes requested"),
        (SUPERSEDED, "superseded by a newer request"),
    ]

    draft = models.ForeignKey(JobDraft, models.CASCADE, related_name="reviews")
    # The team asked; a draft moved to another team needs that team's approval.
    team = models.ForeignKey("accounts.Team", models.CASCADE, related_name="reviews")
    revision = models.ForeignKey(Revision, models.CASCADE, related_name="reviews")
    requested_by = models.ForeignKey(settings.AUTH_USER_MODEL, models.PROTECT, related_name="review_requests")
    message = models.TextField(blank=True)
    state = models.CharField(max_length=16, choices=STATES, default=OPEN)
    reviewer = models.ForeignKey(
        settings.AUTH_USER_MODEL, models.PROTECT, null=True, blank=True, related_name="reviews_decided"
    )
    comment = models.TextField(blank=True)
    created_at = models.DateTimeField(default=timezone.now)
    decided_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["-created_at", "-id"]
        indexes = [models.Index(fields=["team", "state", "-created_at"], name="review_queue")]

    def __str__(self) -> str:
        return f"review of {self.revision} ({self.get_state_display()})"

    def get_absolute_url(self) -> str:
        return reverse("review", args=[self.pk])


class Comment(models.Model):
    """A remark on a draft, or on one of its inputs (by name, so it outlives a re-added row)."""

    draft = models.ForeignKey(JobDraft, models.CASCADE, related_name="comments")
    author = models.ForeignKey(settings.AUTH_USER_MODEL, models.PROTECT, related_name="draft_comments")
    input_name = models.CharField(max_length=255, blank=True)
    body = models.TextField()
    created_at = models.DateTimeField(default=timezone.now)

    class Meta:
        ordering = ["created_at", "id"]

    def __str__(self) -> str:
        return f"{self.author} on {self.draft}"


class AuditEvent(models.Model):
    """Who did what to which draft, review or submission. Append-only: rows are never changed or
    deleted, and point at what they describe without foreign-key constraints, so deleting a
    draft or a user leaves its trail intact."""

    CREATED, IMPORTED, EDITED, RESTORED = "created", "imported", "edited", "restored"
    DELETED, SHARED = "deleted", "shared"
    REVIEW_REQUESTED, APPROVED, CHANGES_REQUESTED = "review-requested", "approved", "changes-requested"
    COMMENTED, SUBMITTED, SUBMISSION_REFUSED, MEMBERSHIP = "commented", "submitted", "submission-refused", "membership"
    ACTIONS = [
        (a, a.replace("-", " "))
        for a in (
            CREATED,
            IMPORTED,
            EDITED,
            RESTORED,
            DELETED,
            SHARED,
            REVIEW_REQUESTED,
            APPROVED,
            CHANGES_REQUESTED,
            COMMENTED,
            SUBMITTED,
            SUBMISSION_REFUSED,
            MEMBERSHIP,
        )
    ]
    # Actions that change the payload: whoever did one since the last approval cannot approve.
    CHANGES_PAYLOAD = (CREATED, IMPORTED, EDITED, RESTORED)

    at = models.DateTimeField(default=timezone.now, db_index=True)
    actor = models.ForeignKey(
        settings.AUTH_USER_MODEL, models.DO_NOTHING, null=True, blank=True, db_constraint=False, related_name="+"
    )
    actor_name = models.CharField(max_length=150, blank=True)
    action = models.CharField(max_length=32, choices=ACTIONS)
    draft = models.ForeignKey(
        JobDraft, models.DO_NOTHING, null=True, blank=True, db_constraint=False, related_name="audit_events"
    )
    draft_label = models.CharField(max_length=200, blank=True)
    team = models.ForeignKey(
        "accounts.Team", models.DO_NOTHING, null=True, blank=True, db_constraint=False, related_name="+"
    )
    review = models.ForeignKey(Review, models.DO_NOTHING, null=True, blank=True, db_constraint=False, related_name="+")
    submission = models.ForeignKey(
        Submission, models.DO_NOTHING, null=True, blank=True, db_constraint=False, related_name="+"
    )
    detail = models.CharField(max_length=500, blank=True)

    class Meta:
        ordering = ["-at", "-id"]
        indexes = [
            models.Index(fields=["draft", "-at"], name="audit_draft_recent"),
            models.Index(fields=["team", "-at"], name="audit_team_recent"),
        ]

    def __str__(self) -> str:
        return f"{self.at:%Y-%m-%d %H:%M} {self.actor_name or 'system'} {self.action} {self.draft_label}"

    def save(self, *args: Any, **kwargs: Any) -> None:
        if not self._state.adding:
            raise ValueError("Audit events are append-only.")
        super().save(*args, **kwargs)

    def delete(self, *args: Any, **kwargs: Any) -> tuple[int, dict[str, int]]:
        raise ValueError("Audit events are append-only.")

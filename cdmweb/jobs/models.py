from __future__ import annotations

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

    def record_findings(self, findings: list[Finding]) -> None:
        """Store the counts the dashboard shows and bump the version: one UPDATE."""
        self.error_count = sum(1 for f in findings if f["status"] == ERROR)
        self.warning_count = sum(1 for f in findings if f["status"] == WARNING)
        self.version += 1
        self.updated_at = timezone.now()
        JobDraft.objects.filter(pk=self.pk).update(
            error_count=self.error_count,
            warning_count=self.warning_count,
            version=models.F("version") + 1,
            updated_at=self.updated_at,
        )

    def revalidate(self) -> list[Finding]:
        findings = validate_job(self.build())
        self.record_findings(findings)
        return findings

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
        """Make this draft hold exactly ``data`` (restoring a revision), as one new change."""
        self.groups.all().delete()  # inputs go with their groups
        self._apply_header(data)
        self.save()
        self._write_structure(data)
        self.record_findings(validate_job(build_job(data)))

    def _apply_header(self, data: JobData) -> None:
        side_meta: dict[str, Any] = {"no_configs": []}
        for side in SIDES:
            side_data = data.sides.get(side)
            side_meta[side] = None if side_data is None else dict(side_data.meta)
            if side_data is not None and not side_data.has_configs:
                side_meta["no_configs"].append(side)
        for attribute in ("job_type", "name", "from_connector", "from_link", "to_connector", "to_link"):
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
        last = self.revisions.order_by("-number").values_list("number", flat=True).first() or 0
        return Revision.objects.create(draft=self, number=last + 1, payload=self.build(), author=author, reason=reason)


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

    Secrets are never stored here: the fields name where they come from (an environment
    variable, else the Django setting of that name), so they never reach a page or an export.
    """

    AUTH_TOKEN, AUTH_PASSWORD, AUTH_AKSK = "token", "password", "aksk"
    AUTH_CHOICES = [(AUTH_TOKEN, "IAM token"), (AUTH_PASSWORD, "IAM password"), (AUTH_AKSK, "AK/SK signature")]

    name = models.SlugField(max_length=64, unique=True)
    endpoint = models.URLField(
        blank=True, help_text="CDM base URL, e.g. https://cdm.eu-de.otc.t-systems.com; empty: the embedded sandbox"
    )
    region = models.CharField(max_length=64, blank=True)
    project_id = models.CharField(max_length=64)
    auth_mode = models.CharField(max_length=16, choices=AUTH_CHOICES, default=AUTH_AKSK)
    iam_endpoint = models.URLField(blank=True, help_text="IAM base URL, for IAM password auth")
    username = models.CharField(max_length=128, blank=True)
    domain = models.CharField(max_length=128, blank=True)
    access_key_source = models.CharField(max_length=128, blank=True, help_text="variable holding the AK")
    secret_source = models.CharField(
        max_length=128, blank=True, help_text="variable holding the SK, the password or the token"
    )
    x_language = models.CharField(max_length=16, blank=True, default="en-us")
    clusters = models.JSONField(default=list, blank=True, help_text="known clusters: [{id, name, status}]")
    clusters_refreshed_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["name"]

    def __str__(self) -> str:
        return self.name

    @property
    def base_url(self) -> str:
        return self.endpoint or settings.CDM_SANDBOX_URL

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
    """The built payload at a save point (import, submission, restore; review comes next)."""

    draft = models.ForeignKey(JobDraft, models.CASCADE, related_name="revisions")
    number = models.PositiveIntegerField()
    payload = models.JSONField()
    author = models.ForeignKey(settings.AUTH_USER_MODEL, models.SET_NULL, null=True, related_name="revisions")
    reason = models.CharField(max_length=200)
    created_at = models.DateTimeField(default=timezone.now)

    class Meta:
        ordering = ["-number"]
        constraints = [models.UniqueConstraint(fields=["draft", "number"], name="one_revision_number_per_draft")]

    def __str__(self) -> str:
        return f"{self.draft} r{self.number}"

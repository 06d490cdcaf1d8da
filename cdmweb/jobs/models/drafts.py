"""Drafts and what they hold: the job header, config groups, inputs, and immutable revisions."""

from __future__ import annotations

import json
from typing import Any

from django.conf import settings
from django.db import models, transaction
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from cdmweb.jobspec.constants import SIDE_LABELS, SIDES
from cdmweb.jobspec.payload import (
    INPUTS_ABSENT,
    INPUTS_LIST,
    INPUTS_OBJECT,
    GroupData,
    InputData,
    JobData,
    SideData,
    build_job,
    parse_job,
    payload_hash,
)
from cdmweb.jobspec.validation import ERROR, WARNING, Finding, validate_job

from .audit import AuditEvent
from .reviews import Review

HEADER_FIELDS = ["job_type", "name", "from_connector", "from_link", "to_connector", "to_link"]
# The sides' labels of the Django-free core, translated where the admin shows them.
SIDE_CHOICES = [(side, _(SIDE_LABELS[side])) for side in SIDES]
INPUTS_FORM_CHOICES = [
    (INPUTS_LIST, _("list")),
    (INPUTS_OBJECT, _("empty object {}")),
    (INPUTS_ABSENT, _("no inputs key")),
]


class JobDraft(models.Model):
    """A CDM job being designed. The header fields are None when the Job had no such key, so an
    imported body comes back out exactly as it went in."""

    owner = models.ForeignKey(settings.AUTH_USER_MODEL, models.CASCADE, related_name="drafts", verbose_name=_("owner"))
    # None: private to the owner; else shared with the team's members by role.
    team = models.ForeignKey(
        "accounts.Team", models.SET_NULL, null=True, blank=True, related_name="drafts", verbose_name=_("team")
    )
    job_type = models.TextField(null=True, blank=True, verbose_name=_("job type"))  # noqa: DJ001 (None = key absent)
    name = models.TextField(null=True, blank=True, verbose_name=_("name"))  # noqa: DJ001 (None = key absent)
    from_connector = models.TextField(null=True, blank=True, verbose_name=_("from connector"))  # noqa: DJ001 (None = key absent)
    from_link = models.TextField(null=True, blank=True, verbose_name=_("from link"))  # noqa: DJ001 (None = key absent)
    to_connector = models.TextField(null=True, blank=True, verbose_name=_("to connector"))  # noqa: DJ001 (None = key absent)
    to_link = models.TextField(null=True, blank=True, verbose_name=_("to link"))  # noqa: DJ001 (None = key absent)
    # Job keys the designer does not edit (read-only GET fields, unknown keys) kept verbatim.
    extra = models.JSONField(default=dict, blank=True, verbose_name=_("other keys"))
    # Per side: None when the Job had no such config-values; else its keys besides "configs".
    # "no_configs" lists the sides whose config-values had no "configs" key at all.
    side_meta = models.JSONField(default=dict, blank=True, verbose_name=_("side keys"))
    # Bumped on every change; the designer's optimistic lock.
    version = models.PositiveIntegerField(default=1, verbose_name=_("version"))
    # The designer page (one id per page load) that made the last change: a page's own changes,
    # in flight at once, never count as someone else's (see views.draft_change).
    last_change_page = models.CharField(max_length=32, blank=True, default="", verbose_name=_("last change page"))

    # Where the draft stands in review, kept up to date so lists need no payload builds. The
    # submission gate never trusts it: it compares the payload itself with approved revisions.
    class ReviewState(models.TextChoices):
        NOT_REVIEWED = "", _("not reviewed")
        IN_REVIEW = "in_review", _("in review")
        APPROVED = "approved", _("approved")
        CHANGES_REQUESTED = "changes", _("changes requested")
        CHANGED = "changed", _("changed since approval")

    review_state = models.CharField(
        max_length=16, choices=ReviewState, default=ReviewState.NOT_REVIEWED, blank=True, verbose_name=_("review state")
    )

    # Where the job lives: a draft may name its target and cluster (the link fields then suggest
    # that cluster's links); a tracked draft always does, and names the job it stands for there.
    home_target = models.ForeignKey(
        "Target", models.SET_NULL, null=True, blank=True, related_name="home_drafts", verbose_name=_("home target")
    )
    home_cluster_id = models.CharField(max_length=64, blank=True, verbose_name=_("home cluster ID"))
    # Non-empty: the draft tracks the job of this name on its home cluster (pulled or deployed).
    tracked_name = models.TextField(blank=True, default="", verbose_name=_("tracked name"))
    # What the cluster should hold: the revision last pulled or deployed. Drift is measured from it.
    deployed_revision = models.ForeignKey(
        "Revision", models.SET_NULL, null=True, blank=True, related_name="+", verbose_name=_("deployed revision")
    )

    class Drift(models.TextChoices):
        UNKNOWN = "", _("not checked")
        IN_SYNC = "in_sync", _("in sync")
        DRIFTED = "drifted", _("drifted")
        MISSING = "missing", _("missing on cluster")

    drift_state = models.CharField(
        max_length=16, choices=Drift, default=Drift.UNKNOWN, blank=True, verbose_name=_("drift state")
    )
    drift_checked_at = models.DateTimeField(null=True, blank=True, verbose_name=_("drift checked at"))
    # The job as the cluster had it at the last check (deployable keys), when it differed.
    cluster_payload = models.JSONField(null=True, blank=True, verbose_name=_("cluster payload"))
    error_count = models.PositiveIntegerField(default=0, verbose_name=_("error count"))
    warning_count = models.PositiveIntegerField(default=0, verbose_name=_("warning count"))
    created_at = models.DateTimeField(default=timezone.now, verbose_name=_("created at"))
    updated_at = models.DateTimeField(default=timezone.now, verbose_name=_("updated at"))

    class Meta:
        verbose_name = _("job draft")
        verbose_name_plural = _("job drafts")
        ordering = ["-updated_at", "-id"]
        indexes = [
            models.Index(fields=["owner", "-updated_at", "-id"], name="draft_owner_recent"),
            models.Index(fields=["team", "-updated_at", "-id"], name="draft_team_recent"),
        ]
        # One draft per deployed job and place (a team, or one person's private drafts): pulling
        # again refreshes it instead of adding another.
        constraints = [
            models.UniqueConstraint(
                fields=["home_target", "home_cluster_id", "tracked_name", "team"],
                condition=models.Q(team__isnull=False) & ~models.Q(tracked_name=""),
                name="one_tracked_draft_per_team",
            ),
            models.UniqueConstraint(
                fields=["home_target", "home_cluster_id", "tracked_name", "owner"],
                condition=models.Q(team__isnull=True) & ~models.Q(tracked_name=""),
                name="one_tracked_private_draft",
            ),
        ]

    def __str__(self) -> str:
        return self.display_name

    def get_absolute_url(self) -> str:
        return reverse("designer", args=[self.pk])

    @property
    def display_name(self) -> str:
        return self.name if self.name else f"Untitled draft #{self.pk}"

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

    def record_change(
        self,
        user: Any,
        action: str = AuditEvent.Action.EDITED,
        detail: str = "",
        *,
        findings: list[Finding] | None = None,
        job: dict[str, Any] | None = None,
    ) -> None:
        """What every change to the payload entails, wherever it is made (designer, admin,
        import, restore): the findings the dashboard counts, a new version (the designer's
        lock), whether an approved draft is still exactly what was approved, and the audit line.
        Callers that already built and validated the job pass both; one UPDATE and one INSERT
        (plus one query when the draft has approvals)."""
        job = self.build() if job is None else job
        findings = validate_job(job) if findings is None else findings
        self.error_count = sum(1 for f in findings if f["status"] == ERROR)
        self.warning_count = sum(1 for f in findings if f["status"] == WARNING)
        self.version += 1
        self.updated_at = timezone.now()
        fields: dict[str, Any] = {}
        if self.review_state in (self.ReviewState.APPROVED, self.ReviewState.CHANGED):
            approved = self.is_approved(job)
            self.review_state = self.ReviewState.APPROVED if approved else self.ReviewState.CHANGED
            fields["review_state"] = self.review_state
        JobDraft.objects.filter(pk=self.pk).update(
            error_count=self.error_count,
            warning_count=self.warning_count,
            version=models.F("version") + 1,
            updated_at=self.updated_at,
            **fields,
        )
        AuditEvent.record(user, action, self, detail=detail)

    def approved_reviews(self) -> models.QuerySet[Review]:
        """Approvals given by the draft's current team (approvals from a team it left do not count)."""
        return self.reviews.filter(state=Review.State.APPROVED, team_id=self.team_id).exclude(team_id=None)

    def is_approved(self, job: dict[str, Any]) -> bool:
        """Whether ``job`` is exactly a revision the draft's team approved."""
        return self.approved_reviews().filter(revision__payload_hash=payload_hash(job)).exists()

    @classmethod
    @transaction.atomic
    def create_from_data(
        cls,
        owner: Any,
        data: JobData,
        team: Any = None,
        *,
        action: str = AuditEvent.Action.IMPORTED,
        reason: str = "imported",
        **fields: Any,
    ) -> JobDraft:
        """A draft holding exactly ``data`` (an import, or a job pulled from a cluster: then
        ``action``, ``reason`` and the tracking ``fields``), with its first revision."""
        draft = cls(owner=owner, team=team, **fields)
        draft._apply_header(data)
        draft.save()
        draft._write_structure(data)
        first = draft.snapshot(owner, reason)
        draft.record_change(owner, action, f"in {team}" if team else "private", job=first.payload)
        return draft

    @transaction.atomic
    def restore(self, revision: Revision, user: Any) -> Revision | None:
        """Make this draft hold exactly an older revision, as one new change that every open
        designer page sees as someone else's (no page made it). Edits made since the last
        revision exist nowhere else, so they are kept first; returns that revision, if any."""
        kept = self.keep_unsaved(user, f"before restoring r{revision.number}")
        data = parse_job(revision.payload)
        self.groups.all().delete()  # inputs go with their groups
        self._apply_header(data)
        self.last_change_page = ""
        self.save(update_fields=[*HEADER_FIELDS, "extra", "side_meta", "last_change_page"])
        self._write_structure(data)
        restored = self.snapshot(user, f"restored revision {revision.number}")
        self.record_change(user, AuditEvent.Action.RESTORED, f"revision r{revision.number}", job=restored.payload)
        return kept

    @transaction.atomic
    def replace_payload(self, data: JobData, user: Any, action: str, reason: str, detail: str = "") -> Revision:
        """Make the draft hold exactly ``data`` (a cluster's version of the job) as one new
        change, the way ``restore`` does: edits since the last revision are kept first, every
        open designer page sees someone else's change, and an approved team draft that no longer
        holds an approved revision needs review again (``record_change``). Returns the new revision."""
        self.keep_unsaved(user, f"before: {reason}")
        self.groups.all().delete()  # inputs go with their groups
        self._apply_header(data)
        self.last_change_page = ""
        self.save(update_fields=[*HEADER_FIELDS, "extra", "side_meta", "last_change_page"])
        self._write_structure(data)
        revision = self.snapshot(user, reason)
        self.record_change(user, action, detail, job=revision.payload)
        return revision

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

    @property
    def tracked(self) -> bool:
        """Whether the draft stands for a job on a cluster (pulled, or deployed from here)."""
        return bool(self.tracked_name) and self.home_target_id is not None and bool(self.home_cluster_id)

    def tracked_twin(self, team: Any) -> JobDraft | None:
        """Another draft that tracks the same job in ``team`` (None: among this owner's private
        drafts): one draft per job and place, so this one cannot move there."""
        if not self.tracked_name:
            return None
        place = JobDraft.objects.filter(team=team) if team else JobDraft.objects.filter(team=None, owner=self.owner_id)
        twins = place.filter(
            home_target_id=self.home_target_id, home_cluster_id=self.home_cluster_id, tracked_name=self.tracked_name
        )
        return twins.exclude(pk=self.pk).first()

    def mark_deployed(self, target: Any, cluster_id: str, job_name: str, revision: Revision) -> None:
        """The cluster now holds ``revision`` as job ``job_name``: the draft tracks that job, and
        drift is measured from this revision until the next pull or deploy."""
        self.home_target, self.home_cluster_id, self.tracked_name = target, cluster_id, job_name
        self.deployed_revision = revision
        self.drift_state, self.drift_checked_at, self.cluster_payload = self.Drift.IN_SYNC, timezone.now(), None
        self.save(
            update_fields=[
                "home_target",
                "home_cluster_id",
                "tracked_name",
                "deployed_revision",
                "drift_state",
                "drift_checked_at",
                "cluster_payload",
            ]
        )

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

    draft = models.ForeignKey(JobDraft, models.CASCADE, related_name="groups", verbose_name=_("draft"))
    side = models.CharField(max_length=8, choices=SIDE_CHOICES, verbose_name=_("side"))
    name = models.TextField(verbose_name=_("name"))
    position = models.IntegerField(default=0, verbose_name=_("position"))
    inputs_form = models.CharField(
        max_length=8, choices=INPUTS_FORM_CHOICES, default=INPUTS_LIST, verbose_name=_("inputs form")
    )
    # Config keys besides name and inputs (id, type, validators...) kept as they came.
    meta = models.JSONField(default=dict, blank=True, verbose_name=_("other keys"))

    class Meta:
        verbose_name = _("config group")
        verbose_name_plural = _("config groups")
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

    draft = models.ForeignKey(JobDraft, models.CASCADE, related_name="inputs", verbose_name=_("draft"))
    group = models.ForeignKey(ConfigGroup, models.CASCADE, related_name="inputs", verbose_name=_("group"))
    name = models.TextField(verbose_name=_("name"))
    value = models.TextField(blank=True, default="", verbose_name=_("value"))
    # True when the imported value was not a string (a number, an object...): ``value`` then holds
    # its JSON text and the export writes the original JSON back.
    value_is_json = models.BooleanField(default=False, verbose_name=_("value is JSON"))
    value_key = models.CharField(max_length=8, default="value", blank=True, verbose_name=_("value key"))
    extra = models.JSONField(default=dict, blank=True, verbose_name=_("other keys"))
    # Ordered across the whole draft; only the order within a group matters.
    position = models.IntegerField(default=0, verbose_name=_("position"))

    class Meta:
        verbose_name = _("draft input")
        verbose_name_plural = _("draft inputs")
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


class Revision(models.Model):
    """The built payload at a save point: creation, import, review request, approval, submission,
    restore."""

    draft = models.ForeignKey(JobDraft, models.CASCADE, related_name="revisions", verbose_name=_("draft"))
    number = models.PositiveIntegerField(verbose_name=_("number"))
    payload = models.JSONField(verbose_name=_("payload"))
    # Of the payload as built, before the database stores it (PostgreSQL's jsonb reorders keys).
    payload_hash = models.CharField(max_length=64, db_index=True, default="", verbose_name=_("payload hash"))
    author = models.ForeignKey(
        settings.AUTH_USER_MODEL, models.SET_NULL, null=True, related_name="revisions", verbose_name=_("author")
    )
    reason = models.CharField(max_length=200, verbose_name=_("reason"))
    created_at = models.DateTimeField(default=timezone.now, verbose_name=_("created at"))

    class Meta:
        verbose_name = _("revision")
        verbose_name_plural = _("revisions")
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

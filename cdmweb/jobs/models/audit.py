"""The audit trail: one append-only row per thing someone did to a draft, review or submission."""

from __future__ import annotations

from typing import Any

from django.conf import settings
from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _


class AuditEvent(models.Model):
    """Who did what to which draft, review or submission. Append-only: rows are never changed or
    deleted, and point at what they describe without foreign-key constraints, so deleting a
    draft or a user leaves its trail intact."""

    class Action(models.TextChoices):
        CREATED = "created", _("created")
        IMPORTED = "imported", _("imported")
        EDITED = "edited", _("edited")
        RESTORED = "restored", _("restored")
        DELETED = "deleted", _("deleted")
        SHARED = "shared", _("shared")
        REVIEW_REQUESTED = "review-requested", _("review requested")
        APPROVED = "approved", _("approved")
        # The same word as a review's and a draft's state (Review.State, JobDraft.ReviewState).
        CHANGES_REQUESTED = "changes", _("changes requested")
        COMMENTED = "commented", _("commented")
        SUBMITTED = "submitted", _("submitted")
        SUBMISSION_REFUSED = "submission-refused", _("submission refused")
        MEMBERSHIP = "membership", _("membership")
        PULLED = "pulled", _("pulled from a cluster")
        TOOK_CLUSTER_VERSION = "took-cluster-version", _("took the cluster's version")
        JOB_STARTED = "job-started", _("job started")
        JOB_STOPPED = "job-stopped", _("job stopped")
        JOB_DELETED = "job-deleted", _("job deleted on the cluster")
        LINK_CREATED = "link-created", _("link created")

    # Actions that change the payload: whoever did one since the last approval cannot approve.
    CHANGES_PAYLOAD = (
        Action.CREATED,
        Action.IMPORTED,
        Action.EDITED,
        Action.RESTORED,
        Action.PULLED,
        Action.TOOK_CLUSTER_VERSION,
    )

    at = models.DateTimeField(default=timezone.now, db_index=True, verbose_name=_("when"))
    actor = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        models.DO_NOTHING,
        null=True,
        blank=True,
        db_constraint=False,
        related_name="+",
        verbose_name=_("actor"),
    )
    actor_name = models.CharField(max_length=150, blank=True, verbose_name=_("actor name"))
    action = models.CharField(max_length=32, choices=Action, verbose_name=_("action"))
    draft = models.ForeignKey(
        "JobDraft",
        models.DO_NOTHING,
        null=True,
        blank=True,
        db_constraint=False,
        related_name="audit_events",
        verbose_name=_("draft"),
    )
    draft_label = models.CharField(max_length=200, blank=True, verbose_name=_("draft label"))
    team = models.ForeignKey(
        "accounts.Team",
        models.DO_NOTHING,
        null=True,
        blank=True,
        db_constraint=False,
        related_name="+",
        verbose_name=_("team"),
    )
    review = models.ForeignKey(
        "Review",
        models.DO_NOTHING,
        null=True,
        blank=True,
        db_constraint=False,
        related_name="+",
        verbose_name=_("review"),
    )
    submission = models.ForeignKey(
        "Submission",
        models.DO_NOTHING,
        null=True,
        blank=True,
        db_constraint=False,
        related_name="+",
        verbose_name=_("submission"),
    )
    detail = models.CharField(max_length=500, blank=True, verbose_name=_("detail"))

    class Meta:
        verbose_name = _("audit event")
        verbose_name_plural = _("audit events")
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

    @classmethod
    def record(
        cls,
        actor: Any,
        action: str,
        draft: Any = None,
        *,
        team: Any = None,
        review: Any = None,
        submission: Any = None,
        detail: str = "",
    ) -> AuditEvent:
        """Append one event. ``detail`` is a short human line; never put a value in it that could
        be a secret (input names are fine, input values are not)."""
        authenticated = actor is not None and getattr(actor, "is_authenticated", False)
        return cls.objects.create(
            actor=actor if authenticated else None,
            actor_name=actor.get_username() if authenticated else "",
            action=action,
            draft=draft,
            draft_label=draft.display_name[:200] if draft is not None else "",
            team_id=team.pk if team is not None else (draft.team_id if draft is not None else None),
            review=review,
            submission=submission,
            detail=detail[:500],
        )

"""Four-eyes review: asking for it, deciding it, and the gate every submission passes.

The gate compares the payload that would be sent with the revisions the draft's team approved,
by hash; nothing else (a state field, a flag in the admin) can open it.
"""

from __future__ import annotations

from typing import Any

from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from cdmweb.accounts.models import ADMIN, REVIEWER, Membership
from cdmweb.jobspec.payload import payload_hash

from .access import REVIEW, can
from .models import AuditEvent, JobDraft, Review, Target


class ReviewRefused(Exception):
    """A review action that is not allowed, with the reason to show."""


def needs_approval(draft: JobDraft, target: Target) -> bool:
    return draft.team_id is not None or target.requires_review


def gate(draft: JobDraft, target: Target, job: dict[str, Any]) -> str:
    """Why ``job`` may not be sent to ``target`` for want of review, or "" when it may."""
    if not needs_approval(draft, target):
        return ""
    if draft.team_id is None:
        return _(
            "Target %(target)s requires review, and a private draft cannot be reviewed: "
            "share it with a team and ask for a review first."
        ) % {"target": target}
    if draft.is_approved(job):
        return ""
    if draft.review_state == JobDraft.ReviewState.IN_REVIEW:
        return _("This draft needs approval: a review is waiting for a reviewer.")
    if draft.approved_reviews().exists():
        return _("This draft needs approval: it changed since it was approved. Ask for a review of the new version.")
    return _("This draft needs approval: ask a reviewer of its team to review it before submitting.")


def last_approved(draft: JobDraft) -> Review | None:
    return draft.approved_reviews().select_related("revision", "reviewer").order_by("-decided_at", "-id").first()


def approval_before(review: Review) -> Review | None:
    """The approval a review is compared with: the team's last one before this review's decision."""
    return (
        review.draft.approved_reviews()
        .filter(decided_at__lt=review.decided_at or timezone.now())
        .exclude(pk=review.pk)
        .select_related("revision", "reviewer")
        .order_by("-decided_at", "-id")
        .first()
    )


def pending_changes_request(draft: JobDraft) -> Review | None:
    """What the reviewer asked for, shown where the author works until the next request."""
    if draft.review_state != JobDraft.ReviewState.CHANGES_REQUESTED:
        return None
    return (
        draft.reviews.filter(state=Review.State.CHANGES_REQUESTED)
        .select_related("reviewer", "revision")
        .order_by("-decided_at", "-id")
        .first()
    )


def changes_requested_before(review: Review) -> Review | None:
    """With no approval yet, a second look is compared with the revision whose review asked for
    changes: the reviewer sees what was done about them, not everything again."""
    return (
        review.draft.reviews.filter(
            team_id=review.team_id,
            state=Review.State.CHANGES_REQUESTED,
            decided_at__lt=review.decided_at or timezone.now(),
        )
        .exclude(pk=review.pk)
        .select_related("revision", "reviewer")
        .order_by("-decided_at", "-id")
        .first()
    )


@transaction.atomic
def share(draft: JobDraft, team: Any, user: Any) -> bool:
    """Move a draft to ``team`` (None: private). Approvals belong to the team that gave them, so a
    move starts the review over. False when it was there already."""
    if (team.pk if team else None) == draft.team_id:
        return False
    twin = draft.tracked_twin(team)
    if twin is not None:
        raise ReviewRefused(
            _(
                "Draft “%(name)s” (#%(id)s) there already tracks job %(job)s on that cluster; one draft per job "
                "and place. Work on that one, or delete one of them first."
            )
            % {"name": twin.display_name, "id": twin.pk, "job": draft.tracked_name}
        )
    draft.reviews.filter(state=Review.State.OPEN).update(state=Review.State.SUPERSEDED)
    draft.team = team
    draft.review_state = JobDraft.ReviewState.NOT_REVIEWED
    draft.save(update_fields=["team", "review_state"])
    AuditEvent.record(user, AuditEvent.Action.SHARED, draft, detail=f"with {team}" if team else "made private")
    return True


def open_review(draft: JobDraft) -> Review | None:
    return draft.reviews.filter(state=Review.State.OPEN).select_related("revision", "requested_by").first()


@transaction.atomic
def request_review(draft: JobDraft, user: Any, message: str = "") -> Review:
    if draft.team_id is None:
        raise ReviewRefused(_("Only team drafts are reviewed: share this draft with a team first."))
    current = draft.build()
    if draft.is_approved(current):
        raise ReviewRefused(_("This version is already approved; there is nothing new to review."))
    waiting = open_review(draft)
    if waiting is not None and waiting.revision.payload_hash == payload_hash(current):
        raise ReviewRefused(_("A review of this very version is already waiting for a reviewer."))
    revision = draft.snapshot(user, "review requested")
    draft.reviews.filter(state=Review.State.OPEN).update(state=Review.State.SUPERSEDED, decided_at=timezone.now())
    review = Review.objects.create(
        draft=draft, team_id=draft.team_id, revision=revision, requested_by=user, message=message.strip()
    )
    JobDraft.objects.filter(pk=draft.pk).update(review_state=JobDraft.ReviewState.IN_REVIEW)
    draft.review_state = JobDraft.ReviewState.IN_REVIEW
    AuditEvent.record(
        user, AuditEvent.Action.REVIEW_REQUESTED, draft, review=review, detail=f"revision r{revision.number}"
    )
    return review


def why_not_reviewer(review: Review, user: Any) -> str:
    """Why ``user`` may not decide ``review``, or "" when they may. Four eyes: not the draft's
    owner, not whoever asked, not anyone who changed the payload since the last approval."""
    draft = review.draft
    if not can(user, draft, REVIEW):
        return _("Only the team's reviewers and admins decide reviews.")
    if review.state != Review.State.OPEN:
        return _("This review is already closed (%(state)s).") % {"state": review.get_state_display()}
    if review.team_id != draft.team_id:
        return _("The draft has moved to another team since this review was asked for.")
    if draft.owner_id == user.pk:
        return _("Nobody approves their own draft: another reviewer of the team must decide.")
    if review.requested_by_id == user.pk:
        return _("You asked for this review: another reviewer of the team must decide.")
    since = last_approved(draft)
    changes = AuditEvent.objects.filter(draft=draft, actor=user, action__in=AuditEvent.CHANGES_PAYLOAD)
    if since is not None:
        # From when the approved revision was taken, not when it was approved: a change made while
        # that review waited is not in what was approved either.
        changes = changes.filter(at__gt=since.revision.created_at)
    if changes.exists():
        return _("You changed this draft since its last approval: another reviewer of the team must decide.")
    return ""


@transaction.atomic
def decide(review: Review, user: Any, *, approve: bool, comment: str = "") -> Review:
    review = Review.objects.select_for_update().select_related("draft", "revision").get(pk=review.pk)
    reason = why_not_reviewer(review, user)
    if reason:
        raise ReviewRefused(reason)
    comment = comment.strip()
    if not approve and not comment:
        raise ReviewRefused(_("Say what should change: requesting changes needs a comment."))
    draft = review.draft
    review.state = Review.State.APPROVED if approve else Review.State.CHANGES_REQUESTED
    review.reviewer = user
    review.comment = comment
    review.decided_at = timezone.now()
    review.save(update_fields=["state", "reviewer", "comment", "decided_at"])
    if approve:
        # The approval is a save point of its own: exactly the payload approved, whatever the
        # draft holds now.
        approved = review.revision
        draft.add_revision(approved.payload, approved.payload_hash, user, f"approved r{approved.number}")
        still_current = payload_hash(draft.build()) == approved.payload_hash
        draft.review_state = JobDraft.ReviewState.APPROVED if still_current else JobDraft.ReviewState.CHANGED
    else:
        draft.review_state = JobDraft.ReviewState.CHANGES_REQUESTED
    JobDraft.objects.filter(pk=draft.pk).update(review_state=draft.review_state)
    action = AuditEvent.Action.APPROVED if approve else AuditEvent.Action.CHANGES_REQUESTED
    AuditEvent.record(user, action, draft, review=review, detail=f"revision r{review.revision.number}")
    return review


def queue_for(user: Any) -> Any:
    """Open reviews in the teams where ``user`` reviews, oldest first, without their own drafts."""
    teams = Membership.objects.filter(user=user, role__in=(REVIEWER, ADMIN)).values("team_id")
    return (
        Review.objects.filter(state=Review.State.OPEN, team_id__in=teams)
        .exclude(draft__owner=user)
        .exclude(requested_by=user)
        .select_related("draft", "team", "requested_by", "revision")
        .order_by("created_at", "id")
    )

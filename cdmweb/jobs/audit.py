"""The audit trail: one append-only row per thing someone did to a draft, review or submission."""

from __future__ import annotations

from typing import Any

from .models import AuditEvent, JobDraft, Review, Submission


def record(
    actor: Any,
    action: str,
    draft: JobDraft | None = None,
    *,
    team: Any = None,
    review: Review | None = None,
    submission: Submission | None = None,
    detail: str = "",
) -> AuditEvent:
    """Append one event. ``detail`` is a short human line; never put a value in it that could be
    a secret (input names are fine, input values are not)."""
    authenticated = actor is not None and getattr(actor, "is_authenticated", False)
    return AuditEvent.objects.create(
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

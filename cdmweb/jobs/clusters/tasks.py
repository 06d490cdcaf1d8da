"""Background work on clusters (django-tasks): refreshing the local copy, checking drift, pulling.

Pages never wait on CDM: they queue one of these and show the last known state. On the embedded
defaults (ImmediateBackend) a queued task runs at once in the request, so the checks a page
queues when it opens are throttled through the shared cache: at most one per cluster every
``CDMWEB_DRIFT_ON_OPEN_SECONDS`` (default 300).
"""

from __future__ import annotations

from contextlib import nullcontext
from typing import Any

from django.conf import settings
from django.contrib.auth import get_user_model
from django.core.cache import cache
from django.utils import translation
from django_tasks import task

from cdmweb.accounts.language import saved_language
from cdmweb.accounts.models import Team
from cdmweb.jobs.models import JobDraft, Target

from . import drift, inventory, pulling

THROTTLE_SECONDS = 300
# A designer opening checks its own job again after this long (one request, not the cluster).
DRAFT_THROTTLE_SECONDS = 20


def throttle_seconds() -> int:
    return int(getattr(settings, "CDMWEB_DRIFT_ON_OPEN_SECONDS", THROTTLE_SECONDS))


@task()
def refresh_inventory(target_id: int, cluster_id: str | None = None) -> str:
    target = Target.objects.get(pk=target_id)
    return "; ".join(r.summary for r in inventory.refresh_target(target, cluster_id))


@task()
def check_drift(target_id: int, cluster_id: str, quick: bool = False) -> str:
    drafts = (
        drift.tracked_drafts()
        .filter(home_target_id=target_id, home_cluster_id=cluster_id)
        .select_related("home_target", "deployed_revision")
    )
    results = drift.check(drafts, quick=quick)
    errors = {r.error for r in results if r.error}
    return "; ".join(sorted(errors)) or f"{len(results)} draft(s) checked"


@task()
def pull_jobs(
    target_id: int,
    cluster_id: str,
    user_id: int,
    team_id: int | None = None,
    name_filter: str = "",
    job_type: str | None = None,
    names: list[str] | None = None,
) -> dict[str, Any]:
    target = Target.objects.get(pk=target_id)
    user = get_user_model().objects.get(pk=user_id)
    team = Team.objects.get(pk=team_id) if team_id else None
    # Done for this user: CDM answers in the language they chose (a worker has none of its own).
    chosen = saved_language(user)
    with translation.override(chosen) if chosen else nullcontext():
        try:
            result = pulling.pull(
                target, cluster_id, user, team=team, name_filter=name_filter, job_type=job_type, names=names
            )
        except pulling.PullRefused as refusal:
            return {"summary": str(refusal), "new_ids": [], "error": str(refusal)}
        return {"summary": result.summary, "new_ids": result.new_ids, "error": result.error}


def _first_in_a_while(key: str) -> bool:
    """True for the first caller in ``throttle_seconds()`` (cache.add is atomic)."""
    return cache.add(f"cdmweb:clusters:{key}", 1, timeout=throttle_seconds())


def check_drift_soon(target_id: int, cluster_id: str) -> bool:
    """Queue a drift check of the cluster's tracked drafts unless one was queued lately."""
    if not _first_in_a_while(f"drift:{target_id}:{cluster_id}"):
        return False
    check_drift.enqueue(target_id, cluster_id, quick=True)
    return True


@task()
def check_draft(draft_id: int) -> str:
    draft = drift.tracked_drafts().select_related("home_target", "deployed_revision").filter(pk=draft_id).first()
    if draft is None:
        return "not tracked"
    result = drift.check_one(draft)
    return result.error or result.state


def check_draft_soon(draft: JobDraft) -> bool:
    """On opening a tracked draft: check its job alone (one request, short timeout), at most every
    ``DRAFT_THROTTLE_SECONDS`` per draft, so a change made on the cluster shows when the page opens."""
    if not draft.tracked or not cache.add(f"cdmweb:clusters:draft:{draft.pk}", 1, timeout=DRAFT_THROTTLE_SECONDS):
        return False
    check_draft.enqueue(draft.pk)
    return True


def refresh_soon(target_id: int, cluster_id: str | None = None) -> bool:
    """Queue a refresh of the copy unless one was queued lately (the Refresh button bypasses this)."""
    if not _first_in_a_while(f"refresh:{target_id}:{cluster_id}"):
        return False
    refresh_inventory.enqueue(target_id, cluster_id)
    return True

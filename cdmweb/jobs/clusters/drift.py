"""Drift: whether the job on the cluster still equals what cdmweb last deployed or pulled.

Tracked drafts are checked together per (target, cluster): one CDM request per page of that
cluster's jobs, never one per draft. The comparison is the review diff over every key
(``jobspec.deployed.drift_changes``: CDM's own keys left out, secrets masked). A CDM failure
leaves every state as it was and says so; the next check picks up.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterable
from contextlib import closing
from dataclasses import dataclass, field
from typing import Any

from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from cdmweb.cdm.client import JOB_TYPES
from cdmweb.cdm.errors import CdmError, job_gone
from cdmweb.jobs.models import AuditEvent, JobDraft, Revision, Target
from cdmweb.jobspec.deployed import drift_changes
from cdmweb.jobspec.diffing import Change
from cdmweb.jobspec.payload import parse_job

from .inventory import ListedJob, client_for, job_pages, read_listed


class DriftRefused(Exception):
    """Nothing to take: the draft is not drifted, or the cluster's version is not known."""


@dataclass
class DriftResult:
    draft: JobDraft
    state: str = ""
    changes: list[Change] = field(default_factory=list)
    # Why the draft could not be checked (its state was left as it was).
    error: str = ""


def tracked_drafts() -> Any:
    return JobDraft.objects.exclude(tracked_name="").exclude(home_target=None).exclude(home_cluster_id="")


def check(drafts: Iterable[JobDraft], *, quick: bool = False) -> list[DriftResult]:
    """Check each tracked draft against its cluster. Drafts should come with ``deployed_revision``
    and ``home_target`` selected (``tracked_drafts().select_related(...)``). ``quick``: a short
    timeout and no retry, for a check a page queued as it opened (it may run inline)."""
    groups: dict[tuple[int, str], list[JobDraft]] = defaultdict(list)
    results = []
    for draft in drafts:
        if draft.tracked:
            groups[(draft.home_target_id, draft.home_cluster_id)].append(draft)
        else:
            results.append(DriftResult(draft, error="not tracked: it names no job on a cluster"))
    for (_target, cluster_id), members in groups.items():
        results += check_cluster(members[0].home_target, cluster_id, members, quick=quick)
    return results


def check_cluster(target: Target, cluster_id: str, drafts: list[JobDraft], *, quick: bool = False) -> list[DriftResult]:
    """Read the cluster's jobs (only the types the drafts have; stop once every tracked name is
    found) and record each draft's state in one bulk write."""
    wanted = {draft.tracked_name for draft in drafts}
    # The type the cluster has is the type deployed, not the draft's (maybe changed since).
    types = {_deployed_type(draft) for draft in drafts}
    job_types = [t for t in JOB_TYPES if t in types] if types <= set(JOB_TYPES) else list(JOB_TYPES)
    found: dict[str, ListedJob] = {}
    unreadable: set[str] = set()
    try:
        client = client_for(target, read_timeout=3.0, retries=0) if quick else client_for(target)
        with closing(client):
            for page in job_pages(client, cluster_id, job_types=job_types):
                found.update((job.name, job) for job in page.jobs if job.name in wanted)
                unreadable.update(name for name in page.malformed_names if name in wanted)
                if wanted <= found.keys() | unreadable:
                    break
    except CdmError as exc:
        return [DriftResult(draft, draft.drift_state, error=f"not checked: {exc}") for draft in drafts]
    return _record(drafts, {name: job.job for name, job in found.items()}, unreadable)


def check_one(draft: JobDraft, *, quick: bool = True) -> DriftResult:
    """Check one tracked draft with a single request (its job, shown): what a designer page asks as
    it opens, instead of reading the cluster's pages."""
    try:
        client = client_for(draft.home_target, read_timeout=3.0, retries=0) if quick else client_for(draft.home_target)
        with closing(client):
            shown = client.show_job(draft.home_cluster_id, draft.tracked_name)
    except CdmError as exc:
        if not job_gone(exc):
            return DriftResult(draft, draft.drift_state, error=f"not checked: {exc}")
        shown = {"jobs": []}
    jobs = shown.get("jobs") if isinstance(shown.get("jobs"), list) else []
    found = {}
    unreadable: set[str] = set()
    if jobs:
        try:
            found[draft.tracked_name] = read_listed(jobs[0], _deployed_type(draft)).job
        except ValueError:
            unreadable.add(draft.tracked_name)
    return _record([draft], found, unreadable)[0]


def _deployed_type(draft: JobDraft) -> str:
    payload = draft.deployed_revision.payload if draft.deployed_revision is not None else {}
    job_type = payload.get("job_type") if isinstance(payload, dict) else None
    return job_type if isinstance(job_type, str) and job_type else draft.job_type or "NORMAL_JOB"


def _record(drafts: list[JobDraft], found: dict[str, dict[str, Any]], unreadable: set[str]) -> list[DriftResult]:
    """Each draft's state against what the cluster has, written at once for the drafts whose
    deployed revision is still the one compared (a deploy that landed meanwhile wins)."""
    now = timezone.now()
    results = []
    for draft in drafts:
        result = DriftResult(draft)
        job = found.get(draft.tracked_name)
        if draft.tracked_name in unreadable:
            result.state, result.error = draft.drift_state, "the cluster's job could not be read"
        elif draft.deployed_revision is None:
            result.state, result.error = draft.drift_state, "nothing deployed or pulled to compare with"
        elif job is None:
            draft.drift_state, draft.cluster_payload = JobDraft.Drift.MISSING, None
        else:
            result.changes = drift_changes(draft.deployed_revision.payload, job)
            drifted = bool(result.changes)
            draft.drift_state = JobDraft.Drift.DRIFTED if drifted else JobDraft.Drift.IN_SYNC
            draft.cluster_payload = job if drifted else None
        if not result.error:
            draft.drift_checked_at = now
            result.state = draft.drift_state
        results.append(result)
    checked = [r.draft for r in results if not r.error]
    with transaction.atomic():
        compared = {d.pk: d.deployed_revision_id for d in checked}
        current = dict(
            JobDraft.objects.select_for_update().filter(pk__in=compared).values_list("pk", "deployed_revision_id")
        )
        still = [d for d in checked if current.get(d.pk) == compared[d.pk]]
        JobDraft.objects.bulk_update(still, ["drift_state", "drift_checked_at", "cluster_payload"], batch_size=100)
    return results


def changes_for(draft: JobDraft) -> list[Change]:
    """The differences last seen between the deployed revision and the cluster's job."""
    if draft.drift_state != JobDraft.Drift.DRIFTED or draft.cluster_payload is None:
        return []
    deployed = draft.deployed_revision
    return drift_changes(deployed.payload, draft.cluster_payload) if deployed is not None else []


@transaction.atomic
def take_cluster_version(draft: JobDraft, user: Any) -> Revision:
    """Make the draft hold the cluster's version (as the last check saw it and the user was
    shown): a new revision by ``user``, the one the cluster holds, so the draft is in sync; a
    team draft then needs review again, as after any edit."""
    locked = JobDraft.objects.select_for_update().filter(pk=draft.pk).first()
    if locked is None or locked.drift_state != JobDraft.Drift.DRIFTED or not isinstance(locked.cluster_payload, dict):
        raise DriftRefused(_("The draft is not drifted (or was just updated): check drift again first."))
    cluster = locked.home_cluster_id
    revision = locked.replace_payload(
        parse_job(locked.cluster_payload),
        user,
        AuditEvent.Action.TOOK_CLUSTER_VERSION,
        f"took the version of cluster {locked.home_target.cluster_name(cluster)}",
        f"job {locked.tracked_name}"[:500],
    )
    locked.mark_deployed(locked.home_target, cluster, locked.tracked_name, revision)
    draft.refresh_from_db()
    return revision

"""Pulling a cluster's jobs into tracked drafts: all, filtered by name, of a type, or a chosen few.

A pulled draft remembers its target, cluster and job name and keeps the pulled body as its
deployed revision, private to the user or in a team they edit in (as import does). Pulling again
makes no duplicate: a draft nobody changed since is replaced by the cluster's version as a new
revision; a draft with local edits keeps them and is marked drifted instead. Each job is recorded
whole or not at all (one transaction per job), with a fixed number of queries per job.
"""

from __future__ import annotations

from collections.abc import Iterable
from contextlib import closing
from dataclasses import dataclass, field
from typing import Any

from django.db import IntegrityError, models, transaction
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy, ngettext

from cdmweb.accounts.models import Membership
from cdmweb.cdm.client import JOB_TYPES
from cdmweb.cdm.errors import CdmError
from cdmweb.jobs.forms import teams_to_create_in
from cdmweb.jobs.models import AuditEvent, JobDraft, Target
from cdmweb.jobspec.deployed import drift_changes
from cdmweb.jobspec.payload import payload_hash

from .inventory import ListedJob, client_for, job_pages

NEW, REFRESHED, UNCHANGED, KEPT, FAILED = "new", "refreshed", "unchanged", "kept", "failed"
OUTCOME_WORDS = {
    NEW: gettext_lazy("new draft"),
    REFRESHED: gettext_lazy("refreshed with the cluster's version"),
    UNCHANGED: gettext_lazy("unchanged"),
    KEPT: gettext_lazy("has local edits: kept them, marked drifted"),
    FAILED: gettext_lazy("not pulled"),
}


def _counted(outcome: str, count: int) -> str:
    """ "2 new drafts", "1 unchanged": a count of one outcome of a pull."""
    if outcome == NEW:
        return ngettext("%(count)d new draft", "%(count)d new drafts", count) % {"count": count}
    return _("%(count)d %(outcome)s") % {"count": count, "outcome": OUTCOME_WORDS[outcome]}


class PullRefused(Exception):
    """The user may not pull from this target, or into this team: nothing was asked of CDM."""


@dataclass
class Pulled:
    name: str
    outcome: str
    draft_id: int | None = None
    message: str = ""

    @property
    def line(self) -> str:
        where = " " + _("(draft %(id)s)") % {"id": self.draft_id} if self.draft_id else ""
        detail = f": {self.message}" if self.message else ""
        return f"{self.name}{where}: {OUTCOME_WORDS[self.outcome]}{detail}"


@dataclass
class PullResult:
    pulled: list[Pulled] = field(default_factory=list)
    # A CDM error that stopped the pull part way: the jobs pulled before it stay pulled.
    error: str = ""

    @property
    def new_ids(self) -> list[int]:
        return [p.draft_id for p in self.pulled if p.outcome == NEW and p.draft_id]

    def count(self, outcome: str) -> int:
        return sum(1 for p in self.pulled if p.outcome == outcome)

    @property
    def summary(self) -> str:
        outcomes = (NEW, REFRESHED, UNCHANGED, KEPT, FAILED)
        parts = [_counted(o, self.count(o)) for o in outcomes if self.count(o)]
        pulled = _(", ").join(parts) if parts else _("no job matched")
        if self.error:
            return _("Pulled: %(outcomes)s. Stopped by CDM: %(error)s") % {"outcomes": pulled, "error": self.error}
        return _("Pulled: %(outcomes)s.") % {"outcomes": pulled}


def targets_for(user: Any) -> models.QuerySet[Target]:
    """The targets whose clusters ``user`` may see and pull from: everyone's, and their teams'."""
    if not user.is_authenticated:
        return Target.objects.none()
    teams = Membership.objects.filter(user=user).values("team_id")
    return Target.objects.filter(models.Q(team=None) | models.Q(team_id__in=teams))


def pull_refusal(user: Any, target: Target, team: Any) -> str:
    """Why ``user`` may not pull from ``target`` into ``team`` (None: private drafts), or ""."""
    if not targets_for(user).filter(pk=target.pk).exists():
        return _("No target named %(target)s.") % {"target": target.name}
    if team is not None and not teams_to_create_in(user).filter(pk=team.pk).exists():
        return _("You cannot pull into team %(team)s: only its editors, reviewers and admins can add drafts to it.") % {
            "team": team
        }
    if target.team_id is not None and (team is None or team.pk != target.team_id):
        return _("Target %(target)s belongs to a team: pull its jobs into that team.") % {"target": target.name}
    return ""


def pull(
    target: Target,
    cluster_id: str,
    user: Any,
    *,
    team: Any = None,
    name_filter: str = "",
    job_type: str | None = None,
    names: Iterable[str] | None = None,
) -> PullResult:
    """Pull the cluster's jobs that match (every page; all three types unless ``job_type``; only
    ``names`` when given) into tracked drafts. A CDM error stops the pull (reported in the
    result); every job pulled before it is kept, whole."""
    refusal = pull_refusal(user, target, team)
    if refusal:
        raise PullRefused(refusal)
    if job_type is not None and job_type not in JOB_TYPES:
        raise PullRefused(
            _("Unknown job type %(type)s: one of %(types)s.") % {"type": job_type, "types": ", ".join(JOB_TYPES)}
        )
    wanted = {n for n in names if n} if names is not None else None
    if wanted is not None and len(wanted) == 1 and not name_filter:
        name_filter = next(iter(wanted))
    result = PullResult()
    try:
        with closing(client_for(target)) as client:
            types = [job_type] if job_type else None
            for page in job_pages(client, cluster_id, name_filter=name_filter, job_types=types):
                jobs = [job for job in page.jobs if wanted is None or job.name in wanted]
                result.pulled += [Pulled(_("(unreadable job)"), FAILED, message=reason) for reason in page.malformed]
                result.pulled += pull_page(target, cluster_id, user, team, jobs)
    except CdmError as exc:
        result.error = str(exc)
    return result


def pull_page(target: Target, cluster_id: str, user: Any, team: Any, jobs: list[ListedJob]) -> list[Pulled]:
    """One page's jobs: one query finds the drafts already tracking them, one marks the
    unchanged ones checked, then a fixed number of queries per new or changed job."""
    if not jobs:
        return []
    scope = JobDraft.objects.filter(
        home_target=target, home_cluster_id=cluster_id, tracked_name__in=[job.name for job in jobs]
    )
    scope = scope.filter(team=team) if team is not None else scope.filter(team=None, owner=user)
    tracking = {draft.tracked_name: draft for draft in scope.select_related("deployed_revision")}
    pulled, unchanged = [], []
    for job in jobs:
        draft = tracking.get(job.name)
        if draft is not None and same_as_deployed(draft, job):
            unchanged.append(draft.pk)
            pulled.append(Pulled(job.name, UNCHANGED, draft.pk))
            continue
        try:
            pulled.append(pull_one(target, cluster_id, user, team, job, draft))
        except IntegrityError:
            # Another pull created the same tracked draft meanwhile (the unique constraints).
            pulled.append(Pulled(job.name, FAILED, message="pulled by someone else at the same time; pull again"))
    if unchanged:
        JobDraft.objects.filter(pk__in=unchanged).update(
            drift_state=JobDraft.Drift.IN_SYNC, drift_checked_at=timezone.now(), cluster_payload=None
        )
    return pulled


def same_as_deployed(draft: JobDraft, job: ListedJob) -> bool:
    deployed = draft.deployed_revision
    if deployed is None:
        return False
    return deployed.payload_hash == job.digest or not drift_changes(deployed.payload, job.job)


@transaction.atomic
def pull_one(target: Target, cluster_id: str, user: Any, team: Any, job: ListedJob, draft: JobDraft | None) -> Pulled:
    """One job, whole or not at all."""
    now = timezone.now()
    if draft is None:
        draft = JobDraft.create_from_data(
            user,
            job.data,
            team,
            action=AuditEvent.Action.PULLED,
            reason=f"pulled from cluster {target.cluster_name(cluster_id)}",
            home_target=target,
            home_cluster_id=cluster_id,
            tracked_name=job.name,
            drift_state=JobDraft.Drift.IN_SYNC,
            drift_checked_at=now,
        )
        revision = draft.revisions.get()
        JobDraft.objects.filter(pk=draft.pk).update(deployed_revision=revision)
        return Pulled(job.name, NEW, draft.pk)
    deployed = draft.deployed_revision
    local_edits = deployed is None or payload_hash(draft.build()) != deployed.payload_hash
    if local_edits:
        # The cluster changed and so did the draft: neither overwrites the other; drift says so.
        JobDraft.objects.filter(pk=draft.pk).update(
            drift_state=JobDraft.Drift.DRIFTED, drift_checked_at=now, cluster_payload=job.job
        )
        return Pulled(job.name, KEPT, draft.pk)
    revision = draft.replace_payload(
        job.data, user, AuditEvent.Action.PULLED, f"pulled again from cluster {cluster_id}", f"job {job.name}"[:500]
    )
    draft.mark_deployed(target, cluster_id, job.name, revision)
    return Pulled(job.name, REFRESHED, draft.pk)

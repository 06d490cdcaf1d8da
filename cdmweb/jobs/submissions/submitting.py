"""What pages, the admin and the commands call to submit a draft and to watch a submission.

Every attempt is a Submission row keyed by an idempotency key, so a double click or a retry of
the same form never creates a second CDM job: the second call finds the row and carries on from
where the first stopped (job created but not started -> start only).
"""

from __future__ import annotations

import hashlib
import logging
from dataclasses import dataclass
from datetime import timedelta
from typing import Any

from django.core.cache import cache
from django.db import IntegrityError, models, transaction
from django.utils import timezone, translation
from django.utils.translation import gettext as _
from django.utils.translation import ngettext

from cdmweb.catalog.registry import get_catalog
from cdmweb.jobs import reviewing
from cdmweb.jobs.models import AuditEvent, ClusterJob, JobDraft, Submission, Target
from cdmweb.jobspec.payload import build_request_body
from cdmweb.jobspec.validation import ERROR, Finding, validate_job

from . import linkcheck, tasks, worker
from .targets import endpoint_refusal, missing_credentials

log = logging.getLogger("cdmweb.submissions")
State = Submission.State


class SubmissionRefused(Exception):
    """Refused before anything was sent (invalid draft, missing credentials...)."""


def explain(code: str) -> str:
    """What a CDM error code means, in the reference's words (its "%s" left as "…": the message
    beside it says what)."""
    return get_catalog().error_message(code).replace("%s", "…")


@dataclass(frozen=True)
class LocalRefusal:
    """Why a job cannot go to a target, as far as cdmweb knows without asking anyone. Every path
    checks it before its first network call, so a local reason is never hidden behind an
    unreachable CDM; the submit page shows each part where it belongs."""

    target: str  # the target itself: an endpoint the rule refuses, no credentials
    errors: list[Finding]  # what CDM would refuse in the job
    gate: str  # no approval where one is needed

    @property
    def reason(self) -> str:
        if self.target:
            return self.target
        if self.errors:
            count = len(self.errors)
            return ngettext(
                "The draft has %(count)d error CDM would refuse: %(first)s",
                "The draft has %(count)d errors CDM would refuse: %(first)s",
                count,
            ) % {"count": count, "first": self.errors[0]["message"]}
        return self.gate

    def __bool__(self) -> bool:
        return bool(self.reason)


def target_problem(target: Target) -> str:
    """What is wrong with the target itself, whatever the draft, or ""."""
    missing = missing_credentials(target)
    credentials = (
        _("Target %(target)s has no credentials: set %(missing)s.") % {"target": target, "missing": missing}
        if missing
        else ""
    )
    return " ".join(problem for problem in (endpoint_refusal(target), credentials) if problem)


def local_refusal(draft: JobDraft, target: Target, job: dict[str, Any]) -> LocalRefusal:
    errors = [f for f in validate_job(job) if f["status"] == ERROR]
    return LocalRefusal(target_problem(target), errors, reviewing.gate(draft, target, job))


def check(draft: JobDraft, target: Target, user: Any, job: dict[str, Any] | None = None) -> None:
    """Raise SubmissionRefused for a local reason (``local_refusal``); a refusal for want of
    review is audited."""
    refusal = local_refusal(draft, target, draft.build() if job is None else job)
    if refusal:
        if refusal.reason == refusal.gate:
            AuditEvent.record(user, AuditEvent.Action.SUBMISSION_REFUSED, draft, detail=f"to {target}: {refusal.gate}")
        raise SubmissionRefused(refusal.reason)


class NameTaken(SubmissionRefused):
    """The chosen cluster already has a job of this name that the draft does not track: updating
    it replaces someone's job, so the user says so first (``submit(..., update=True)``)."""

    def __init__(self, target: Target, cluster_id: str, job_name: str) -> None:
        self.target, self.cluster_id, self.job_name = target, cluster_id, job_name
        super().__init__(
            _(
                "Cluster %(cluster)s already has a job named %(job)s. Update that job with this draft (the draft "
                "then tracks it), or rename the draft to create a new one."
            )
            % {"cluster": target.cluster_name(cluster_id), "job": job_name}
        )


@dataclass(frozen=True)
class Destination:
    """Where a submission goes and what it does there, decided before anything is recorded."""

    action: str
    cluster_id: str
    pool: list[str]
    note: str = ""


def destination(
    draft: JobDraft, target: Target, job_name: str, cluster_id: str | None, pool: list[str] | None, update: bool
) -> Destination:
    """Create, or update the job the cluster already has. A draft that tracks a job on this
    target updates it on its own cluster, even when a pool was chosen (a random pick would create
    a second copy elsewhere); a job the cluster is known to have by this name is not created
    again unless the user said to update it."""
    if bool(cluster_id) == bool(pool):
        raise SubmissionRefused(_("Choose one cluster, or a pool of clusters."))
    where = _destination(draft, target, job_name, cluster_id, pool, update)
    if where.action == Submission.Action.UPDATE:
        guardian = team_guarding(draft, target, where.cluster_id, job_name)
        if guardian is not None:
            raise SubmissionRefused(
                _(
                    "Job %(job)s on cluster %(cluster)s is tracked by team %(team)s's draft #%(id)s: it changes "
                    "there, through that team's review."
                )
                % {
                    "job": job_name,
                    "cluster": target.cluster_name(where.cluster_id),
                    "team": guardian.team,
                    "id": guardian.pk,
                }
            )
    return where


def team_guarding(draft: JobDraft, target: Target, cluster_id: str, job_name: str) -> JobDraft | None:
    """A team draft of another team (or, for a private draft, of any team) that tracks this job:
    the job is that team's, changed through its review, so no other draft may update it."""
    guarding = JobDraft.objects.filter(
        home_target=target, home_cluster_id=cluster_id, tracked_name=job_name, team__isnull=False
    ).select_related("team")
    if draft.team_id is not None:
        guarding = guarding.exclude(team_id=draft.team_id)
    return guarding.exclude(pk=draft.pk).first()


def _destination(
    draft: JobDraft, target: Target, job_name: str, cluster_id: str | None, pool: list[str] | None, update: bool
) -> Destination:
    tracked_here = draft.tracked and draft.home_target_id == target.pk
    if tracked_here and (pool or cluster_id == draft.home_cluster_id):
        if job_name != draft.tracked_name:
            raise SubmissionRefused(
                _(
                    "This draft tracks job %(job)s on cluster %(cluster)s, but is now named %(name)s. CDM knows jobs "
                    "by name: name it %(job)s again to update that job."
                )
                % {"job": draft.tracked_name, "cluster": target.cluster_name(draft.home_cluster_id), "name": job_name}
            )
        note = ""
        if pool:
            note = _("Sent to cluster %(cluster)s, which has this job, instead of a random pick from the pool.") % {
                "cluster": target.cluster_name(draft.home_cluster_id)
            }
        return Destination(Submission.Action.UPDATE, draft.home_cluster_id, list(pool or []), note)
    if cluster_id and update:
        return Destination(Submission.Action.UPDATE, cluster_id, [])
    if cluster_id and ClusterJob.objects.filter(target=target, cluster_id=cluster_id, name=job_name).exists():
        raise NameTaken(target, cluster_id, job_name)
    return Destination(Submission.Action.CREATE, cluster_id or "", list(pool or []))


def _deploying_now(target: Target, cluster_id: str, job_name: str, key: str) -> Submission | None:
    """An update or start of the same job that is reaching CDM right now, from another form: one
    queued lately, or held by a worker's live lease. One stuck (its worker gone, its start
    refused) does not block everyone else's deploys."""
    now = timezone.now()
    live = models.Q(state=State.PENDING, updated_at__gt=now - timedelta(seconds=STALE_SECONDS)) | models.Q(
        state__in=[State.SENDING, State.CREATED], lease_until__gt=now
    )
    return (
        Submission.objects.filter(
            live,
            target=target,
            cluster_id=cluster_id,
            job_name=job_name,
            action__in=[Submission.Action.UPDATE, Submission.Action.START],
            finished_at=None,
        )
        .exclude(idempotency_key=key)
        .select_related("user")
        .first()
    )


def record_submission(key: str, defaults: dict[str, Any]) -> tuple[Submission, bool]:
    """The submission of this key, made now (True) or found (False). An update or a start takes a
    short lock on its job first, so of two people deploying one job at once, one goes and the
    other is told who does."""
    action = defaults.get("action", Submission.Action.CREATE)
    lock = ""
    if action != Submission.Action.CREATE:
        job_key = hashlib.sha256(defaults["job_name"].encode()).hexdigest()[:32]
        lock = f"deploy-lock-{defaults['target'].pk}-{defaults['cluster_id']}-{job_key}"
        if not cache.add(lock, key, 30):
            raise SubmissionRefused(
                _("Someone else is deploying %(job)s right now; wait a moment and look again.")
                % {"job": defaults["job_name"]}
            )
    try:
        if lock:
            busy = _deploying_now(defaults["target"], defaults["cluster_id"], defaults["job_name"], key)
            if busy is not None:
                raise SubmissionRefused(
                    _(
                        "%(user)s is deploying %(job)s to this cluster right now (submission %(id)s); wait for it to "
                        "reach CDM, then look again."
                    )
                    % {"user": busy.user, "job": busy.job_name, "id": busy.pk}
                )
        # Whoever submits is answered in their language, also by the worker that sends it later.
        defaults = {"language": (translation.get_language() or "")[:16], **defaults}
        try:
            with transaction.atomic():
                return Submission.objects.get_or_create(idempotency_key=key, defaults=defaults)
        except IntegrityError:
            return Submission.objects.get(idempotency_key=key), False
    finally:
        if lock:
            cache.delete(lock)


def submit(
    draft: JobDraft,
    target: Target,
    user: Any,
    key: str,
    *,
    cluster_id: str | None = None,
    pool: list[str] | None = None,
    update: bool = False,
    start: bool = True,
) -> Submission:
    """Check and record a submission of ``draft``, then hand the sending to a task (a worker in
    production; at once, in this process, on the embedded defaults). Returns the row as it is
    after the hand-over. Refusals before anything is queued raise SubmissionRefused.

    A draft that tracks a job on ``target`` (or ``update=True``) updates the job its cluster
    has (PUT), then starts it when ``start``; any other draft creates its job."""
    job = draft.build()
    check(draft, target, user, job)
    where = destination(draft, target, job.get("name", ""), cluster_id, pool, update)
    updating = where.action == Submission.Action.UPDATE
    # Asked of CDM before anything is recorded: a link the cluster lacks would only come back as
    # Cdm.0101 after the submission was made (an outage does not block; see check_links).
    missing_links = linkcheck.refusal_text(
        linkcheck.check_links(target, [where.cluster_id] if where.cluster_id else where.pool, job)
    )
    if missing_links:
        raise SubmissionRefused(missing_links)
    body = build_request_body([job], None if updating or not where.pool else where.pool)
    submission, created = record_submission(
        key,
        {
            "draft": draft,
            "target": target,
            "user": user,
            "cluster_id": where.cluster_id,
            "pool": where.pool,
            "body": body,
            "job_name": job.get("name", ""),
            "action": where.action,
            "start": start or not updating,
            "routing_note": where.note,
        },
    )
    if not created and (submission.user_id != user.pk or submission.draft_id != draft.pk):
        raise SubmissionRefused(
            _("This form was already used for another submission; reload the page and submit again.")
        )
    if created:
        submission.revision = draft.snapshot(user, f"submitted to {target} (submission {submission.pk})")
        Submission.objects.filter(pk=submission.pk).update(revision=submission.revision)
        if updating:
            detail = f"to {target}, updating job {submission.job_name} on cluster {where.cluster_id}"
        else:
            detail = f"to {target}, " + (f"cluster {cluster_id}" if cluster_id else f"a pool of {len(pool or [])}")
        AuditEvent.record(user, AuditEvent.Action.SUBMITTED, draft, submission=submission, detail=detail)
        tasks.enqueue_send(submission.pk)
    elif submission.state in (State.PENDING, State.CREATED) or (
        submission.state == State.SENDING and submission.lease_until and submission.lease_until <= timezone.now()
    ):
        # The same key again (a retry, a double click): carry on from where it stopped (a lease
        # that ran out is taken over, asking CDM first); the claim in send() makes sure only one
        # attempt talks to CDM at a time.
        tasks.enqueue_send(submission.pk)
    return Submission.objects.select_related("target").get(pk=submission.pk)


# How long without news before a watcher assumes the worker chain broke (a worker died).
STALE_SECONDS = 15.0


def watch(submission: Submission) -> Submission:
    """What a page or command watching a submission calls. Work whose worker vanished (a lease
    that ran out, a queued send nobody took, a running job nobody polled lately) is taken up again,
    asking CDM first what was done. In-process (the embedded default) that happens now, in this
    request, and the job's status is then polled once; with workers, the page only reads."""
    if tasks.deferred():
        requeue_if_stale(submission)
        return submission
    if requeue_if_stale(submission, sends_only=True):
        submission = Submission.objects.select_related("target").get(pk=submission.pk)
    return worker.poll(submission)


def requeue_if_stale(submission: Submission, *, sends_only: bool = False) -> bool:
    """Take up again the work of a submission whose worker died: True when something was done
    (queued for a worker, or in-process run now). Never while a worker's lease is live (nothing
    can be done then), and at most once per stale period however many pages watch, so re-queued
    work never multiplies. ``sends_only``: leave a running job's polls to the caller."""
    now = timezone.now()
    period = max(STALE_SECONDS, worker.poll_seconds() * 5)
    stale = now - timedelta(seconds=period)
    if submission.lease_until and submission.lease_until > now:
        return False  # a live worker holds it
    if submission.state == State.SENDING:
        work = tasks.enqueue_send  # its worker's lease ran out
    elif submission.state in (State.PENDING, State.CREATED) and submission.updated_at < stale:
        work = tasks.enqueue_send
    elif not sends_only and worker.still_running(submission) and submission.updated_at < stale:
        work = tasks.enqueue_poll if tasks.deferred() else _poll_now
    else:
        return False
    if not cache.add(f"submission-requeued-{submission.pk}", True, period):
        return False  # someone took it up moments ago
    work(submission.pk)
    return True


def _poll_now(submission_id: int) -> None:
    # In-process there is no poll chain to mend: one poll now, then whoever watches polls on.
    worker.poll(Submission.objects.select_related("target").get(pk=submission_id))


def recover_stuck() -> int:
    """Re-queue every submission whose worker vanished; how many (manage.py recover_submissions)."""
    open_states = (State.PENDING, State.SENDING, State.CREATED, State.ACCEPTED)
    return sum(requeue_if_stale(s) for s in Submission.objects.filter(state__in=open_states, finished_at=None))

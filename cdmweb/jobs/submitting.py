"""Submitting drafts to CDM and following them: the only place that talks to the CDM client.

Every attempt is a Submission row keyed by an idempotency key, so a double click or a retry of
the same form never creates a second CDM job: the second call finds the row and carries on from
where the first stopped (job created but not started -> start only).
"""

from __future__ import annotations

import logging
import os
from contextlib import closing
from datetime import timedelta
from typing import Any

from django.conf import settings
from django.core.cache import cache, caches
from django.db import IntegrityError, transaction
from django.db.models import F
from django.utils import timezone

from cdmweb.catalog.registry import get_catalog
from cdmweb.cdm.auth import AkSkAuth, PasswordAuth, TokenAuth
from cdmweb.cdm.client import CdmClient, submission_summary
from cdmweb.cdm.errors import CdmClientError, CdmError, CdmNotFound, CdmValidationError
from cdmweb.crypto import SecretUnreadable, decrypt

from . import audit, reviewing, tasks
from .models import AuditEvent, JobDraft, Submission, Target
from .payload import build_request_body
from .validation import ERROR, validate_job

log = logging.getLogger("cdmweb.submissions")


class SubmissionRefused(Exception):
    """Refused before anything was sent (invalid draft, missing credentials...)."""


def resolve_secret(source: str) -> str:
    """A secret named by a target: the environment variable, else the Django setting."""
    if not source:
        return ""
    return os.environ.get(source) or str(getattr(settings, source, "") or "")


def target_secret(target: Target) -> str:
    """The SK, password or token: decrypted from the target, else read from its variable."""
    if target.secret_encrypted:
        try:
            return decrypt(target.secret_encrypted)
        except SecretUnreadable:
            log.error("target %s: the stored secret cannot be decrypted (was the key changed?)", target.name)
            return ""
    return resolve_secret(target.secret_source)


def target_access_key(target: Target) -> str:
    return target.access_key or resolve_secret(target.access_key_source)


def missing_credentials(target: Target) -> str:
    """What a target needs and cannot find, or ""."""
    missing = []
    if not target_secret(target):
        missing.append(target.secret_source or "a secret (store one, or name its variable)")
    if target.auth_mode == Target.AUTH_AKSK and not target_access_key(target):
        missing.append(target.access_key_source or "an AK")
    return ", ".join(missing)


def client_for(target: Target, *, read_timeout: float = 10.0, retries: int = 2) -> CdmClient:
    if target.auth_mode == Target.AUTH_AKSK:
        auth: Any = AkSkAuth(target_access_key(target), target_secret(target), target.project_id)
    elif target.auth_mode == Target.AUTH_PASSWORD:
        auth = PasswordAuth(
            target.iam_endpoint or target.base_url,
            target.username,
            target_secret(target),
            target.domain,
            target.project_id,
            # Shared by every process (Redis or the database cache), so one token serves them all.
            cache=caches["default"],
        )
    else:
        auth = TokenAuth(target_secret(target))
    return CdmClient(
        target.base_url,
        target.project_id,
        auth,
        x_language=target.x_language or None,
        read_timeout=read_timeout,
        retries=retries,
    )


def sandbox_target() -> Target:
    """The default target, the embedded sandbox (created by a migration; recreated if deleted)."""
    target, _ = Target.objects.get_or_create(
        name="sandbox",
        defaults={
            "endpoint": "",
            "region": "sandbox",
            "project_id": settings.CDM_SANDBOX_PROJECT_ID,
            "auth_mode": Target.AUTH_AKSK,
            "access_key_source": "CDM_SANDBOX_AK",
            "secret_source": "CDM_SANDBOX_SK",
            "x_language": "en-us",
            "requires_review": False,
        },
    )
    return target


def explain(code: str) -> str:
    """What a CDM error code means, in the reference's words."""
    return get_catalog().error_message(code)


def refresh_clusters(target: Target) -> list[dict[str, Any]]:
    with closing(client_for(target)) as client:
        clusters = client.list_clusters().get("clusters") or []
    target.clusters = [
        {"id": str(c.get("id")), "name": str(c.get("name") or c.get("id")), "status": str(c.get("status"))}
        for c in clusters
        if isinstance(c, dict) and c.get("id")
    ]
    target.clusters_refreshed_at = timezone.now()
    target.save(update_fields=["clusters", "clusters_refreshed_at"])
    return target.clusters


def _record_error(submission: Submission, error: CdmError) -> None:
    submission.state = Submission.REFUSED if error.status and 400 <= error.status < 500 else Submission.ERROR
    submission.http_status = error.status
    submission.error_code = (error.code or "")[:32]
    submission.error_message = str(error)
    if isinstance(error, CdmValidationError):
        submission.state = Submission.REFUSED
    submission.finished_at = timezone.now()


def _apply_summary(submission: Submission, raw: dict[str, Any]) -> None:
    summary = submission_summary(raw)
    submission.job_name = summary.job_name or submission.job_name
    if summary.submission_id is not None:
        submission.submission_id = str(summary.submission_id)
    submission.cdm_status = summary.status or submission.cdm_status
    if summary.progress is not None and summary.progress >= 0:
        submission.progress = summary.progress
    submission.rows_read = summary.rows_read or submission.rows_read
    submission.rows_written = summary.rows_written or submission.rows_written
    submission.bytes_read = summary.bytes_read or submission.bytes_read
    submission.bytes_written = summary.bytes_written or submission.bytes_written
    if summary.status == "SUCCEEDED":
        submission.progress = 100.0
    if summary.status in Submission.TERMINAL_CDM:
        submission.finished_at = submission.finished_at or timezone.now()
        if summary.status != "SUCCEEDED":
            submission.error_message = summary.error_summary or summary.error_details or "CDM reports the job failed."


def submit(
    draft: JobDraft,
    target: Target,
    user: Any,
    key: str,
    *,
    cluster_id: str | None = None,
    pool: list[str] | None = None,
) -> Submission:
    """Check and record a submission of ``draft``, then hand the sending to a task (a worker in
    production; at once, in this process, on the embedded defaults). Returns the row as it is
    after the hand-over. Refusals before anything is queued raise SubmissionRefused."""
    if bool(cluster_id) == bool(pool):
        raise SubmissionRefused("Choose one cluster, or a pool of clusters.")
    missing = missing_credentials(target)
    if missing:
        raise SubmissionRefused(f"Target {target} has no credentials: set {missing}.")
    job = draft.build()
    errors = [f for f in validate_job(job) if f["status"] == ERROR]
    if errors:
        raise SubmissionRefused(f"The draft has {len(errors)} error(s) CDM would refuse: {errors[0]['message']}")
    refusal = reviewing.gate(draft, target, job)
    if refusal:
        audit.record(user, AuditEvent.SUBMISSION_REFUSED, draft, detail=f"to {target}: {refusal}")
        raise SubmissionRefused(refusal)
    body = build_request_body([job], pool if pool else None)
    try:
        with transaction.atomic():
            submission, created = Submission.objects.get_or_create(
                idempotency_key=key,
                defaults={
                    "draft": draft,
                    "target": target,
                    "user": user,
                    "cluster_id": cluster_id or "",
                    "pool": pool or [],
                    "body": body,
                    "job_name": job.get("name", ""),
                },
            )
    except IntegrityError:
        submission, created = Submission.objects.get(idempotency_key=key), False
    if not created and (submission.user_id != user.pk or submission.draft_id != draft.pk):
        raise SubmissionRefused("This form was already used for another submission; reload the page and submit again.")
    if created:
        submission.revision = draft.snapshot(user, f"submitted to {target} (submission {submission.pk})")
        Submission.objects.filter(pk=submission.pk).update(revision=submission.revision)
        where = f"cluster {cluster_id}" if cluster_id else f"a pool of {len(pool or [])}"
        audit.record(user, AuditEvent.SUBMITTED, draft, submission=submission, detail=f"to {target}, {where}")
        tasks.enqueue_send(submission.pk)
    elif submission.state in (Submission.PENDING, Submission.CREATED):
        # The same key again (a retry, a double click): carry on from where it stopped; the claim
        # in send() makes sure only one attempt talks to CDM at a time.
        tasks.enqueue_send(submission.pk)
    return Submission.objects.select_related("target").get(pk=submission.pk)


def lease_seconds() -> float:
    return float(settings.CDMWEB_SUBMISSION_LEASE_SECONDS)


MAX_ATTEMPTS = 5
# After a takeover could not tell what the dead worker did (CDM unreachable), try again this much later.
UNSURE_RETRY_SECONDS = 10.0


class _Unsure(Exception):
    """CDM could not say whether the job exists: sending now might create it twice."""


def send(submission_id: int) -> Submission:
    """The task: send a queued submission to CDM (create, then start; or create-and-start in a
    pool). Safe to run twice and after a worker died half way: the row is claimed with a lease
    (a live lease keeps everyone else out, CREATED included), a claim whose lease ran out is taken
    over, a takeover first asks CDM what the dead worker did, and the result is written only while
    the lease is still this worker's."""
    submission = Submission.objects.select_related("target").get(pk=submission_id)
    now = timezone.now()
    free = submission.lease_until is None or submission.lease_until <= now
    resumable = submission.state in (Submission.PENDING, Submission.CREATED) and free
    expired = submission.state == Submission.SENDING and free
    if not (resumable or expired):
        return submission  # sent, refused, or another worker holds a live lease
    if submission.attempts >= MAX_ATTEMPTS:
        return _give_up(submission)
    lease = now + timedelta(seconds=lease_seconds())
    claimed = Submission.objects.filter(pk=submission.pk, state=submission.state, lease_until=submission.lease_until)
    if not claimed.update(state=Submission.SENDING, lease_until=lease, attempts=F("attempts") + 1, updated_at=now):
        return Submission.objects.get(pk=submission.pk)  # another worker was quicker
    previous_state = submission.state
    submission.state, submission.lease_until = Submission.SENDING, lease
    submission.attempts += 1
    body = submission.body
    job = (body.get("jobs") or [{}])[0]
    try:
        with closing(client_for(submission.target)) as client:
            if expired:
                previous_state = _reconcile(client, submission)
            if previous_state != Submission.ACCEPTED:
                # A job found on one cluster of a pool is started there, never created again.
                pool = [] if previous_state == Submission.CREATED else submission.pool
                _send(client, submission, previous_state, body, job, submission.cluster_id or None, pool)
    except _Unsure:
        log.warning("submission %s: CDM could not say what the last worker did; retrying later", submission.pk)
        Submission.objects.filter(pk=submission.pk, lease_until=lease).update(
            lease_until=timezone.now() + timedelta(seconds=UNSURE_RETRY_SECONDS)
        )
        return Submission.objects.get(pk=submission.pk)
    except Exception:
        # Never leave a row "sending" forever: record it; the traceback goes to the log only.
        log.exception("submission %s: unexpected failure", submission.pk)
        submission.state = Submission.ERROR
        submission.error_message = "An unexpected error stopped the submission; it has been logged."
        submission.finished_at = timezone.now()
    if not _save_if_still_ours(submission, lease):
        log.warning("submission %s: the lease ran out while sending; the worker that took over decides", submission.pk)
        return Submission.objects.get(pk=submission.pk)
    log.info("submission %s: %s %s", submission.pk, submission.state, submission.error_code)
    if submission.state == Submission.ACCEPTED and not submission.terminal:
        tasks.enqueue_poll(submission.pk, delay=poll_seconds())
    return submission


def _save_if_still_ours(submission: Submission, lease: Any) -> bool:
    """Write the outcome only if no other worker took the row over meanwhile (a fencing check)."""
    with transaction.atomic():
        current = Submission.objects.select_for_update().values_list("lease_until", flat=True).get(pk=submission.pk)
        if current != lease:
            return False
        submission.lease_until = None
        submission.updated_at = timezone.now()
        submission.save()
    return True


def _give_up(submission: Submission) -> Submission:
    Submission.objects.filter(pk=submission.pk, attempts__gte=MAX_ATTEMPTS, finished_at=None).update(
        state=Submission.ERROR,
        lease_until=None,
        error_message=f"Gave up after {submission.attempts} attempts; the last: {submission.error_message}".strip(),
        finished_at=timezone.now(),
        updated_at=timezone.now(),
    )
    return Submission.objects.get(pk=submission.pk)


def _reconcile(client: CdmClient, submission: Submission) -> str:
    """A worker died while sending: find out from CDM how far it got. Returns the state to go on
    from: CREATED (the job exists but never ran), ACCEPTED (it runs or ran), or PENDING (it does
    not exist on any cluster it could be on). Raises _Unsure when a cluster could not answer."""
    clusters = [submission.cluster_id] if submission.cluster_id else list(submission.pool)
    unsure = False
    for cluster_id in clusters:
        try:
            status = client.job_status(cluster_id, submission.job_name)
        except (CdmNotFound, CdmClientError) as error:
            if isinstance(error, CdmNotFound) or error.code in ("Cdm.0100", "Cdm.0001"):
                continue  # no such job (or cluster) there
            unsure = True
            continue
        except CdmError:
            unsure = True  # timed out, 5xx, garbage: it may well be there
            continue
        latest = (status.get("submissions") or [{}])[0]
        summary = submission_summary(latest)
        if not submission.cluster_id:
            submission.cluster_id = cluster_id
        if summary.status in (None, "", "NEVER_EXECUTED"):
            log.info("submission %s: recovered, job exists but never ran; starting it", submission.pk)
            return Submission.CREATED
        log.info("submission %s: recovered, job already %s", submission.pk, summary.status)
        _apply_summary(submission, latest)
        submission.state = Submission.ACCEPTED
        submission.http_status = 200
        return Submission.ACCEPTED
    if unsure:
        raise _Unsure
    if submission.pool:
        submission.cluster_id = ""
    return Submission.PENDING


def _send(
    client: CdmClient,
    submission: Submission,
    previous_state: str,
    body: dict[str, Any],
    job: dict[str, Any],
    cluster_id: str | None,
    pool: list[str] | None,
) -> None:
    try:
        if pool:
            answer = client.create_and_start_random(body)
            submission.response = answer
            first = (answer.get("submissions") or [{}])[0] if isinstance(answer, dict) else {}
            _apply_summary(submission, first)
        else:
            if previous_state != Submission.CREATED:
                submission.response = client.create_job(cluster_id, body)
                submission.state = Submission.CREATED
                submission.save(update_fields=["state", "response"])
            answer = client.start_job(cluster_id, job["name"])
            submission.response = answer
            first = (answer.get("submissions") or [{}])[0] if isinstance(answer, dict) else {}
            _apply_summary(submission, first)
        submission.state = Submission.ACCEPTED
        submission.http_status = 200
    except CdmError as error:
        if submission.state == Submission.CREATED:
            # The job exists but did not start: a retry with the same key starts it.
            submission.error_message = str(error)
            submission.error_code = (error.code or "")[:32]
        else:
            _record_error(submission, error)


def poll(submission: Submission, *, read_timeout: float = 5.0) -> Submission:
    """Ask CDM once how the job is doing; never longer than ``read_timeout``."""
    if submission.terminal or submission.state != Submission.ACCEPTED:
        return submission
    # No retries: a page polls again in a second, and must never wait longer than one timeout.
    try:
        with closing(client_for(submission.target, read_timeout=read_timeout, retries=0)) as client:
            if not submission.cluster_id:
                submission.cluster_id = _find_cluster(client, submission)
            answer = client.job_status(submission.cluster_id, submission.job_name)
        first = (answer.get("submissions") or [{}])[0] if isinstance(answer, dict) else {}
        _apply_summary(submission, first)
        submission.error_code = "" if not submission.terminal else submission.error_code
    except CdmError as error:
        # A failed poll is not a failed job: say so and try again on the next poll.
        submission.error_message = f"Could not read the status just now: {error}"
    submission.updated_at = timezone.now()
    submission.save()
    return submission


def _find_cluster(client: CdmClient, submission: Submission) -> str:
    """A random-cluster job landed on one of the pool's clusters; find which. A job of the same
    name may exist on several of them, so the one whose latest run is ours wins."""
    found = []
    for cluster_id in submission.pool:
        try:
            status = client.job_status(cluster_id, submission.job_name)
        except CdmError:
            continue
        latest = (status.get("submissions") or [{}])[0]
        if submission.submission_id and str(submission_summary(latest).submission_id) == submission.submission_id:
            return cluster_id
        found.append(cluster_id)
    return found[0] if found else ""


def poll_seconds() -> float:
    return float(settings.CDMWEB_POLL_SECONDS)


def follow(submission_id: int) -> Submission:
    """The task: poll once and, while the job runs, queue the next poll (where tasks can wait)."""
    submission = poll(Submission.objects.select_related("target").get(pk=submission_id))
    if submission.state == Submission.ACCEPTED and not submission.terminal:
        tasks.enqueue_poll(submission.pk, delay=poll_seconds())
    return submission


# How long without news before a watcher assumes the worker chain broke (a worker died).
STALE_SECONDS = 15.0


def watch(submission: Submission) -> Submission:
    """What a page or command watching a submission calls: in-process tasks poll now; with
    workers, the page only reads, and re-queues work whose worker vanished."""
    if not tasks.deferred():
        return tasks.run_poll_now(submission)
    requeue_if_stale(submission)
    return submission


def requeue_if_stale(submission: Submission) -> bool:
    """Queue again the work of a submission whose worker died: a sending lease that ran out, a
    queued send nobody took, or a running job nobody polled lately. At most once per stale
    period, however many pages watch it, so re-queued work never multiplies."""
    now = timezone.now()
    period = max(STALE_SECONDS, poll_seconds() * 5)
    stale = now - timedelta(seconds=period)
    if submission.state == Submission.SENDING and submission.lease_until and submission.lease_until <= now:
        work = tasks.enqueue_send
    elif submission.state in (Submission.PENDING, Submission.CREATED) and submission.updated_at < stale:
        work = tasks.enqueue_send
    elif submission.state == Submission.ACCEPTED and not submission.terminal and submission.updated_at < stale:
        work = tasks.enqueue_poll
    else:
        return False
    if not cache.add(f"submission-requeued-{submission.pk}", True, period):
        return False  # someone queued it again moments ago
    work(submission.pk)
    return True


def recover_stuck() -> int:
    """Re-queue every submission whose worker vanished; how many (manage.py recover_submissions)."""
    open_states = (Submission.PENDING, Submission.SENDING, Submission.CREATED, Submission.ACCEPTED)
    return sum(requeue_if_stale(s) for s in Submission.objects.filter(state__in=open_states, finished_at=None))

"""Submitting drafts to CDM and following them: the only place that talks to the CDM client.

Every attempt is a Submission row keyed by an idempotency key, so a double click or a retry of
the same form never creates a second CDM job: the second call finds the row and carries on from
where the first stopped (job created but not started -> start only).
"""

from __future__ import annotations

import logging
import os
from contextlib import closing
from typing import Any

from django.conf import settings
from django.db import IntegrityError, transaction
from django.utils import timezone

from cdmweb.catalog.registry import get_catalog
from cdmweb.cdm.auth import AkSkAuth, PasswordAuth, TokenAuth
from cdmweb.cdm.client import CdmClient, submission_summary
from cdmweb.cdm.errors import CdmError, CdmValidationError

from . import audit, reviewing
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


def missing_credentials(target: Target) -> str:
    """The names of the secrets a target needs and cannot find, or ""."""
    needed = [target.secret_source]
    if target.auth_mode == Target.AUTH_AKSK:
        needed.append(target.access_key_source)
    return ", ".join(name or "(no source named)" for name in needed if not resolve_secret(name))


def client_for(target: Target, *, read_timeout: float = 10.0, retries: int = 2) -> CdmClient:
    if target.auth_mode == Target.AUTH_AKSK:
        auth: Any = AkSkAuth(
            resolve_secret(target.access_key_source), resolve_secret(target.secret_source), target.project_id
        )
    elif target.auth_mode == Target.AUTH_PASSWORD:
        auth = PasswordAuth(
            target.iam_endpoint or target.base_url,
            target.username,
            resolve_secret(target.secret_source),
            target.domain,
            target.project_id,
        )
    else:
        auth = TokenAuth(resolve_secret(target.secret_source))
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
    """Send ``draft`` to one cluster (create, then start) or to a random pool (create-and-start)."""
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
    if created:
        submission.revision = draft.snapshot(user, f"submitted to {target} (submission {submission.pk})")
        Submission.objects.filter(pk=submission.pk).update(revision=submission.revision)
        where = f"cluster {cluster_id}" if cluster_id else f"a pool of {len(pool or [])}"
        audit.record(user, AuditEvent.SUBMITTED, draft, submission=submission, detail=f"to {target}, {where}")
    if not created and submission.state not in (Submission.PENDING, Submission.CREATED):
        return submission  # already sent (or refused): a double click changes nothing
    # Claim the row, so two concurrent calls with one key never both send.
    claimed = Submission.objects.filter(pk=submission.pk, state=submission.state).update(
        state=Submission.SENDING, updated_at=timezone.now()
    )
    if not claimed:
        return Submission.objects.get(pk=submission.pk)
    previous_state = submission.state
    submission.state = Submission.SENDING
    try:
        with closing(client_for(target)) as client:
            _send(client, submission, previous_state, body, job, cluster_id, pool)
    except Exception:
        # Never leave a row "sending" forever: record it; the traceback goes to the log only.
        log.exception("submission %s: unexpected failure", submission.pk)
        submission.state = Submission.ERROR
        submission.error_message = "An unexpected error stopped the submission; it has been logged."
        submission.finished_at = timezone.now()
    submission.updated_at = timezone.now()
    submission.save()
    log.info("submission %s: %s %s", submission.pk, submission.state, submission.error_code)
    return submission


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

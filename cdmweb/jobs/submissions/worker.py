"""One attempt to send a submission to CDM, and one look at how its job is doing.

Every attempt is claimed with a lease: a worker that dies half way leaves the lease to run out,
and the next one first asks CDM what was done before sending anything, so a CDM job is never
created twice. Nothing here queues work: the task wrappers (``tasks``) chain the next step.
"""

from __future__ import annotations

import logging
from collections.abc import Callable, Iterable, Mapping
from contextlib import closing
from datetime import timedelta
from typing import Any

from django.conf import settings
from django.db import IntegrityError, transaction
from django.db.models import F
from django.utils import timezone, translation
from django.utils.translation import gettext as _
from django.utils.translation import ngettext

from cdmweb.cdm.client import CdmClient, submission_summary
from cdmweb.cdm.errors import CdmClientError, CdmError, CdmNotFound, CdmValidationError, job_gone
from cdmweb.jobs.models import Submission
from cdmweb.jobspec.constants import NEVER_EXECUTED, SUCCEEDED, TERMINAL_STATUSES
from cdmweb.jobspec.deployed import drift_changes
from cdmweb.jobspec.masking import secret_values

from .targets import client_for

log = logging.getLogger("cdmweb.submissions")
State = Submission.State
Action = Submission.Action


def lease_seconds() -> float:
    return float(settings.CDMWEB_SUBMISSION_LEASE_SECONDS)


MAX_ATTEMPTS = 5
# After a takeover could not tell what the dead worker did (CDM unreachable), try again this much later.
UNSURE_RETRY_SECONDS = 10.0


class _Unsure(Exception):
    """CDM could not say whether the job exists: sending now might create it twice."""


def send(submission_id: int, on_running: Callable[[Submission], None] | None = None) -> Submission:
    """``_send_claimed`` in the submitter's language: what it stores (an error line, a routing note)
    reads as the rest of their pages, also when a separate worker process runs it."""
    language = Submission.objects.filter(pk=submission_id).values_list("language", flat=True).first()
    with translation.override(language or None):
        return _send_claimed(submission_id, on_running)


def _send_claimed(submission_id: int, on_running: Callable[[Submission], None] | None = None) -> Submission:
    """Send a queued submission to CDM (create, then start; or create-and-start in a
    pool). Safe to run twice and after a worker died half way: the row is claimed with a lease
    (a live lease keeps everyone else out, CREATED included), a claim whose lease ran out is taken
    over, a takeover first asks CDM what the dead worker did, and the result is written only while
    the lease is still this worker's. ``on_running`` is called when this very call left the job
    running on CDM (never when it found the row sent already, or lost it), so exactly one chain of
    polls follows each job."""
    submission = Submission.objects.select_related("target").get(pk=submission_id)
    now = timezone.now()
    free = submission.lease_until is None or submission.lease_until <= now
    # A lease that ran out means a worker died holding it, whatever it had written (CREATED is
    # written between create and start): what it did is asked of CDM first.
    expired = free and submission.lease_until is not None and submission.state in (State.SENDING, State.CREATED)
    resumable = free and not expired and submission.state in (State.PENDING, State.CREATED)
    if not (resumable or expired):
        return submission  # sent, refused, or another worker holds a live lease
    if submission.attempts >= MAX_ATTEMPTS:
        return _give_up(submission)
    lease = now + timedelta(seconds=lease_seconds())
    claimed = Submission.objects.filter(pk=submission.pk, state=submission.state, lease_until=submission.lease_until)
    if not claimed.update(state=State.SENDING, lease_until=lease, attempts=F("attempts") + 1, updated_at=now):
        return Submission.objects.get(pk=submission.pk)  # another worker was quicker
    previous_state = submission.state
    submission.state, submission.lease_until = State.SENDING, lease
    submission.attempts += 1
    body = submission.body
    job = (body.get("jobs") or [{}])[0]
    try:
        with closing(
            client_for(submission.target, secrets=secret_values(body), language=submission.language)
        ) as client:
            if expired and submission.action == Action.CREATE:
                previous_state = _reconcile(client, submission)
            if previous_state != State.ACCEPTED:
                if submission.action == Action.CREATE:
                    # A job found on one cluster of a pool is started there, never created again.
                    pool = [] if previous_state == State.CREATED else submission.pool
                    _send(client, submission, previous_state, body, job, submission.cluster_id or None, pool)
                else:
                    _send_to_existing(client, submission, previous_state, took_over=expired)
    except _Unsure:
        log.warning("submission %s: CDM could not say what the last worker did; retrying later", submission.pk)
        Submission.objects.filter(pk=submission.pk, lease_until=lease).update(
            lease_until=timezone.now() + timedelta(seconds=UNSURE_RETRY_SECONDS)
        )
        return Submission.objects.get(pk=submission.pk)
    except Exception:
        # Never leave a row "sending" forever: record it; the traceback goes to the log only.
        log.exception("submission %s: unexpected failure", submission.pk)
        submission.state = State.ERROR
        submission.error_message = _("An unexpected error stopped the submission; it has been logged.")
        submission.finished_at = timezone.now()
    if not _save_if_still_ours(submission, lease):
        log.warning("submission %s: the lease ran out while sending; the worker that took over decides", submission.pk)
        return Submission.objects.get(pk=submission.pk)
    log.info("submission %s: %s %s", submission.pk, submission.state, submission.error_code)
    track(submission)
    if on_running is not None and still_running(submission):
        on_running(submission)
    return submission


def track(submission: Submission) -> None:
    """Once a create or an update landed on a known cluster, the draft tracks that job, and drift
    is measured from the revision sent: submitting the draft again updates the job (never
    Cdm.0104), and a change made on the cluster shows as drift."""
    landed = submission.state == State.ACCEPTED or (
        submission.state == State.CREATED and submission.action == Action.UPDATE
    )
    if not (landed and submission.action != Action.START and submission.cluster_id and submission.revision_id):
        return
    draft = submission.draft
    if draft is None or (
        draft.tracked
        and draft.deployed_revision_id == submission.revision_id
        and draft.home_cluster_id == submission.cluster_id
    ):
        return
    try:
        with transaction.atomic():
            draft.mark_deployed(submission.target, submission.cluster_id, submission.job_name, submission.revision)
    except IntegrityError:
        # Another draft of the same place already tracks this job: it keeps tracking it.
        log.info("submission %s: another draft already tracks %s", submission.pk, submission.job_name)


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
        state=State.ERROR,
        lease_until=None,
        error_message=(
            _("Gave up after %(count)d attempts; the last: %(error)s")
            % {"count": submission.attempts, "error": submission.error_message}
        ).strip(),
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
        if summary.status in (None, "", NEVER_EXECUTED):
            log.info("submission %s: recovered, job exists but never ran; starting it", submission.pk)
            return State.CREATED
        log.info("submission %s: recovered, job already %s", submission.pk, summary.status)
        _apply_summary(submission, latest)
        submission.state = State.ACCEPTED
        submission.http_status = 200
        return State.ACCEPTED
    if unsure:
        raise _Unsure
    if submission.pool:
        submission.cluster_id = ""
    return State.PENDING


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
            if previous_state != State.CREATED:
                submission.response = client.create_job(cluster_id, body)
                submission.state = State.CREATED
                submission.save(update_fields=["state", "response"])
            _started(submission, client.start_job(cluster_id, job["name"]))
        submission.state = State.ACCEPTED
        submission.http_status = 200
    except CdmError as error:
        if submission.state == State.CREATED:
            # The job exists but did not start: a retry with the same key starts it.
            submission.error_message = str(error)
            submission.error_code = (error.code or "")[:32]
        else:
            _record_error(submission, error)


def _send_to_existing(client: CdmClient, submission: Submission, previous_state: str, *, took_over: bool) -> None:
    """Update a job the cluster already has (PUT, the create body), then start it if asked; or
    only start it (a run of the job as it is, with the submission's variables). CREATED here
    means "updated, not started yet": a retry only starts it. A job the cluster no longer has
    (deleted in the console) is created again in its place.

    After a worker died (``took_over``), CDM is asked first what it did (``_reconcile_existing``),
    so an update is never reported that did not happen and a run is never started twice."""
    cluster_id = submission.cluster_id
    if took_over:
        previous_state = _reconcile_existing(client, submission, previous_state)
        if previous_state == State.ACCEPTED:
            return
    try:
        if submission.action == Action.UPDATE and previous_state != State.CREATED:
            try:
                submission.response = client.update_job(cluster_id, submission.job_name, submission.body)
            except CdmError as error:
                if not job_gone(error):
                    raise
                # Deleted on the cluster since: create it again, in its place.
                submission.response = client.create_job(cluster_id, submission.body)
                submission.routing_note = _("The cluster no longer had this job: it was created again.")
            submission.state = State.CREATED
            submission.save(update_fields=["state", "response", "routing_note"])
        if submission.action == Action.UPDATE and not submission.start:
            _finish_without_run(submission)
            return
        _started(submission, client.start_job(cluster_id, submission.job_name, submission.variables or None))
        submission.state = State.ACCEPTED
        submission.http_status = 200
    except CdmError as error:
        if submission.state == State.CREATED:
            submission.error_message = _("The job was updated but did not start: %(error)s") % {"error": error}
            submission.error_code = (error.code or "")[:32]
        else:
            _record_error(submission, error)


def _started(submission: Submission, answer: Any) -> None:
    """What a start answered: the run it began."""
    submission.response = answer
    _apply_summary(submission, (answer.get("submissions") or [{}])[0] if isinstance(answer, dict) else {})


def _finish_without_run(submission: Submission) -> None:
    submission.state = State.ACCEPTED
    submission.http_status = 200
    submission.finished_at = timezone.now()


def _reconcile_existing(client: CdmClient, submission: Submission, previous_state: str) -> str:
    """A worker died updating or starting a job: what did it get done? The job's body tells
    whether the update landed (it equals the one sent), its latest run whether a run of ours
    began (started once this submission was recorded). Returns the state to go on from:
    PENDING (update it), CREATED (updated: start it) or ACCEPTED (done, or following our run).
    Raises _Unsure when CDM could not answer."""
    try:
        shown = client.show_job(submission.cluster_id, submission.job_name)
        status = client.job_status(submission.cluster_id, submission.job_name)
    except CdmError as error:
        if job_gone(error):
            return State.PENDING  # gone: the update path creates it again
        raise _Unsure from error
    jobs = shown.get("jobs") if isinstance(shown.get("jobs"), list) else []
    on_cluster = jobs[0] if jobs and isinstance(jobs[0], dict) else {}
    sent = (submission.body.get("jobs") or [{}])[0] if submission.action == Action.UPDATE else None
    updated = sent is None or not drift_changes(sent, on_cluster)
    latest = (status.get("submissions") or [{}])[0]
    summary = submission_summary(latest)
    ours = summary.started_at is not None and summary.started_at >= submission.created_at
    if updated and ours and submission.start:
        log.info("submission %s: recovered, our run is %s; following it", submission.pk, summary.status)
        _apply_summary(submission, latest)
        submission.state, submission.http_status = State.ACCEPTED, 200
        return State.ACCEPTED
    if updated and submission.action == Action.UPDATE:
        if not submission.start:
            _finish_without_run(submission)
            return State.ACCEPTED
        return State.CREATED
    return State.PENDING if submission.action == Action.UPDATE else previous_state


def poll(submission: Submission, *, read_timeout: float = 5.0) -> Submission:
    """Ask CDM once how the job is doing; never longer than ``read_timeout``. What it stores is in
    the submitter's language, whoever's page or worker asks."""
    with translation.override(submission.language or None):
        return _poll(submission, read_timeout)


def _poll(submission: Submission, read_timeout: float) -> Submission:
    if submission.terminal or submission.state != State.ACCEPTED:
        return submission
    # No retries: a page polls again in a second, and must never wait longer than one timeout.
    found_now = not submission.cluster_id
    try:
        secrets = secret_values(submission.body)
        with closing(
            client_for(
                submission.target, read_timeout=read_timeout, retries=0, secrets=secrets, language=submission.language
            )
        ) as client:
            if not submission.cluster_id:
                submission.cluster_id = _find_cluster(client, submission)
            if not submission.cluster_id:
                raise CdmNotFound(_("None of the pool's clusters has this job."), status=404, code="Cdm.0100")
            answer = client.job_status(submission.cluster_id, submission.job_name)
            first = (answer.get("submissions") or [{}])[0] if isinstance(answer, dict) else {}
            first = _our_run(client, submission, first)
        if first is None:
            submission.state, submission.finished_at = State.ERROR, timezone.now()
            submission.error_message = _(
                "CDM no longer lists this run: later runs of the job took its place. Last known: %(last)s."
            ) % {"last": _last_known(submission)}
        else:
            _apply_summary(submission, first)
            submission.error_code = "" if not submission.terminal else submission.error_code
        submission.not_found_polls, submission.poll_failing_since = 0, None
    except CdmError as error:
        _failed_poll(submission, error)
    submission.updated_at = timezone.now()
    submission.save()
    if found_now and submission.cluster_id:
        track(submission)  # a random pick: now we know which cluster has the job
    return submission


def _our_run(client: CdmClient, submission: Submission, latest: dict[str, Any]) -> dict[str, Any] | None:
    """The job's status answers its latest run; once this submission knows its own run and a later
    one has begun (a run from the job's page, a schedule, the console), its own is read from the
    job's history instead, so a submission never takes on another run's outcome. None: the
    history no longer lists it."""
    theirs = submission_summary(latest).submission_id
    if not submission.submission_id or theirs is None or str(theirs) == submission.submission_id:
        return latest
    history = client.job_submissions(submission.cluster_id, submission.job_name)
    ours = (run for run in history if str(submission_summary(run).submission_id) == submission.submission_id)
    return next(ours, None)


# CDM saying it does not know the job this many polls in a row: it is gone (deleted in the console,
# or never there). Other failures (timeouts, 5xx) end it after CDMWEB_POLL_GIVE_UP_SECONDS.
GONE_AFTER_POLLS = 3


def _failed_poll(submission: Submission, error: CdmError) -> None:
    """A failed poll is not a failed job, so the next poll tries again; but not for ever: a job
    CDM keeps saying it does not know, or that nobody could ask about for long, ends in a clear
    state with what was last known."""
    now = timezone.now()
    # Only answers in a row that say "no such job" count towards gone; an outage breaks the run.
    submission.not_found_polls = submission.not_found_polls + 1 if isinstance(error, CdmNotFound) else 0
    submission.poll_failing_since = submission.poll_failing_since or now
    failing_for = (now - submission.poll_failing_since).total_seconds()
    gone = submission.not_found_polls >= GONE_AFTER_POLLS
    if not gone and failing_for < settings.CDMWEB_POLL_GIVE_UP_SECONDS:
        submission.error_message = _("Could not read the status just now: %(error)s") % {"error": error}
        return
    last = _last_known(submission)
    if submission.rows_written:
        last += ngettext(", %(count)d row written", ", %(count)d rows written", submission.rows_written) % {
            "count": submission.rows_written
        }
    if gone:
        reason = _("CDM no longer knows this job (%(count)d polls in a row)") % {"count": submission.not_found_polls}
    else:
        reason = _("No answer from CDM about this job for %(seconds).0f s") % {"seconds": failing_for}
    submission.state = State.ERROR
    submission.error_code = (error.code or "")[:32]
    submission.error_message = _("%(reason)s: %(error)s Last known: %(last)s.") % {
        "reason": reason,
        "error": error,
        "last": last,
    }
    submission.finished_at = now


def _last_known(submission: Submission) -> str:
    """ "RUNNING, 40 %": the status and progress a submission last had ("not started" before CDM ran it)."""
    status = submission.cdm_status or _("not started")
    return f"{status}, {submission.progress:.0f} %"


def _find_cluster(client: CdmClient, submission: Submission) -> str:
    """A random-cluster job landed on one of the pool's clusters; find which. A job of the same
    name may exist on several of them, so the one whose latest run is ours wins. "" only when
    every cluster answered that it does not have the job; a cluster that could not answer
    (timeout, 5xx) raises its error, which is an outage, not a sign the job is gone."""
    found = []
    unanswered: CdmError | None = None
    for cluster_id in submission.pool:
        if not cluster_id:
            continue  # no cluster has no id: the job cannot be there
        try:
            status = client.job_status(cluster_id, submission.job_name)
        except CdmNotFound:
            continue
        except CdmError as error:
            unanswered = unanswered or error
            continue
        latest = (status.get("submissions") or [{}])[0]
        if submission.submission_id and str(submission_summary(latest).submission_id) == submission.submission_id:
            return cluster_id
        found.append(cluster_id)
    if found:
        return found[0]
    if unanswered is not None:
        raise unanswered
    return ""


def _record_error(submission: Submission, error: CdmError) -> None:
    submission.state = State.REFUSED if error.status and 400 <= error.status < 500 else State.ERROR
    submission.http_status = error.status
    submission.error_code = (error.code or "")[:32]
    submission.error_message = str(error)
    if isinstance(error, CdmValidationError):
        submission.state = State.REFUSED
    submission.finished_at = timezone.now()


def settle_from_history(submissions: Iterable[Submission], history: Iterable[Mapping[str, Any]]) -> None:
    """Bring open submissions up to date from a run history already read (no request): a page
    that lists both shows one truth, even when nobody watched those submissions' own pages."""
    runs = {str(submission_summary(run).submission_id): run for run in history}
    for submission in submissions:
        run = runs.get(submission.submission_id) if submission.submission_id else None
        if run is not None and still_running(submission):
            _apply_summary(submission, dict(run))
            submission.updated_at = timezone.now()
            submission.save()


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
    if summary.status == SUCCEEDED:
        submission.progress = 100.0
    if summary.status in TERMINAL_STATUSES:
        submission.finished_at = submission.finished_at or timezone.now()
        if summary.status != SUCCEEDED:
            submission.error_message = (
                summary.error_summary or summary.error_details or _("CDM reports the job failed.")
            )


def poll_seconds() -> float:
    return float(settings.CDMWEB_POLL_SECONDS)


def still_running(submission: Submission) -> bool:
    """Whether CDM took the job and it has not ended: someone should poll it again."""
    return submission.state == State.ACCEPTED and not submission.terminal

"""Acting on a job a cluster already has, from the draft that tracks it: run it (with values for
its variables), stop it, delete it, read its run history.

Each action asks the same access rule as the pages (``cdmweb.jobs.access``): running and stopping
are an editor's, deleting the job on the cluster a team admin's (a private draft's owner's). A
run is a Submission like any other (same lease and idempotency key, the same page follows it);
stop and delete are single calls whose outcome is audited either way.
"""

from __future__ import annotations

import hashlib
from collections.abc import Callable
from contextlib import closing
from typing import Any

from django.core.cache import cache
from django.db import transaction
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from cdmweb.accounts.access import allows
from cdmweb.accounts.models import Membership
from cdmweb.cdm.client import SubmissionSummary, submission_summary
from cdmweb.cdm.errors import CdmError, job_gone
from cdmweb.jobs.access import EDIT, MANAGE
from cdmweb.jobs.models import AuditEvent, ClusterJob, JobDraft, Submission, Target
from cdmweb.jobspec.deployed import VARIABLE, variables

from . import tasks
from .submitting import SubmissionRefused, record_submission, target_problem
from .targets import cdm_language, client_for

START, STOP, DELETE = "start", "stop", "delete"
NEEDS = {START: EDIT, STOP: EDIT, DELETE: MANAGE}
HISTORY_SECONDS = 10
# What stop and delete are, for a caller that picks one: (draft, user) -> what was done, in words.
Action = Callable[[JobDraft, Any], str]
# Who may do it, said whole for each action (a language puts the verb where it belongs).
ONLY_WHO = {
    START: gettext_lazy("Only an editor of the team may start this job on the cluster."),
    STOP: gettext_lazy("Only an editor of the team may stop this job on the cluster."),
    DELETE: gettext_lazy("Only an admin of the team may delete this job on the cluster."),
}


class ActionRefused(Exception):
    """Not done: the draft tracks no job, the user may not, or CDM said no (the message says which)."""


def role_refusal(draft: JobDraft, user: Any, action: str) -> str:
    """Why ``user``'s place does not allow ``action`` on the job ``draft`` tracks, or "". A job on
    a cluster is not the draft's alone: whoever pulled it owns the draft, so on a team draft the
    rights come from the team role, not from owning the draft (running and stopping take an
    editor, deleting an admin); a private draft's owner acts only on targets that take private
    drafts (no review required)."""
    if draft.team_id is None:
        if draft.owner_id != getattr(user, "pk", None):
            return _("Only the owner acts on the job of a private draft.")
        if draft.home_target is not None and draft.home_target.requires_review:
            target = draft.home_target
            return _("On %(target)s, jobs are run, stopped and deleted from team drafts only (it requires review).") % {
                "target": target
            }
        return ""
    if not allows(team_role(user, draft), NEEDS[action]):
        return str(ONLY_WHO[action])
    return ""


def refusal(draft: JobDraft, user: Any, action: str) -> str:
    """Why ``user`` may not ``action`` the job ``draft`` tracks, or "": the role first, then a
    draft that tracks nothing, a target the draft may no longer use, a target that cannot be used."""
    reason = role_refusal(draft, user, action)
    if reason:
        return reason
    if not draft.tracked:
        return _("This draft tracks no job on a cluster: submit it, or pull the job, first.")
    target = draft.home_target
    if not Target.usable_for(draft).filter(pk=target.pk).exists():
        return _("Target %(target)s is not this draft's to use any more (it belongs to another team).") % {
            "target": target
        }
    return target_problem(target)


def team_role(user: Any, draft: JobDraft) -> str | None:
    return Membership.objects.filter(team_id=draft.team_id, user=user).values_list("role", flat=True).first()


def may(user: Any, draft: JobDraft, action: str) -> bool:
    return not refusal(draft, user, action)


def _check(draft: JobDraft, user: Any, action: str) -> None:
    reason = refusal(draft, user, action)
    if reason:
        raise ActionRefused(reason)


def job_variables(draft: JobDraft) -> list[str]:
    """The ``${name}`` variables of the job as deployed (else as drafted): what a run may be given."""
    payload = draft.deployed_revision.payload if draft.deployed_revision_id else draft.build()
    return variables(payload)


def clean_variables(raw: dict[str, str]) -> dict[str, str]:
    """Variables as CDM takes them: names of letters, digits, ``_`` and ``.``, values as text."""
    cleaned = {}
    for name, value in raw.items():
        name = name.strip()
        if not VARIABLE.fullmatch("${" + name + "}"):
            raise ActionRefused(_("%(name)r is not a variable name: letters, digits, _ and . only.") % {"name": name})
        cleaned[name] = str(value)
    return cleaned


def run_job(draft: JobDraft, user: Any, key: str, given: dict[str, str] | None = None) -> Submission:
    """Start the tracked job as the cluster has it, with ``given`` variable values; the run is
    followed on a submission page like any submission."""
    _check(draft, user, START)
    if not key:
        raise ActionRefused(_("This form has no key; reload the page and try again."))
    chosen = clean_variables(given or {})
    submission, created = record_submission(
        key,
        {
            "draft": draft,
            "target": draft.home_target,
            "user": user,
            "cluster_id": draft.home_cluster_id,
            "body": {"variables": chosen},
            "job_name": draft.tracked_name,
            "action": Submission.Action.START,
            "variables": chosen,
            "revision": draft.deployed_revision,
        },
    )
    if not created and (submission.user_id != user.pk or submission.draft_id != draft.pk):
        raise ActionRefused(_("This form was already used; reload the page and try again."))
    if created:
        names = ", ".join(sorted(chosen)) or "none"
        AuditEvent.record(
            user,
            AuditEvent.Action.JOB_STARTED,
            draft,
            submission=submission,
            detail=f"{draft.tracked_name} on {draft.home_target} cluster {draft.home_cluster_id}; variables: {names}",
        )
        tasks.enqueue_send(submission.pk)
    return Submission.objects.select_related("target").get(pk=submission.pk)


def stop_job(draft: JobDraft, user: Any) -> str:
    """Stop the tracked job's run; what happened, in words."""
    _check(draft, user, STOP)
    where = f"{draft.tracked_name} on cluster {draft.home_target.cluster_name(draft.home_cluster_id)}"
    said = _where(draft)
    try:
        with closing(client_for(draft.home_target)) as client:
            client.stop_job(draft.home_cluster_id, draft.tracked_name)
    except CdmError as error:
        AuditEvent.record(user, AuditEvent.Action.JOB_STOPPED, draft, detail=f"{where}: refused ({error.code or ''})")
        raise ActionRefused(
            _("CDM did not stop %(job)s on cluster %(cluster)s: %(error)s") % {**said, "error": error}
        ) from error
    AuditEvent.record(user, AuditEvent.Action.JOB_STOPPED, draft, detail=where)
    cache.delete(_history_key(draft))
    return _("Asked CDM to stop %(job)s on cluster %(cluster)s.") % said


def delete_job(draft: JobDraft, user: Any) -> str:
    """Delete the tracked job on its cluster. The draft stays, no longer tracking anything: its
    design and history are still there to submit again."""
    _check(draft, user, DELETE)
    where = f"{draft.tracked_name} on cluster {draft.home_target.cluster_name(draft.home_cluster_id)}"
    said = _where(draft)
    already = ""
    try:
        with closing(client_for(draft.home_target)) as client:
            client.delete_job(draft.home_cluster_id, draft.tracked_name)
    except CdmError as error:
        if job_gone(error):
            already = " (it was gone already)"
        else:
            detail = f"{where}: refused ({error.code or ''})"
            AuditEvent.record(user, AuditEvent.Action.JOB_DELETED, draft, detail=detail)
            raise ActionRefused(
                _("CDM did not delete %(job)s on cluster %(cluster)s: %(error)s") % {**said, "error": error}
            ) from error
    with transaction.atomic():
        ClusterJob.objects.filter(
            target=draft.home_target, cluster_id=draft.home_cluster_id, name=draft.tracked_name
        ).delete()
        draft.tracked_name, draft.deployed_revision, draft.cluster_payload = "", None, None
        draft.drift_state, draft.drift_checked_at = JobDraft.Drift.UNKNOWN, None
        draft.save(
            update_fields=["tracked_name", "deployed_revision", "cluster_payload", "drift_state", "drift_checked_at"]
        )
        AuditEvent.record(user, AuditEvent.Action.JOB_DELETED, draft, detail=where + already)
    if already:
        done = _(
            "Deleted %(job)s on cluster %(cluster)s (it was gone already). The draft is kept; submitting it creates "
            "the job again."
        )
    else:
        done = _("Deleted %(job)s on cluster %(cluster)s. The draft is kept; submitting it creates the job again.")
    return done % said


def _where(draft: JobDraft) -> dict[str, str]:
    """The job and its cluster, for the words of an action's outcome."""
    return {"job": draft.tracked_name, "cluster": draft.home_target.cluster_name(draft.home_cluster_id)}


def run_history(draft: JobDraft) -> tuple[list[SubmissionSummary], str]:
    """The tracked job's runs as CDM lists them (newest first), and an error in words or "". Read
    at most every few seconds per job, whoever looks."""
    if not draft.tracked:
        return [], ""
    key = _history_key(draft)
    cached = cache.get(key)
    if cached is None:
        try:
            with closing(client_for(draft.home_target, read_timeout=5, retries=0)) as client:
                cached = client.job_submissions(draft.home_cluster_id, draft.tracked_name)
        except CdmError as error:
            return [], _("Could not read the job's runs from CDM just now: %(error)s") % {"error": error}
        cache.set(key, cached, HISTORY_SECONDS)
    return [submission_summary(item) for item in cached], ""


def _history_key(draft: JobDraft) -> str:
    # CDM's answer holds its own texts in the X-Language asked, so each language has its copy.
    digest = hashlib.sha256(draft.tracked_name.encode()).hexdigest()[:32]
    return f"job-history-{draft.pk}-{draft.home_cluster_id}-{cdm_language(draft.home_target)}-{digest}"


__all__ = [
    "Action",
    "ActionRefused",
    "JobDraft",
    "SubmissionRefused",
    "delete_job",
    "job_variables",
    "run_history",
    "run_job",
    "stop_job",
]

"""The job a tracked draft stands for, on its cluster: its runs (CDM's history beside cdmweb's
submissions), and run / stop / delete."""

from __future__ import annotations

import uuid

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.http import HttpResponse
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from cdmweb.jobs.access import EDIT, VIEW, get_draft_for_user
from cdmweb.jobs.submissions import deployed, worker

from .common import HtmxRequest


@login_required
def deployed_job(request: HtmxRequest, pk: int) -> HttpResponse:
    draft = get_draft_for_user(request, pk, VIEW)
    runs, history_error = deployed.run_history(draft)
    submissions = list(draft.submissions.select_related("target", "user")[:20])
    worker.settle_from_history(submissions, [run.raw for run in runs])
    context = {
        "draft": draft,
        "cluster_name": draft.home_target.cluster_name(draft.home_cluster_id) if draft.tracked else "",
        "runs": runs[:20],
        "history_error": history_error,
        "submissions": submissions,
        "variables": deployed.job_variables(draft) if draft.tracked else [],
        "may_run": deployed.may(request.user, draft, deployed.START),
        "may_delete": deployed.may(request.user, draft, deployed.DELETE),
        "refused": deployed.refusal(draft, request.user, deployed.START),
        "key": uuid.uuid4().hex,
    }
    return render(request, "jobs/deployed_job.html", context)


@login_required
@require_POST
def job_run(request: HtmxRequest, pk: int) -> HttpResponse:
    draft = _draft_for_action(request, pk, deployed.START)
    given = {
        name: request.POST.get(f"var-{name}", "")
        for name in deployed.job_variables(draft)
        if request.POST.get(f"var-{name}", "") != ""
    }
    try:
        submission = deployed.run_job(draft, request.user, request.POST.get("idempotency_key", ""), given)
    except deployed.ActionRefused as refusal:
        messages.error(request, str(refusal))
        return redirect("deployed-job", pk=draft.pk)
    return redirect(submission)


@login_required
@require_POST
def job_stop(request: HtmxRequest, pk: int) -> HttpResponse:
    draft = _draft_for_action(request, pk, deployed.STOP)
    _act(request, deployed.stop_job, draft)
    return redirect("deployed-job", pk=draft.pk)


@login_required
@require_POST
def job_delete(request: HtmxRequest, pk: int) -> HttpResponse:
    draft = _draft_for_action(request, pk, deployed.DELETE)
    if request.POST.get("confirm") != draft.tracked_name:
        messages.error(request, _("Type the job's name to confirm that it is to be deleted on the cluster."))
        return redirect("deployed-job", pk=draft.pk)
    _act(request, deployed.delete_job, draft)
    return redirect("deployed-job", pk=draft.pk)


def _draft_for_action(request: HtmxRequest, pk: int, action: str) -> deployed.JobDraft:
    """The draft whose job ``action`` is asked for: 404 for outsiders, 403 when the user's role
    does not allow it (``deployed.role_refusal``, the rule every path asks)."""
    draft = get_draft_for_user(request, pk, EDIT)
    reason = deployed.role_refusal(draft, request.user, action)
    if reason:
        raise PermissionDenied(reason)
    return draft


def _act(request: HtmxRequest, action: deployed.Action, draft: deployed.JobDraft) -> None:
    try:
        messages.success(request, action(draft, request.user))
    except deployed.ActionRefused as refusal:
        messages.error(request, str(refusal))

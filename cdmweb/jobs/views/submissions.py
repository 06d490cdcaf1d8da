"""Submitting a draft to CDM, and the page that follows the submission until its job ends."""

from __future__ import annotations

import uuid
from typing import Any
from urllib.parse import urlencode

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.cache import cache
from django.core.paginator import Paginator
from django.db.models import Q, QuerySet
from django.http import Http404, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.utils.translation import gettext as _
from django.utils.translation import pgettext
from django.views.decorators.http import require_GET

from cdmweb.accounts.models import Membership
from cdmweb.cdm.errors import CdmError
from cdmweb.jobs.access import EDIT, get_draft_for_user, role_for
from cdmweb.jobs.forms import SubmitForm
from cdmweb.jobs.models import JobDraft, Submission, Target
from cdmweb.jobs.submissions import linkcheck, submitting, targets, tasks
from cdmweb.jobspec.constants import SUCCEEDED, TERMINAL_STATUSES
from cdmweb.jobspec.validation import check_for_cluster

from .common import HtmxRequest, back_to_designer, parse_int
from .links import link_create_url


def _get_submission_for_user(request: HtmxRequest, pk: int) -> Submission:
    """The submitter and whoever may view the draft follow a submission; anyone else gets a 404."""
    submission = get_object_or_404(Submission.objects.select_related("target", "draft"), pk=pk)
    if submission.user_id != request.user.pk and (
        submission.draft is None or role_for(request.user, submission.draft) is None
    ):
        raise Http404(_("No such submission."))
    return submission


def _ask_for_clusters(request: HtmxRequest, target: Target, wants_refresh: bool) -> bool:
    """Have the target's cluster list refreshed: at once in-process, else by a worker. True while
    the page has no list yet and must reload itself until a worker brings one."""
    if not tasks.deferred():
        try:
            targets.refresh_clusters(target)
        except CdmError as error:
            messages.error(
                request, _("Could not list the clusters of %(target)s: %(error)s") % {"target": target, "error": error}
            )
        return False
    if cache.add(f"cluster-refresh-{target.pk}", True, 10):
        tasks.refresh_clusters.enqueue(target.pk)
    if wants_refresh and target.clusters:
        messages.info(
            request,
            _("Asked %(target)s for its clusters again; reload in a moment to see changes.") % {"target": target},
        )
    return not target.clusters


@login_required
def submit_view(request: HtmxRequest, pk: int) -> HttpResponse:
    draft = get_draft_for_user(request, pk, EDIT)
    usable = Target.usable_for(draft)
    chosen = parse_int(request.POST.get("target") or request.GET.get("target"))
    target = usable.filter(pk=chosen).first() or usable.first()
    if target is None:
        messages.error(request, _("No CDM target is configured; an admin adds one in the admin."))
        return back_to_designer(draft)
    wants_refresh = request.method == "POST" and "refresh" in request.POST
    waiting_for_clusters = False
    job = draft.build()
    refused = submitting.local_refusal(draft, target, job)  # shown on the page; CDM is not asked
    if (wants_refresh or (not target.clusters and request.method == "GET")) and not refused:
        waiting_for_clusters = _ask_for_clusters(request, target, wants_refresh)
    form = SubmitForm(
        request.POST if request.method == "POST" and not wants_refresh else None,
        targets=usable,
        target=target,
        initial={
            "target": target,
            "idempotency_key": uuid.uuid4().hex,
            "pool": [c["id"] for c in target.running_clusters],
            **_tracked_initial(draft, target),
            **_asked_cluster(request, target),
        },
    )
    if form.is_bound and form.is_valid():
        submission = _submit(form, draft, request)
        if submission is not None:
            return redirect(submission)
    context = {
        "draft": draft,
        "form": form,
        "target": target,
        "errors": refused.errors,
        "gate": refused.gate,
        "refused_here": bool(refused),
        "target_problem": refused.target,
        "waiting_for_clusters": waiting_for_clusters,
        "tracks_here": draft.tracked and draft.home_target_id == target.pk,
        "home_cluster": target.cluster_name(draft.home_cluster_id),
        "cluster_warnings": [
            (cluster, found["message"])
            for cluster in target.clusters
            for found in check_for_cluster(job, cluster.get("flavour", ""))
        ],
        "link_problems": [] if refused or waiting_for_clusters else _link_problems(draft, target, job),
    }
    return render(request, "jobs/submit.html", context)


def _asked_cluster(request: HtmxRequest, target: Target) -> dict[str, str]:
    """A page that sends here for one cluster (?cluster=ID, after creating a link there) has it chosen."""
    asked = request.GET.get("cluster", "")
    if any(c["id"] == asked for c in target.running_clusters):
        return {"mode": "cluster", "cluster_id": asked}
    return {}


def _tracked_initial(draft: JobDraft, target: Target) -> dict[str, str]:
    """A draft that tracks a job on this target goes, by default, to the cluster that has it."""
    if draft.tracked and draft.home_target_id == target.pk:
        return {"mode": "cluster", "cluster_id": draft.home_cluster_id}
    return {}


def _link_problems(draft: JobDraft, target: Target, job: dict) -> list[tuple[linkcheck.LinkProblem, str]]:
    """The job's links on each running cluster, asked of CDM now (short timeout), each problem with
    where to create the missing link."""
    problems = linkcheck.check_links(target, [c["id"] for c in target.running_clusters], job, read_timeout=5.0)
    return [
        (
            problem,
            link_create_url(target, problem.cluster_id, draft=draft, name=problem.link, connector=problem.connector)
            if problem.kind == "missing"
            else "",
        )
        for problem in problems
    ]


def _submit(form: SubmitForm, draft: JobDraft, request: HtmxRequest) -> Submission | None:
    """The submission the valid form asks for, or None with the refusal on the form."""
    data = form.cleaned_data
    try:
        return submitting.submit(
            draft,
            data["target"],
            request.user,
            data["idempotency_key"],
            cluster_id=data["cluster_id"] if data["mode"] == "cluster" else None,
            pool=list(data["pool"]) if data["mode"] == "pool" else None,
            update=data["update"],
            start=data["start"],
        )
    except submitting.NameTaken as taken:
        form.name_taken = taken
        form.add_error(None, str(taken))
        return None
    except submitting.SubmissionRefused as refusal:
        form.add_error(None, str(refusal))
        return None


@login_required
@require_GET
def submission_detail(request: HtmxRequest, pk: int) -> HttpResponse:
    # Every view of the page, not only its polls: a submission whose worker died is taken up again.
    submission = submitting.watch(_get_submission_for_user(request, pk))
    context = {
        "submission": submission,
        "meaning": submitting.explain(submission.error_code),
        "new_key": uuid.uuid4().hex,
    }
    template = "jobs/submission.html#status" if request.htmx else "jobs/submission.html"
    return render(request, template, context)


LIST_PAGE_SIZE = 50


def visible_submissions(user: Any) -> QuerySet[Submission]:
    """Every submission ``user`` may follow: their own, and those of drafts they may view (their
    private drafts, their teams' drafts) — the rule of the submission page itself."""
    teams = Membership.objects.filter(user=user).values("team_id")
    return Submission.objects.filter(
        Q(user=user) | Q(draft__team__isnull=True, draft__owner=user) | Q(draft__team_id__in=teams)
    )


@login_required
@require_GET
def submission_list(request: HtmxRequest) -> HttpResponse:
    """All the submissions the user may see, newest first, filtered by state, target, draft and user."""
    found = visible_submissions(request.user).select_related("target", "user", "draft")
    filters = {
        "state": request.GET.get("state", "")[:32],
        "target": request.GET.get("target", "")[:64],
        "draft": str(parse_int(request.GET.get("draft")) or ""),
        "user": request.GET.get("user", "")[:150],
    }
    if filters["state"] in Submission.State.values:
        found = found.filter(state=filters["state"])
    elif filters["state"] in ("running", "succeeded", "failed"):
        found = _by_outcome(found, filters["state"])
    else:
        filters["state"] = ""
    if filters["target"]:
        found = found.filter(target__name=filters["target"])
    if filters["draft"]:
        found = found.filter(draft_id=int(filters["draft"]))
    if filters["user"]:
        found = found.filter(user__username=filters["user"])
    page = Paginator(found, LIST_PAGE_SIZE).get_page(request.GET.get("page"))
    context = {
        "page": page,
        "filters": filters,
        "page_query": urlencode({k: v for k, v in filters.items() if v}),
        "states": [
            ("running", pgettext("submissions", "running")),
            ("succeeded", pgettext("submissions", "succeeded")),
            ("failed", pgettext("submissions", "failed")),
            *Submission.State.choices,
        ],
        "targets": Target.objects.filter(pk__in=visible_submissions(request.user).values("target_id")),
    }
    return render(request, "jobs/submissions.html", context)


def _by_outcome(found: QuerySet[Submission], outcome: str) -> QuerySet[Submission]:
    if outcome == "succeeded":
        return found.filter(cdm_status=SUCCEEDED)
    ended = Q(state__in=[Submission.State.REFUSED, Submission.State.ERROR]) | Q(cdm_status__in=TERMINAL_STATUSES)
    if outcome == "failed":
        return found.filter(ended).exclude(cdm_status=SUCCEEDED)
    return found.exclude(ended).exclude(state=Submission.State.ACCEPTED, start=False)

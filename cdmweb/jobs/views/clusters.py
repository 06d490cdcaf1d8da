"""The clusters screen (a target's clusters, each cluster's jobs and links, pulling) and the drift
page of a tracked draft. Both read what cdmweb keeps (the local copy, the last drift check) and
never wait on CDM: refreshing and checking are tasks (``cdmweb.jobs.clusters.tasks``)."""

from __future__ import annotations

from typing import Any

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.cache import cache
from django.core.paginator import Paginator
from django.db.models import Q
from django.http import Http404, HttpResponse, HttpResponseRedirect
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.http import urlencode
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_POST

from cdmweb.accounts.models import Membership, Team
from cdmweb.cdm.client import JOB_TYPES
from cdmweb.jobs.access import EDIT, allows, get_draft_for_user, role_for
from cdmweb.jobs.clusters import drift, pulling, tasks
from cdmweb.jobs.forms import teams_to_create_in
from cdmweb.jobs.models import ClusterInventory, ClusterJob, ClusterLink, JobDraft, Target

from .common import HtmxRequest
from .links import link_create_url

PAGE_SIZE = 50
LINKS_SHOWN = 500
JOB_FIELDS = (
    "id",
    "name",
    "job_type",
    "from_connector",
    "to_connector",
    "from_link",
    "to_link",
    "status",
    "last_run",
    "seen_at",
)
MAX_TICKED = 1000
# However often it is pressed, by however many people: one refresh of a cluster in this long.
REFRESH_BUTTON_SECONDS = 5
CHECK_NOW_SECONDS = 2


def _target(request: HtmxRequest, name: str | None) -> Target | None:
    """The named target if the user may use it (404 otherwise); the first one when unnamed."""
    usable = pulling.targets_for(request.user)
    if name:
        found = usable.filter(name=name[:64]).first()
        if found is None:
            raise Http404(_("No such target."))
        return found
    return usable.first()


def _cluster(target: Target, cluster_id: str | None) -> str:
    """The cluster asked for, if the target lists it (404 otherwise: an unknown id would only
    make rows and CDM calls for nothing); the first one when none is asked for."""
    known = [str(c.get("id")) for c in target.clusters or [] if isinstance(c, dict)]
    if cluster_id:
        if known and cluster_id not in known:
            raise Http404(_("The target lists no such cluster."))
        return cluster_id[:64]
    return known[0] if known else ""


def _pull_teams(request: HtmxRequest, target: Target) -> list[Team]:
    teams = teams_to_create_in(request.user)
    if target.team_id is not None:
        teams = teams.filter(pk=target.team_id)
    return list(teams.distinct())


def _screen_url(target: Target, cluster_id: str, **more: str) -> str:
    query = {"target": target.name, "cluster": cluster_id, **{k: v for k, v in more.items() if v}}
    return f"{reverse('clusters')}?{urlencode(query)}"


@login_required
@require_GET
def clusters(request: HtmxRequest) -> HttpResponse:
    target = _target(request, request.GET.get("target"))
    if target is None:
        return render(request, "jobs/clusters.html", {"targets": []})
    cluster_id = _cluster(target, request.GET.get("cluster"))
    # Opening the screen asks for fresh data in the background (throttled), and shows what is known.
    if not target.clusters_refreshed_at:
        tasks.refresh_soon(target.pk)
        target.refresh_from_db()
        cluster_id = _cluster(target, request.GET.get("cluster"))
    inventory = ClusterInventory.objects.filter(target=target, cluster_id=cluster_id).first() if cluster_id else None
    if cluster_id and (inventory is None or inventory.refreshed_at is None):
        tasks.refresh_soon(target.pk, cluster_id)
        inventory = ClusterInventory.objects.filter(target=target, cluster_id=cluster_id).first()
    elif cluster_id:
        tasks.check_drift_soon(target.pk, cluster_id)
    query = request.GET.get("q", "").strip()[:200]
    job_type = request.GET.get("type", "")
    job_type = job_type if job_type in JOB_TYPES else ""
    page = Paginator(_jobs(target, cluster_id, query, job_type), PAGE_SIZE).get_page(request.GET.get("page"))
    context: dict[str, Any] = {
        "targets": list(pulling.targets_for(request.user)),
        "target": target,
        "cluster_id": cluster_id,
        "cluster": next((c for c in target.clusters or [] if str(c.get("id")) == cluster_id), None),
        "inventory": inventory,
        "query": query,
        "job_type": job_type,
        "job_types": JOB_TYPES,
        "page": page,
        "tracking": _tracking(request, target, cluster_id, [job.name for job in page.object_list]),
        "pull_teams": _pull_teams(request, target),
        "may_pull_private": target.team_id is None,
        "page_query": urlencode({"target": target.name, "cluster": cluster_id, "q": query, "type": job_type}),
    }
    # The search pushes its URL, so Back and reload keep it: a history restore gets the whole page.
    if request.htmx and not request.htmx.history_restore_request and request.GET.get("partial") == "jobs":
        return render(request, "jobs/clusters.html#job-list", context)
    context["links"] = list(
        ClusterLink.objects.filter(target=target, cluster_id=cluster_id).only(
            "name", "connector", "origin", "exists", "checked_at"
        )[:LINKS_SHOWN]
    )
    context["create_link_url"] = link_create_url(target, cluster_id) if cluster_id else ""
    return render(request, "jobs/clusters.html", context)


def _jobs(target: Target, cluster_id: str, query: str, job_type: str) -> Any:
    jobs = ClusterJob.objects.filter(target=target, cluster_id=cluster_id).only(*JOB_FIELDS)
    if job_type:
        jobs = jobs.filter(job_type=job_type)
    if query:
        jobs = jobs.filter(
            Q(name__icontains=query)
            | Q(from_connector__icontains=query)
            | Q(to_connector__icontains=query)
            | Q(from_link__icontains=query)
            | Q(to_link__icontains=query)
        )
    return jobs.order_by("name")


def _tracking(request: HtmxRequest, target: Target, cluster_id: str, names: list[str]) -> dict[str, list[Any]]:
    """The drafts the user may see that track each listed job (private ones of theirs, their teams')."""
    teams = Membership.objects.filter(user=request.user).values("team_id")
    drafts = (
        JobDraft.objects.filter(home_target=target, home_cluster_id=cluster_id, tracked_name__in=names)
        .filter(Q(team=None, owner=request.user) | Q(team_id__in=teams))
        .select_related("team")
        .only("id", "tracked_name", "drift_state", "drift_checked_at", "team__name", "name")
    )
    found: dict[str, list[Any]] = {}
    for draft in drafts:
        found.setdefault(draft.tracked_name, []).append(draft)
    return found


@login_required
@require_POST
def clusters_refresh(request: HtmxRequest) -> HttpResponse:
    target = _target(request, request.POST.get("target") or "-")
    assert target is not None  # _target answers 404 for a name it does not know
    cluster_id = _cluster(target, request.POST.get("cluster", "")) if request.POST.get("cluster") else None
    if not cache.add(f"cdmweb:clusters:refresh-button:{target.pk}:{cluster_id}", 1, REFRESH_BUTTON_SECONDS):
        messages.info(request, _("Refreshed moments ago; try again in a few seconds."))
        return redirect(_screen_url(target, cluster_id or ""))
    result = tasks.refresh_inventory.enqueue(target.pk, cluster_id)
    if result.is_finished:
        text = result.return_value if result.status == "SUCCESSFUL" else _("the refresh failed; see the logs")
        messages.info(request, _("Refreshed: %(outcome)s") % {"outcome": text})
    else:
        messages.info(request, _("Refreshing in the background: reload in a moment."))
    return redirect(_screen_url(target, cluster_id or ""))


@login_required
@require_POST
def clusters_pull(request: HtmxRequest) -> HttpResponse:
    target = _target(request, request.POST.get("target") or "-")
    assert target is not None
    cluster_id = _cluster(target, request.POST.get("cluster", "")) if request.POST.get("cluster") else ""
    query = request.POST.get("q", "").strip()[:200]
    job_type = request.POST.get("type", "")
    back = _screen_url(target, cluster_id, q=query, type=job_type)
    team = None
    if request.POST.get("team"):
        team = Team.objects.filter(slug=request.POST["team"][:64]).first()
        if team is None:
            messages.error(request, _("No such team."))
            return redirect(back)
    names: list[str] | None = None
    if request.POST.get("scope") != "all":
        names = [name[:2000] for name in request.POST.getlist("names")[:MAX_TICKED] if name]
        if not names:
            messages.error(request, _("Tick the jobs to pull, or pull all that match the search."))
            return redirect(back)
    refusal = pulling.pull_refusal(request.user, target, team)
    if refusal or not cluster_id:
        messages.error(request, refusal or _("Choose a cluster."))
        return redirect(back)
    result = tasks.pull_jobs.enqueue(
        target.pk,
        cluster_id,
        request.user.pk,
        team.pk if team else None,
        query,
        job_type if job_type in JOB_TYPES else None,
        names,
    )
    if not result.is_finished:
        messages.info(request, _("Pulling in the background: the drafts appear on your dashboard as they come."))
    elif result.status != "SUCCESSFUL":
        messages.error(request, _("The pull failed; nothing half-written was kept. Try again."))
    else:
        outcome = result.return_value
        level = messages.error if outcome["error"] else messages.success
        level(request, outcome["summary"])
    return redirect(back)


# --- drift ----------------------------------------------------------------------------------


@login_required
@require_GET
def drift_view(request: HtmxRequest, pk: int) -> HttpResponse:
    draft = get_draft_for_user(request, pk)
    if tasks.check_draft_soon(draft):
        draft.refresh_from_db()
    role = role_for(request.user, draft)
    context = {
        "draft": draft,
        "changes": drift.changes_for(draft),
        "can_edit": allows(role, EDIT),
        "cluster_name": draft.home_target.cluster_name(draft.home_cluster_id)
        if draft.home_target
        else draft.home_cluster_id,
    }
    if request.htmx:
        return render(request, "jobs/drift.html#drift-panel", context)
    return render(request, "jobs/drift.html", context)


@login_required
@require_POST
def drift_check(request: HtmxRequest, pk: int) -> HttpResponse:
    draft = get_draft_for_user(request, pk)
    if not draft.tracked:
        messages.error(request, _("This draft tracks no job on a cluster: there is nothing to compare."))
        return redirect("designer", pk)
    # Its own job only (one request), and once in a few seconds however often it is pressed.
    if not cache.add(f"cdmweb:clusters:check-now:{draft.pk}", 1, CHECK_NOW_SECONDS):
        messages.info(request, _("Checked moments ago."))
        return redirect("drift", pk)
    result = tasks.check_draft.enqueue(draft.pk)
    if result.is_finished and result.status == "SUCCESSFUL" and "not checked" in str(result.return_value):
        # drift.check_one's "not checked: <why>": the why is CDM's or the connection's own words.
        reason = str(result.return_value).split("not checked", 1)[1].lstrip(": ")
        messages.error(request, _("Drift not checked: %(reason)s") % {"reason": reason})
    elif not result.is_finished:
        messages.info(request, _("Checking in the background: reload in a moment."))
    return redirect("drift", pk)


@login_required
@require_POST
def drift_take(request: HtmxRequest, pk: int) -> HttpResponseRedirect:
    draft = get_draft_for_user(request, pk, EDIT)
    try:
        revision = drift.take_cluster_version(draft, request.user)
    except drift.DriftRefused as refusal:
        messages.error(request, str(refusal))
        return redirect("drift", pk)
    if draft.team_id:
        text = _(
            "The draft now holds the cluster's version (r%(number)s). It needs review again before it is deployed."
        )
    else:
        text = _("The draft now holds the cluster's version (r%(number)s).")
    messages.success(request, text % {"number": revision.number})
    return redirect("designer", pk)

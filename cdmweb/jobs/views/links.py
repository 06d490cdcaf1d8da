"""Creating a link on a target's clusters ("Create a link"), reached from the submit page when a
link is missing and from the Clusters screen: ``/links/new/?target=ID&cluster=ID`` (also ``draft``,
``name``, ``connector`` to prefill, and where to go back to)."""

from __future__ import annotations

from urllib.parse import urlencode

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.http import Http404, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from cdmweb.accounts.models import Membership
from cdmweb.catalog.registry import get_catalog
from cdmweb.jobs.access import EDIT, get_draft_for_user
from cdmweb.jobs.clusters import links
from cdmweb.jobs.clusters.link_forms import LinkForm
from cdmweb.jobs.models import JobDraft, Target

from .common import HtmxRequest, parse_int


def link_create_url(target: Target, cluster_id: str, *, draft: JobDraft | None = None, **prefill: str) -> str:
    """The "Create a link" page for a cluster, prefilled (name, connector) and coming back to the
    draft's submit page when a draft is given."""
    query = {"target": target.pk, "cluster": cluster_id, **{k: v for k, v in prefill.items() if v}}
    if draft is not None:
        query["draft"] = draft.pk
    return f"{reverse('link-create')}?{urlencode(query)}"


def _target_for_user(request: HtmxRequest, draft: JobDraft | None) -> Target:
    """The target links are created on; 404 when the user cannot see it, 403 when their role does
    not allow creating links (the same rule as submitting: editors and above)."""
    wanted = parse_int(request.POST.get("target") or request.GET.get("target"))
    usable = Target.usable_for(draft) if draft is not None else Target.objects.all()
    target = usable.filter(pk=wanted).first()
    if target is None:
        raise Http404(_("No such target."))
    if target.team_id is not None and draft is None:
        role = Membership.objects.filter(team_id=target.team_id, user=request.user).first()
        if role is None:
            raise Http404(_("No such target."))
    if not links.may_create_links(request.user, target):
        raise PermissionDenied(
            _("Only the team's editors (and above) can create links on its targets; ask a team admin.")
        )
    return target


@login_required
def link_create(request: HtmxRequest) -> HttpResponse:
    draft_pk = parse_int(request.POST.get("draft") or request.GET.get("draft"))
    draft = get_draft_for_user(request, draft_pk, EDIT) if draft_pk else None
    target = _target_for_user(request, draft)
    running = target.running_clusters
    wanted_cluster = request.POST.get("cluster") or request.GET.get("cluster", "")
    connector = request.POST.get("connector") or request.GET.get("connector", "")
    if get_catalog().connector(connector) is None:
        connector = ""
    initial = {
        "name": request.GET.get("name", ""),
        "connector": connector,
        "clusters": [wanted_cluster] if any(c["id"] == wanted_cluster for c in running) else [],
    }
    posted = request.method == "POST" and ("test" in request.POST or "create" in request.POST)
    form = LinkForm(request.POST if posted else None, connector=connector, clusters=running, initial=initial)
    outcome = None
    if posted and form.is_valid():
        clusters = form.cleaned_data["clusters"]
        if "create" in request.POST:
            outcome = links.create_link(target, clusters, form.link(), request.user, draft)
            if outcome.ok:
                names = ", ".join(target.cluster_name(c) for c in clusters)
                messages.success(
                    request,
                    _("Link %(name)s created on %(clusters)s.")
                    % {"name": form.cleaned_data["name"], "clusters": names},
                )
                if draft is None:
                    return redirect("dashboard")
                # Back to the submit page, set to the cluster the link was made on (one, or the first).
                query = urlencode({"target": target.pk, "cluster": clusters[0]})
                return redirect(reverse("submit", args=[draft.pk]) + "?" + query)
        else:
            outcome = links.try_link(target, clusters, form.link())
    cluster_names = {c["id"]: str(c.get("name") or c["id"]) for c in target.clusters}
    context = {
        "form": form,
        "target": target,
        "draft": draft,
        "connector": connector,
        "cluster": wanted_cluster,
        "outcome": outcome,
        "cluster_names": cluster_names,
        "tested_on": ", ".join(cluster_names.get(c, c) for c in outcome.done) if outcome is not None else "",
        "attempt": "create" if "create" in request.POST else "test",
        "tested": outcome is not None and "test" in request.POST and outcome.ok,
    }
    return render(request, "jobs/link_create.html", context)


@login_required
@require_POST
def draft_home(request: HtmxRequest, pk: int) -> HttpResponse:
    """Name the draft's home target and cluster: its link fields then suggest that cluster's links,
    and the designer says which of its links that cluster lacks."""
    draft = get_draft_for_user(request, pk, EDIT)
    problem = links.set_home(draft, request.POST.get("home", "")[:200], request.user)
    if problem:
        messages.error(request, problem)
    return redirect(reverse("designer", args=[draft.pk]) + "#header-region")

"""Drafts as wholes: create one, delete one, import request bodies, export one."""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.db import transaction
from django.http import HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.text import slugify
from django.utils.translation import gettext, ngettext
from django.views.decorators.http import require_GET, require_POST
from django_htmx.http import HttpResponseClientRedirect

from cdmweb.jobs import editing
from cdmweb.jobs.access import MANAGE, get_draft_for_user, sees_secrets
from cdmweb.jobs.forms import CreateDraftForm, ImportForm
from cdmweb.jobs.importing import export_body, import_text, parse_clusters
from cdmweb.jobs.models import AuditEvent
from cdmweb.jobspec.payload import PayloadError, dumps

from .common import HtmxRequest


@login_required
def draft_create(request: HtmxRequest) -> HttpResponse:
    if request.method == "POST":
        form = CreateDraftForm(request.POST, user=request.user)
        if form.is_valid():
            draft = editing.create_draft(request.user, **form.cleaned_data)
            messages.success(request, gettext("Draft “%(name)s” created.") % {"name": draft.display_name})
            return redirect(draft)
    else:
        initial_team = request.user.teams.filter(slug=request.GET.get("team")).first()
        form = CreateDraftForm(initial={"job_type": "NORMAL_JOB", "team": initial_team}, user=request.user)
    return render(request, "jobs/create.html", {"form": form})


@login_required
@require_POST
def draft_delete(request: HtmxRequest, pk: int) -> HttpResponse:
    draft = get_draft_for_user(request, pk, MANAGE)
    name = draft.display_name
    with transaction.atomic():
        AuditEvent.record(request.user, AuditEvent.Action.DELETED, draft)
        draft.delete()
    messages.success(request, gettext("Draft “%(name)s” deleted.") % {"name": name})
    if request.htmx:
        return HttpResponseClientRedirect(reverse("dashboard"))
    return redirect("dashboard")


@login_required
def import_view(request: HtmxRequest) -> HttpResponse:
    form = ImportForm(request.POST or None, request.FILES or None, user=request.user)
    if request.method == "POST" and form.is_valid():
        try:
            drafts, _ = import_text(form.cleaned_data["body"], request.user, form.cleaned_data["team"])
        except PayloadError as exc:
            form.add_error(None, gettext("Nothing was imported: %(reason)s.") % {"reason": exc})
        else:
            for draft in drafts:
                if draft.error_count:
                    message = ngettext(
                        "Imported “%(name)s” (%(count)d error to fix).",
                        "Imported “%(name)s” (%(count)d errors to fix).",
                        draft.error_count,
                    )
                else:
                    message = gettext("Imported “%(name)s” (valid).")
                messages.success(request, message % {"name": draft.display_name, "count": draft.error_count})
            if len(drafts) == 1:
                return redirect(drafts[0])
            return redirect("dashboard")
    return render(request, "jobs/import.html", {"form": form})


@login_required
@require_GET
def export(request: HtmxRequest, pk: int) -> HttpResponse:
    draft = get_draft_for_user(request, pk)
    clusters = parse_clusters(request.GET.get("clusters")) if request.GET.get("form") == "random" else None
    body = export_body(draft, clusters, reveal_secrets=sees_secrets(request.user, draft))
    response = HttpResponse(dumps(body) + "\n", content_type="application/json; charset=utf-8")
    filename = slugify(draft.name or f"draft-{draft.pk}") or f"draft-{draft.pk}"
    response["Content-Disposition"] = f'attachment; filename="{filename}.json"'
    return response

from __future__ import annotations

import uuid
from typing import Any

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.paginator import Paginator
from django.db.models import Q
from django.http import HttpRequest, HttpResponse, HttpResponseRedirect
from django.shortcuts import get_object_or_404, redirect, render
from django.template.loader import render_to_string
from django.urls import reverse
from django.utils.text import slugify
from django.views.decorators.http import require_GET, require_POST
from django_htmx.http import HttpResponseClientRedirect, reswap, retarget, trigger_client_event
from django_htmx.middleware import HtmxDetails

from cdmweb.accounts.access import EDIT, MANAGE, allows, get_draft_for_user, role_for
from cdmweb.catalog.registry import SIDES
from cdmweb.cdm.errors import CdmError

from . import editing, submitting
from .designer import ROW_WINDOW, DesignerState, InputRow, designer_state, masked_job
from .diffing import diff_jobs, masked
from .forms import AddGroupForm, AddInputForm, EditInputForm, ImportForm, JobHeaderForm, SubmitForm
from .importing import import_text, parse_clusters
from .models import ConfigGroup, DraftInput, JobDraft, Revision, Submission, Target
from .payload import SIDE_KEYS, PayloadError, build_request_body, dumps, parse_job
from .validation import validate_job

DRAFT_CHANGED = "draft-changed"
SIDES_CHANGED = "sides-changed"
PAGE_SIZE = 25
DESIGNER = "jobs/designer.html"


class HtmxRequest(HttpRequest):
    htmx: HtmxDetails


def _get_input(draft: JobDraft, input_id: int) -> DraftInput:
    return get_object_or_404(DraftInput.objects.select_related("group"), pk=input_id, draft=draft)


def _get_group(draft: JobDraft, group_id: int) -> ConfigGroup:
    return get_object_or_404(ConfigGroup, pk=group_id, draft=draft)


def _header_values(draft: JobDraft) -> dict[str, str | None]:
    return {field: getattr(draft, field) for field in JobHeaderForm.base_fields}


def _designer_context(request: HtmxRequest, state: DesignerState, **extra: Any) -> dict[str, Any]:
    """What every region of the designer needs; the preview only when a region shows it."""
    draft = state.draft
    role = role_for(request.user, draft)
    context = {
        "draft": draft,
        "state": state,
        "sides": SIDES,
        "inputs_url": reverse("designer", args=[draft.pk]) + "inputs/",
        "can_edit": allows(role, EDIT),
        "can_manage": allows(role, MANAGE),
        "row_errors": {},
        "group_errors": {},
    }
    context.update(extra)
    return context


def _header_form(draft: JobDraft) -> JobHeaderForm:
    return JobHeaderForm(initial=_header_values(draft), current=_header_values(draft), auto_id="header_%s")


def _preview_context(request: HttpRequest, state: DesignerState) -> dict[str, Any]:
    form = "random" if request.GET.get("form") == "random" else "create"
    clusters_text = request.GET.get("clusters", "")[:2000]
    clusters = None
    if form == "random":
        clusters = parse_clusters(clusters_text) or ["<cluster-id>"]
    body = build_request_body([masked_job(state.job)], clusters)
    return {
        "preview_form": form,
        "preview_text": dumps(body),
        "preview_clusters": clusters_text,
        "input_count": len(state.rows_by_id),
    }


def _page_context(request: HtmxRequest, state: DesignerState, **extra: Any) -> dict[str, Any]:
    extra.setdefault("header_form", _header_form(state.draft))
    return {**_designer_context(request, state, **extra), **_preview_context(request, state)}


def _changed(response: HttpResponse, *events: str) -> HttpResponse:
    for event in (DRAFT_CHANGED, *events):
        trigger_client_event(response, event)
    return response


def _back_to_designer(draft: JobDraft, anchor: str = "") -> HttpResponseRedirect:
    url = reverse("designer", args=[draft.pk])
    return redirect(f"{url}#{anchor}" if anchor else url)


# --- dashboard --------------------------------------------------------------------------------


@login_required
@require_GET
def dashboard(request: HttpRequest) -> HttpResponse:
    query = request.GET.get("q", "").strip()[:200]
    teams = list(request.user.teams.all())
    team = next((t for t in teams if t.slug == request.GET.get("team")), None)
    scope = JobDraft.objects.filter(team=team) if team else JobDraft.objects.filter(owner=request.user)
    drafts = scope.only(
        "id",
        "name",
        "job_type",
        "from_connector",
        "to_connector",
        "from_link",
        "to_link",
        "updated_at",
        "error_count",
        "warning_count",
        "owner_id",
    )
    if query:
        drafts = drafts.filter(
            Q(name__icontains=query)
            | Q(from_connector__icontains=query)
            | Q(to_connector__icontains=query)
            | Q(from_link__icontains=query)
            | Q(to_link__icontains=query)
        )
    page = Paginator(drafts, PAGE_SIZE).get_page(request.GET.get("page"))
    context = {"page": page, "query": query, "teams": teams, "team": team}
    if not request.htmx:
        context["recent_submissions"] = Submission.objects.filter(user=request.user).select_related("target")[:5]
    template = "jobs/dashboard.html#draft-list" if request.htmx else "jobs/dashboard.html"
    return render(request, template, context)


# --- create, delete, import, export ---------------------------------------------------------


@login_required
def draft_create(request: HttpRequest) -> HttpResponse:
    if request.method == "POST":
        form = JobHeaderForm(request.POST)
        if form.is_valid():
            draft = editing.create_draft(request.user, **form.cleaned_data)
            draft.snapshot(request.user, "created")
            messages.success(request, f"Draft “{draft.display_name}” created.")
            return redirect(draft)
    else:
        form = JobHeaderForm(initial={"job_type": "NORMAL_JOB"})
    return render(request, "jobs/create.html", {"form": form})


@login_required
@require_POST
def draft_delete(request: HttpRequest, pk: int) -> HttpResponse:
    draft = get_draft_for_user(request, pk, MANAGE)
    name = draft.display_name
    draft.delete()
    messages.success(request, f"Draft “{name}” deleted.")
    if request.htmx:
        return HttpResponseClientRedirect(reverse("dashboard"))
    return redirect("dashboard")


@login_required
def import_view(request: HttpRequest) -> HttpResponse:
    form = ImportForm(request.POST or None, request.FILES or None)
    if request.method == "POST" and form.is_valid():
        try:
            drafts, parsed = import_text(form.cleaned_data["body"], request.user)
        except PayloadError as exc:
            form.add_error(None, f"Nothing was imported: {exc}.")
        else:
            for draft in drafts:
                state = "valid" if not draft.error_count else f"{draft.error_count} error(s) to fix"
                messages.success(request, f"Imported “{draft.display_name}” ({state}).")
            if len(drafts) == 1:
                return redirect(drafts[0])
            return redirect("dashboard")
    return render(request, "jobs/import.html", {"form": form})


@login_required
@require_GET
def export(request: HttpRequest, pk: int) -> HttpResponse:
    draft = get_draft_for_user(request, pk)
    clusters = parse_clusters(request.GET.get("clusters")) if request.GET.get("form") == "random" else None
    body = build_request_body([draft.build()], clusters)
    response = HttpResponse(dumps(body) + "\n", content_type="application/json; charset=utf-8")
    filename = slugify(draft.name or f"draft-{draft.pk}") or f"draft-{draft.pk}"
    response["Content-Disposition"] = f'attachment; filename="{filename}.json"'
    return response


# --- the designer -----------------------------------------------------------------------------


@login_required
@require_GET
def designer(request: HtmxRequest, pk: int) -> HttpResponse:
    draft = get_draft_for_user(request, pk)
    state = designer_state(draft, window=None if request.GET.get("all") else ROW_WINDOW)
    partial = request.GET.get("partial") if request.htmx else None
    if partial == "rows":
        return _row_window(request, state, _int(request.GET.get("group")), _int(request.GET.get("offset")))
    if partial == "sides":
        return render(request, f"{DESIGNER}#sides", _designer_context(request, state))
    if partial == "group-footer":
        panel = state.panels_by_id.get(_int(request.GET.get("group")))
        if panel is None:
            return HttpResponse(status=404)
        return render(request, f"{DESIGNER}#group-footer", _designer_context(request, state, panel=panel))
    return render(request, DESIGNER, _page_context(request, state))


def _row_window(request: HtmxRequest, state: DesignerState, group_id: int, offset: int) -> HttpResponse:
    """The next window of a big group's rows, with a loader for the window after it."""
    panel = state.panels_by_id.get(group_id)
    if panel is None:
        return HttpResponse(status=404)
    end = offset + ROW_WINDOW
    context = _designer_context(
        request, state, panel=panel, chunk=panel.rows[offset:end], next_offset=end if end < len(panel.rows) else 0
    )
    return render(request, f"{DESIGNER}#row-chunk", context)


def _int(value: str | None) -> int:
    """A query-string id or offset; anything else (even "²", which isdigit() accepts) is 0."""
    return int(value) if value and value.isascii() and value.isdigit() and len(value) < 19 else 0


@login_required
@require_GET
def preview(request: HtmxRequest, pk: int) -> HttpResponse:
    draft = get_draft_for_user(request, pk)
    state = designer_state(draft)
    template = f"{DESIGNER}#preview" if request.htmx else DESIGNER
    return render(request, template, _page_context(request, state))


@login_required
@require_POST
def header_update(request: HtmxRequest, pk: int) -> HttpResponse:
    draft = get_draft_for_user(request, pk, EDIT)
    form = JobHeaderForm(request.POST, current=_header_values(draft), auto_id="header_%s")
    if not form.is_valid():
        state = designer_state(draft)
        if request.htmx:
            return render(request, f"{DESIGNER}#header", _designer_context(request, state, header_form=form))
        return render(request, DESIGNER, _page_context(request, state, header_form=form))
    changed = editing.update_header(draft, form.cleaned_data)
    state = designer_state(draft)
    draft.record_findings(state.findings)
    if not request.htmx:
        messages.success(request, "Saved.")
        return _back_to_designer(draft)
    context = _designer_context(request, state, header_form=_header_form(draft), header_saved=True)
    response = render(request, f"{DESIGNER}#header", context)
    connectors_changed = {"from_connector", "to_connector"} & set(changed)
    return _changed(response, *([SIDES_CHANGED] if connectors_changed else []))


def _group_changed(group_id: int) -> str:
    return f"group-changed-{group_id}"


def _render_footer(request: HtmxRequest, state: DesignerState, group_id: int, **extra: Any) -> HttpResponse:
    context = _designer_context(request, state, panel=state.panels_by_id[group_id], **extra)
    return render(request, f"{DESIGNER}#group-footer", context)


def _render_rows(request: HtmxRequest, state: DesignerState, rows: list[InputRow], **extra: Any) -> HttpResponse:
    """The first row swaps in place; any others go out of band to their own places."""
    html = []
    for index, row in enumerate(rows):
        context = _designer_context(request, state, row=row, oob=index > 0, **extra)
        html.append(render_to_string(f"{DESIGNER}#input-row", context, request=request))
    return HttpResponse("".join(html))


def _page_with_errors(request: HtmxRequest, draft: JobDraft, **errors: Any) -> HttpResponse:
    """A refused plain form post: the whole designer with the message in place, status 200."""
    return render(request, DESIGNER, _page_context(request, designer_state(draft), **errors))


@login_required
@require_POST
def input_add(request: HtmxRequest, pk: int, group_id: int) -> HttpResponse:
    draft = get_draft_for_user(request, pk, EDIT)
    group = _get_group(draft, group_id)
    existing = set(group.inputs.values_list("name", flat=True))
    form = AddInputForm(request.POST, group_name=group.name, existing=existing)
    if not form.is_valid():
        errors = {"group_errors": {group.id: [message for field in form.errors.values() for message in field]}}
        if not request.htmx:
            return _page_with_errors(request, draft, **errors)
        return _render_footer(request, designer_state(draft), group.id, **errors)
    name = form.cleaned_data["name"]
    value = form.cleaned_data["value"] or editing.default_value(draft, group, name)
    item = editing.add_input(draft, group, name, value)
    state = designer_state(draft)
    draft.record_findings(state.findings)
    if not request.htmx:
        return _back_to_designer(draft, f"input-{item.pk}")
    # The new row goes at the end of the group's rows; the footer (picker, findings) reloads itself.
    response = reswap(
        retarget(_render_rows(request, state, [state.rows_by_id[item.pk]]), f"#rows-{group.pk}"), "beforeend"
    )
    return _changed(response, _group_changed(group.pk))


@login_required
@require_POST
def input_update(request: HtmxRequest, pk: int, input_id: int) -> HttpResponse:
    draft = get_draft_for_user(request, pk, EDIT)
    item = _get_input(draft, input_id)
    form = EditInputForm(request.POST)
    if not form.is_valid():
        errors = {"row_errors": {item.pk: form.errors["value"]}}
        if not request.htmx:
            return _page_with_errors(request, draft, **errors)
        state = designer_state(draft)
        return _render_rows(request, state, [state.rows_by_id[item.pk]], **errors)
    value = form.cleaned_data["value"]
    # An untouched password box posts nothing: keep what is stored, as it is stored.
    if not (value == "" and request.POST.get("keep_secret")):
        editing.update_input(item, value)
    state = designer_state(draft)
    draft.record_findings(state.findings)
    if not request.htmx:
        return _back_to_designer(draft, f"input-{item.pk}")
    row = state.rows_by_id[item.pk]
    rows = [row]
    events = []
    if row.controls:
        # Inputs that apply only for some values of this one are redrawn too, and the picker
        # reloads, since what applies has changed.
        panel = state.panels_by_id[item.group_id]
        rows += [other for other in panel.rows if other.spec and any(c.input == item.name for c in other.spec.when)]
        events.append(_group_changed(item.group_id))
    return _changed(_render_rows(request, state, rows, saved_input=item.pk), *events)


@login_required
@require_POST
def input_delete(request: HtmxRequest, pk: int, input_id: int) -> HttpResponse:
    draft = get_draft_for_user(request, pk, EDIT)
    item = _get_input(draft, input_id)
    group_id = item.group_id
    editing.remove_input(item)
    state = designer_state(draft)
    draft.record_findings(state.findings)
    if not request.htmx:
        return _back_to_designer(draft, f"group-{group_id}")
    return _changed(HttpResponse(""), _group_changed(group_id))  # the row swaps itself out


@login_required
@require_POST
def input_move(request: HtmxRequest, pk: int, input_id: int) -> HttpResponse:
    draft = get_draft_for_user(request, pk, EDIT)
    item = _get_input(draft, input_id)
    direction = request.POST.get("direction")
    if direction not in ("up", "down"):
        if not request.htmx:
            return _page_with_errors(request, draft, row_errors={item.pk: ["Move up or down."]})
        return HttpResponse("Move up or down.", status=400)
    neighbour = editing.move_input(item, direction)
    state = designer_state(draft)
    draft.record_findings(state.findings)
    if not request.htmx:
        return _back_to_designer(draft, f"input-{item.pk}")
    response = HttpResponse("")
    if neighbour is not None:
        # The page moves the row itself (static/cdmweb/app.js): nothing else on it changes.
        trigger_client_event(response, "input-moved", {"row": item.pk, "other": neighbour.pk, "direction": direction})
    return _changed(response)


@login_required
@require_POST
def group_add(request: HtmxRequest, pk: int, side: str) -> HttpResponse:
    draft = get_draft_for_user(request, pk, EDIT)
    if side not in SIDES:
        return HttpResponse("Unknown side.", status=404)
    existing = set(draft.groups.filter(side=side).values_list("name", flat=True))
    form = AddGroupForm(request.POST, existing=existing, raw_side=SIDE_KEYS[side] in draft.extra)
    if not form.is_valid():
        state = designer_state(draft)
        errors = {"side_errors": {side: form.errors["name"]}}
        template = f"{DESIGNER}#side" if request.htmx else DESIGNER
        return render(request, template, _designer_context(request, state, side=state.sides[side], **errors))
    group = editing.add_group(draft, side, form.cleaned_data["name"])
    state = designer_state(draft)
    draft.record_findings(state.findings)
    if not request.htmx:
        return _back_to_designer(draft, f"group-{group.pk}")
    return _changed(render(request, f"{DESIGNER}#side", _designer_context(request, state, side=state.sides[side])))


@login_required
@require_POST
def group_delete(request: HtmxRequest, pk: int, group_id: int) -> HttpResponse:
    draft = get_draft_for_user(request, pk, EDIT)
    group = _get_group(draft, group_id)
    side = group.side
    editing.remove_group(group)
    state = designer_state(draft)
    draft.record_findings(state.findings)
    if not request.htmx:
        return _back_to_designer(draft, f"side-{side}")
    return _changed(render(request, f"{DESIGNER}#side", _designer_context(request, state, side=state.sides[side])))


# --- submission ------------------------------------------------------------------------------


def _get_submission_for_user(request: HttpRequest, pk: int) -> Submission:
    return get_object_or_404(Submission.objects.select_related("target", "draft"), pk=pk, user=request.user)


@login_required
def submit_view(request: HtmxRequest, pk: int) -> HttpResponse:
    draft = get_draft_for_user(request, pk, EDIT)
    targets = Target.objects.all()
    target = targets.filter(pk=_int(request.POST.get("target") or request.GET.get("target"))).first() or targets.first()
    if target is None:
        messages.error(request, "No CDM target is configured; an admin adds one in the admin.")
        return _back_to_designer(draft)
    if request.method == "POST" and "refresh" in request.POST:
        try:
            submitting.refresh_clusters(target)
        except CdmError as error:
            messages.error(request, f"Could not list the clusters of {target}: {error}")
    if not target.clusters and request.method == "GET":
        try:
            submitting.refresh_clusters(target)
        except CdmError as error:
            messages.error(request, f"Could not list the clusters of {target}: {error}")
    form = SubmitForm(
        request.POST if request.method == "POST" and "refresh" not in request.POST else None,
        targets=targets,
        target=target,
        initial={
            "target": target,
            "idempotency_key": uuid.uuid4().hex,
            "pool": [c["id"] for c in target.running_clusters],
        },
    )
    if form.is_bound and form.is_valid():
        data = form.cleaned_data
        try:
            submission = submitting.submit(
                draft,
                data["target"],
                request.user,
                data["idempotency_key"],
                cluster_id=data["cluster_id"] if data["mode"] == "cluster" else None,
                pool=list(data["pool"]) if data["mode"] == "pool" else None,
            )
        except submitting.SubmissionRefused as refusal:
            form.add_error(None, str(refusal))
        else:
            return redirect(submission)
    findings = [f for f in validate_job(draft.build()) if f["status"] == "ERROR"]
    return render(request, "jobs/submit.html", {"draft": draft, "form": form, "target": target, "errors": findings})


@login_required
@require_GET
def submission_detail(request: HtmxRequest, pk: int) -> HttpResponse:
    submission = _get_submission_for_user(request, pk)
    if request.htmx or request.GET.get("poll"):
        submission = submitting.poll(submission)
    context = {"submission": submission, "meaning": submitting.explain(submission.error_code)}
    template = "jobs/submission.html#status" if request.htmx else "jobs/submission.html"
    return render(request, template, context)


# --- history ---------------------------------------------------------------------------------


@login_required
@require_GET
def history(request: HttpRequest, pk: int) -> HttpResponse:
    draft = get_draft_for_user(request, pk)
    revisions = list(draft.revisions.select_related("author"))
    numbers = {r.number: r for r in revisions}
    current = draft.build()
    older = numbers.get(_int(request.GET.get("a")))
    newer = numbers.get(_int(request.GET.get("b")))
    left = older.payload if older else (revisions[0].payload if revisions else {})
    right = newer.payload if newer else current
    context = {
        "draft": draft,
        "revisions": revisions,
        "older": older or (revisions[0] if revisions else None),
        "newer": newer,
        "changes": masked(diff_jobs(left, right)) if revisions else [],
    }
    return render(request, "jobs/history.html", context)


@login_required
@require_POST
def restore(request: HttpRequest, pk: int, number: int) -> HttpResponse:
    draft = get_draft_for_user(request, pk, EDIT)
    revision = get_object_or_404(Revision, draft=draft, number=number)
    draft.replace_with(parse_job(revision.payload))
    draft.snapshot(request.user, f"restored revision {number}")
    messages.success(request, f"Revision {number} restored as a new change.")
    return redirect(draft)

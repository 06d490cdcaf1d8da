from __future__ import annotations

from typing import Any

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.paginator import Paginator
from django.db.models import Q
from django.http import HttpRequest, HttpResponse, HttpResponseRedirect
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils.text import slugify
from django.views.decorators.http import require_GET, require_POST
from django_htmx.http import HttpResponseClientRedirect, retarget, trigger_client_event
from django_htmx.middleware import HtmxDetails

from cdmweb.accounts.access import get_draft_for_user
from cdmweb.catalog.registry import SIDES

from . import editing
from .designer import DesignerState, designer_state, masked_job
from .forms import AddGroupForm, AddInputForm, EditInputForm, ImportForm, JobHeaderForm
from .importing import import_text, parse_clusters
from .models import ConfigGroup, DraftInput, JobDraft
from .payload import PayloadError, build_request_body, dumps

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
    draft = state.draft
    header_form = extra.pop("header_form", None) or JobHeaderForm(
        initial=_header_values(draft), current=_header_values(draft), auto_id="header_%s"
    )
    context = {
        "draft": draft,
        "state": state,
        "header_form": header_form,
        "sides": SIDES,
        "row_errors": {},
        "group_errors": {},
    }
    context.update(_preview_context(request, state))
    context.update(extra)
    return context


def _preview_context(request: HttpRequest, state: DesignerState) -> dict[str, Any]:
    form = request.GET.get("form", "create")
    clusters_text = request.GET.get("clusters", "")
    clusters = parse_clusters(clusters_text) if form == "random" else None
    if form == "random" and clusters is None:
        clusters = ["<cluster-id>"]
    body = build_request_body([masked_job(state.job, state.draft)], clusters)
    return {
        "preview_form": "random" if form == "random" else "create",
        "preview_text": dumps(body),
        "preview_clusters": clusters_text,
        "input_count": len(state.rows_by_id),
    }


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
    drafts = JobDraft.objects.filter(owner=request.user).only(
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
    context = {"page": page, "query": query}
    template = "jobs/dashboard.html#draft-list" if request.htmx else "jobs/dashboard.html"
    return render(request, template, context)


# --- create, delete, import, export ---------------------------------------------------------


@login_required
def draft_create(request: HttpRequest) -> HttpResponse:
    if request.method == "POST":
        form = JobHeaderForm(request.POST)
        if form.is_valid():
            draft = editing.create_draft(request.user, **form.cleaned_data)
            messages.success(request, f"Draft “{draft.display_name}” created.")
            return redirect(draft)
    else:
        form = JobHeaderForm(initial={"job_type": "NORMAL_JOB"})
    return render(request, "jobs/create.html", {"form": form})


@login_required
@require_POST
def draft_delete(request: HttpRequest, pk: int) -> HttpResponse:
    draft = get_draft_for_user(request, pk)
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
    state = designer_state(draft)
    template = DESIGNER
    if request.htmx and request.GET.get("partial") in ("sides", "preview", "header"):
        template = f"{DESIGNER}#{request.GET['partial']}"
    return render(request, template, _designer_context(request, state))


@login_required
@require_GET
def preview(request: HtmxRequest, pk: int) -> HttpResponse:
    draft = get_draft_for_user(request, pk)
    state = designer_state(draft)
    if not request.htmx:
        return render(request, DESIGNER, _designer_context(request, state))
    return render(request, f"{DESIGNER}#preview", _designer_context(request, state))


@login_required
@require_POST
def header_update(request: HtmxRequest, pk: int) -> HttpResponse:
    draft = get_draft_for_user(request, pk)
    form = JobHeaderForm(request.POST, current=_header_values(draft), auto_id="header_%s")
    if not form.is_valid():
        state = designer_state(draft)
        template = f"{DESIGNER}#header" if request.htmx else DESIGNER
        return render(request, template, _designer_context(request, state, header_form=form))
    changed = editing.update_header(draft, form.cleaned_data)
    state = designer_state(draft)
    draft.record_findings(state.findings)
    if not request.htmx:
        messages.success(request, "Saved.")
        return _back_to_designer(draft)
    response = render(request, f"{DESIGNER}#header", _designer_context(request, state, header_saved=True))
    connectors_changed = {"from_connector", "to_connector"} & set(changed)
    return _changed(response, *([SIDES_CHANGED] if connectors_changed else []))


def _render_group(request: HtmxRequest, state: DesignerState, group_id: int, **extra: Any) -> HttpResponse:
    panel = state.panels_by_id[group_id]
    context = _designer_context(request, state, panel=panel, side=state.sides[panel.group.side], **extra)
    return render(request, f"{DESIGNER}#group", context)


def _invalid(request: HtmxRequest, draft: JobDraft, group_id: int, **errors: Any) -> HttpResponse:
    """A refused change: the region re-rendered with the message, status 200, nothing saved."""
    state = designer_state(draft)
    if request.htmx:
        return _render_group(request, state, group_id, **errors)
    return render(request, DESIGNER, _designer_context(request, state, **errors))


@login_required
@require_POST
def input_add(request: HtmxRequest, pk: int, group_id: int) -> HttpResponse:
    draft = get_draft_for_user(request, pk)
    group = _get_group(draft, group_id)
    existing = set(group.inputs.values_list("name", flat=True))
    form = AddInputForm(request.POST, group_name=group.name, existing=existing)
    if not form.is_valid():
        messages_ = [message for errors in form.errors.values() for message in errors]
        return _invalid(request, draft, group.id, group_errors={group.id: messages_})
    name = form.cleaned_data["name"]
    value = form.cleaned_data["value"] or editing.default_value(draft, group, name)
    item = editing.add_input(draft, group, name, value)
    state = designer_state(draft)
    draft.record_findings(state.findings)
    if not request.htmx:
        return _back_to_designer(draft, f"input-{item.pk}")
    return _changed(_render_group(request, state, group.id, focus_input=item.pk))


@login_required
@require_POST
def input_update(request: HtmxRequest, pk: int, input_id: int) -> HttpResponse:
    draft = get_draft_for_user(request, pk)
    item = _get_input(draft, input_id)
    form = EditInputForm(request.POST)
    if not form.is_valid():
        return _invalid(request, draft, item.group_id, row_errors={item.pk: form.errors["value"]})
    value = form.cleaned_data["value"]
    if value == "" and request.POST.get("keep_secret") and not request.POST.get("clear"):
        value = item.value  # an untouched password box posts nothing: keep what is stored
    editing.update_input(item, value)
    state = designer_state(draft)
    draft.record_findings(state.findings)
    if not request.htmx:
        return _back_to_designer(draft, f"input-{item.pk}")
    row = state.rows_by_id[item.pk]
    if row.controls:
        # Other inputs of the group apply or not depending on this one: redraw the whole group.
        response = _render_group(request, state, item.group_id)
        return _changed(retarget(response, f"#group-{item.group_id}"))
    context = _designer_context(request, state, row=row, saved_input=item.pk)
    return _changed(render(request, f"{DESIGNER}#input-row", context))


@login_required
@require_POST
def input_delete(request: HtmxRequest, pk: int, input_id: int) -> HttpResponse:
    draft = get_draft_for_user(request, pk)
    item = _get_input(draft, input_id)
    group_id = item.group_id
    editing.remove_input(item)
    state = designer_state(draft)
    draft.record_findings(state.findings)
    if not request.htmx:
        return _back_to_designer(draft, f"group-{group_id}")
    return _changed(_render_group(request, state, group_id))


@login_required
@require_POST
def input_move(request: HtmxRequest, pk: int, input_id: int) -> HttpResponse:
    draft = get_draft_for_user(request, pk)
    item = _get_input(draft, input_id)
    direction = request.POST.get("direction")
    if direction not in ("up", "down"):
        return _invalid(request, draft, item.group_id, row_errors={item.pk: ["Move up or down."]})
    editing.move_input(item, direction)
    state = designer_state(draft)
    draft.record_findings(state.findings)
    if not request.htmx:
        return _back_to_designer(draft, f"input-{item.pk}")
    return _changed(_render_group(request, state, item.group_id, focus_input=item.pk))


@login_required
@require_POST
def group_add(request: HtmxRequest, pk: int, side: str) -> HttpResponse:
    draft = get_draft_for_user(request, pk)
    if side not in SIDES:
        return HttpResponse("Unknown side.", status=404)
    existing = set(draft.groups.filter(side=side).values_list("name", flat=True))
    form = AddGroupForm(request.POST, existing=existing)
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
    draft = get_draft_for_user(request, pk)
    group = _get_group(draft, group_id)
    side = group.side
    editing.remove_group(group)
    state = designer_state(draft)
    draft.record_findings(state.findings)
    if not request.htmx:
        return _back_to_designer(draft, f"side-{side}")
    return _changed(render(request, f"{DESIGNER}#side", _designer_context(request, state, side=state.sides[side])))

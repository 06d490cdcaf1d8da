"""The designer's changes, one input or group at a time, each under the draft's lock.

Every change view answers an htmx request with the region it changed, drawn by the designer's
own region functions, and a plain form post with a redirect back to the place it changed (or,
refused, the whole page as GET draws it, with the message beside the field).
"""

from __future__ import annotations

import functools
from collections.abc import Callable
from typing import Any

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.db import transaction
from django.db.models import Q
from django.http import HttpResponse, HttpResponseRedirect
from django.shortcuts import get_object_or_404, redirect
from django.urls import reverse
from django.views.decorators.http import require_POST
from django_htmx.http import reswap, retarget, trigger_client_event

from cdmweb.jobs import editing
from cdmweb.jobs.access import EDIT, get_draft_for_user
from cdmweb.jobs.designer import ROW_WINDOW, DesignerState, designer_state
from cdmweb.jobs.forms import AddGroupForm, AddInputForm, EditInputForm, JobHeaderForm
from cdmweb.jobs.models import ConfigGroup, DraftInput, JobDraft
from cdmweb.jobspec.constants import SIDE_KEYS, SIDES

from .common import HtmxRequest, back_to_designer, parse_int
from .designer import (
    PAGE_HEADER,
    SIDES_CHANGED,
    VERSION_HEADER,
    changed,
    conflict,
    group_changed,
    header_form,
    header_values,
    render_page,
    render_region,
    render_rows,
    version_missing,
)


def draft_change(view: Callable[..., HttpResponse] | None = None, *, repeats_refused_value: bool = False) -> Any:
    """For the views that change a draft: checks the user may edit it and that the page saw the
    current version (the optimistic lock), all in one transaction with the change itself. The
    page sends the version it knows (header from htmx, hidden field from a plain form); the
    answer carries the new one. Passes the draft instead of its pk. ``repeats_refused_value``:
    a refused change's banner repeats the value typed (only an edit of a value types one; the
    row's other buttons post the row's form, stored value included)."""
    if view is None:
        return functools.partial(draft_change, repeats_refused_value=repeats_refused_value)

    @functools.wraps(view)
    def wrapper(request: HtmxRequest, pk: int, **kwargs: Any) -> HttpResponse:
        with transaction.atomic():
            draft = get_draft_for_user(request, pk, EDIT)
            seen = parse_int(request.headers.get(VERSION_HEADER) or request.POST.get("version"))
            if not seen:
                return version_missing(request, draft)
            # The page saw the current version, or every change since was its own (its requests
            # overlap: a change, then the preview refresh, then the next change). The UPDATE also
            # locks the row until the change commits.
            page = request.headers.get(PAGE_HEADER, "")[:32]
            current = Q(version=seen) | Q(last_change_page=page) if page else Q(version=seen)
            if not JobDraft.objects.filter(current, pk=draft.pk).update(last_change_page=page):
                draft.refresh_from_db(fields=["version"])
                typed_into = kwargs.get("input_id") if repeats_refused_value else None
                return conflict(request, draft, seen, typed_into)
            response = view(request, draft, **kwargs)
        response[VERSION_HEADER] = str(draft.version)
        return response

    return login_required(require_POST(wrapper))


def _recorded(request: HtmxRequest, draft: JobDraft, detail: str) -> DesignerState:
    """The draft as the change left it, with the change recorded (``JobDraft.record_change``),
    validated once for both."""
    state = designer_state(draft)
    draft.record_change(request.user, detail=detail, findings=state.findings, job=state.job)
    return state


def _get_input(draft: JobDraft, input_id: int) -> DraftInput:
    return get_object_or_404(DraftInput.objects.select_related("group"), pk=input_id, draft=draft)


def _get_group(draft: JobDraft, group_id: int) -> ConfigGroup:
    return get_object_or_404(ConfigGroup, pk=group_id, draft=draft)


def _back_to_input(draft: JobDraft, item: DraftInput) -> HttpResponseRedirect:
    """After a plain form post about one row: back to that row, drawing every row when it lies
    past the window a group draws up front (without JavaScript the rest never loads)."""
    before = DraftInput.objects.filter(group_id=item.group_id, position__lt=item.position).count()
    url = reverse("designer", args=[draft.pk])
    return redirect(f"{url}{'?all=1' if before >= ROW_WINDOW else ''}#input-{item.pk}")


@draft_change
def header_update(request: HtmxRequest, draft: JobDraft) -> HttpResponse:
    form = JobHeaderForm(request.POST, current=header_values(draft), auto_id="header_%s")
    if not form.is_valid():
        if not request.htmx:
            return render_page(request, draft, header_form=form)
        return render_region(request, designer_state(draft), "header", header_form=form)
    fields = editing.update_header(draft, form.cleaned_data)
    detail = "header: " + ", ".join(f for f in fields if f != "extra")
    state = _recorded(request, draft, detail) if fields else designer_state(draft)
    if not request.htmx:
        messages.success(request, "Saved.")
        return back_to_designer(draft)
    response = render_region(request, state, "header", header_form=header_form(draft), header_saved=True)
    connectors_changed = {"from_connector", "to_connector"} & set(fields)
    return changed(response, *([SIDES_CHANGED] if connectors_changed else []))


@draft_change
def input_add(request: HtmxRequest, draft: JobDraft, group_id: int) -> HttpResponse:
    group = _get_group(draft, group_id)
    existing = set(group.inputs.values_list("name", flat=True))
    form = AddInputForm(request.POST, group_name=group.name, existing=existing)
    if not form.is_valid():
        errors = {"group_errors": {group.id: [message for field in form.errors.values() for message in field]}}
        if not request.htmx:
            return render_page(request, draft, **errors)
        state = designer_state(draft)
        return render_region(request, state, "group-footer", panel=state.panels_by_id[group.id], **errors)
    name = form.cleaned_data["name"]
    value = form.cleaned_data["value"] or editing.default_value(draft, group, name)
    item = editing.add_input(draft, group, name, value)
    state = _recorded(request, draft, f"added {name} to {group.name}")
    if not request.htmx:
        return _back_to_input(draft, item)
    # The new row goes at the end of the group's rows; the footer (picker, findings) reloads itself.
    row = render_rows(request, state, [state.rows_by_id[item.pk]])
    return changed(reswap(retarget(row, f"#rows-{group.pk}"), "beforeend"), group_changed(group.pk))


@draft_change(repeats_refused_value=True)
def input_update(request: HtmxRequest, draft: JobDraft, input_id: int) -> HttpResponse:
    item = _get_input(draft, input_id)
    form = EditInputForm(request.POST)
    if not form.is_valid():
        errors = {"row_errors": {item.pk: form.errors["value"]}}
        if not request.htmx:
            # The row's message must be on the page even when the row lies past the window.
            return render_page(request, draft, window=None, **errors)
        state = designer_state(draft)
        return render_rows(request, state, [state.rows_by_id[item.pk]], **errors)
    value = form.cleaned_data["value"]
    # An untouched password box posts nothing: keep what is stored, as it is stored. A value
    # posted unchanged (Enter, then the change event) is not a change: no new version, no event.
    unchanged = (value == "" and request.POST.get("keep_secret")) or (value == item.value and not item.value_is_json)
    if unchanged:
        state = designer_state(draft)
    else:
        editing.update_input(item, value)
        state = _recorded(request, draft, f"set {item.name}")
    if not request.htmx:
        return _back_to_input(draft, item)
    row = state.rows_by_id[item.pk]
    rows = [row]
    events = []
    if row.controls:
        # Inputs that apply only for some values of this one are redrawn too, and the picker
        # reloads, since what applies has changed.
        panel = state.panels_by_id[item.group_id]
        rows += [other for other in panel.rows if other.spec and any(c.input == item.name for c in other.spec.when)]
        events.append(group_changed(item.group_id))
    elif state.panels_by_id[item.group_id].schedule is not None:
        events.append(group_changed(item.group_id))  # the schedule editor tells the new schedule
    return changed(render_rows(request, state, rows, saved_input=item.pk), *events)


@draft_change
def input_delete(request: HtmxRequest, draft: JobDraft, input_id: int) -> HttpResponse:
    item = _get_input(draft, input_id)
    group_id = item.group_id
    editing.remove_input(item)
    _recorded(request, draft, f"removed {item.name}")
    if not request.htmx:
        return back_to_designer(draft, f"group-{group_id}")
    return changed(HttpResponse(""), group_changed(group_id))  # the row swaps itself out


@draft_change
def input_move(request: HtmxRequest, draft: JobDraft, input_id: int) -> HttpResponse:
    item = _get_input(draft, input_id)
    direction = request.POST.get("direction")
    if direction not in ("up", "down"):
        if not request.htmx:
            return render_page(request, draft, window=None, row_errors={item.pk: ["Move up or down."]})
        return HttpResponse("Move up or down.", status=400)
    neighbour = editing.move_input(item, direction)
    if neighbour is not None:
        _recorded(request, draft, f"moved {item.name} {direction}")
    if not request.htmx:
        return _back_to_input(draft, item)
    response = HttpResponse("")
    if neighbour is not None:
        # The page moves the row itself (static/cdmweb/app.js): nothing else on it changes.
        trigger_client_event(response, "input-moved", {"row": item.pk, "other": neighbour.pk, "direction": direction})
    return changed(response)


@draft_change
def group_add(request: HtmxRequest, draft: JobDraft, side: str) -> HttpResponse:
    if side not in SIDES:
        return HttpResponse("Unknown side.", status=404)
    existing = set(draft.groups.filter(side=side).values_list("name", flat=True))
    form = AddGroupForm(request.POST, existing=existing, raw_side=SIDE_KEYS[side] in draft.extra)
    if not form.is_valid():
        errors = {"side_errors": {side: form.errors["name"]}}
        if not request.htmx:
            return render_page(request, draft, **errors)
        state = designer_state(draft)
        return render_region(request, state, "side", side=state.sides[side], **errors)
    group = editing.add_group(draft, side, form.cleaned_data["name"])
    state = _recorded(request, draft, f"added group {group.name} ({side})")
    if not request.htmx:
        return back_to_designer(draft, f"group-{group.pk}")
    return changed(render_region(request, state, "side", side=state.sides[side]))


@draft_change
def group_delete(request: HtmxRequest, draft: JobDraft, group_id: int) -> HttpResponse:
    group = _get_group(draft, group_id)
    side = group.side
    editing.remove_group(group)
    state = _recorded(request, draft, f"removed group {group.name} ({side})")
    if not request.htmx:
        return back_to_designer(draft, f"side-{side}")
    return changed(render_region(request, state, "side", side=state.sides[side]))

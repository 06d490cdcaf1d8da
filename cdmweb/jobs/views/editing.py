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
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils.translation import gettext
from django.views.decorators.http import require_POST
from django_htmx.http import reswap, retarget, trigger_client_event

from cdmweb.catalog.registry import get_catalog
from cdmweb.jobs import editing
from cdmweb.jobs.access import EDIT, get_draft_for_user
from cdmweb.jobs.designer import ROW_WINDOW, DesignerState, designer_state
from cdmweb.jobs.forms import INPUT_NAME, AddGroupForm, AddInputForm, EditInputForm, JobHeaderForm
from cdmweb.jobs.input_search import documented_groups
from cdmweb.jobs.models import ConfigGroup, DraftInput, JobDraft
from cdmweb.jobspec.constants import SIDE_KEYS, SIDE_LABELS, SIDES
from cdmweb.jobspec.masking import is_secret
from cdmweb.jobspec.pairing import taken_by_job_type

from .common import HtmxRequest, back_to_designer, parse_int
from .designer import (
    DESIGNER,
    INPUT_ADDED,
    INPUT_SET,
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


def recorded(request: HtmxRequest, draft: JobDraft, detail: str) -> DesignerState:
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
    state = recorded(request, draft, detail) if fields else designer_state(draft)
    if not request.htmx:
        messages.success(request, gettext("Saved."))
        return back_to_designer(draft)
    response = render_region(request, state, "header", header_form=header_form(draft), header_saved=True)
    connectors_changed = {"from_connector", "to_connector"} & set(fields)
    return changed(response, *([SIDES_CHANGED] if connectors_changed else []))


def _added(
    request: HtmxRequest, draft: JobDraft, item: DraftInput, detail: str, *, new_group: bool, value_set: bool = False
) -> HttpResponse:
    """After an input was added: back to its row (a plain post), or the row appended to its group,
    or the side redrawn when the group is new. Then the page focuses the new value, or, when the
    find box set it too (``value_set``), stays in the box for the next one."""
    state = recorded(request, draft, detail)
    if not request.htmx:
        return _back_to_input(draft, item)
    group_id = item.group_id
    if new_group:
        side = state.sides[item.group.side]
        response = retarget(render_region(request, state, "side", side=side), f"#side-{side.side}")
        response = reswap(response, "outerHTML")
    else:
        # The new row goes at the end of the group's rows; the footer (picker, findings) reloads itself.
        row = render_rows(request, state, [state.rows_by_id[item.pk]])
        response = reswap(retarget(row, f"#rows-{group_id}"), "beforeend")
    if value_set:
        trigger_client_event(response, INPUT_SET, {"row": item.pk, "name": item.name}, after="settle")
    else:
        trigger_client_event(response, INPUT_ADDED, {"row": item.pk}, after="settle")
    return changed(response, group_changed(group_id))


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
    return _added(request, draft, item, f"added {name} to {group.name}", new_group=False)


@draft_change
def find_add(request: HtmxRequest, draft: JobDraft) -> HttpResponse:
    """The find box's Enter: add the input picked (to its group, created if needed) and focus its
    value; or, with ``name=value`` typed, set the value as well (of an input already there too)
    and stay in the box for the next one. The same checks as the group's own add form and a row's
    edit: a usable name, a value the row would take, a side the designer can edit."""
    side, name = request.POST.get("side", ""), request.POST.get("name", "").strip()[:255]
    value = request.POST.get("value")
    custom = bool(request.POST.get("custom"))
    catalog = get_catalog()
    spec = catalog.spec(getattr(draft, f"{side}_connector", None), side, name) if side in SIDES else None
    group_name = name.split(".", 1)[0]
    group = draft.groups.filter(side=side, name=group_name).first() if side in SIDES else None
    side_word = gettext(SIDE_LABELS[side]).lower() if side in SIDES else gettext("job")
    if side in SIDES and SIDE_KEYS[side] in draft.extra:
        message = gettext("This draft's %(side)s has a shape the designer cannot edit.") % {"side": side_word}
        return _find_refused(request, draft, message)
    if spec is None and not (custom and group is not None and INPUT_NAME.fullmatch(name)):
        if name:
            message = gettext("%(name)s is not a documented input of this draft's %(side)s.")
        else:
            message = gettext("That is not a documented input of this draft's %(side)s.")
        return _find_refused(request, draft, message % {"name": name, "side": side_word})
    if spec is not None and group_name not in documented_groups(side, catalog):
        message = gettext("%(name)s belongs in %(group)s, which is not a group of this side.")
        return _find_refused(request, draft, message % {"name": name, "group": group_name})
    if spec is not None and not taken_by_job_type(spec, draft.job_type, catalog):
        message = gettext("A %(job_type)s job does not take %(name)s.")
        return _find_refused(request, draft, message % {"job_type": draft.job_type, "name": name})
    if value is not None:
        if is_secret(spec, name):
            message = gettext("Type %(name)s in its own box, where a secret is masked, not here.") % {"name": name}
            return _find_refused(request, draft, message, drop_value=True)
        form = EditInputForm({"value": value})
        if not form.is_valid():
            return _find_refused(request, draft, " ".join(form.errors["value"]))
        value = form.cleaned_data["value"]
    item = group.inputs.filter(name=name).first() if group is not None else None
    if item is not None:
        if value is None:
            message = gettext("%(name)s is already in %(group)s.") % {"name": name, "group": group_name}
            return _find_refused(request, draft, message)
        return _set_from_find(request, draft, item, value)
    new_group = group is None
    if group is None:
        group = editing.add_group(draft, side, group_name)
    item = editing.add_input(draft, group, name, editing.default_value(draft, group, name) if value is None else value)
    detail = f"added {name} to {group.name}"
    return _added(request, draft, item, detail, new_group=new_group, value_set=value is not None)


def _set_from_find(request: HtmxRequest, draft: JobDraft, item: DraftInput, value: str) -> HttpResponse:
    """``name=value`` for an input the draft has: the edit the row would make, its row redrawn."""
    if value != item.value or item.value_is_json:
        editing.update_input(item, value)
        state = recorded(request, draft, f"set {item.name}")
    else:
        state = designer_state(draft)
    if not request.htmx:
        return _back_to_input(draft, item)
    response = render_rows(request, state, [state.rows_by_id[item.pk]], saved_input=item.pk)
    response = reswap(retarget(response, f"#input-{item.pk}"), "outerHTML")
    trigger_client_event(response, INPUT_SET, {"row": item.pk, "name": item.name}, after="settle")
    return changed(response)


def _find_refused(request: HtmxRequest, draft: JobDraft, message: str, *, drop_value: bool = False) -> HttpResponse:
    """Said under the find box. ``drop_value``: the page also clears what was typed after '=' (a
    secret must not stay on screen in plain text)."""
    if not request.htmx:
        return render_page(request, draft, status=400, find_error=message)
    response = render(request, f"{DESIGNER}#find-error", {"find_error": message})
    if drop_value:
        trigger_client_event(response, "find-drop-value")
    return reswap(retarget(response, "#find-status"), "outerHTML")


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
        state = recorded(request, draft, f"set {item.name}")
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
    token = editing.remove_input_for_undo(item)
    recorded(request, draft, f"removed {item.name}")
    if not request.htmx:
        url = reverse("designer", args=[draft.pk])
        return redirect(f"{url}?undo={token}#group-{group_id}")
    # The row gives way to a line that offers Undo for a few seconds.
    response = render(request, f"{DESIGNER}#removed-row", {"draft": draft, "undo": removed(token, item.name)})
    return changed(response, group_changed(group_id))


def removed(token: str, name: str) -> dict[str, Any]:
    """An Undo line drawn in the removed row's place (``inline``: its Undo swaps the row back in)."""
    return {"token": token, "name": name, "seconds": editing.UNDO_SECONDS, "inline": True}


@draft_change
def input_restore(request: HtmxRequest, draft: JobDraft) -> HttpResponse:
    """Undo a removal: the input goes back where it was, with its value (a secret included)."""
    token = request.POST.get("token", "")
    try:
        item = editing.restore_input(draft, token)
    except editing.CannotRestore as refusal:
        if not request.htmx:
            messages.error(request, str(refusal))
            return back_to_designer(draft)
        context = {"draft": draft, "undo": {"token": token, "name": "", "error": str(refusal)}}
        return render(request, f"{DESIGNER}#removed-row", context)
    state = recorded(request, draft, f"restored {item.name}")
    if not request.htmx:
        return _back_to_input(draft, item)
    # The row takes its Undo line's place, which is where it was; the group's other Undo lines stay.
    response = render_rows(request, state, [state.rows_by_id[item.pk]])
    trigger_client_event(response, INPUT_ADDED, {"row": item.pk}, after="settle")
    return changed(response, group_changed(item.group_id))


@draft_change
def input_move(request: HtmxRequest, draft: JobDraft, input_id: int) -> HttpResponse:
    item = _get_input(draft, input_id)
    direction = request.POST.get("direction")
    if direction not in ("up", "down"):
        if not request.htmx:
            return render_page(request, draft, window=None, row_errors={item.pk: [gettext("Move up or down.")]})
        return HttpResponse(gettext("Move up or down."), status=400)
    neighbour = editing.move_input(item, direction)
    if neighbour is not None:
        recorded(request, draft, f"moved {item.name} {direction}")
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
        return HttpResponse(gettext("Unknown side."), status=404)
    existing = set(draft.groups.filter(side=side).values_list("name", flat=True))
    form = AddGroupForm(request.POST, existing=existing, raw_side=SIDE_KEYS[side] in draft.extra)
    if not form.is_valid():
        errors = {"side_errors": {side: form.errors["name"]}}
        if not request.htmx:
            return render_page(request, draft, **errors)
        state = designer_state(draft)
        return render_region(request, state, "side", side=state.sides[side], **errors)
    group = editing.add_group(draft, side, form.cleaned_data["name"])
    state = recorded(request, draft, f"added group {group.name} ({side})")
    if not request.htmx:
        return back_to_designer(draft, f"group-{group.pk}")
    return changed(render_region(request, state, "side", side=state.sides[side]))


@draft_change
def group_delete(request: HtmxRequest, draft: JobDraft, group_id: int) -> HttpResponse:
    group = _get_group(draft, group_id)
    side = group.side
    editing.remove_group(group)
    state = recorded(request, draft, f"removed group {group.name} ({side})")
    if not request.htmx:
        return back_to_designer(draft, f"side-{side}")
    return changed(render_region(request, state, "side", side=state.sides[side]))

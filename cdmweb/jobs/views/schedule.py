"""The schedule editor: sets the driver's schedulerConfig inputs in one change, and the macro
preview's run time, which only draws and never saves."""

from __future__ import annotations

from typing import Any

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import HttpResponse
from django.shortcuts import get_object_or_404, render
from django.urls import reverse
from django.utils.translation import gettext
from django.views.decorators.http import require_GET

from cdmweb.catalog.input_types import input_type
from cdmweb.catalog.registry import get_catalog
from cdmweb.jobs import editing
from cdmweb.jobs.access import get_draft_for_user
from cdmweb.jobs.designer import DesignerState, InputRow, designer_state, parse_run_time, posted_schedule_fields
from cdmweb.jobs.models import ConfigGroup, DraftInput, JobDraft
from cdmweb.jobspec import schedule

from .common import HtmxRequest, back_to_designer
from .designer import DESIGNER, changed, render_page, render_region
from .editing import draft_change, recorded


def _refused(request: HtmxRequest, draft: JobDraft, errors: dict[str, str]) -> HttpResponse:
    """The editor again with the fields as typed and a message on each wrong one; nothing saved."""
    extra: dict[str, Any] = {"schedule_errors": errors, "schedule_form": posted_schedule_fields(request.POST)}
    if not request.htmx:
        return render_page(request, draft, status=400, **extra)
    state = designer_state(draft)
    return render_region(request, state, "side", side=state.sides["driver"], **extra)


@draft_change
def schedule_update(request: HtmxRequest, draft: JobDraft, group_id: int) -> HttpResponse:
    group = get_object_or_404(ConfigGroup, pk=group_id, draft=draft, side="driver", name=schedule.GROUP)
    form = schedule.check_form(request.POST)
    if not form.valid:
        return _refused(request, draft, form.errors)
    existing = {item.name: item for item in group.inputs.order_by("position")}
    changed_names = []
    for name in schedule.EDITED:
        if name not in form.values:
            continue
        value, item = form.values[name], existing.get(name)
        if value is None:
            if item is not None:
                editing.remove_input(item)
                changed_names.append(name)
        elif item is None:
            editing.add_input(draft, group, name, value)
            changed_names.append(name)
        elif item.value != value or item.value_is_json:
            editing.update_input(item, value)
            changed_names.append(name)
    state: DesignerState
    if changed_names:
        short = ", ".join(name.split(".", 1)[1] for name in changed_names)
        state = recorded(request, draft, f"set the schedule: {short}")
    else:
        state = designer_state(draft)
    if not request.htmx:
        messages.success(
            request, gettext("Schedule saved.") if changed_names else gettext("The schedule was already so.")
        )
        return back_to_designer(draft, f"group-{group.pk}")
    response = render_region(request, state, "side", side=state.sides["driver"], schedule_saved=True)
    return changed(response) if changed_names else response


@login_required
@require_GET
def macro_preview(request: HtmxRequest, pk: int, input_id: int) -> HttpResponse:
    """One value's macros resolved at the run time the user picked (htmx; a plain GET of the
    designer does the same for the whole page). Reads only the one input: no draft-wide state."""
    draft = get_draft_for_user(request, pk)
    item = get_object_or_404(DraftInput.objects.select_related("group"), pk=input_id, draft=draft)
    side = item.group.side
    connector = getattr(draft, f"{side}_connector", None) if side != "driver" else None
    spec = get_catalog().spec(connector, side, item.name)
    url = reverse("designer", args=[draft.pk]) + "inputs/"
    row = InputRow(item=item, spec=spec, kind=input_type(spec), url=url)
    if row.macros is None:
        return HttpResponse(status=204)
    at = parse_run_time(request.GET.get("at", ""))
    if at is not None:
        row.macros.pick(at)
    context = {"draft": draft, "row": row, "macro_time_error": at is None and bool(request.GET.get("at"))}
    return render(request, f"{DESIGNER}#macro-block", context)

from __future__ import annotations

import functools
import uuid
from collections.abc import Callable
from typing import Any

from django.conf import settings
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.cache import cache
from django.core.exceptions import PermissionDenied
from django.core.paginator import Page, Paginator
from django.db import transaction
from django.db.models import Q
from django.http import Http404, HttpRequest, HttpResponse, HttpResponseRedirect
from django.shortcuts import get_object_or_404, redirect, render
from django.template.loader import render_to_string
from django.urls import reverse
from django.utils.functional import cached_property
from django.utils.text import slugify
from django.views.decorators.http import require_GET, require_POST
from django_htmx.http import HttpResponseClientRedirect, reswap, retarget, trigger_client_event
from django_htmx.middleware import HtmxDetails

from cdmweb.accounts.access import COMMENT, EDIT, MANAGE, OWNER, REVIEW, allows, get_draft_for_user, role_for
from cdmweb.catalog.registry import SIDES, is_secret_name
from cdmweb.cdm.errors import CdmError

from . import audit, editing, reviewing, submitting, tasks
from .designer import ROW_WINDOW, DesignerState, InputRow, designer_state, masked_job
from .diffing import diff_jobs, masked
from .forms import (
    AddGroupForm,
    AddInputForm,
    CommentForm,
    CreateDraftForm,
    EditInputForm,
    ImportForm,
    JobHeaderForm,
    ReviewDecisionForm,
    ReviewRequestForm,
    ShareForm,
    SubmitForm,
)
from .importing import import_text, parse_clusters
from .models import (
    AuditEvent,
    Comment,
    ConfigGroup,
    DraftInput,
    JobDraft,
    Review,
    Revision,
    Submission,
    Target,
    payload_hash,
)
from .payload import SIDE_KEYS, PayloadError, build_request_body, dumps, parse_job
from .validation import validate_job

DRAFT_CHANGED = "draft-changed"
SIDES_CHANGED = "sides-changed"
PAGE_SIZE = 25
DESIGNER = "jobs/designer.html"


class HtmxRequest(HttpRequest):
    htmx: HtmxDetails


SEARCH_COUNT_CAP = 1000


class KeysFirstPaginator(Paginator):
    """Reads a page's primary keys first, then only those rows: a deep page (OFFSET 99,975) then
    walks the (owner or team, -updated_at, -id) index alone instead of skipping whole rows."""

    def page(self, number: int | str) -> Page:
        number = self.validate_number(number)
        bottom = (number - 1) * self.per_page
        top = bottom + self.per_page
        if top + self.orphans >= self.count:
            top = self.count
        keys = list(self.object_list.values_list("pk", flat=True)[bottom:top])
        # Unordered: with ORDER BY, SQLite walks the whole (owner, -updated_at) index to the 25 keys.
        rows = {row.pk: row for row in self.object_list.order_by().filter(pk__in=keys)}
        return self._get_page([rows[key] for key in keys if key in rows], number, self)


class CappedPaginator(KeysFirstPaginator):
    """Counts search matches only up to a cap ("1,000+"): counting every match of a common word
    in a hundred thousand drafts costs more than the whole page, and nobody pages that far."""

    capped = False

    @cached_property
    def count(self) -> int:
        found = self.object_list[: SEARCH_COUNT_CAP + 1].count()
        self.capped = found > SEARCH_COUNT_CAP
        return min(found, SEARCH_COUNT_CAP)


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
        "role": role,
        "can_edit": allows(role, EDIT),
        "can_manage": allows(role, MANAGE),
        "row_errors": {},
        "group_errors": {},
    }
    context.update(extra)
    return context


def _review_context(request: HttpRequest, state: DesignerState, role: str | None) -> dict[str, Any]:
    """The review panel, the discussion and the sharing control: the full page only."""
    draft = state.draft
    open_review = reviewing.open_review(draft)
    return {
        "open_review": open_review,
        "review_is_current": open_review is not None and open_review.revision.payload_hash == payload_hash(state.job),
        "may_decide": open_review is not None and not reviewing.why_not_reviewer(open_review, request.user),
        "last_approval": reviewing.last_approved(draft),
        "changes_requested": reviewing.pending_changes_request(draft),
        "review_form": ReviewRequestForm(),
        "share_form": ShareForm(initial={"team": draft.team_id}, user=request.user) if role == OWNER else None,
        **_comments_context(draft, role),
    }


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
    extra.setdefault("page_id", uuid.uuid4().hex)
    extra.setdefault("watch_ms", int(settings.CDMWEB_DESIGNER_WATCH_SECONDS * 1000))
    context = _designer_context(request, state, **extra)
    return {
        **_review_context(request, state, context["role"]),
        **context,
        **_preview_context(request, state),
    }


def _changed(response: HttpResponse, *events: str) -> HttpResponse:
    for event in (DRAFT_CHANGED, *events):
        trigger_client_event(response, event)
    return response


VERSION_HEADER = "X-Draft-Version"
PAGE_HEADER = "X-Designer-Page"


def _unsaved_value(request: HtmxRequest, draft: JobDraft, input_id: int) -> dict[str, Any] | None:
    """The input and value a refused edit carried, so the user can make it again after reloading;
    a secret's value is never echoed (secret rows post keep_secret)."""
    item = draft.inputs.filter(pk=input_id).first() if "value" in request.POST else None
    if item is None:
        return None
    secret = is_secret_name(item.name) or bool(request.POST.get("keep_secret"))
    return {"name": item.name, "value": "" if secret else request.POST["value"][:500], "secret": secret}


def _changed_by(request: HttpRequest, draft: JobDraft) -> str:
    last = (
        AuditEvent.objects.filter(draft=draft, action__in=AuditEvent.CHANGES_PAYLOAD)
        .exclude(actor=request.user)
        .values_list("actor_name", flat=True)
        .first()
    )
    return last or "someone else"


def _conflict(request: HtmxRequest, draft: JobDraft, seen: int, input_id: int | None = None) -> HttpResponse:
    """Someone else changed the draft after this page loaded: refuse, say who, offer a reload."""
    context = {"draft": draft, "conflict_by": _changed_by(request, draft), "seen_version": seen}
    context["unsaved"] = _unsaved_value(request, draft, input_id) if input_id else None
    if request.htmx:
        response = render(request, f"{DESIGNER}#conflict", context, status=409)
        return reswap(retarget(response, "#conflict"), "outerHTML")
    state = designer_state(draft)
    return render(request, DESIGNER, _page_context(request, state, **context), status=409)


@login_required
@require_GET
def draft_watch(request: HtmxRequest, pk: int) -> HttpResponse:
    """Polled by an open designer (htmx): 204 while the draft is still what the page shows, or
    changed only by the page itself; else a heads-up naming who changed it, before the user's
    next change would be refused. Never sends the version: the page must not learn it this way."""
    draft = get_draft_for_user(request, pk)
    seen = _int(request.headers.get(VERSION_HEADER))
    page = request.headers.get(PAGE_HEADER, "")[:32]
    if not seen or draft.version == seen or (page and draft.last_change_page == page):
        return HttpResponse(status=204)
    context = {"draft": draft, "conflict_by": _changed_by(request, draft), "seen_version": seen, "heads_up": True}
    return render(request, f"{DESIGNER}#conflict", context)


def draft_change(view: Callable[..., HttpResponse]) -> Callable[..., HttpResponse]:
    """For the views that change a draft: checks the user may edit it and that the page saw the
    current version (the optimistic lock), all in one transaction with the change itself. The
    page sends the version it knows (header from htmx, hidden field from a plain form); the
    answer carries the new one. Passes the draft instead of its pk."""

    @functools.wraps(view)
    def wrapper(request: HtmxRequest, pk: int, **kwargs: Any) -> HttpResponse:
        with transaction.atomic():
            draft = get_draft_for_user(request, pk, EDIT)
            seen = _int(request.headers.get(VERSION_HEADER) or request.POST.get("version"))
            if seen:
                # The page saw the current version, or every change since was its own (its requests
                # overlap: a change, then the preview refresh, then the next change). The UPDATE
                # also locks the row until the change commits.
                page = request.headers.get(PAGE_HEADER, "")[:32]
                current = Q(version=seen) | Q(last_change_page=page) if page else Q(version=seen)
                if not JobDraft.objects.filter(current, pk=draft.pk).update(last_change_page=page):
                    draft.refresh_from_db(fields=["version"])
                    input_id = kwargs.get("input_id") if view.__name__ == "input_update" else None
                    return _conflict(request, draft, seen, input_id)
            response = view(request, draft, **kwargs)
        response[VERSION_HEADER] = str(draft.version)
        return response

    return login_required(require_POST(wrapper))


def _edited(request: HttpRequest, draft: JobDraft, detail: str) -> None:
    audit.record(request.user, AuditEvent.EDITED, draft, detail=detail)


def _back_to_input(draft: JobDraft, item: DraftInput) -> HttpResponseRedirect:
    """After a plain form post about one row: back to that row, drawing every row when it lies
    past the window a group draws up front (without JavaScript the rest never loads)."""
    before = DraftInput.objects.filter(group_id=item.group_id, position__lt=item.position).count()
    url = reverse("designer", args=[draft.pk])
    return redirect(f"{url}{'?all=1' if before >= ROW_WINDOW else ''}#input-{item.pk}")


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
        "team_id",
        "review_state",
    )
    if query:
        drafts = drafts.filter(
            Q(name__icontains=query)
            | Q(from_connector__icontains=query)
            | Q(to_connector__icontains=query)
            | Q(from_link__icontains=query)
            | Q(to_link__icontains=query)
        )
    paginator = CappedPaginator(drafts, PAGE_SIZE) if query else KeysFirstPaginator(drafts, PAGE_SIZE)
    page = paginator.get_page(request.GET.get("page"))
    context = {"page": page, "query": query, "teams": teams, "team": team}
    if not request.htmx:
        context["recent_submissions"] = Submission.objects.filter(user=request.user).select_related("target")[:5]
    template = "jobs/dashboard.html#draft-list" if request.htmx else "jobs/dashboard.html"
    return render(request, template, context)


# --- create, delete, import, export ---------------------------------------------------------


@login_required
def draft_create(request: HttpRequest) -> HttpResponse:
    if request.method == "POST":
        form = CreateDraftForm(request.POST, user=request.user)
        if form.is_valid():
            fields = dict(form.cleaned_data)
            team = fields.pop("team")
            with transaction.atomic():
                draft = editing.create_draft(request.user, **fields)
                if team is not None:
                    draft.team = team
                    draft.save(update_fields=["team"])
                draft.snapshot(request.user, "created")
                audit.record(request.user, AuditEvent.CREATED, draft, detail=f"in {team}" if team else "private")
            messages.success(request, f"Draft “{draft.display_name}” created.")
            return redirect(draft)
    else:
        initial_team = request.user.teams.filter(slug=request.GET.get("team")).first()
        form = CreateDraftForm(initial={"job_type": "NORMAL_JOB", "team": initial_team}, user=request.user)
    return render(request, "jobs/create.html", {"form": form})


@login_required
@require_POST
def draft_delete(request: HttpRequest, pk: int) -> HttpResponse:
    draft = get_draft_for_user(request, pk, MANAGE)
    name = draft.display_name
    with transaction.atomic():
        audit.record(request.user, AuditEvent.DELETED, draft)
        draft.delete()
    messages.success(request, f"Draft “{name}” deleted.")
    if request.htmx:
        return HttpResponseClientRedirect(reverse("dashboard"))
    return redirect("dashboard")


@login_required
def import_view(request: HttpRequest) -> HttpResponse:
    form = ImportForm(request.POST or None, request.FILES or None, user=request.user)
    if request.method == "POST" and form.is_valid():
        try:
            drafts, parsed = import_text(form.cleaned_data["body"], request.user, form.cleaned_data["team"])
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
    job = draft.build()
    # The secrets (passwords, keys) go only to those who may change the draft; viewers get them masked.
    body = build_request_body([job if allows(role_for(request.user, draft), EDIT) else masked_job(job)], clusters)
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


@draft_change
def header_update(request: HtmxRequest, draft: JobDraft) -> HttpResponse:
    form = JobHeaderForm(request.POST, current=_header_values(draft), auto_id="header_%s")
    if not form.is_valid():
        state = designer_state(draft)
        if request.htmx:
            return render(request, f"{DESIGNER}#header", _designer_context(request, state, header_form=form))
        return render(request, DESIGNER, _page_context(request, state, header_form=form))
    changed = editing.update_header(draft, form.cleaned_data)
    state = designer_state(draft)
    if changed:
        draft.record_findings(state.findings, state.job)
        _edited(request, draft, "header: " + ", ".join(f for f in changed if f != "extra"))
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
    # A row's error must be on the page even when the row lies past the window.
    window = None if "row_errors" in errors else ROW_WINDOW
    return render(request, DESIGNER, _page_context(request, designer_state(draft, window=window), **errors))


@draft_change
def input_add(request: HtmxRequest, draft: JobDraft, group_id: int) -> HttpResponse:
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
    draft.record_findings(state.findings, state.job)
    _edited(request, draft, f"added {name} to {group.name}")
    if not request.htmx:
        return _back_to_input(draft, item)
    # The new row goes at the end of the group's rows; the footer (picker, findings) reloads itself.
    response = reswap(
        retarget(_render_rows(request, state, [state.rows_by_id[item.pk]]), f"#rows-{group.pk}"), "beforeend"
    )
    return _changed(response, _group_changed(group.pk))


@draft_change
def input_update(request: HtmxRequest, draft: JobDraft, input_id: int) -> HttpResponse:
    item = _get_input(draft, input_id)
    form = EditInputForm(request.POST)
    if not form.is_valid():
        errors = {"row_errors": {item.pk: form.errors["value"]}}
        if not request.htmx:
            return _page_with_errors(request, draft, **errors)
        state = designer_state(draft)
        return _render_rows(request, state, [state.rows_by_id[item.pk]], **errors)
    value = form.cleaned_data["value"]
    # An untouched password box posts nothing: keep what is stored, as it is stored. A value
    # posted unchanged (Enter, then the change event) is not a change: no new version, no event.
    unchanged = (value == "" and request.POST.get("keep_secret")) or (value == item.value and not item.value_is_json)
    if not unchanged:
        editing.update_input(item, value)
    state = designer_state(draft)
    if not unchanged:
        draft.record_findings(state.findings, state.job)
        _edited(request, draft, f"set {item.name}")
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
        events.append(_group_changed(item.group_id))
    return _changed(_render_rows(request, state, rows, saved_input=item.pk), *events)


@draft_change
def input_delete(request: HtmxRequest, draft: JobDraft, input_id: int) -> HttpResponse:
    item = _get_input(draft, input_id)
    group_id = item.group_id
    editing.remove_input(item)
    state = designer_state(draft)
    draft.record_findings(state.findings, state.job)
    _edited(request, draft, f"removed {item.name}")
    if not request.htmx:
        return _back_to_designer(draft, f"group-{group_id}")
    return _changed(HttpResponse(""), _group_changed(group_id))  # the row swaps itself out


@draft_change
def input_move(request: HtmxRequest, draft: JobDraft, input_id: int) -> HttpResponse:
    item = _get_input(draft, input_id)
    direction = request.POST.get("direction")
    if direction not in ("up", "down"):
        if not request.htmx:
            return _page_with_errors(request, draft, row_errors={item.pk: ["Move up or down."]})
        return HttpResponse("Move up or down.", status=400)
    neighbour = editing.move_input(item, direction)
    state = designer_state(draft)
    if neighbour is not None:
        draft.record_findings(state.findings, state.job)
        _edited(request, draft, f"moved {item.name} {direction}")
    if not request.htmx:
        return _back_to_input(draft, item)
    response = HttpResponse("")
    if neighbour is not None:
        # The page moves the row itself (static/cdmweb/app.js): nothing else on it changes.
        trigger_client_event(response, "input-moved", {"row": item.pk, "other": neighbour.pk, "direction": direction})
    return _changed(response)


@draft_change
def group_add(request: HtmxRequest, draft: JobDraft, side: str) -> HttpResponse:
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
    draft.record_findings(state.findings, state.job)
    _edited(request, draft, f"added group {group.name} ({side})")
    if not request.htmx:
        return _back_to_designer(draft, f"group-{group.pk}")
    return _changed(render(request, f"{DESIGNER}#side", _designer_context(request, state, side=state.sides[side])))


@draft_change
def group_delete(request: HtmxRequest, draft: JobDraft, group_id: int) -> HttpResponse:
    group = _get_group(draft, group_id)
    side = group.side
    editing.remove_group(group)
    state = designer_state(draft)
    draft.record_findings(state.findings, state.job)
    _edited(request, draft, f"removed group {group.name} ({side})")
    if not request.htmx:
        return _back_to_designer(draft, f"side-{side}")
    return _changed(render(request, f"{DESIGNER}#side", _designer_context(request, state, side=state.sides[side])))


# --- submission ------------------------------------------------------------------------------


def _get_submission_for_user(request: HttpRequest, pk: int) -> Submission:
    """The submitter and whoever may view the draft follow a submission; anyone else gets a 404."""
    submission = get_object_or_404(Submission.objects.select_related("target", "draft"), pk=pk)
    if submission.user_id != request.user.pk and (
        submission.draft is None or role_for(request.user, submission.draft) is None
    ):
        raise Http404("No such submission.")
    return submission


@login_required
def submit_view(request: HtmxRequest, pk: int) -> HttpResponse:
    draft = get_draft_for_user(request, pk, EDIT)
    targets = Target.usable_for(draft)
    target = targets.filter(pk=_int(request.POST.get("target") or request.GET.get("target"))).first() or targets.first()
    if target is None:
        messages.error(request, "No CDM target is configured; an admin adds one in the admin.")
        return _back_to_designer(draft)
    waiting_for_clusters = False
    wants_refresh = request.method == "POST" and "refresh" in request.POST
    if wants_refresh or (not target.clusters and request.method == "GET"):
        if tasks.deferred():
            # A worker asks CDM; the page reloads itself until the list is there.
            if cache.add(f"cluster-refresh-{target.pk}", True, 10):
                tasks.refresh_clusters.enqueue(target.pk)
            waiting_for_clusters = not target.clusters
            if wants_refresh and target.clusters:
                messages.info(request, f"Asked {target} for its clusters again; reload in a moment to see changes.")
        else:
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
    job = draft.build()
    findings = [f for f in validate_job(job) if f["status"] == "ERROR"]
    context = {
        "draft": draft,
        "form": form,
        "target": target,
        "errors": findings,
        "gate": reviewing.gate(draft, target, job),
        "waiting_for_clusters": waiting_for_clusters,
    }
    return render(request, "jobs/submit.html", context)


@login_required
@require_GET
def submission_detail(request: HtmxRequest, pk: int) -> HttpResponse:
    submission = _get_submission_for_user(request, pk)
    if request.htmx or request.GET.get("poll"):
        submission = submitting.watch(submission)
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
        "approved": dict(
            draft.reviews.filter(state=Review.APPROVED).values_list("revision__number", "reviewer__username")
        ),
        "activity": draft.audit_events.all()[:200],
    }
    return render(request, "jobs/history.html", context)


@draft_change
def restore(request: HtmxRequest, draft: JobDraft, number: int) -> HttpResponse:
    revision = get_object_or_404(Revision, draft=draft, number=number)
    with transaction.atomic():
        kept = draft.keep_unsaved(request.user, f"before restoring r{number}")
        draft.replace_with(parse_job(revision.payload))
        draft.snapshot(request.user, f"restored revision {number}")
        audit.record(request.user, AuditEvent.RESTORED, draft, detail=f"revision r{number}")
    kept_note = f" What it held before is kept as r{kept.number}." if kept else ""
    messages.success(request, f"Revision {number} restored as a new change.{kept_note}")
    if request.htmx:
        return HttpResponseClientRedirect(draft.get_absolute_url())
    return redirect(draft)


# --- sharing, review, comments ---------------------------------------------------------------


@login_required
@require_POST
def draft_share(request: HttpRequest, pk: int) -> HttpResponse:
    draft = get_draft_for_user(request, pk, EDIT)
    if draft.owner_id != request.user.pk:
        raise PermissionDenied("Only the draft's owner decides whom it is shared with.")
    form = ShareForm(request.POST, user=request.user)
    if not form.is_valid():
        messages.error(request, " ".join(form.errors.get("team", ["Choose a team you edit in, or private."])))
        return _back_to_designer(draft)
    team = form.cleaned_data["team"]
    if reviewing.share(draft, team, request.user):
        messages.success(request, f"Shared with {team}." if team else "The draft is private now.")
    return _back_to_designer(draft)


@login_required
@require_POST
def review_request(request: HttpRequest, pk: int) -> HttpResponse:
    draft = get_draft_for_user(request, pk, EDIT)
    form = ReviewRequestForm(request.POST)
    if not form.is_valid():
        messages.error(request, "The note is too long.")
        return _back_to_designer(draft, "review")
    try:
        reviewing.request_review(draft, request.user, form.cleaned_data["message"])
    except reviewing.ReviewRefused as refusal:
        messages.error(request, str(refusal))
    else:
        messages.success(request, "Review requested: the team's reviewers see it in their queue.")
    return _back_to_designer(draft, "review")


@login_required
@require_GET
def review_queue(request: HttpRequest) -> HttpResponse:
    context = {
        "queue": reviewing.queue_for(request.user)[:200],
        "mine": Review.objects.filter(requested_by=request.user).select_related("draft", "revision", "reviewer")[:20],
    }
    return render(request, "jobs/reviews.html", context)


@login_required
def review_detail(request: HttpRequest, pk: int) -> HttpResponse:
    review = get_object_or_404(
        Review.objects.select_related("draft", "revision", "requested_by", "reviewer", "team"), pk=pk
    )
    draft = get_draft_for_user(request, review.draft_id)
    form = ReviewDecisionForm(request.POST or None)
    if request.method == "POST":
        get_draft_for_user(request, draft.pk, REVIEW)
        reason = reviewing.why_not_reviewer(review, request.user)
        if reason:
            raise PermissionDenied(reason)
        if form.is_valid():
            approve = form.cleaned_data["decision"] == "approve"
            try:
                reviewing.decide(review, request.user, approve=approve, comment=form.cleaned_data["comment"])
            except reviewing.ReviewRefused as refusal:
                form.add_error(None, str(refusal))
            else:
                done = "Approved." if approve else "Changes requested; the author sees your comment."
                messages.success(request, done)
                return redirect("review-queue")
    previous = reviewing.approval_before(review)
    asked = None if previous else reviewing.changes_requested_before(review)
    compared = previous or asked
    base = compared.revision.payload if compared else {}
    current_hash = payload_hash(draft.build())
    context = {
        "review": review,
        "draft": draft,
        "previous": previous,
        "asked": asked,
        "changes": masked(diff_jobs(base, review.revision.payload)),
        "changed_since_request": current_hash != review.revision.payload_hash,
        "form": form,
        "refusal": reviewing.why_not_reviewer(review, request.user),
    }
    return render(request, "jobs/review.html", context)


def _comments_context(draft: JobDraft, role: str | None, form: CommentForm | None = None) -> dict[str, Any]:
    return {
        "draft": draft,
        "can_comment": allows(role, COMMENT),
        "comments": draft.comments.select_related("author")[:200],
        "comment_form": form or CommentForm(),
        "input_anchors": dict(draft.inputs.values_list("name", "id")),
    }


@login_required
@require_POST
def comment_add(request: HtmxRequest, pk: int) -> HttpResponse:
    draft = get_draft_for_user(request, pk, COMMENT)
    form = CommentForm(request.POST, input_names=set(draft.inputs.values_list("name", flat=True)))
    if form.is_valid():
        name = form.cleaned_data["input_name"]
        Comment.objects.create(draft=draft, author=request.user, input_name=name, body=form.cleaned_data["body"])
        audit.record(request.user, AuditEvent.COMMENTED, draft, detail=f"on {name}" if name else "")
        if not request.htmx:
            return _back_to_designer(draft, "comments")
        form = None
    role = role_for(request.user, draft)
    if request.htmx:
        return render(request, f"{DESIGNER}#comments", _comments_context(draft, role, form))
    state = designer_state(draft)
    return render(request, DESIGNER, {**_page_context(request, state), **_comments_context(draft, role, form)})

"""The designer screen: the whole page, its regions (HTMX partials), the preview and the watch.

One template, ``jobs/designer.html``, with a named partial per region. GETs draw the page or a
region; the edit views (``views.editing``) answer with the region they changed, drawn by the same
functions as here, or, for a refused plain form post, with the whole page as GET draws it.
"""

from __future__ import annotations

import uuid
from typing import Any

from django.conf import settings
from django.contrib.auth.decorators import login_required
from django.http import HttpResponse
from django.shortcuts import render
from django.template.loader import render_to_string
from django.urls import reverse
from django.utils.translation import gettext, gettext_noop
from django.views.decorators.http import require_GET, require_POST
from django_htmx.http import reswap, retarget, trigger_client_event

from cdmweb.jobs import editing, reviewing
from cdmweb.jobs.access import COMMENT, EDIT, MANAGE, OWNER, allows, get_draft_for_user, role_for
from cdmweb.jobs.clusters import tasks as cluster_tasks
from cdmweb.jobs.designer import ROW_CHUNK, ROW_WINDOW, DesignerState, InputRow, designer_state, parse_run_time
from cdmweb.jobs.forms import CommentForm, JobHeaderForm, ReviewRequestForm, ShareForm
from cdmweb.jobs.importing import parse_clusters
from cdmweb.jobs.input_search import search_inputs, split_query
from cdmweb.jobs.models import AuditEvent, JobDraft
from cdmweb.jobspec.characters import visible
from cdmweb.jobspec.constants import SIDES
from cdmweb.jobspec.masking import is_secret_name, masked_job
from cdmweb.jobspec.payload import build_request_body, dumps, payload_hash

from .common import HtmxRequest, parse_int

DESIGNER = "jobs/designer.html"
# htmx events: regions that show something derived from the draft refresh themselves on them.
DRAFT_CHANGED = "draft-changed"
SIDES_CHANGED = "sides-changed"
# After settling: focus the value of the input just added (or put back).
INPUT_ADDED = "input-added"
# After settling: a value was set from the find box, which keeps the focus for the next one.
INPUT_SET = "input-set"
VERSION_HEADER = "X-Draft-Version"
# A team member's role as the sharing panel says it ("you are a reviewer").
ROLE_WORDS = {
    "viewer": gettext_noop("viewer"),
    "editor": gettext_noop("editor"),
    "reviewer": gettext_noop("reviewer"),
    "admin": gettext_noop("admin"),
}
PAGE_HEADER = "X-Designer-Page"


def group_changed(group_id: int) -> str:
    return f"group-changed-{group_id}"


def changed(response: HttpResponse, *events: str) -> HttpResponse:
    """Tell the page the draft changed (the preview, findings and review state refresh)."""
    for event in (DRAFT_CHANGED, *events):
        trigger_client_event(response, event)
    return response


# --- regions ---------------------------------------------------------------------------------


def region_context(request: HtmxRequest, state: DesignerState, **extra: Any) -> dict[str, Any]:
    """What every region of the designer needs (one query, for the role), and nothing more."""
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


def render_region(request: HtmxRequest, state: DesignerState, region: str, **extra: Any) -> HttpResponse:
    return render(request, f"{DESIGNER}#{region}", region_context(request, state, **extra))


def render_rows(request: HtmxRequest, state: DesignerState, rows: list[InputRow], **extra: Any) -> HttpResponse:
    """The first row swaps in place; any others go out of band to their own places."""
    html = []
    for index, row in enumerate(rows):
        context = region_context(request, state, row=row, oob=index > 0, **extra)
        html.append(render_to_string(f"{DESIGNER}#input-row", context, request=request))
    return HttpResponse("".join(html))


def header_values(draft: JobDraft) -> dict[str, str | None]:
    return {field: getattr(draft, field) for field in JobHeaderForm.base_fields}


def header_form(draft: JobDraft) -> JobHeaderForm:
    form = JobHeaderForm(initial=header_values(draft), current=header_values(draft), auto_id="header_%s")
    if draft.home_cluster_id:  # the link fields suggest the home cluster's links (a <datalist>)
        for name in ("from_link", "to_link"):
            form.fields[name].widget.attrs["list"] = "link-choices"
    return form


def comments_context(draft: JobDraft, role: str | None, form: CommentForm | None = None) -> dict[str, Any]:
    comments = list(draft.comments.select_related("author")[:200])
    # Only the inputs the comments name: a 500-input draft need not load every input to link none.
    named = {c.input_name for c in comments if c.input_name}
    anchors = dict(draft.inputs.filter(name__in=named).values_list("name", "id")) if named else {}
    return {
        "draft": draft,
        "can_comment": allows(role, COMMENT),
        "comments": comments,
        "comment_form": form or CommentForm(),
        "input_anchors": anchors,
    }


def _review_context(request: HtmxRequest, state: DesignerState, role: str | None) -> dict[str, Any]:
    """The review panel and the sharing control, drawn with the whole page only."""
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
        "role_label": gettext(ROLE_WORDS[role]) if role in ROLE_WORDS else role,
    }


def _preview_context(request: HtmxRequest, state: DesignerState) -> dict[str, Any]:
    form = "random" if request.GET.get("form") == "random" else "create"
    clusters_text = request.GET.get("clusters", "")[:2000]
    clusters = None
    if form == "random":
        clusters = parse_clusters(clusters_text) or ["<cluster-id>"]
    body = build_request_body([masked_job(state.job)], clusters)
    return {
        "preview_form": form,
        "preview_text": visible(dumps(body)),
        "preview_clusters": clusters_text,
        "input_count": len(state.rows_by_id),
    }


def render_page(
    request: HtmxRequest,
    draft: JobDraft,
    *,
    window: int | None = ROW_WINDOW,
    status: int = 200,
    comment_form: CommentForm | None = None,
    find_text: str = "",
    **extra: Any,
) -> HttpResponse:
    """The whole designer: what a GET draws, and what a refused plain form post answers with its
    message in place (``extra``: the errors, a conflict, a header form as posted)."""
    state = designer_state(draft, window=window)
    _apply_macro_pick(request, state)
    extra.setdefault("header_form", header_form(draft))
    context = region_context(request, state, page_id=uuid.uuid4().hex, **extra)
    context.setdefault("watch_ms", int(settings.CDMWEB_DESIGNER_WATCH_SECONDS * 1000))
    role = context["role"]
    context.update(_review_context(request, state, role))
    context.update(comments_context(draft, role, comment_form))
    context.update(_preview_context(request, state))
    context.update(_find_context(draft, find_text))
    undo_token = request.GET.get("undo", "")
    removed_name = editing.removed_input_name(draft, undo_token) if undo_token else None
    if removed_name and context["can_edit"]:  # after a plain form post removed an input: Undo, without JavaScript
        context["undo"] = {"token": undo_token, "name": removed_name, "seconds": editing.UNDO_SECONDS}
    return render(request, DESIGNER, context, status=status)


def _find_context(draft: JobDraft, text: str) -> dict[str, Any]:
    """The find box's list. A value typed as ``name=value`` is echoed only where it would be set,
    and never for a secret (its value belongs in its own masked box)."""
    text = text[:2000]
    name, value = split_query(text)
    matches = search_inputs(draft, text) if name else []
    secret = value is not None and (is_secret_name(name) or any(m.secret for m in matches))
    return {
        "find_query": f"{name}=" if secret else text,
        "find_name": name,
        "find_value": None if secret else value,
        "find_matches": matches,
    }


def _apply_macro_pick(request: HtmxRequest, state: DesignerState) -> None:
    """A plain GET's picked run time for one row's macros (``?macro_input=<id>&macro_at_<id>=…``);
    the page's script asks ``macro-preview`` for the row alone instead."""
    input_id = parse_int(request.GET.get("macro_input"))
    row = state.rows_by_id.get(input_id) if input_id else None
    at = parse_run_time(request.GET.get(f"macro_at_{input_id}", "")) if row is not None else None
    if row is not None and row.macros is not None and at is not None:
        row.macros.pick(at)


# --- GET views -------------------------------------------------------------------------------


@login_required
@require_GET
def designer(request: HtmxRequest, pk: int) -> HttpResponse:
    draft = get_draft_for_user(request, pk)
    window = None if request.GET.get("all") else ROW_WINDOW
    partial = request.GET.get("partial") if request.htmx else None
    if partial == "find":
        context = {"draft": draft, "can_edit": allows(role_for(request.user, draft), EDIT)}
        context.update(_find_context(draft, request.GET.get("find", "")))
        return render(request, f"{DESIGNER}#find-results", context)
    if partial not in ("rows", "sides", "group-footer", "schedule"):
        if cluster_tasks.check_draft_soon(draft):  # a tracked draft: is its job still what was deployed?
            draft.refresh_from_db()
        return render_page(request, draft, window=window)
    state = designer_state(draft, window=window)
    if partial == "rows":
        return _row_window(request, state, parse_int(request.GET.get("group")), parse_int(request.GET.get("offset")))
    if partial == "sides":
        return render_region(request, state, "sides")
    panel = state.panels_by_id.get(parse_int(request.GET.get("group")))  # the group footer or schedule
    if panel is None or (partial == "schedule" and panel.schedule is None):
        return HttpResponse(status=404)
    return render_region(request, state, "schedule-editor" if partial == "schedule" else "group-footer", panel=panel)


def _row_window(request: HtmxRequest, state: DesignerState, group_id: int, offset: int) -> HttpResponse:
    """The next window of a big group's rows, with a loader for the window after it."""
    panel = state.panels_by_id.get(group_id)
    if panel is None:
        return HttpResponse(status=404)
    end = offset + ROW_CHUNK
    next_offset = end if end < len(panel.rows) else 0
    return render_region(
        request, state, "row-chunk", panel=panel, chunk=panel.rows[offset:end], next_offset=next_offset
    )


@login_required
@require_POST
def draft_find(request: HtmxRequest, pk: int) -> HttpResponse:
    """The find box without JavaScript: the whole page with the list. A POST, so that a value typed
    as ``name=value`` never lands in a URL, the browser's history or an access log."""
    draft = get_draft_for_user(request, pk)
    return render_page(request, draft, find_text=request.POST.get("find", ""))


@login_required
@require_GET
def preview(request: HtmxRequest, pk: int) -> HttpResponse:
    draft = get_draft_for_user(request, pk)
    if not request.htmx:
        return render_page(request, draft)
    state = designer_state(draft)
    return render(
        request, f"{DESIGNER}#preview", {**region_context(request, state), **_preview_context(request, state)}
    )


# --- someone else changed the draft ----------------------------------------------------------


def _changed_by(request: HtmxRequest, draft: JobDraft) -> str:
    last = (
        AuditEvent.objects.filter(draft=draft, action__in=AuditEvent.CHANGES_PAYLOAD)
        .exclude(actor=request.user)
        .values_list("actor_name", flat=True)
        .first()
    )
    return last or gettext("Someone else")  # it starts the banner's sentence


def _unsaved_value(request: HtmxRequest, draft: JobDraft, input_id: int) -> dict[str, Any] | None:
    """The input and value a refused edit carried, so the user can make it again after reloading;
    a secret's value is never echoed (secret rows post keep_secret)."""
    item = draft.inputs.filter(pk=input_id).first() if "value" in request.POST else None
    if item is None:
        return None
    secret = is_secret_name(item.name) or bool(request.POST.get("keep_secret"))
    return {"name": item.name, "value": "" if secret else request.POST["value"][:500], "secret": secret}


def conflict(request: HtmxRequest, draft: JobDraft, seen: int, input_id: int | None = None) -> HttpResponse:
    """Someone else changed the draft after this page loaded: refuse, say who, offer a reload."""
    context = {"conflict_by": _changed_by(request, draft), "seen_version": seen}
    context["unsaved"] = _unsaved_value(request, draft, input_id) if input_id else None
    if request.htmx:
        response = render(request, f"{DESIGNER}#conflict", {"draft": draft, **context}, status=409)
        return reswap(retarget(response, "#conflict"), "outerHTML")
    return render_page(request, draft, status=409, **context)


def version_missing(request: HtmxRequest, draft: JobDraft) -> HttpResponse:
    """A change that does not say which version it was made on: refused (428), since applying it
    could overwrite a newer change; the page says so where the conflict banner goes."""
    if request.htmx:
        response = render(request, f"{DESIGNER}#conflict", {"draft": draft, "version_missing": True}, status=428)
        return reswap(retarget(response, "#conflict"), "outerHTML")
    return render_page(request, draft, status=428, version_missing=True)


@login_required
@require_GET
def draft_watch(request: HtmxRequest, pk: int) -> HttpResponse:
    """Polled by an open designer (htmx): 204 while the draft is still what the page shows, or
    changed only by the page itself; else a heads-up naming who changed it, before the user's
    next change would be refused. Never sends the version: the page must not learn it this way."""
    draft = get_draft_for_user(request, pk)
    seen = parse_int(request.headers.get(VERSION_HEADER))
    page = request.headers.get(PAGE_HEADER, "")[:32]
    if not seen or draft.version == seen or (page and draft.last_change_page == page):
        return HttpResponse(status=204)
    context = {"draft": draft, "conflict_by": _changed_by(request, draft), "seen_version": seen, "heads_up": True}
    return render(request, f"{DESIGNER}#conflict", context)

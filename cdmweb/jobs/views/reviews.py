"""History and review: revisions and their diffs, restoring one, sharing a draft, asking for and
deciding reviews, and the discussion beside the designer."""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.http import HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_POST
from django_htmx.http import HttpResponseClientRedirect

from cdmweb.jobs import reviewing
from cdmweb.jobs.access import COMMENT, EDIT, REVIEW, get_draft_for_user, role_for
from cdmweb.jobs.forms import CommentForm, ReviewDecisionForm, ReviewRequestForm, ShareForm
from cdmweb.jobs.models import AuditEvent, Comment, JobDraft, Review, Revision
from cdmweb.jobspec.characters import visible
from cdmweb.jobspec.diffing import diff_jobs, masked_changes
from cdmweb.jobspec.masking import masked_job, secret_values
from cdmweb.jobspec.payload import build_request_body, dumps, payload_hash
from cdmweb.jobspec.validation import validate_job

from .common import HtmxRequest, back_to_designer, parse_int
from .designer import DESIGNER, comments_context, render_page
from .editing import draft_change

ACTIVITY_LIMIT = 200


@login_required
@require_GET
def history(request: HtmxRequest, pk: int) -> HttpResponse:
    draft = get_draft_for_user(request, pk)
    revisions = list(draft.revisions.select_related("author"))
    numbers = {r.number: r for r in revisions}
    older = numbers.get(parse_int(request.GET.get("a")))
    newer = numbers.get(parse_int(request.GET.get("b")))
    left = older.payload if older else (revisions[0].payload if revisions else {})
    right = newer.payload if newer else draft.build()
    context = {
        "draft": draft,
        "revisions": revisions,
        "older": older or (revisions[0] if revisions else None),
        "newer": newer,
        "changes": masked_changes(diff_jobs(left, right)) if revisions else [],
        "approved": dict(
            draft.reviews.filter(state=Review.State.APPROVED).values_list("revision__number", "reviewer__username")
        ),
        "activity": draft.audit_events.all()[:ACTIVITY_LIMIT],
    }
    return render(request, "jobs/history.html", context)


@draft_change
def restore(request: HtmxRequest, draft: JobDraft, number: int) -> HttpResponse:
    revision = get_object_or_404(Revision, draft=draft, number=number)
    kept = draft.restore(revision, request.user)
    if kept:
        text = _("Revision %(number)s restored as a new change. What it held before is kept as r%(kept)s.")
    else:
        text = _("Revision %(number)s restored as a new change.")
    messages.success(request, text % {"number": number, "kept": kept.number if kept else ""})
    if request.htmx:
        return HttpResponseClientRedirect(draft.get_absolute_url())
    return redirect(draft)


@login_required
@require_POST
def draft_share(request: HtmxRequest, pk: int) -> HttpResponse:
    draft = get_draft_for_user(request, pk, EDIT)
    if draft.owner_id != request.user.pk:
        raise PermissionDenied(_("Only the draft's owner decides whom it is shared with."))
    form = ShareForm(request.POST, user=request.user)
    if not form.is_valid():
        messages.error(request, " ".join(form.errors.get("team", [_("Choose a team you edit in, or private.")])))
        return back_to_designer(draft)
    team = form.cleaned_data["team"]
    try:
        if reviewing.share(draft, team, request.user):
            messages.success(
                request, _("Shared with %(team)s.") % {"team": team} if team else _("The draft is private now.")
            )
    except reviewing.ReviewRefused as refusal:
        messages.error(request, str(refusal))
    return back_to_designer(draft)


@login_required
@require_POST
def review_request(request: HtmxRequest, pk: int) -> HttpResponse:
    draft = get_draft_for_user(request, pk, EDIT)
    form = ReviewRequestForm(request.POST)
    if not form.is_valid():
        messages.error(request, _("The note is too long."))
        return back_to_designer(draft, "review")
    try:
        reviewing.request_review(draft, request.user, form.cleaned_data["message"])
    except reviewing.ReviewRefused as refusal:
        messages.error(request, str(refusal))
    else:
        messages.success(request, _("Review requested: the team's reviewers see it in their queue."))
    return back_to_designer(draft, "review")


@login_required
@require_GET
def review_queue(request: HtmxRequest) -> HttpResponse:
    context = {
        "queue": reviewing.queue_for(request.user)[:200],
        "mine": Review.objects.filter(requested_by=request.user).select_related("draft", "revision", "reviewer")[:20],
    }
    return render(request, "jobs/reviews.html", context)


@login_required
def review_detail(request: HtmxRequest, pk: int) -> HttpResponse:
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
                messages.success(
                    request, _("Approved.") if approve else _("Changes requested; the author sees your comment.")
                )
                return redirect("review-queue")
    previous = reviewing.approval_before(review)
    asked = None if previous else reviewing.changes_requested_before(review)
    compared = previous or asked
    base = compared.revision.payload if compared else {}
    # A job pulled from a cluster (or deployed) and never approved here: what changes on the cluster.
    on_cluster = None
    if compared is None and draft.deployed_revision is not None:
        if draft.deployed_revision.number < review.revision.number:
            on_cluster, base = draft.deployed_revision, draft.deployed_revision.payload
    context = {
        "review": review,
        "draft": draft,
        "previous": previous,
        "asked": asked,
        "on_cluster": on_cluster,
        # What CDM would say of exactly this revision: the reviewer approves knowing it.
        "findings": validate_job(review.revision.payload),
        "changes": masked_changes(diff_jobs(base, review.revision.payload)),
        # Exactly what is approved and sent: the revision's payload, only its secret values masked.
        "body_text": visible(dumps(build_request_body([masked_job(review.revision.payload)]))),
        "secret_count": len(secret_values(review.revision.payload)),
        "changed_since_request": payload_hash(draft.build()) != review.revision.payload_hash,
        "form": form,
        "refusal": reviewing.why_not_reviewer(review, request.user),
    }
    return render(request, "jobs/review.html", context)


@login_required
@require_POST
def comment_add(request: HtmxRequest, pk: int) -> HttpResponse:
    draft = get_draft_for_user(request, pk, COMMENT)
    form = CommentForm(request.POST, input_names=set(draft.inputs.values_list("name", flat=True)))
    if form.is_valid():
        name = form.cleaned_data["input_name"]
        Comment.objects.create(draft=draft, author=request.user, input_name=name, body=form.cleaned_data["body"])
        AuditEvent.record(request.user, AuditEvent.Action.COMMENTED, draft, detail=f"on {name}" if name else "")
        if not request.htmx:
            return back_to_designer(draft, "comments")
        form = None
    if not request.htmx:
        return render_page(request, draft, comment_form=form)
    return render(request, f"{DESIGNER}#comments", comments_context(draft, role_for(request.user, draft), form))

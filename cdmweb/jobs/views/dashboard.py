"""The dashboard: your drafts or a team's, searched and paged, and your latest submissions."""

from __future__ import annotations

from django.contrib.auth.decorators import login_required
from django.core.paginator import Page, Paginator
from django.db.models import Q
from django.http import HttpResponse
from django.shortcuts import render
from django.utils.functional import cached_property
from django.views.decorators.http import require_GET

from cdmweb.jobs.models import JobDraft, Submission

from .common import HtmxRequest

PAGE_SIZE = 25
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


LISTED_FIELDS = (
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
    "tracked_name",
    "drift_state",
    "drift_checked_at",
)


@login_required
@require_GET
def dashboard(request: HtmxRequest) -> HttpResponse:
    query = request.GET.get("q", "").strip()[:200]
    teams = list(request.user.teams.all())
    team = next((t for t in teams if t.slug == request.GET.get("team")), None)
    scope = JobDraft.objects.filter(team=team) if team else JobDraft.objects.filter(owner=request.user)
    drafts = scope.only(*LISTED_FIELDS)
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
    if request.htmx:
        return render(request, "jobs/dashboard.html#draft-list", context)
    context["recent_submissions"] = Submission.objects.filter(user=request.user).select_related("target")[:5]
    return render(request, "jobs/dashboard.html", context)

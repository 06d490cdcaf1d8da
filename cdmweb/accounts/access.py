"""Roles and what each allows, and who may see or manage a team.

A member may do what the role allows: viewers view and comment, editors also edit, reviewers also
review, admins also manage. Who may do what to a draft builds on this in ``cdmweb.jobs.access``.
"""

from __future__ import annotations

from django.core.exceptions import PermissionDenied
from django.http import Http404, HttpRequest
from django.shortcuts import get_object_or_404

from .models import ADMIN, EDITOR, REVIEWER, ROLE_RANK, VIEWER, Membership, Team

VIEW, COMMENT, EDIT, REVIEW, MANAGE = "view", "comment", "edit", "review", "manage"
NEEDED_ROLE = {VIEW: VIEWER, COMMENT: VIEWER, EDIT: EDITOR, REVIEW: REVIEWER, MANAGE: ADMIN}
ACTION_WORDS = {VIEW: "view", COMMENT: "comment on", EDIT: "change", REVIEW: "review", MANAGE: "manage"}
# Not a team role: the owner of a draft, who may do everything to it.
OWNER = "owner"


def allows(role: str | None, action: str) -> bool:
    if role == OWNER:
        return True
    return role is not None and ROLE_RANK[role] >= ROLE_RANK[NEEDED_ROLE[action]]


def get_team_for_user(request: HttpRequest, slug: str, action: str = VIEW) -> tuple[Team, str]:
    """The team and the user's role in it; 404 for non-members, 403 when the role is too low."""
    team = get_object_or_404(Team, slug=slug)
    role = Membership.objects.filter(team=team, user=request.user).values_list("role", flat=True).first()
    if role is None:
        raise Http404("No such team.")
    if not allows(role, action):
        raise PermissionDenied(f"As a {role} of this team you cannot {ACTION_WORDS[action]} it; ask a team admin.")
    return team, role

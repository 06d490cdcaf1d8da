"""Roles and what each allows, and who may see or manage a team.

A member may do what the role allows: viewers view and comment, editors also edit, reviewers also
review, admins also manage. Who may do what to a draft builds on this in ``cdmweb.jobs.access``.
"""

from __future__ import annotations

from django.core.exceptions import PermissionDenied
from django.http import Http404, HttpRequest
from django.shortcuts import get_object_or_404
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from .models import ADMIN, EDITOR, REVIEWER, ROLE_RANK, VIEWER, Membership, Team

VIEW, COMMENT, EDIT, REVIEW, MANAGE = "view", "comment", "edit", "review", "manage"
NEEDED_ROLE = {VIEW: VIEWER, COMMENT: VIEWER, EDIT: EDITOR, REVIEW: REVIEWER, MANAGE: ADMIN}
ACTION_WORDS = {
    VIEW: gettext_lazy("view"),
    COMMENT: gettext_lazy("comment on"),
    EDIT: gettext_lazy("change"),
    REVIEW: gettext_lazy("review"),
    MANAGE: gettext_lazy("manage"),
}
# A role inside a sentence ("you are reviewer", "As a viewer of this team …"), lower case.
ROLE_WORDS = {
    VIEWER: gettext_lazy("viewer"),
    EDITOR: gettext_lazy("editor"),
    REVIEWER: gettext_lazy("reviewer"),
    ADMIN: gettext_lazy("admin"),
}
# Not a team role: the owner of a draft, who may do everything to it.
OWNER = "owner"


def allows(role: str | None, action: str) -> bool:
    if role == OWNER:
        return True
    return role is not None and ROLE_RANK[role] >= ROLE_RANK[NEEDED_ROLE[action]]


def role_word(role: str | None) -> str:
    """The role as a sentence names it, in the user's language ("reviewer", "审核人")."""
    return str(ROLE_WORDS.get(role or "", role or ""))


def get_team_for_user(request: HttpRequest, slug: str, action: str = VIEW) -> tuple[Team, str]:
    """The team and the user's role in it; 404 for non-members, 403 when the role is too low."""
    team = get_object_or_404(Team, slug=slug)
    role = Membership.objects.filter(team=team, user=request.user).values_list("role", flat=True).first()
    if role is None:
        raise Http404(_("No such team."))
    if not allows(role, action):
        raise PermissionDenied(
            _("As a %(role)s of this team you cannot %(action)s it; ask a team admin.")
            % {"role": role_word(role), "action": ACTION_WORDS[action]}
        )
    return team, role

"""Who may do what to a draft, decided here and nowhere else.

A draft is private to its owner, or belongs to a team. The owner may do everything; a team
member may do what the role allows (``cdmweb.accounts.access``). Anyone else gets a 404, so
outsiders learn nothing; a member without the right gets a 403 with a plain message. Pages, HTMX
partials, the admin's actions and the commands all ask here.
"""

from __future__ import annotations

from typing import Any

from django.core.exceptions import PermissionDenied
from django.http import Http404, HttpRequest
from django.shortcuts import get_object_or_404
from django.utils.translation import gettext as _

from cdmweb.accounts.access import ACTION_WORDS, COMMENT, EDIT, MANAGE, OWNER, REVIEW, VIEW, allows, role_word
from cdmweb.accounts.models import Membership

from .models import JobDraft


def role_for(user: Any, draft: JobDraft) -> str | None:
    """ "owner", the user's role in the draft's team, or None for an outsider (one query at most).
    The owner of a team draft keeps the owner's rights only while still in the team: whoever is
    removed from a team loses its drafts, their own included (the team's admins keep them)."""
    if draft.team_id is None or not user.is_authenticated:
        return OWNER if user.is_authenticated and draft.owner_id == user.pk else None
    role = Membership.objects.filter(team_id=draft.team_id, user=user).values_list("role", flat=True).first()
    if role is not None and draft.owner_id == user.pk:
        return OWNER
    return role


def can(user: Any, draft: JobDraft, action: str) -> bool:
    return allows(role_for(user, draft), action)


def sees_secrets(user: Any, draft: JobDraft) -> bool:
    """Whether secret values (passwords, keys) of the draft may be shown or handed to ``user``:
    only to those who may change it; viewers see them masked everywhere."""
    return can(user, draft, EDIT)


def refusal(role: str | None, action: str, doing: str | None = None) -> str:
    """What a member whose role does not allow ``action`` is told; "" when it does. ``doing`` names
    what they tried in the interface's words, where that says more than the action ("submit")."""
    if allows(role, action):
        return ""
    return _("As a %(role)s of this team you cannot %(action)s this draft; ask a team admin.") % {
        "role": role_word(role),
        "action": doing or ACTION_WORDS[action],
    }


def get_draft_for_user(request: HttpRequest, pk: int, action: str = VIEW) -> JobDraft:
    """The draft if the user may ``action`` it; 404 for outsiders, 403 for members without the role."""
    draft = get_object_or_404(JobDraft, pk=pk)
    role = role_for(request.user, draft)
    if role is None:
        raise Http404(_("No such draft."))
    reason = refusal(role, action)
    if reason:
        raise PermissionDenied(reason)
    return draft


__all__ = [
    "COMMENT",
    "EDIT",
    "MANAGE",
    "OWNER",
    "REVIEW",
    "VIEW",
    "allows",
    "can",
    "get_draft_for_user",
    "refusal",
    "role_for",
    "sees_secrets",
]

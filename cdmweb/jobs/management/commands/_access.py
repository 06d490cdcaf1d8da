from __future__ import annotations

from typing import Any

from django.contrib.auth import get_user_model
from django.core.management.base import CommandError
from django.utils.translation import gettext as _

from cdmweb.accounts.models import Team
from cdmweb.jobs.access import refusal, role_for
from cdmweb.jobs.models import JobDraft


def draft_and_user(draft_id: str, username: str | None, action: str, verb: str) -> tuple[JobDraft, Any]:
    """The draft and who acts on it (its owner unless ``username``), by the web's rule: an
    outsider learns nothing (exit 2, as the web's 404), a member without the role is told (exit 1)."""
    draft = JobDraft.objects.filter(pk=int(draft_id)).first() if draft_id.isascii() and draft_id.isdigit() else None
    user = draft.owner if draft is not None else None
    if draft is not None and username is not None:
        user = get_user_model().objects.filter(username=username).first()
        if user is None:
            raise CommandError(_("no user named %(name)s") % {"name": repr(username)}, returncode=2)
    role = role_for(user, draft) if draft is not None else None
    if draft is None or role is None:
        raise CommandError(_("no draft with id %(id)s") % {"id": draft_id}, returncode=2)
    if refusal(role, action):
        raise CommandError(refusal(role, action).replace("change", verb).replace("manage", verb), returncode=1)
    return draft, user


def owner_and_team(owner: str, team: str | None) -> tuple[Any, Team | None]:
    """The user named by --owner and the team named by --team (None without it); exit 2 for either unknown."""
    user = get_user_model().objects.filter(username=owner).first()
    if user is None:
        raise CommandError(_("no user named %(name)s") % {"name": repr(owner)}, returncode=2)
    found_team = None
    if team is not None:
        found_team = Team.objects.filter(slug=team).first()
        if found_team is None:
            raise CommandError(_("no team %(team)s") % {"team": repr(team)}, returncode=2)
    return user, found_team

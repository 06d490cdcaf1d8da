from __future__ import annotations

from typing import Any

from django.contrib.auth import get_user_model
from django.core.management.base import CommandError
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from cdmweb.accounts.models import Team
from cdmweb.jobs.access import refusal, role_for
from cdmweb.jobs.models import JobDraft

# What a command does to a draft, as the refusal says it ("you cannot submit this draft").
VERB_WORDS = {
    "submit": gettext_lazy("submit"),
    "start": gettext_lazy("start"),
    "stop": gettext_lazy("stop"),
    "delete": gettext_lazy("delete"),
}


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
    reason = refusal(role, action, str(VERB_WORDS.get(verb, verb)))
    if reason:
        raise CommandError(reason, returncode=1)
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

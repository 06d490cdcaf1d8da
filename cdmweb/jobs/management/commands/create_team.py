from __future__ import annotations

from typing import Any

from django.contrib.auth import get_user_model
from django.core.management.base import CommandError, CommandParser
from django.db import transaction
from django.utils.text import slugify
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from cdmweb.accounts.models import ROLE_RANK, Membership, Team
from cdmweb.jobs.models import AuditEvent

from ._io import PeopleCommand


class Command(PeopleCommand):
    help = gettext_lazy("Create or update a team: create_team SLUG --member USERNAME:ROLE [--member ...]")

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("slug")
        parser.add_argument("--name", help=_("display name (default: the slug)"))
        parser.add_argument(
            "--member",
            action="append",
            default=[],
            help=_("USERNAME:ROLE, role one of %(roles)s") % {"roles": ", ".join(ROLE_RANK)},
        )

    def handle(self, *args: Any, slug: str, name: str | None, member: list[str], **options: Any) -> None:
        if not slug or slugify(slug) != slug:
            raise CommandError(
                _("%(slug)s is not a slug (lower-case letters, digits, - and _)") % {"slug": repr(slug)}, returncode=2
            )
        User = get_user_model()
        wanted: list[tuple[Any, str]] = []
        for item in member:
            username, _colon, role = item.partition(":")
            if role not in ROLE_RANK:
                raise CommandError(
                    _("%(item)s: the role must be one of %(roles)s")
                    % {"item": repr(item), "roles": ", ".join(ROLE_RANK)},
                    returncode=2,
                )
            user = User.objects.filter(username=username).first()
            if user is None:
                raise CommandError(
                    _("%(item)s: no user named %(name)s") % {"item": repr(item), "name": repr(username)}, returncode=2
                )
            wanted.append((user, role))
        with transaction.atomic():
            team, created = Team.objects.get_or_create(slug=slug, defaults={"name": name or slug})
            if name and team.name != name:
                team.name = name
                team.save(update_fields=["name"])
            for user, role in wanted:
                Membership.objects.update_or_create(team=team, user=user, defaults={"role": role})
                AuditEvent.record(
                    None, AuditEvent.Action.MEMBERSHIP, team=team, detail=f"{user.username} is {role} (create_team)"
                )
        roles = ", ".join(f"{m.user.username}:{m.role}" for m in team.memberships.select_related("user"))
        names = {"team": team.slug, "roles": roles or _("no members")}
        self.stdout.write(
            (_("team %(team)s created: %(roles)s") if created else _("team %(team)s updated: %(roles)s")) % names
        )

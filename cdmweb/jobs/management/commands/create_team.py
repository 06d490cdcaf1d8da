from __future__ import annotations

from typing import Any

from django.contrib.auth import get_user_model
from django.core.management.base import BaseCommand, CommandError, CommandParser
from django.db import transaction
from django.utils.text import slugify

from cdmweb.accounts.models import ROLE_RANK, Membership, Team
from cdmweb.jobs.models import AuditEvent


class Command(BaseCommand):
    help = "Create or update a team: create_team SLUG --member USERNAME:ROLE [--member ...]"

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("slug")
        parser.add_argument("--name", help="display name (default: the slug)")
        parser.add_argument(
            "--member", action="append", default=[], help="USERNAME:ROLE, role one of " + ", ".join(ROLE_RANK)
        )

    def handle(self, *args: Any, slug: str, name: str | None, member: list[str], **options: Any) -> None:
        if not slug or slugify(slug) != slug:
            raise CommandError(f"{slug!r} is not a slug (lower-case letters, digits, - and _)", returncode=2)
        User = get_user_model()
        wanted: list[tuple[Any, str]] = []
        for item in member:
            username, _, role = item.partition(":")
            if role not in ROLE_RANK:
                raise CommandError(f"{item!r}: the role must be one of {', '.join(ROLE_RANK)}", returncode=2)
            user = User.objects.filter(username=username).first()
            if user is None:
                raise CommandError(f"{item!r}: no user named {username!r}", returncode=2)
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
        verb = "created" if created else "updated"
        roles = ", ".join(f"{m.user.username}:{m.role}" for m in team.memberships.select_related("user"))
        self.stdout.write(f"team {team.slug} {verb}: {roles or 'no members'}")

from __future__ import annotations

from typing import Any

from django.contrib.auth import get_user_model
from django.core.management.base import BaseCommand, CommandError, CommandParser

from cdmweb.jobs.access import role_for, sees_secrets
from cdmweb.jobs.importing import export_body, parse_clusters
from cdmweb.jobs.models import JobDraft
from cdmweb.jobspec.payload import dumps


class Command(BaseCommand):
    help = 'Print a draft\'s request body: {"jobs": [job]}, or with "clusters" for a random-cluster call.'

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("draft_id", help="the draft's id")
        parser.add_argument("--clusters", help="comma-separated cluster ids: write a random-cluster body")
        parser.add_argument("--user", help="export as this user: only a draft they may view")

    def handle(self, *args: Any, draft_id: str, clusters: str | None, user: str | None, **options: Any) -> None:
        if not draft_id.isdigit():
            raise CommandError(f"{draft_id!r} is not a draft id", returncode=2)
        draft = JobDraft.objects.filter(pk=int(draft_id)).first()
        reveal = True  # whoever runs manage.py without --user has the database anyway
        if draft is not None and user is not None:
            viewer = get_user_model().objects.filter(username=user).first()
            if viewer is None:
                raise CommandError(f"no user named {user!r}", returncode=2)
            if role_for(viewer, draft) is None:
                draft = None  # an outsider learns nothing
            else:
                reveal = sees_secrets(viewer, draft)  # the web export's rule: viewers get them masked
        if draft is None:
            raise CommandError(f"no draft with id {draft_id}", returncode=2)
        pool = parse_clusters(clusters) if clusters is not None else None
        if clusters is not None and not pool:
            raise CommandError("--clusters needs at least one cluster id", returncode=2)
        self.stdout.write(dumps(export_body(draft, pool, reveal_secrets=reveal)))

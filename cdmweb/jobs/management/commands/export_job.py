from __future__ import annotations

from typing import Any

from django.contrib.auth import get_user_model
from django.core.management.base import CommandError, CommandParser
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from cdmweb.jobs.access import role_for, sees_secrets
from cdmweb.jobs.importing import export_body, parse_clusters
from cdmweb.jobs.models import JobDraft
from cdmweb.jobspec.payload import dumps

from ._io import PeopleCommand


class Command(PeopleCommand):
    help = gettext_lazy('Print a draft\'s request body: {"jobs": [job]}, or with "clusters" for a random-cluster call.')

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("draft_id", help=_("the draft's id"))
        parser.add_argument("--clusters", help=_("comma-separated cluster ids: write a random-cluster body"))
        parser.add_argument("--user", help=_("export as this user: only a draft they may view"))

    def handle(self, *args: Any, draft_id: str, clusters: str | None, user: str | None, **options: Any) -> None:
        if not draft_id.isdigit():
            raise CommandError(_("%(id)s is not a draft id") % {"id": repr(draft_id)}, returncode=2)
        draft = JobDraft.objects.filter(pk=int(draft_id)).first()
        reveal = True  # whoever runs manage.py without --user has the database anyway
        if draft is not None and user is not None:
            viewer = get_user_model().objects.filter(username=user).first()
            if viewer is None:
                raise CommandError(_("no user named %(name)s") % {"name": repr(user)}, returncode=2)
            if role_for(viewer, draft) is None:
                draft = None  # an outsider learns nothing
            else:
                reveal = sees_secrets(viewer, draft)  # the web export's rule: viewers get them masked
        if draft is None:
            raise CommandError(_("no draft with id %(id)s") % {"id": draft_id}, returncode=2)
        pool = parse_clusters(clusters) if clusters is not None else None
        if clusters is not None and not pool:
            raise CommandError(_("--clusters needs at least one cluster id"), returncode=2)
        self.stdout.write(dumps(export_body(draft, pool, reveal_secrets=reveal)))

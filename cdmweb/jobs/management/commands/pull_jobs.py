from __future__ import annotations

from typing import Any

from django.core.management.base import CommandError, CommandParser
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from cdmweb.cdm.client import JOB_TYPES
from cdmweb.jobs.clusters import pulling

from ._access import owner_and_team
from ._io import PeopleCommand


class Command(PeopleCommand):
    help = gettext_lazy(
        "Pull a cluster's jobs (every page; all three types unless --job-type) into tracked drafts; "
        "the last line printed is the new draft ids, or 'none'."
    )

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("--target", required=True, help=_("target name, e.g. sandbox"))
        parser.add_argument("--cluster", required=True, help=_("cluster id"))
        parser.add_argument("--owner", required=True, help=_("username that will own the drafts (and pulls)"))
        parser.add_argument("--team", help=_("slug of a team the owner edits in: the drafts go there"))
        parser.add_argument("--filter", default="", help=_("only jobs whose name contains this text"))
        parser.add_argument("--job-type", help=_("only this type: %(types)s") % {"types": ", ".join(JOB_TYPES)})

    def handle(
        self,
        *args: Any,
        target: str,
        cluster: str,
        owner: str,
        team: str | None,
        filter: str,
        job_type: str | None,
        **options: Any,
    ) -> None:
        user, found_team = owner_and_team(owner, team)
        if job_type is not None and job_type not in JOB_TYPES:
            raise CommandError(
                _("unknown job type %(type)s: one of %(types)s")
                % {"type": repr(job_type), "types": ", ".join(JOB_TYPES)},
                returncode=2,
            )
        found = pulling.targets_for(user).filter(name=target).first()
        if found is None:
            raise CommandError(_("no target named %(name)s") % {"name": repr(target)}, returncode=2)
        if not cluster.strip():
            raise CommandError(_("--cluster is empty"), returncode=2)
        try:
            result = pulling.pull(found, cluster.strip(), user, team=found_team, name_filter=filter, job_type=job_type)
        except pulling.PullRefused as refusal:
            raise CommandError(str(refusal), returncode=2) from refusal
        for pulled in result.pulled:
            self.stdout.write(pulled.line)
        if result.error:
            new = " ".join(str(pk) for pk in result.new_ids)
            if new:
                message = _("CDM error: %(error)s (drafts pulled before it are kept: %(ids)s)")
            else:
                message = _("CDM error: %(error)s")
            raise CommandError(message % {"error": result.error, "ids": new}, returncode=2)
        self.stdout.write(" ".join(str(pk) for pk in result.new_ids) or "none")

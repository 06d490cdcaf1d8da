from __future__ import annotations

import uuid
from typing import Any

from django.core.management.base import CommandError, CommandParser
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from cdmweb.jobs.submissions import deployed

from ._access import draft_and_user
from ._io import PeopleCommand


class Command(PeopleCommand):
    help = gettext_lazy(
        "Run, stop or delete the job a tracked draft stands for, on its cluster (the web's role rule applies)."
    )

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("draft_id")
        parser.add_argument("action", choices=[deployed.START, deployed.STOP, deployed.DELETE])
        parser.add_argument("--user", help=_("who acts (default: the draft's owner); their role is checked"))
        parser.add_argument(
            "--var", action="append", default=[], metavar="NAME=VALUE", help=_("a value for a ${NAME} variable (start)")
        )

    def handle(self, *args: Any, draft_id: str, action: str, user: str | None, var: list[str], **options: Any) -> None:
        draft, actor = draft_and_user(draft_id, user, deployed.NEEDS[action], action)
        given = {}
        for item in var:
            name, equals, value = item.partition("=")
            if not equals or not name.strip():
                raise CommandError(_("--var %(item)s: expected NAME=VALUE") % {"item": repr(item)}, returncode=2)
            given[name.strip()] = value
        if given and action != deployed.START:
            raise CommandError(_("--var goes with start only"), returncode=2)
        try:
            if action == deployed.START:
                submission = deployed.run_job(draft, actor, uuid.uuid4().hex, given)
                self.stdout.write(
                    _("submission %(id)s: %(state)s %(job)s")
                    % {"id": submission.pk, "state": submission.state, "job": submission.job_name}
                )
                if submission.terminal:
                    raise CommandError(submission.error_message or submission.state, returncode=1)
                if submission.outcome:
                    self.stdout.write(submission.outcome)
            elif action == deployed.STOP:
                self.stdout.write(deployed.stop_job(draft, actor))
            else:
                self.stdout.write(deployed.delete_job(draft, actor))
        except deployed.ActionRefused as refusal:
            raise CommandError(str(refusal), returncode=1) from refusal

from __future__ import annotations

import uuid
from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser

from cdmweb.jobs.submissions import deployed

from ._access import draft_and_user


class Command(BaseCommand):
    help = "Run, stop or delete the job a tracked draft stands for, on its cluster (the web's role rule applies)."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("draft_id")
        parser.add_argument("action", choices=[deployed.START, deployed.STOP, deployed.DELETE])
        parser.add_argument("--user", help="who acts (default: the draft's owner); their role is checked")
        parser.add_argument(
            "--var", action="append", default=[], metavar="NAME=VALUE", help="a value for a ${NAME} variable (start)"
        )

    def handle(self, *args: Any, draft_id: str, action: str, user: str | None, var: list[str], **options: Any) -> None:
        draft, actor = draft_and_user(draft_id, user, deployed.NEEDS[action], action)
        given = {}
        for item in var:
            name, equals, value = item.partition("=")
            if not equals or not name.strip():
                raise CommandError(f"--var {item!r}: expected NAME=VALUE", returncode=2)
            given[name.strip()] = value
        if given and action != deployed.START:
            raise CommandError("--var goes with start only", returncode=2)
        try:
            if action == deployed.START:
                submission = deployed.run_job(draft, actor, uuid.uuid4().hex, given)
                self.stdout.write(f"submission {submission.pk}: {submission.state} {submission.job_name}")
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

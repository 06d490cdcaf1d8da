from __future__ import annotations

from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser

from cdmweb.cdm.client import JOB_TYPES
from cdmweb.jobs.clusters import pulling

from ._access import owner_and_team


class Command(BaseCommand):
    help = (
        "Pull a cluster's jobs (every page; all three types unless --job-type) into tracked drafts; "
        "the last line printed is the new draft ids, or 'none'."
    )

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("--target", required=True, help="target name, e.g. sandbox")
        parser.add_argument("--cluster", required=True, help="cluster id")
        parser.add_argument("--owner", required=True, help="username that will own the drafts (and pulls)")
        parser.add_argument("--team", help="slug of a team the owner edits in: the drafts go there")
        parser.add_argument("--filter", default="", help="only jobs whose name contains this text")
        parser.add_argument("--job-type", help=f"only this type: {', '.join(JOB_TYPES)}")

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
            raise CommandError(f"unknown job type {job_type!r}: one of {', '.join(JOB_TYPES)}", returncode=2)
        found = pulling.targets_for(user).filter(name=target).first()
        if found is None:
            raise CommandError(f"no target named {target!r}", returncode=2)
        if not cluster.strip():
            raise CommandError("--cluster is empty", returncode=2)
        try:
            result = pulling.pull(found, cluster.strip(), user, team=found_team, name_filter=filter, job_type=job_type)
        except pulling.PullRefused as refusal:
            raise CommandError(str(refusal), returncode=2) from refusal
        for pulled in result.pulled:
            self.stdout.write(pulled.line)
        if result.error:
            new = " ".join(str(pk) for pk in result.new_ids)
            kept = f" (drafts pulled before it are kept: {new})" if new else ""
            raise CommandError(f"CDM error: {result.error}{kept}", returncode=2)
        self.stdout.write(" ".join(str(pk) for pk in result.new_ids) or "none")

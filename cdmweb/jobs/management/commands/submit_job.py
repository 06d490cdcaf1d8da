from __future__ import annotations

import time
import uuid
from typing import Any

from django.core.management.base import CommandError, CommandParser
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from cdmweb.cdm.errors import CdmError
from cdmweb.jobs.access import EDIT
from cdmweb.jobs.models import Submission, Target
from cdmweb.jobs.submissions import submitting, targets
from cdmweb.jobspec.constants import SUCCEEDED, is_running

from ._access import draft_and_user
from ._io import PeopleCommand


class Command(PeopleCommand):
    help = gettext_lazy(
        "Submit a draft to a CDM target: one cluster, or a random pick from a pool; a draft that tracks a job "
        "there updates it. --wait follows the run."
    )

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("draft_id")
        parser.add_argument("--target", required=True, help=_("target name, e.g. sandbox"))
        parser.add_argument("--user", help=_("who submits (default: the draft's owner); their role is checked"))
        where = parser.add_mutually_exclusive_group()
        where.add_argument(
            "--cluster",
            help=_("cluster id: create the job there, then start it (default: the cluster of a tracked job)"),
        )
        where.add_argument("--pool", help=_("comma-separated cluster ids, or 'all' for every running cluster"))
        parser.add_argument(
            "--update",
            action="store_true",
            help=_("the cluster has a job of this name already: update it with the draft"),
        )
        parser.add_argument("--no-start", action="store_true", help=_("update the job without starting it"))
        parser.add_argument("--wait", action="store_true", help=_("poll until SUCCEEDED or FAILED"))
        parser.add_argument("--timeout", type=float, default=600, help=_("seconds --wait waits at most"))

    def handle(
        self,
        *args: Any,
        draft_id: str,
        target: str,
        cluster: str | None,
        pool: str | None,
        wait: bool,
        timeout: float,
        user: str | None,
        update: bool = False,
        no_start: bool = False,
        **options: Any,
    ) -> None:
        draft, submitter = draft_and_user(draft_id, user, EDIT, "submit")
        found = Target.usable_for(draft).filter(name=target).first()
        if found is None:
            raise CommandError(_("no target named %(name)s") % {"name": repr(target)}, returncode=2)
        try:
            submitting.check(draft, found, submitter)  # every local refusal before any call to CDM
        except submitting.SubmissionRefused as refusal:
            raise CommandError(str(refusal), returncode=1) from refusal
        if cluster is None and pool is None:
            if not (draft.tracked and draft.home_target_id == found.pk):
                raise CommandError(_("say where: --cluster ID or --pool IDS (it tracks no job there)"), returncode=2)
            cluster = draft.home_cluster_id
        cluster_ids = None
        if pool is not None:
            try:
                if pool.strip().lower() == "all":
                    cluster_ids = [c["id"] for c in targets.refresh_clusters(found) if is_running(c)]
                else:
                    cluster_ids = [c.strip() for c in pool.split(",") if c.strip()]
            except CdmError as error:
                raise CommandError(
                    _("could not list the clusters: %(error)s") % {"error": error}, returncode=1
                ) from error
            if not cluster_ids:
                raise CommandError(_("the pool is empty: no running cluster to pick from"), returncode=1)
        try:
            submission = submitting.submit(
                draft,
                found,
                submitter,
                uuid.uuid4().hex,
                cluster_id=cluster,
                pool=cluster_ids,
                update=update,
                start=not no_start,
            )
        except submitting.NameTaken as taken:
            raise CommandError(_("%(reason)s (--update updates it)") % {"reason": taken}, returncode=1) from taken
        except submitting.SubmissionRefused as refusal:
            raise CommandError(str(refusal), returncode=1) from refusal
        self.stdout.write(
            _("submission %(id)s: %(state)s %(job)s")
            % {"id": submission.pk, "state": submission.state, "job": submission.job_name}
        )
        for line in (submission.routing_note, submission.outcome):
            if line:
                self.stdout.write(line)
        if submission.state in (Submission.State.REFUSED, Submission.State.ERROR):
            raise CommandError(self._failure(submission), returncode=1)
        if not wait:
            return
        deadline = time.monotonic() + timeout
        last = ""
        while not submission.terminal and time.monotonic() < deadline:
            time.sleep(1)
            submission = submitting.watch(Submission.objects.select_related("target").get(pk=submission.pk))
            line = _("%(status)s %(progress)s%% rows %(rows)s") % {
                "status": submission.cdm_status or submission.state,
                "progress": f"{submission.progress:.0f}",
                "rows": submission.rows_written,
            }
            if line != last:
                self.stdout.write(line)
                last = line
        if submission.cdm_status != SUCCEEDED:
            if not submission.terminal:
                state = submission.cdm_status or submission.state
                raise CommandError(
                    _("still %(state)s after %(seconds)s s") % {"state": state, "seconds": f"{timeout:.0f}"},
                    returncode=1,
                )
            self.stdout.write(submission.cdm_status or submission.state)
            raise CommandError(self._failure(submission), returncode=1)
        self.stdout.write(SUCCEEDED)

    def _failure(self, submission: Submission) -> str:
        meaning = submitting.explain(submission.error_code) if submission.error_code else ""
        code = f"{submission.error_code} " if submission.error_code else ""
        text = f"{code}{submission.error_message or submission.cdm_status or submission.state}"
        return f"{text} ({meaning})" if meaning and meaning not in text else text

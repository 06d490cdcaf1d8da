from __future__ import annotations

from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser

from cdmweb.jobs.clusters import drift
from cdmweb.jobs.models import JobDraft, Target
from cdmweb.jobspec.deployed import change_lines


class Command(BaseCommand):
    help = (
        "Compare tracked drafts with their jobs on the clusters: one line per draft (in sync, drifted "
        "and the differences, or missing on cluster). Exit 0 all in sync, 1 any drifted or missing, 2 bad input."
    )

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("draft_ids", nargs="*", metavar="DRAFT_ID", help="tracked drafts (default: all)")
        parser.add_argument("--target", help="only the drafts tracking jobs of this target")

    def handle(self, *args: Any, draft_ids: list[str], target: str | None, **options: Any) -> None:
        bad = [text for text in draft_ids if not (text.isascii() and text.isdigit() and len(text) < 19)]
        if bad:
            raise CommandError(f"not a draft id: {bad[0]!r}", returncode=2)
        drafts = drift.tracked_drafts().select_related("home_target", "deployed_revision").order_by("pk")
        if target is not None:
            if not Target.objects.filter(name=target).exists():
                raise CommandError(f"no target named {target!r}", returncode=2)
            drafts = drafts.filter(home_target__name=target)
        if draft_ids:
            wanted = {int(text) for text in draft_ids}
            drafts = drafts.filter(pk__in=wanted)
            missing = wanted - set(drafts.values_list("pk", flat=True))
            if missing:
                raise CommandError(f"no tracked draft with id {min(missing)}", returncode=2)
        results = sorted(drift.check(list(drafts)), key=lambda r: r.draft.pk)
        worst = 0
        for result in results:
            draft = result.draft
            head = f"draft {draft.pk} {draft.tracked_name} ({draft.home_target}/{draft.home_cluster_id}):"
            if result.error:
                self.stdout.write(f"{head} {result.error}")
                worst = 2
            elif result.state == JobDraft.Drift.IN_SYNC:
                self.stdout.write(f"{head} in sync")
            elif result.state == JobDraft.Drift.MISSING:
                self.stdout.write(f"{head} missing on cluster")
                worst = max(worst, 1)
            else:
                self.stdout.write(f"{head} drifted")
                for line in change_lines(result.changes):
                    self.stdout.write(f"  {line}")
                worst = max(worst, 1)
        if worst == 2:
            raise CommandError("some drafts could not be checked (CDM error); their state is unchanged", returncode=2)
        if worst == 1:
            raise CommandError("drift found", returncode=1)

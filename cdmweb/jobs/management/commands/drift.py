from __future__ import annotations

from typing import Any

from django.core.management.base import CommandError, CommandParser
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from cdmweb.jobs.clusters import drift
from cdmweb.jobs.models import JobDraft, Target
from cdmweb.jobs.records import shown_record
from cdmweb.jobspec.deployed import change_lines

from ._io import PeopleCommand


class Command(PeopleCommand):
    help = gettext_lazy(
        "Compare tracked drafts with their jobs on the clusters: one line per draft (in sync, drifted "
        "and the differences, or missing on cluster). Exit 0 all in sync, 1 any drifted or missing, 2 bad input."
    )

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("draft_ids", nargs="*", metavar="DRAFT_ID", help=_("tracked drafts (default: all)"))
        parser.add_argument("--target", help=_("only the drafts tracking jobs of this target"))

    def handle(self, *args: Any, draft_ids: list[str], target: str | None, **options: Any) -> None:
        bad = [text for text in draft_ids if not (text.isascii() and text.isdigit() and len(text) < 19)]
        if bad:
            raise CommandError(_("not a draft id: %(id)s") % {"id": repr(bad[0])}, returncode=2)
        drafts = drift.tracked_drafts().select_related("home_target", "deployed_revision").order_by("pk")
        if target is not None:
            if not Target.objects.filter(name=target).exists():
                raise CommandError(_("no target named %(name)s") % {"name": repr(target)}, returncode=2)
            drafts = drafts.filter(home_target__name=target)
        if draft_ids:
            wanted = {int(text) for text in draft_ids}
            drafts = drafts.filter(pk__in=wanted)
            missing = wanted - set(drafts.values_list("pk", flat=True))
            if missing:
                raise CommandError(_("no tracked draft with id %(id)s") % {"id": min(missing)}, returncode=2)
        results = sorted(drift.check(list(drafts)), key=lambda r: r.draft.pk)
        worst = 0
        for result in results:
            draft = result.draft
            head = _("draft %(id)s %(job)s (%(target)s/%(cluster)s):") % {
                "id": draft.pk,
                "job": draft.tracked_name,
                "target": draft.home_target,
                "cluster": draft.home_cluster_id,
            }
            if result.error:
                self.stdout.write(f"{head} {shown_record(result.error)}")
                worst = 2
            elif result.state == JobDraft.Drift.IN_SYNC:
                self.stdout.write(f"{head} {_('in sync')}")
            elif result.state == JobDraft.Drift.MISSING:
                self.stdout.write(f"{head} {_('missing on cluster')}")
                worst = max(worst, 1)
            else:
                self.stdout.write(f"{head} {_('drifted')}")
                for line in change_lines(result.changes):
                    self.stdout.write(f"  {line}")
                worst = max(worst, 1)
        if worst == 2:
            raise CommandError(
                _("some drafts could not be checked (CDM error); their state is unchanged"), returncode=2
            )
        if worst == 1:
            raise CommandError(_("drift found"), returncode=1)

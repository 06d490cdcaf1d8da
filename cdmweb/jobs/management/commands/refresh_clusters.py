from __future__ import annotations

from typing import Any

from django.core.management.base import CommandParser
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from cdmweb.jobs.clusters import drift, inventory
from cdmweb.jobs.models import JobDraft, Target

from ._io import PeopleCommand


class Command(PeopleCommand):
    help = gettext_lazy(
        "Refresh the local copy of every target's clusters (jobs, links, cluster list) and check the "
        "drift of every tracked draft. For cron, beside recover_submissions."
    )

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("--target", help=_("only this target"))

    def handle(self, *args: Any, target: str | None, **options: Any) -> None:
        targets = Target.objects.all() if target is None else Target.objects.filter(name=target)
        for found in targets:
            for result in inventory.refresh_target(found):
                self.stdout.write(f"{found.name} {result.summary}")
        drafts = drift.tracked_drafts().select_related("home_target", "deployed_revision")
        if target is not None:
            drafts = drafts.filter(home_target__name=target)
        results = drift.check(drafts)
        counts: dict[str, int] = {}
        for result in results:
            key = "" if result.error else result.state
            counts[key] = counts.get(key, 0) + 1
        words = dict(JobDraft.Drift.choices)
        summary = ", ".join(f"{n} {words.get(state, state)}" for state, n in sorted(counts.items()))
        self.stdout.write(_("drift: %(summary)s") % {"summary": summary or _("no tracked draft")})

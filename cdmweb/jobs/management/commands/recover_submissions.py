from __future__ import annotations

from typing import Any

from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from cdmweb.jobs.submissions import submitting

from ._io import PeopleCommand


class Command(PeopleCommand):
    help = gettext_lazy(
        "Queue again the submissions whose worker died (a lease that ran out, a poll chain that broke). For cron."
    )

    def handle(self, *args: Any, **options: Any) -> None:
        self.stdout.write(_("%(count)s submission(s) taken up again") % {"count": submitting.recover_stuck()})

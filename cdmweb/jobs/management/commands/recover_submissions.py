from __future__ import annotations

from typing import Any

from django.core.management.base import BaseCommand

from cdmweb.jobs.submissions import submitting


class Command(BaseCommand):
    help = "Queue again the submissions whose worker died (a lease that ran out, a poll chain that broke). For cron."

    def handle(self, *args: Any, **options: Any) -> None:
        self.stdout.write(f"{submitting.recover_stuck()} submission(s) taken up again")

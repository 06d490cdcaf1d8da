from __future__ import annotations

import sys
from typing import Any

from django.core.management.base import CommandError, CommandParser
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from cdmweb.jobspec.payload import PayloadError, build_job, loads_body
from cdmweb.jobspec.validation import ERROR, duplicate_names, validate_job

from ._io import PeopleCommand, read_source


class Command(PeopleCommand):
    help = gettext_lazy(
        "Validate a CDM job body: exit 0 without errors (warnings allowed), 1 with errors, 2 if malformed."
    )

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("path", help=_("a JSON file, or - to read standard input"))

    def handle(self, *args: Any, path: str, **options: Any) -> None:
        text = read_source(path, sys.stdin)
        try:
            parsed = loads_body(text)
        except PayloadError as exc:
            raise CommandError(_("malformed: %(reason)s") % {"reason": exc}, returncode=2) from exc
        bodies = [build_job(job) for job in parsed.jobs]
        errors = 0
        for found in duplicate_names(bodies):
            self.stdout.write(f"body: {found['status']} {found['code']} {found['message']}")
            errors += 1
        for index, body in enumerate(bodies, start=1):
            label = body.get("name") if isinstance(body.get("name"), str) else _("job %(number)s") % {"number": index}
            findings = validate_job(body)
            if not findings:
                self.stdout.write(f"{label}: OK")
            for found in findings:
                code = f" {found['code']}" if found["code"] else ""
                where = f" [{found['input']}]" if found["input"] else ""
                self.stdout.write(f"{label}: {found['status']}{code}{where} {found['message']}")
                errors += found["status"] == ERROR
        if errors:
            raise CommandError(_("%(count)s error(s) found") % {"count": errors}, returncode=1)

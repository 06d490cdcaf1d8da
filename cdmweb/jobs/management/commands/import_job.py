from __future__ import annotations

import sys
from typing import Any

from django.core.management.base import CommandError, CommandParser
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from cdmweb.jobs.forms import teams_to_create_in
from cdmweb.jobs.importing import import_text
from cdmweb.jobspec.payload import PayloadError

from ._access import owner_and_team
from ._io import PeopleCommand, read_source


class Command(PeopleCommand):
    help = gettext_lazy(
        "Import a CDM job body (PATH, or - for stdin) as drafts; the last line printed is the new draft ids."
    )

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("path", help=_("a JSON file, or - to read standard input"))
        parser.add_argument("--owner", required=True, help=_("username that will own the drafts"))
        parser.add_argument("--team", help=_("slug of the team the drafts belong to"))

    def handle(self, *args: Any, path: str, owner: str, team: str | None, **options: Any) -> None:
        user, found_team = owner_and_team(owner, team)
        if found_team is not None and not teams_to_create_in(user).filter(pk=found_team.pk).exists():
            raise CommandError(
                _("%(user)s is not an editor, reviewer or admin of team %(team)s") % {"user": owner, "team": team},
                returncode=2,
            )
        text = read_source(path, sys.stdin)
        try:
            drafts, parsed = import_text(text, user, found_team)
        except PayloadError as exc:
            raise CommandError(_("nothing imported: %(reason)s") % {"reason": exc}, returncode=2) from exc
        for draft in drafts:
            state = _("%(errors)s error(s), %(warnings)s warning(s)") % {
                "errors": draft.error_count,
                "warnings": draft.warning_count,
            }
            self.stdout.write(
                _("draft %(id)s: %(name)s (%(state)s)") % {"id": draft.pk, "name": draft.display_name, "state": state}
            )
        self.stdout.write(" ".join(str(draft.pk) for draft in drafts))

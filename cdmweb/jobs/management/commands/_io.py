from __future__ import annotations

import os
from pathlib import Path
from typing import Any, TextIO

from django.conf import settings
from django.core.management.base import BaseCommand, CommandError, CommandParser
from django.utils import translation
from django.utils.translation import gettext as _

# Where a terminal says which language it reads, in gettext's order (LANGUAGE may list several).
LOCALE_VARIABLES = ("LANGUAGE", "LC_ALL", "LC_MESSAGES", "LANG")


def command_language() -> str:
    """The language a command speaks to people: Chinese when the environment asks for it
    (LANGUAGE=zh_CN, LANG=zh_CN.UTF-8...), else English."""
    for name in LOCALE_VARIABLES:
        value = os.environ.get(name, "").split(":")[0].strip()
        if value:
            return "zh-hans" if value.lower().startswith("zh") else "en"
    return "en"


class PeopleCommand(BaseCommand):
    """A command whose help and lines are read by people: they come in the terminal's language
    (``command_language``). What machines read (JSON, job bodies, ids, CDM's statuses) never
    changes with it."""

    def create_parser(self, prog_name: str, subcommand: str, **kwargs: Any) -> CommandParser:
        with translation.override(command_language()):
            self.help = str(self.help)  # a lazy message, in the language of the terminal
            return super().create_parser(prog_name, subcommand, **kwargs)

    def execute(self, *args: Any, **options: Any) -> Any:
        with translation.override(command_language()):
            return super().execute(*args, **options)


def read_source(path: str, stdin: TextIO) -> str:
    """The text of PATH (or stdin for "-"), refusing what is unreadable or too big, exit 2."""
    limit = settings.CDMWEB_MAX_IMPORT_BYTES
    try:
        if path == "-":
            text = stdin.read(limit + 1)
        else:
            file = Path(path)
            if not file.is_file():
                raise CommandError(_("%(path)s: no such file") % {"path": path}, returncode=2)
            if file.stat().st_size > limit:
                message = _("%(path)s: larger than the %(limit)s-byte limit") % {"path": path, "limit": f"{limit:,}"}
                raise CommandError(message, returncode=2)
            text = file.read_bytes().decode("utf-8-sig")
    except UnicodeDecodeError as exc:
        raise CommandError(_("%(path)s: not UTF-8 text") % {"path": path}, returncode=2) from exc
    except OSError as exc:
        raise CommandError(f"{path}: {exc.strerror or exc}", returncode=2) from exc
    if len(text) > limit:
        raise CommandError(_("input larger than the %(limit)s-byte limit") % {"limit": f"{limit:,}"}, returncode=2)
    return text

"""``makemessages`` without fuzzy matching: a new message stays untranslated (the catalogue test
then names it) instead of borrowing a near neighbour's translation, which once made "Log in" read
退出登录 (log out)."""

from __future__ import annotations

from django.core.management.commands import makemessages


class Command(makemessages.Command):
    msgmerge_options = [*makemessages.Command.msgmerge_options, "--no-fuzzy-matching"]
    # Names the defaults so a bare `manage.py makemessages -l zh_Hans` leaves the tools' trees alone.
    default_ignored = ["node_modules", "build", "tests", "bench", "var", "test-artifacts"]

    def handle(self, *args: object, **options: object) -> None:
        ignore = options.get("ignore_patterns") or []
        options["ignore_patterns"] = [*ignore, *self.default_ignored]  # type: ignore[list-item]
        super().handle(*args, **options)

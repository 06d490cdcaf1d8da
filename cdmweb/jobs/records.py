"""What the history keeps in words (a revision's reason, an audit event's detail), shown in the
reader's language.

The records are written once, in English, as the permanent form: they outlive any one reader, and
an English line is what the admin, logs and exports show. Each shape written by cdmweb is listed
here with its message; a record matching one is translated when shown, its names and values kept as
stored. A record of any other shape (older wording, someone's own text) is shown as it was stored.
"""

from __future__ import annotations

import re
from functools import lru_cache

from django.utils.translation import gettext, gettext_noop

from cdmweb.accounts.access import role_word

# (the stored English, as a pattern with named parts) -> its message. More specific shapes first.
RECORD_SHAPES: list[tuple[str, str]] = [
    (r"created", gettext_noop("created")),
    (r"private", gettext_noop("private")),
    (r"made private", gettext_noop("made private")),
    (r"review requested", gettext_noop("review requested")),
    (r"in the admin: (?P<what>.+)", gettext_noop("in the admin: %(what)s")),
    (r"in (?P<team>.+)", gettext_noop("in %(team)s")),
    (r"with (?P<team>.+)", gettext_noop("with %(team)s")),
    (r"restored revision (?P<number>\d+)", gettext_noop("restored revision %(number)s")),
    (r"revision r(?P<number>\d+)", gettext_noop("revision r%(number)s")),
    (
        r"submitted to (?P<target>.+) \(submission (?P<id>\d+)\)",
        gettext_noop("submitted to %(target)s (submission %(id)s)"),
    ),
    (r"pulled from cluster (?P<cluster>.+)", gettext_noop("pulled from cluster %(cluster)s")),
    (r"set the schedule: (?P<schedule>.+)", gettext_noop("set the schedule: %(schedule)s")),
    (r"added group (?P<group>\S+) \((?P<side>\w+)\)", gettext_noop("added group %(group)s (%(side)s)")),
    (r"removed group (?P<group>\S+) \((?P<side>\w+)\)", gettext_noop("removed group %(group)s (%(side)s)")),
    (r"added (?P<name>\S+) to (?P<group>\S+)", gettext_noop("added %(name)s to %(group)s")),
    (r"moved (?P<name>\S+) up", gettext_noop("moved %(name)s up")),
    (r"moved (?P<name>\S+) down", gettext_noop("moved %(name)s down")),
    (r"removed (?P<name>\S+)", gettext_noop("removed %(name)s")),
    (r"set (?P<name>\S+)", gettext_noop("set %(name)s")),
    (r"header: (?P<fields>.*)", gettext_noop("header: %(fields)s")),
    (r"home cluster: (?P<where>.+)", gettext_noop("home cluster: %(where)s")),
    (r"on (?P<name>.+)", gettext_noop("on %(name)s")),
    (r"target (?P<name>.+) added", gettext_noop("target %(name)s added")),
    (r"target (?P<name>.+) changed", gettext_noop("target %(name)s changed")),
    (r"(?P<user>\S+) removed", gettext_noop("%(user)s removed")),
    (r"(?P<user>\S+) is (?P<role>viewer|editor|reviewer|admin)", gettext_noop("%(user)s is %(role)s")),
    # What a drift check could not do (drift.DriftResult.error, also a task's result).
    (r"not tracked: it names no job on a cluster", gettext_noop("not tracked: it names no job on a cluster")),
    (r"not checked: (?P<reason>.+)", gettext_noop("not checked: %(reason)s")),
    (r"the cluster's job could not be read", gettext_noop("the cluster's job could not be read")),
    (r"nothing deployed or pulled to compare with", gettext_noop("nothing deployed or pulled to compare with")),
    (
        r"(?P<user>\S+) is (?P<role>viewer|editor|reviewer|admin) \(create_team\)",
        gettext_noop("%(user)s is %(role)s (create_team)"),
    ),
]
_COMPILED = [(re.compile(pattern, re.S), message) for pattern, message in RECORD_SHAPES]


@lru_cache(maxsize=4096)
def _shape(record: str) -> tuple[str, tuple[tuple[str, str], ...]] | None:
    """The message a stored record was written from and its parts; None for any other text."""
    for pattern, message in _COMPILED:
        match = pattern.fullmatch(record)
        if match:
            return message, tuple(match.groupdict().items())
    return None


def shown_record(record: str) -> str:
    """A stored record in the active language (as stored when its shape is not one of ours)."""
    shape = _shape(record or "")
    if shape is None:
        return record
    message, parts = shape
    values = dict(parts)
    if "role" in values:
        values["role"] = str(role_word(values["role"]))
    return gettext(message) % values if values else gettext(message)

"""Characters that are there but cannot be seen: zero-width spaces and joiners, soft hyphens, the
byte-order mark, and the bidirectional controls that make text display in another order than it
is (U+202E turns "txt.exe" into what reads as "exe.txt"). In a name (job, link, group, input) they
make two different names look alike, so they are refused; in a value they are kept, since a value
is data, and shown escaped wherever a person reads it.
"""

from __future__ import annotations

import re

INVISIBLE = re.compile(
    "[\u00ad\u034f\u061c\u115f\u1160\u17b4\u17b5\u180e\u200b-\u200f\u202a-\u202e"
    "\u2060-\u2064\u2066-\u206f\u3164\ufeff\ufff9-\ufffb]"
)


def invisible_characters(text: str) -> list[str]:
    """The invisible characters in ``text``, as U+XXXX, each once, in the order they appear."""
    found: list[str] = []
    for char in INVISIBLE.findall(text):
        code = f"U+{ord(char):04X}"
        if code not in found:
            found.append(code)
    return found


def name_problem(text: str) -> str:
    """Why ``text`` cannot be a name, or "": it holds characters that cannot be seen."""
    found = invisible_characters(text)
    if not found:
        return ""
    return (
        f"holds invisible or direction-changing characters ({', '.join(found)}): it would look like "
        "another name. Type it again without them."
    )


def visible(text: str) -> str:
    """``text`` with every invisible character written as its JSON escape (\\u202e): the same
    string to a JSON reader, and plain to see for a person."""
    return INVISIBLE.sub(lambda match: f"\\u{ord(match[0]):04x}", text)

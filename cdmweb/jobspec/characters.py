"""Characters that are there but cannot be seen: format characters (zero-width spaces and joiners,
the bidirectional controls, tag characters), variation selectors, fillers that draw as nothing,
spaces other than the space, controls, private-use and unassigned code points. U+202E turns
"txt.exe" into what reads as "exe.txt"; a tag character makes two names that look the same. In a
name (job, link, group, input) they are refused; in a value they are kept, since a value is data,
and shown escaped wherever a person reads it.
"""

from __future__ import annotations

import re
import unicodedata

from cdmweb.translation import gettext as _

# Only these are looked at one by one; plain printable ASCII never is, so long texts stay fast.
_CANDIDATE = re.compile(r"[^\x20-\x7e\t\n\r]")
# Unicode categories that draw nothing or draw something else: format, control, private use,
# unassigned, line and paragraph separators.
_HIDDEN_CATEGORIES = frozenset({"Cf", "Cc", "Co", "Cn", "Zl", "Zp"})
# Letters and marks that draw as nothing: Hangul fillers, the braille blank, the combining
# grapheme joiner, Mongolian free variation selectors.
_BLANK = frozenset("\u115f\u1160\u3164\uffa0\u2800\u034f\u180b\u180c\u180d\u180f")


def is_invisible(char: str) -> bool:
    code = ord(char)
    if 0xFE00 <= code <= 0xFE0F or 0xE0100 <= code <= 0xE01EF:  # variation selectors
        return True
    category = unicodedata.category(char)
    return category in _HIDDEN_CATEGORIES or (category == "Zs" and char != " ") or char in _BLANK


def invisible_characters(text: str) -> list[str]:
    """The invisible characters in ``text``, as U+XXXX, each once, in the order they appear."""
    found: list[str] = []
    for match in _CANDIDATE.finditer(text):
        char = match[0]
        code = f"U+{ord(char):04X}"
        if is_invisible(char) and code not in found:
            found.append(code)
    return found


def invisible_list(text: str) -> str:
    """The invisible characters of ``text`` as one list ("U+202E, U+200B"), or "" when it has none:
    what a message about a name holding them shows (each message says the whole sentence)."""
    return ", ".join(invisible_characters(text))


def name_problem(text: str) -> str:
    """Why ``text`` cannot be a name, or "": it holds characters that cannot be seen. The words
    follow the name's subject ("The job name …"); a whole sentence reads better where one is
    written for the subject (``invisible_list`` gives the characters)."""
    codes = invisible_list(text)
    if not codes:
        return ""
    return _(
        "holds invisible or direction-changing characters ({codes}): it would look like "
        "another name. Type it again without them."
    ).format(codes=codes)


def visible(text: str) -> str:
    """``text`` with every invisible character written as its JSON escape (\\u202e; a pair of
    them beyond the first plane): the same string to a JSON reader, and plain to see for a person."""
    return _CANDIDATE.sub(lambda match: _escaped(match[0]) if is_invisible(match[0]) else match[0], text)


def _escaped(char: str) -> str:
    code = ord(char)
    if code < 0x10000:
        return f"\\u{code:04x}"
    code -= 0x10000
    return f"\\u{0xD800 + (code >> 10):04x}\\u{0xDC00 + (code & 0x3FF):04x}"

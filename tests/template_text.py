"""Finds text in a template that a user would read but that does not go through translation.

Django's template tags and variables are taken out first ({% translate %} and {% blocktranslate %}
are translated; a variable is data or already translated in Python). What is left is HTML: its text
and the attributes people read (title, placeholder, aria-label, alt) must hold no English words.
Code, names and values are never translated, so the rule leaves alone what is inside <code>, <kbd>,
<pre>, <script> and <style>, anything in an element marked with its own lang="…" or translate="no", and tokens that read
as names rather than words: identifiers with dots, dashes, underscores, digits or inner capitals
(fromJobConfig.tableName, Cdm.0104, X-Language), words in capitals (SUCCEEDED, CDM, JSON), and
cdmweb itself.
"""

from __future__ import annotations

import re
from html.parser import HTMLParser

READ_ATTRIBUTES = {
    "title",
    "placeholder",
    "aria-label",
    "alt",
    "aria-roledescription",
    "aria-description",
    "hx-confirm",
    "hx-prompt",
    "data-bs-title",
    "label",
}
VERBATIM = {"code", "kbd", "pre", "script", "style", "samp", "var"}
VOID = {"area", "base", "br", "col", "embed", "hr", "img", "input", "link", "meta", "source", "track", "wbr"}
# cdmweb itself, and JSON's literals as help texts quote them ("为true时").
NAMES = {"cdmweb", "htmx", "true", "false", "null"}

_COMMENT = re.compile(r"\{#.*?#\}|\{%\s*comment\s*%\}.*?\{%\s*endcomment\s*%\}", re.S)
_BLOCK_TRANSLATE = re.compile(r"\{%\s*blocktrans(?:late)?\b.*?%\}.*?\{%\s*endblocktrans(?:late)?\s*%\}", re.S)
_TAG = re.compile(r"\{%.*?%\}|\{\{.*?\}\}", re.S)
_VARIABLE = re.compile(r"\{\{.*?\}\}", re.S)
# A literal a filter shows when a value is missing ({{ x|default:"none yet" }}) is text like any other.
_DEFAULT_LITERAL = re.compile(r"\|(?:default|default_if_none|yesno):(?:\"([^\"]*)\"|'([^']*)')")
# {% firstof a b "nothing yet" %} shows its literal when the rest are empty.
_FIRSTOF = re.compile(r"\{%\s*firstof\b(.*?)%\}", re.S)
_LITERAL = re.compile(r"\"([^\"]*)\"|'([^']*)'")
WORD = re.compile(r"[A-Za-z][A-Za-z0-9'’.\-_/:@${}()*]*")


def is_name(token: str) -> bool:
    token = token.strip(".:,;()'’")
    if not re.search(r"[A-Za-z]", token) or token.lower() in NAMES:
        return True
    if re.search(r"[._\-/0-9@${}*]", token) or token.isupper():
        return True
    return bool(re.search(r"[a-z][A-Z]", token))  # camelCase: an input or Java name


def english_words(text: str) -> list[str]:
    return [word for word in WORD.findall(text) if not is_name(word)]


class _TextFinder(HTMLParser):
    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.stack: list[tuple[str, bool]] = []  # (tag, whether its text is left alone)
        self.found: list[str] = []

    def _verbatim(self) -> bool:
        return any(skip for _, skip in self.stack)

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        values = dict(attrs)
        # <html lang> names the page's language; an element's own lang marks text kept in that language.
        # translate="no" is HTML's own mark for a name that stays as it is (an input's key).
        skip = tag in VERBATIM or ("lang" in values and tag != "html") or values.get("translate") == "no"
        if not (skip or self._verbatim()):
            for name, value in attrs:
                if name in READ_ATTRIBUTES and value and english_words(value):
                    self.found.append(f'{tag}[{name}]="{value.strip()}"')
                if tag == "input" and name == "value" and values.get("type") in {"submit", "button"} and value:
                    if english_words(value):
                        self.found.append(f'input[value]="{value}"')
        if tag not in VOID:
            self.stack.append((tag, skip))

    def handle_startendtag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        self.handle_starttag(tag, attrs)
        if tag not in VOID and self.stack:
            self.stack.pop()

    def handle_endtag(self, tag: str) -> None:
        for index in range(len(self.stack) - 1, -1, -1):
            if self.stack[index][0] == tag:
                del self.stack[index:]
                break

    def handle_data(self, data: str) -> None:
        if not self._verbatim() and english_words(data):
            self.found.append(" ".join(data.split()))


def untranslated_text(source: str) -> list[str]:
    """Each piece of text in a template's source that a user reads in English whatever their language."""
    source = _COMMENT.sub(" ", source)
    source = _BLOCK_TRANSLATE.sub(" ", source)
    source = _VARIABLE.sub(_shown_literals, source)
    source = _FIRSTOF.sub(lambda tag: " " + " ".join("".join(pair) for pair in _LITERAL.findall(tag[1])) + " ", source)
    finder = _TextFinder()
    finder.feed(_TAG.sub(" ", source))
    finder.close()
    return finder.found


def _shown_literals(variable: re.Match[str]) -> str:
    literals = ["".join(pair) for pair in _DEFAULT_LITERAL.findall(variable[0])]
    return " " + " ".join(literals) + " "

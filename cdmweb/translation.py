"""The interface's language for code that must not import Django (the job core, the catalogue).

The pure modules mark their messages with ``gettext`` (and module-level ones with ``gettext_noop``,
translated where they are shown) from here, so ``makemessages`` finds them like any other. The web
app installs Django's own functions at start-up (``AccountsConfig.ready``); before that, and in
scripts that never start Django, messages stay English and the language is "en".
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Iterator
from contextlib import contextmanager
from contextvars import ContextVar


def _english_plural(singular: str, plural: str, count: int) -> str:
    return singular if count == 1 else plural


def _english() -> str | None:
    return "en"


_gettext: Callable[[str], str] = str
_ngettext: Callable[[str, str, int], str] = _english_plural
_language: Callable[[], str | None] = _english


def install(
    gettext_function: Callable[[str], str],
    ngettext_function: Callable[[str, str, int], str],
    language_function: Callable[[], str | None],
) -> None:
    global _gettext, _ngettext, _language
    _gettext, _ngettext, _language = gettext_function, ngettext_function, language_function


# Within ``one_language()``: each message's translation, asked once.
_TRANSLATED: ContextVar[dict[str, str] | None] = ContextVar("cdmweb_translated", default=None)


def gettext(message: str) -> str:
    translated = _TRANSLATED.get()
    if translated is None:
        return _gettext(message)
    text = translated.get(message)
    if text is None:
        text = translated[message] = _gettext(message)
    return text


@contextmanager
def one_language() -> Iterator[None]:
    """A stretch of work in which the language does not change, so each message is translated once
    (validation says the same sentence for hundreds of inputs; a lookup of the language and the
    catalogue each time is most of what a finding costs)."""
    token = _TRANSLATED.set({})
    try:
        yield
    finally:
        _TRANSLATED.reset(token)


def ngettext(singular: str, plural: str, count: int) -> str:
    return _ngettext(singular, plural, count)


def gettext_noop(message: str) -> str:
    """Marks a message for the catalogue where it is defined; ``gettext`` translates it where shown."""
    return message


def joined(items: Iterable[object]) -> str:
    """Names in a list as the language writes one: "a, b, c" or "a、b、c"."""
    return gettext(", ").join(str(item) for item in items)


def language() -> str:
    """The active language's code ("en", "zh-hans"); "en" when none is active."""
    return _language() or "en"


def is_chinese() -> bool:
    return language().startswith("zh")

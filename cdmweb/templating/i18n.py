"""Django's ``i18n`` template library, with ``{% translate "constant" %}`` remembered per language.

Django translates a constant each time the tag renders: a lazy string, resolved, escaped, its
percent signs restored. The designer draws that tag some 800 times a page (ten per input row), and
its output depends on nothing but the language, so each (language, context, text) is rendered once
by Django's own node and then reused. Everything else is Django's tags unchanged. Installed in
settings (TEMPLATES OPTIONS "libraries") as ``cdmweb_i18n``: templates ``{% load cdmweb_i18n %}``
instead of ``i18n`` (a second library under Django's own name fails system check W003), and
makemessages reads their tags as before. A changed .mo file (runserver's reloader) empties the memory.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

from django.template import Context, Library, Node
from django.template.base import Parser, Token, Variable
from django.templatetags import i18n as django_i18n
from django.utils import translation
from django.utils.autoreload import file_changed

register = Library()
register.tags.update(django_i18n.register.tags)
register.filters.update(django_i18n.register.filters)

_RENDERED: dict[tuple[str, str | None, str], str] = {}
_LANGUAGE_KEY = "cdmweb_i18n_language"


class RememberedTranslateNode(Node):
    """Django's TranslateNode for a constant text, rendered once per language."""

    child_nodelists = ()

    def __init__(self, node: django_i18n.TranslateNode, text: str, message_context: str | None) -> None:
        self.node, self.text, self.message_context = node, text, message_context

    def render(self, context: Context) -> str:
        # The language cannot change while a template renders: asked once per render, not per tag.
        language = context.render_context.get(_LANGUAGE_KEY)
        if language is None:
            language = context.render_context[_LANGUAGE_KEY] = translation.get_language() or ""
        key = (language, self.message_context, self.text)
        rendered = _RENDERED.get(key)
        if rendered is None:
            rendered = _RENDERED[key] = self.node.render(context)
        return rendered


def _constant(expression: Any) -> str | None:
    """The literal text of a filter expression with no filters, else None."""
    if expression is None or expression.filters or not isinstance(expression.var, Variable):
        return None
    literal = expression.var.literal
    return literal if isinstance(literal, str) else None


@register.tag("translate")
@register.tag("trans")
def do_translate(parser: Parser, token: Token) -> Node:
    node = django_i18n.do_translate(parser, token)
    text = _constant(node.filter_expression)
    if node.noop or node.asvar or text is None:
        return node
    if node.message_context is None:
        return RememberedTranslateNode(node, text, None)
    message_context = _constant(node.message_context)
    return node if message_context is None else RememberedTranslateNode(node, text, message_context)


def _forget_on_new_catalogue(sender: Any, file_path: Path, **kwargs: Any) -> None:
    if file_path.suffix == ".mo":
        _RENDERED.clear()


file_changed.connect(_forget_on_new_catalogue, dispatch_uid="cdmweb_translate_memory")

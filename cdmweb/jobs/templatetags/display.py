"""Filters for showing values in the user's language: a dict entry by a variable key, a moment, a
duration, a count and a byte count."""

from __future__ import annotations

import datetime
from typing import Any

from django import template
from django.utils import formats, timezone
from django.utils.timesince import timesince
from django.utils.translation import gettext, ngettext

register = template.Library()


@register.filter
def record(text: str) -> str:
    """A revision's reason or an audit event's detail, in the reader's language."""
    from cdmweb.jobs.records import shown_record

    return shown_record(text)


@register.filter
def get_item(mapping: Any, key: Any) -> Any:
    """``{{ errors|get_item:row.id }}``: a dict lookup by a variable key, empty when absent."""
    if not mapping:
        return ()
    return mapping.get(key, ())


@register.filter(name="bytes")
def human_bytes(value: int | None) -> str:
    """1536 -> "1.5 KB"; what the submission page shows for bytes read and written."""
    size = float(value or 0)
    for unit in ("B", "KB", "MB", "GB", "TB"):
        if size < 1024 or unit == "TB":
            break
        size /= 1024
    return f"{number(size, 0 if unit == 'B' else 1)} {unit}"


@register.filter
def listed(items: Any) -> str:
    """``{{ names|listed }}``: "a, b" in English, "a、b" in Chinese."""
    from cdmweb.translation import joined

    return joined(items or ())


@register.filter
def number(value: Any, decimals: int = 0) -> str:
    """12345 -> "12,345" with the language's separators; empty for no value."""
    if value is None or value == "":
        return ""
    try:
        return formats.number_format(float(value), decimal_pos=int(decimals), use_l10n=True, force_grouping=True)
    except (TypeError, ValueError):
        return str(value)


@register.filter
def when(value: datetime.datetime | None, precision: str = "minutes") -> str:
    """A moment in the server's zone, as the language writes it: "2026-11-30 06:53" or
    "2026年11月30日 06:53"; ``|when:"seconds"`` adds the seconds."""
    if not value:
        return ""
    if timezone.is_aware(value):
        value = timezone.localtime(value)
    name = "DATETIME_FORMAT" if precision == "seconds" else "SHORT_DATETIME_FORMAT"
    return formats.date_format(value, name, use_l10n=True)


@register.filter
def since(value: datetime.datetime | None) -> str:
    """``timesince`` for a sentence ("asked by bob {{ x|since }} ago"), "less than a minute"
    instead of "0 minutes"."""
    if not value:
        return ""
    if (timezone.now() - value).total_seconds() < 60:
        return gettext("less than a minute")
    return timesince(value)


@register.filter
def ago(value: datetime.datetime | None) -> str:
    """How long ago, as people say it: "just now" under a minute (never "0 minutes ago")."""
    if not value:
        return ""
    if (timezone.now() - value).total_seconds() < 60:
        return gettext("just now")
    return gettext("%(time)s ago") % {"time": timesince(value)}


@register.filter
def duration(seconds: float | int | None) -> str:
    """75 -> "1 min 15 s" (in Chinese "1 分 15 秒"); under a minute, tenths of a second."""
    if seconds is None or seconds == "":
        return ""
    total = float(seconds)
    if total < 60:
        return gettext("%(seconds)s s") % {"seconds": number(total, 1)}
    whole = int(round(total))
    hours, rest = divmod(whole, 3600)
    minutes, secs = divmod(rest, 60)
    parts = []
    if hours:
        parts.append(ngettext("%(count)d h", "%(count)d h", hours) % {"count": hours})
    if minutes or hours:
        parts.append(ngettext("%(count)d min", "%(count)d min", minutes) % {"count": minutes})
    if secs and not hours:
        parts.append(gettext("%(seconds)s s") % {"seconds": secs})
    return " ".join(parts)

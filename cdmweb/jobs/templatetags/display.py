"""Filters for showing values: a dict entry by a variable key, a byte count for people."""

from typing import Any

from django import template

register = template.Library()


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
            return f"{size:.0f} {unit}" if unit == "B" else f"{size:.1f} {unit}"
        size /= 1024
    return f"{size:.1f} TB"

from typing import Any

from django import template

register = template.Library()


@register.filter
def get_item(mapping: Any, key: Any) -> Any:
    """``{{ errors|get_item:row.id }}``: a dict lookup by a variable key, empty when absent."""
    if not mapping:
        return ()
    return mapping.get(key, ())

from django import template

register = template.Library()


@register.filter(name="bytes")
def human_bytes(value: int | None) -> str:
    """1536 -> "1.5 KB"; what the submission page shows for bytes read and written."""
    size = float(value or 0)
    for unit in ("B", "KB", "MB", "GB", "TB"):
        if size < 1024 or unit == "TB":
            return f"{size:.0f} {unit}" if unit == "B" else f"{size:.1f} {unit}"
        size /= 1024
    return f"{size:.1f} TB"

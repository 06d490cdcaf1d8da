"""A finding, in the shape of CDM's own ``validation-result`` entries plus the input it concerns."""

from __future__ import annotations

import re
from typing import Any

ERROR, WARNING = "ERROR", "WARNING"
Finding = dict[str, Any]
# A value CDM does not read as written: a macro DataArts expands, or URL escapes a GET returns.
OPAQUE = re.compile(r"\$\{|%[0-9A-Fa-f]{2}")


def finding(status: str, message: str, code: str = "", input: str = "", where: dict[str, Any] | None = None) -> Finding:
    result: Finding = {"status": status, "message": message, "code": code, "input": input}
    if where is not None:
        result["where"] = where
    return result


def as_text(value: Any) -> str | None:
    """The string CDM reads from a value: strings as they are, and the typed scalars a GET returns
    (22, true) as CDM writes them ("22", "true"); lists, objects and null are no text."""
    if isinstance(value, str):
        return value
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, int | float):
        return str(value)
    return None
